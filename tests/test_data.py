"""Validation of chat JSONL, the answer-only loss mask, dynamic padding and rehearsal mixing."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from curriculum.paths import data_file
from ftkit.data import (
    IGNORE_INDEX,
    DataValidationError,
    chat_row,
    load_chat_jsonl,
    mix_rehearsal,
    padding_collator,
    to_train_dataset,
    tokenize_chat,
)


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good_line(answer="Paris."):
    return json.dumps(chat_row("Capital of France?", answer))


@pytest.mark.parametrize(
    ("bad_line", "field"),
    [
        ('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": ""}]}', "messages[1].content"),
        ('{"messages": [{"role": "user", "content": "hi"}, {"role": "robot", "content": "x"}]}', "messages[1].role"),
        ('{"messages": [{"role": "user", "content": 3}, {"role": "assistant", "content": "x"}]}', "messages[0].content"),
        ('{"messages": [{"role": "user", "content": "hi"}]}', "messages[0].role"),
        ('{"messages": []}', "messages"),
        ('{"text": "no messages here"}', "messages"),
        ('{"messages": [oops', "<json>"),
        ('["a", "list"]', "<row>"),
    ],
)
def test_malformed_row_error_names_file_line_and_field(tmp_path, bad_line, field):
    path = write_lines(tmp_path / "set.jsonl", [good_line(), "", good_line(), bad_line])
    with pytest.raises(DataValidationError) as raised:
        load_chat_jsonl(path)
    assert raised.value.line == 4  # blank lines still count as lines
    assert raised.value.field == field
    assert str(path) in str(raised.value) and ":4:" in str(raised.value)


def test_non_utf8_file_error_names_the_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes((good_line() + "\n").encode() + '{"messages": "caf\xe9"}\n'.encode("latin-1"))
    with pytest.raises(DataValidationError) as raised:
        load_chat_jsonl(path)
    assert raised.value.line == 2 and raised.value.field == "<encoding>"


def test_valid_file_keeps_extra_fields(tmp_path):
    row = chat_row("q", "a") | {"label": "x"}
    path = write_lines(tmp_path / "ok.jsonl", [json.dumps(row)])
    assert load_chat_jsonl(path) == [row]


def test_loss_mask_covers_only_the_assistant_answer(tokenizer):
    encoded = tokenize_chat(chat_row("What is 2+2?", "Four, of course.")["messages"], tokenizer)
    trained = [token for token, label in zip(encoded["input_ids"], encoded["labels"]) if label != IGNORE_INDEX]
    assert tokenizer.decode(trained) == "Four, of course.<|im_end|>"
    first_trained = encoded["labels"].index(trained[0])
    assert all(label == IGNORE_INDEX for label in encoded["labels"][:first_trained])
    assert "What is 2+2?" in tokenizer.decode(encoded["input_ids"][:first_trained])


def test_batches_are_padded_to_their_longest_row_only(tokenizer):
    rows = [chat_row("Hi", "Hello."), chat_row("Hi there", "Hello! " * 5)]
    dataset = to_train_dataset(rows, tokenizer)
    lengths = [len(ids) for ids in dataset["input_ids"]]
    batch = padding_collator(tokenizer)([dataset[0], dataset[1]])
    assert batch["input_ids"].shape == (2, max(lengths))  # dynamic: no padding to a fixed max length
    short = lengths.index(min(lengths))
    assert batch["attention_mask"][short].sum().item() == min(lengths)
    assert (batch["labels"][short, min(lengths) :] == IGNORE_INDEX).all()


def test_rehearsal_mix_has_requested_share_and_keeps_every_domain_row():
    domain = [{"id": f"d{i}"} for i in range(30)]
    replay = [{"id": f"r{i}"} for i in range(40)]
    mixed = mix_rehearsal(domain, replay, 0.25, seed=1)
    replayed = [row for row in mixed if row["id"].startswith("r")]
    assert len(replayed) == 10 and len(mixed) == 40  # 10 / 40 = 25%
    assert sorted(row["id"] for row in mixed if row["id"].startswith("d")) == sorted(row["id"] for row in domain)
    assert sorted(row["id"] for row in mix_rehearsal(domain, replay, 0.0)) == sorted(row["id"] for row in domain)


def test_rehearsal_mix_refuses_impossible_ratio():
    with pytest.raises(ValueError, match="replay rows"):
        mix_rehearsal([{}] * 10, [{}] * 2, 0.5)


def test_shipped_domain_sets_validate_and_do_not_overlap():
    train = load_chat_jsonl(data_file("triage_train.jsonl"))
    test = load_chat_jsonl(data_file("triage_test.jsonl"))
    notes = lambda rows: {row["messages"][0]["content"] for row in rows}  # noqa: E731
    assert len(train) >= 200 and len(test) >= 60
    assert not notes(train) & notes(test)


def test_the_inbox_set_is_two_thirds_cardiology_and_shares_no_note_with_train_or_test():
    inbox = load_chat_jsonl(data_file("triage_inbox.jsonl"))
    others = load_chat_jsonl(data_file("triage_train.jsonl")) + load_chat_jsonl(data_file("triage_test.jsonl"))
    departments = Counter(row["department"] for row in inbox)
    assert departments.pop("cardiology") == 40
    assert len(departments) == 7 and set(departments.values()) == {3}
    notes = lambda rows: {row["messages"][0]["content"] for row in rows}  # noqa: E731
    assert len(notes(inbox)) == len(inbox) and not notes(inbox) & notes(others)


def test_order_desk_twins_change_only_the_asked_field_and_fresh_orders_are_disjoint():
    train = load_chat_jsonl(data_file("overfit_train.jsonl"))
    valid = load_chat_jsonl(data_file("overfit_valid.jsonl"))
    by_order = {row["order"]: row for row in train}
    twins = [row for row in valid if row["kind"] == "twin"]
    fresh = [row for row in valid if row["kind"] == "fresh"]
    assert (len(train), len(twins), len(fresh)) == (32, 24, 24)
    for twin in twins:
        original = by_order[twin["order"]]
        assert twin["field"] == original["field"] and train.index(original) < 8  # a twin of one of the first 8 rows
        assert twin["messages"][-1]["content"] != original["messages"][-1]["content"]  # the answer changed
        before, after = original["messages"][1]["content"].split(), twin["messages"][1]["content"].split()
        assert len(before) == len(after) and sum(a != b for a, b in zip(before, after)) <= 2  # one value changed
    prompts = {row["messages"][1]["content"] for row in train}
    assert not {row["order"] for row in fresh} & set(by_order)
    assert not {row["messages"][1]["content"] for row in valid} & prompts
