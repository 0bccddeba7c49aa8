"""The one chat validator: messages chats and preference rows, every error naming file, line and field."""

from __future__ import annotations

import json

import pytest

from ftkit import alignment, data
from ftkit.chat import DataValidationError, validate_messages, validate_preference_row

USER = {"role": "user", "content": "Hello?"}
ANSWER = {"role": "assistant", "content": "Hi there."}
OTHER_ANSWER = {"role": "assistant", "content": "Go away."}


def pair(**fields) -> dict:
    return {"prompt": [USER], "chosen": [ANSWER], "rejected": [OTHER_ANSWER]} | fields


def write_rows(path, rows) -> str:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def test_the_error_class_is_the_one_data_and_alignment_raise():
    assert data.DataValidationError is DataValidationError


def test_error_message_reads_file_line_field_problem():
    error = DataValidationError("set.jsonl", 7, "messages[1].role", "is wrong")
    assert str(error) == "set.jsonl:7: field 'messages[1].role': is wrong"
    assert (error.path, error.line, error.field, error.problem) == ("set.jsonl", 7, "messages[1].role", "is wrong")


def test_valid_chat_and_pair_are_returned_unchanged():
    messages = [{"role": "system", "content": "Be brief."}, USER, ANSWER]
    assert validate_messages(messages, "f.jsonl", 1) is messages
    row = pair(kind="careful")
    assert validate_preference_row(row, "f.jsonl", 1) is row


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("chosen", "Hi there.", "chosen"),
        ("rejected", "Go away.", "rejected"),
        ("prompt", "Hello?", "prompt"),
    ],
)
def test_plain_string_where_a_chat_is_required_names_the_field(tmp_path, field, value, named):
    path = write_rows(tmp_path / "prefs.jsonl", [pair(), pair(**{field: value})])
    with pytest.raises(DataValidationError, match="plain string") as raised:
        alignment.load_preferences(path)
    assert (raised.value.path, raised.value.line, raised.value.field) == (path, 2, named)
    assert f"{path}:2: field '{named}'" in str(raised.value)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (pair(chosen=[]), "chosen"),
        (pair(chosen=None), "chosen"),
        (pair(chosen=["Hi there."]), "chosen[0]"),
        (pair(chosen=[{"role": "bot", "content": "Hi there."}]), "chosen[0].role"),
        (pair(chosen=[{"role": "assistant", "content": 3}]), "chosen[0].content"),
        (pair(rejected=[{"role": "assistant", "content": "  "}]), "rejected[0].content"),
        (pair(chosen=[USER]), "chosen[0].role"),
        (pair(prompt=[USER, ANSWER]), "prompt[1].role"),
        (pair(prompt=[{"role": "user"}]), "prompt[0].content"),
        ({"prompt": [USER], "chosen": [ANSWER]}, "rejected"),
        (pair(rejected=[{"role": "assistant", "content": "Hi there. "}]), "rejected"),
    ],
)
def test_malformed_pair_error_names_file_line_and_field(tmp_path, row, field):
    path = write_rows(tmp_path / "prefs.jsonl", [pair(), pair(), row])
    with pytest.raises(DataValidationError) as raised:
        alignment.load_preferences(path)
    assert (raised.value.path, raised.value.line, raised.value.field) == (path, 3, field)
    assert str(raised.value).startswith(f"{path}:3: field '{field}': ")


@pytest.mark.parametrize(
    ("messages", "field"),
    [
        ("Hello? Hi there.", "messages"),
        ({"role": "user", "content": "Hello?"}, "messages"),
        ([USER, "Hi there."], "messages[1]"),
        ([{"role": "user", "content": ""}, ANSWER], "messages[0].content"),
        ([ANSWER, USER], "messages[1].role"),
    ],
)
def test_malformed_chat_error_names_file_line_and_field(tmp_path, messages, field):
    path = tmp_path / "chats.jsonl"
    path.write_text(json.dumps({"messages": [USER, ANSWER]}) + "\n\n" + json.dumps({"messages": messages}) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as raised:
        data.load_chat_jsonl(path)
    assert (raised.value.path, raised.value.line, raised.value.field) == (str(path), 3, field)  # the blank line counts


def test_project_chat_and_preference_sets_load_every_line():
    from curriculum.paths import data_file

    for name in ("preferences_train.jsonl", "preferences_test.jsonl"):
        lines = data_file(name).read_text(encoding="utf-8").splitlines()
        assert len(alignment.load_preferences(data_file(name))) == len(lines) > 0
    for name in ("triage_train.jsonl", "triage_test.jsonl", "overfit_train.jsonl", "overfit_valid.jsonl"):
        lines = data_file(name).read_text(encoding="utf-8").splitlines()
        assert len(data.load_chat_jsonl(data_file(name))) == len(lines) > 0
