"""Projecting onto the vocabulary only where a loss is taken gives the full projection's loss and gradients."""

from __future__ import annotations

import pytest
import torch
from peft import LoraConfig, PromptTuningConfig, get_peft_model

from ftkit.data import chat_row, padding_collator, to_train_dataset
from ftkit.scored_positions import ScoredPositionsCollator, projects_scored_positions, with_scored_positions

ROWS = [
    chat_row("Which department sees a child with a rash and fever?", "paediatrics"),
    chat_row("Where does a broken wrist go?", '{"urgency": "urgent", "department": "orthopaedics"}'),
    chat_row("Chest pain at rest for an hour, sweating. Triage?", '{"urgency": "emergency"}'),
]


def padded_batch(tokenizer) -> dict:
    """The three rows, tokenized with their answer labels and padded to one length."""
    dataset = to_train_dataset(ROWS, tokenizer)
    return padding_collator(tokenizer)([dataset[i] for i in range(len(dataset))])


def loss_and_gradients(model, batch: dict) -> tuple[float, list[torch.Tensor]]:
    """The model's loss on the batch and the gradient of every parameter."""
    model.zero_grad(set_to_none=True)
    loss = model(**batch).loss
    loss.backward()
    return loss.item(), [p.grad.clone() for p in model.parameters() if p.grad is not None]


def test_keeps_exactly_the_positions_whose_next_token_is_labelled(tokenizer):
    labels = torch.tensor([[-100, -100, 5, 6, -100], [-100, 7, 8, 9, 10]])
    batch = with_scored_positions({"input_ids": torch.zeros_like(labels), "labels": labels})
    expected = torch.tensor([[False, True, True, False, False], [True, True, True, True, False]])
    assert torch.equal(batch["logits_to_keep"], expected)
    assert batch["shift_labels"].tolist() == [5, 6, 7, 8, 9, 10]


def test_same_loss_and_gradients_as_the_full_projection(tiny_model, tokenizer):
    batch = padded_batch(tokenizer)
    full_loss, full_gradients = loss_and_gradients(tiny_model, batch)
    scored_loss, scored_gradients = loss_and_gradients(tiny_model, with_scored_positions(batch))
    assert scored_loss == pytest.approx(full_loss, abs=1e-5)
    assert len(scored_gradients) == len(full_gradients)
    for scored, full in zip(scored_gradients, full_gradients):
        torch.testing.assert_close(scored, full, rtol=1e-4, atol=1e-6)


def test_projects_only_the_scored_positions(tiny_model, tokenizer):
    batch = padded_batch(tokenizer)
    labelled_next_tokens = int((batch["labels"][:, 1:] != -100).sum())
    logits = tiny_model(**with_scored_positions(batch)).logits
    assert logits.shape == (labelled_next_tokens, len(tokenizer))
    assert labelled_next_tokens < batch["input_ids"].numel() / 2  # the prompts are most of every row


def test_lora_models_project_scored_positions(tiny_model):
    lora = get_peft_model(tiny_model, LoraConfig(r=2, target_modules=["q_proj", "v_proj"]))
    assert projects_scored_positions(lora)
    assert projects_scored_positions(lora.get_base_model())


def test_prompt_tuning_adds_virtual_tokens_so_it_keeps_the_full_projection(tiny_model):
    prompt_tuned = get_peft_model(tiny_model, PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=4))
    assert not projects_scored_positions(prompt_tuned)


def test_a_model_without_logits_to_keep_is_left_alone():
    assert not projects_scored_positions(torch.nn.Linear(2, 2))


def test_the_collator_passes_unlabelled_batches_through():
    collator = ScoredPositionsCollator(lambda features: {"input_ids": torch.tensor(features)})
    assert set(collator([[1, 2]])) == {"input_ids"}
