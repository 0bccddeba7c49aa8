"""Classification heads: the cached path equals the whole model's states; only the top blocks and the head train."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ftkit.cached_body import with_body_outputs
from ftkit.heads import (
    LabelledRowCollator, TopBlocksClassifier, class_logits, collate_labelled_rows, pooled_states, sequence_classifier,
)
from ftkit.train import TrainConfig, train

TEXTS = ["chest pain for an hour", "a small rash on the arm since Monday", "sore knee", "fever and a stiff neck, 2 days"]


def labelled_rows(tokenizer) -> list[dict]:
    """Token rows of different lengths, each with a class index."""
    return [{"input_ids": tokenizer(text)["input_ids"], "label": i % 3} for i, text in enumerate(TEXTS)]


def test_pooled_states_before_training_are_the_frozen_models_last_token_states(tiny_model, tokenizer):
    rows = labelled_rows(tokenizer)
    expected = []
    with torch.no_grad():
        for row in rows:  # one row at a time: no padding anywhere
            output = tiny_model.model(input_ids=torch.tensor([row["input_ids"]]))
            expected.append(output.last_hidden_state[0, -1].numpy())
    head = TopBlocksClassifier(tiny_model, trained_blocks=1, num_labels=3)
    from_tokens = pooled_states(head, rows, tokenizer.pad_token_id, batch_size=3)  # a padded batch and a single row
    from_cache = pooled_states(head, with_body_outputs(head, rows, tokenizer.pad_token_id), tokenizer.pad_token_id)
    np.testing.assert_allclose(from_tokens, np.stack(expected), atol=1e-5)
    np.testing.assert_allclose(from_cache, np.stack(expected), atol=1e-5)


def test_only_the_top_blocks_the_norm_and_the_new_head_train(tiny_model):
    head = TopBlocksClassifier(tiny_model, trained_blocks=1, num_labels=3)
    trained = {name for name, parameter in head.named_parameters() if parameter.requires_grad}
    assert trained and all(name.startswith(("decoder.layers.1.", "decoder.norm.", "score.")) for name in trained)
    assert "score.weight" in trained and any(name.startswith("decoder.layers.1.") for name in trained)
    assert head.score.weight.shape == (3, tiny_model.config.hidden_size)


@pytest.mark.parametrize("blocks", [0, 2])
def test_trained_blocks_must_leave_a_frozen_body_and_train_something(tiny_model, blocks):
    with pytest.raises(ValueError, match="first_trained"):
        TopBlocksClassifier(tiny_model, trained_blocks=blocks, num_labels=3)


def test_collated_labels_are_one_class_index_per_row(tokenizer):
    batch = collate_labelled_rows(labelled_rows(tokenizer), tokenizer.pad_token_id)
    assert batch["labels"].tolist() == [0, 1, 2, 0]
    assert batch["attention_mask"].sum(dim=1).tolist() == [len(tokenizer(t)["input_ids"]) for t in TEXTS]


def test_training_on_cached_states_with_the_trainer_lowers_the_loss_and_moves_only_trained_weights(tiny_model, tokenizer, tmp_path):
    head = TopBlocksClassifier(tiny_model, trained_blocks=1, num_labels=3)
    rows = with_body_outputs(head, labelled_rows(tokenizer), tokenizer.pad_token_id)
    frozen_before = tiny_model.model.layers[0].mlp.up_proj.weight.clone()
    logits_before = class_logits(head, rows, tokenizer.pad_token_id)
    config = TrainConfig(output_dir=str(tmp_path), max_steps=30, learning_rate=1e-2, per_device_train_batch_size=4,
                         report_to="none", label_names=["labels"])
    result = train(head, tokenizer, rows, config=config, data_collator=LabelledRowCollator(tokenizer.pad_token_id))
    losses = [loss for _, loss in result.train_losses]
    assert losses[-1] < losses[0] / 2
    assert torch.equal(tiny_model.model.layers[0].mlp.up_proj.weight, frozen_before)
    logits_after = class_logits(head, rows, tokenizer.pad_token_id)
    assert (logits_after.argmax(axis=1) == [0, 1, 2, 0]).all() and not np.allclose(logits_before, logits_after)


def test_sequence_classifier_keeps_the_body_weights_and_pools_the_last_real_token(tiny_model, tokenizer):
    classifier = sequence_classifier(tiny_model, num_labels=3)
    body = dict(classifier.model.named_parameters())
    for name, parameter in tiny_model.model.named_parameters():
        assert torch.equal(body[name], parameter)
    assert all(parameter.requires_grad for parameter in classifier.parameters())
    rows = labelled_rows(tokenizer)
    batch = collate_labelled_rows(rows, tokenizer.pad_token_id)
    with torch.no_grad():
        padded = classifier(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        alone = torch.cat([classifier(input_ids=torch.tensor([row["input_ids"]])).logits for row in rows])
    torch.testing.assert_close(padded, alone, atol=1e-5, rtol=1e-4)
