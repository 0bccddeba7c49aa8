"""TopLayersLM: the cached path gives the whole model's losses; adapters train through the Trainer; row losses are filed."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from peft import LoraConfig, get_peft_model
from transformers import EvalPrediction

from ftkit.cached_body import (
    RowCollator, RowLossLog, TopLayersLM, answer_tokens, collate_rows, next_token_logprobs, row_losses, with_body_outputs,
)
from ftkit.data import chat_row, padding_collator, to_train_dataset
from ftkit.train import TrainConfig, train

ANSWERS = ["Leeds", "a teapot and a rug", "7", "on hold, since Monday"]


def token_rows(tokenizer, count: int = 4) -> list[dict]:
    """Chat rows of different lengths, tokenized with the loss on the answer only."""
    rows = [chat_row(f"Order {100 + i}: question number {i}" + " more" * i, ANSWERS[i % 4]) for i in range(count)]
    return [dict(row) for row in to_train_dataset(rows, tokenizer)]


def whole_model_loss(model, tokenizer, rows: list[dict]) -> float:
    """The Hugging Face model's own mean answer-token loss over one padded batch."""
    batch = padding_collator(tokenizer)([{k: row[k] for k in ("input_ids", "attention_mask", "labels")} for row in rows])
    with torch.no_grad():
        return model(**batch).loss.item()


def test_cached_and_full_paths_give_the_whole_models_loss(tiny_model, tokenizer):
    tiny_model.eval()
    rows = token_rows(tokenizer)
    expected = whole_model_loss(tiny_model, tokenizer, rows)
    top = TopLayersLM(tiny_model, first_trained=1).eval()
    cached = with_body_outputs(top, rows, tokenizer.pad_token_id, batch_size=3)  # a batch that pads, and one that does not
    with torch.no_grad():
        from_cache = top(**collate_rows(cached, tokenizer.pad_token_id))["loss"].item()
        from_tokens = top(**collate_rows(rows, tokenizer.pad_token_id))["loss"].item()
    assert from_cache == pytest.approx(expected, abs=1e-5)
    assert from_tokens == pytest.approx(expected, abs=1e-5)


def test_row_loss_is_each_rows_own_answer_loss(tiny_model, tokenizer):
    tiny_model.eval()
    rows = token_rows(tokenizer)
    top = TopLayersLM(tiny_model, first_trained=1)
    losses = row_losses(top, with_body_outputs(top, rows, tokenizer.pad_token_id), tokenizer.pad_token_id, batch_size=2)
    expected = [whole_model_loss(tiny_model, tokenizer, [row]) for row in rows]
    np.testing.assert_allclose(losses, expected, atol=1e-5)


def test_wrapping_freezes_the_model_and_rejects_a_layer_outside_it(tiny_model):
    TopLayersLM(tiny_model, first_trained=1)
    assert not any(parameter.requires_grad for parameter in tiny_model.parameters())
    for bad in (0, 2):
        with pytest.raises(ValueError, match="first_trained must be between 1 and 1"):
            TopLayersLM(tiny_model, first_trained=bad)


def test_collator_pads_ids_labels_and_cached_outputs(tokenizer):
    rows = [{"input_ids": [5, 6, 7], "labels": [-100, 6, 7], "body_hidden": torch.ones(3, 2)},
            {"input_ids": [8], "labels": [8], "body_hidden": torch.ones(1, 2)}]
    batch = RowCollator(pad_token_id=0)(rows)
    assert batch["input_ids"].tolist() == [[5, 6, 7], [8, 0, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert batch["labels"].tolist() == [[-100, 6, 7], [8, -100, -100]]
    assert batch["body_hidden"][1].tolist() == [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]
    assert "body_hidden" not in RowCollator(0)([rows[0], {"input_ids": [1], "labels": [1]}])


def test_row_loss_log_files_each_sets_losses_under_its_step():
    class State:
        global_step = 8

    log = RowLossLog()
    assert log(EvalPrediction(predictions=np.array([1.0, 3.0]), label_ids=None)) == {"row_loss": 2.0}
    log.on_evaluate(None, State(), None, metrics={"eval_valid_row_loss": 2.0, "eval_valid_loss": 2.1})
    log(EvalPrediction(predictions=np.array([0.5]), label_ids=None))
    log.on_evaluate(None, State(), None, metrics={"eval_row_loss": 0.5})
    assert {name: {step: v.tolist() for step, v in steps.items()} for name, steps in log.by_set.items()} == \
        {"valid": {8: [1.0, 3.0]}, "eval": {8: [0.5]}}


def test_lora_on_the_top_layer_trains_through_the_trainer_and_reloads_the_best(tiny_model, tokenizer, tmp_path):
    rows = token_rows(tokenizer, count=8)
    top = TopLayersLM(tiny_model, first_trained=1)
    cached = with_body_outputs(top, rows, tokenizer.pad_token_id)
    model = get_peft_model(top, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], layers_to_transform=[1]))
    log = RowLossLog()
    config = TrainConfig(max_steps=6, learning_rate=1e-2, per_device_train_batch_size=4, eval_steps=2, label_names=["labels"],
                         output_dir=str(tmp_path), report_to="none", load_best_model_at_end=True,
                         metric_for_best_model="eval_valid_row_loss", greater_is_better=False, save_strategy="steps",
                         save_steps=2, save_only_model=True)
    before = row_losses(model, cached, tokenizer.pad_token_id)
    result = train(model, tokenizer, cached, {"valid": cached[:4], "train": cached}, config, callbacks=[log],
                   data_collator=RowCollator(tokenizer.pad_token_id), compute_metrics=log)
    assert sorted(log.by_set) == ["train", "valid"] and sorted(log.by_set["valid"]) == [2, 4, 6]
    curve = {step: losses.mean() for step, losses in log.by_set["train"].items()}
    assert curve[6] < before.mean()  # the adapter learnt the training rows
    best = min(log.by_set["valid"], key=lambda step: log.by_set["valid"][step].mean())
    restored = row_losses(model, cached[:4], tokenizer.pad_token_id)
    np.testing.assert_allclose(restored, log.by_set["valid"][best], atol=1e-5)  # the best checkpoint is in memory
    assert result.trainer.state.best_model_checkpoint.endswith(f"checkpoint-{best}")


def test_a_row_without_an_answer_token_is_refused_and_counts_are_per_row(tiny_model, tokenizer):
    assert answer_tokens([{"labels": [-100, -100, 5, 6, 7]}, {"labels": [-100, 9]}]).tolist() == [3, 1]
    rows = token_rows(tokenizer, count=2)
    cut = {"input_ids": rows[0]["input_ids"][:4], "labels": [-100] * 4}  # the answer cut off entirely
    with pytest.raises(ValueError, match="row 1 of the batch has no answer token"):
        row_losses(TopLayersLM(tiny_model, first_trained=1), [rows[1], cut], tokenizer.pad_token_id)


def test_next_token_logprobs_match_the_whole_models_last_position(tiny_model, tokenizer):
    tiny_model.eval()
    prompts = [{"input_ids": row["input_ids"][: 5 + i]} for i, row in enumerate(token_rows(tokenizer, 3))]
    wanted = [7, 11, 42]
    expected = []
    with torch.no_grad():
        for row in prompts:  # one row at a time: no padding, the model's own last position
            logits = tiny_model(input_ids=torch.tensor([row["input_ids"]])).logits[0, -1]
            expected.append(torch.log_softmax(logits.float(), dim=-1)[wanted].numpy())
    top = TopLayersLM(tiny_model, first_trained=1)
    from_tokens = next_token_logprobs(top, prompts, wanted, tokenizer.pad_token_id, batch_size=2)  # padded batches
    from_cache = next_token_logprobs(top, with_body_outputs(top, prompts, tokenizer.pad_token_id), wanted, tokenizer.pad_token_id)
    np.testing.assert_allclose(from_tokens, np.stack(expected), atol=1e-5)
    np.testing.assert_allclose(from_cache, np.stack(expected), atol=1e-5)
