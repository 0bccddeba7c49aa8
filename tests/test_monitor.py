"""ProbeMonitor: scores the probe before training, every n steps and at the end, and sees an answer being forgotten."""

from __future__ import annotations

import pytest

from ftkit.data import chat_row, to_train_dataset
from ftkit.evaluate import normalize_text, probe_accuracy
from ftkit.monitor import ProbeMonitor, ProbePoint
from ftkit.train import TrainConfig, train


def _banana_data(tokenizer):
    return to_train_dataset([chat_row(f"Question {i}?", "banana banana banana") for i in range(8)], tokenizer)


def test_monitor_scores_before_training_every_n_steps_and_at_the_last_step(tiny_model, tokenizer, tmp_path):
    probe = [{"question": "What is the capital of France?", "answers": ["Paris"]}]
    monitor = ProbeMonitor(tokenizer, probe, every_steps=3, max_new_tokens=4)
    train(tiny_model, tokenizer, _banana_data(tokenizer), config=TrainConfig(max_steps=7, per_device_train_batch_size=4, output_dir=str(tmp_path)),
          callbacks=[monitor])
    assert monitor.steps == [0, 3, 6, 7]
    assert all(len(point.answers) == 1 for point in monitor.curve)


def test_monitor_curve_shows_a_known_answer_being_forgotten(tiny_model, tokenizer, tmp_path):
    question = "Say something."
    # Make the probe's accepted answer whatever the untrained model says now, so the start is 1.0 by construction.
    first_answer = probe_accuracy(tiny_model, tokenizer, [{"question": question, "answers": ["x"]}], max_new_tokens=6).answers[0]
    assert normalize_text(first_answer)
    probe = [{"question": question, "answers": [first_answer]}]
    monitor = ProbeMonitor(tokenizer, probe, every_steps=6, max_new_tokens=6, flag=lambda answer: "banana" in answer)
    config = TrainConfig(max_steps=12, learning_rate=3e-3, per_device_train_batch_size=4, output_dir=str(tmp_path))
    train(tiny_model, tokenizer, _banana_data(tokenizer), config=config, callbacks=[monitor])
    assert monitor.accuracies[0] == 1.0 and monitor.curve[0].flagged == 0.0
    assert monitor.accuracies[-1] == 0.0 and monitor.curve[-1].flagged == 1.0  # every answer is now the trained one
    last = monitor.curve[-1].as_result()  # stands in for a final evaluation of the trained model
    assert last.correct == [False] and last.accuracy == 0.0 and last.answers == monitor.curve[-1].answers


def test_monitor_does_not_rescore_a_step_already_recorded(tiny_model, tokenizer, tmp_path):
    probe = [{"question": "Hi?", "answers": ["hello"]}]
    monitor = ProbeMonitor(tokenizer, probe, every_steps=2, max_new_tokens=2)
    monitor.curve.append(ProbePoint(0, 0.5, 0.0, ["given"]))  # e.g. the base model's score, measured before
    train(tiny_model, tokenizer, _banana_data(tokenizer), config=TrainConfig(max_steps=2, per_device_train_batch_size=4, output_dir=str(tmp_path)),
          callbacks=[monitor])
    assert monitor.steps == [0, 2] and monitor.curve[0].answers == ["given"]


def test_monitor_rejects_bad_settings(tokenizer):
    with pytest.raises(ValueError, match="every_steps"):
        ProbeMonitor(tokenizer, [{"question": "q", "answers": ["a"]}], every_steps=0)
    with pytest.raises(ValueError, match="empty"):
        ProbeMonitor(tokenizer, [], every_steps=1)
