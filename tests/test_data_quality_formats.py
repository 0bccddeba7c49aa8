"""ftkit.data_quality reads the five row formats people have, tells them apart, and writes rows back unchanged in shape."""

from __future__ import annotations

import json

import pytest

from ftkit.data_quality import as_messages, audit, clean, detect_format, read_sample, row_text, write_rows
from ftkit.data_quality.formats import RowError

MESSAGES = {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"},
                         {"role": "assistant", "content": "Paris."}]}
PROMPT_COMPLETION = {"prompt": "Capital of France?", "completion": "Paris."}
PROMPT_COMPLETION_CHAT = {"prompt": [{"role": "user", "content": "Capital of France?"}],
                          "completion": [{"role": "assistant", "content": "Paris."}]}
ALPACA = {"instruction": "Name the capital.", "input": "France", "output": "Paris."}
SHAREGPT = {"conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "Capital of France?"},
                              {"from": "gpt", "value": "Paris."}]}
PREFERENCE = {"prompt": "Capital of France?", "chosen": "Paris.", "rejected": "Lyon."}
PREFERENCE_CHAT = {"prompt": [{"role": "user", "content": "Capital of France?"}],
                   "chosen": [{"role": "assistant", "content": "Paris."}], "rejected": [{"role": "assistant", "content": "Lyon."}]}


@pytest.mark.parametrize(
    ("row", "fmt", "prompt", "answers"),
    [
        (MESSAGES, "messages", "Capital of France?", ("Paris.",)),
        (PROMPT_COMPLETION, "prompt-completion", "Capital of France?", ("Paris.",)),
        (PROMPT_COMPLETION_CHAT, "prompt-completion", "Capital of France?", ("Paris.",)),
        (ALPACA, "alpaca", "Name the capital.\nFrance", ("Paris.",)),
        (SHAREGPT, "sharegpt", "Capital of France?", ("Paris.",)),
        (PREFERENCE, "preference", "Capital of France?", ("Paris.", "Lyon.")),
        (PREFERENCE_CHAT, "preference", "Capital of France?", ("Paris.", "Lyon.")),
    ],
)
def test_each_format_reads_its_prompt_and_answers(row, fmt, prompt, answers):
    sample = read_sample(row, fmt)
    assert (sample.prompt, sample.answers) == (prompt, answers)


def test_system_prompts_of_messages_and_sharegpt_are_read_apart_from_the_prompt():
    assert read_sample(MESSAGES, "messages").system == "Be brief."
    assert read_sample(SHAREGPT, "sharegpt").system == "Be brief."
    assert read_sample({**SHAREGPT, "conversations": SHAREGPT["conversations"][1:], "system": "Top."}, "sharegpt").system == "Top."


def test_preference_without_prompt_takes_the_shared_turns_as_prompt():
    user = {"role": "user", "content": "Capital of France?"}
    row = {"chosen": [user, {"role": "assistant", "content": "Paris."}], "rejected": [user, {"role": "assistant", "content": "Lyon."}]}
    sample = read_sample(row, "preference")
    assert sample.prompt == "Capital of France?" and sample.answers == ("Paris.", "Lyon.")


def test_openai_content_parts_and_tool_calls_are_read_not_rejected():
    row = {"messages": [
        {"role": "developer", "content": "Use tools."},
        {"role": "user", "content": [{"type": "text", "text": "Weather in Oslo?"}, {"type": "image_url", "image_url": {"url": "x"}}]},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "1", "function": {"name": "weather", "arguments": "{}"}}]},
        {"role": "tool", "content": "4 °C"},
        {"role": "assistant", "content": "It is 4 °C.", "weight": 1},
    ]}
    sample = read_sample(row, "messages")
    assert sample.system == "Use tools." and sample.prompt == "Weather in Oslo?" and sample.answers == ("It is 4 °C.",)
    assert [f.name for f in sample.fields] == ["messages[0].content", "messages[1].content[0].text", "messages[3].content", "messages[4].content"]


@pytest.mark.parametrize(
    ("row", "fmt", "field", "problem"),
    [
        ({"messages": [{"role": "user", "content": "hi"}]}, "messages", "messages[0].role", "last message must be the assistant"),
        ({"messages": [{"role": "robot", "content": "hi"}]}, "messages", "messages[0].role", "must be one of"),
        ({"messages": "hi"}, "messages", "messages", "non-empty list"),
        ({"prompt": "hi", "completion": 3}, "prompt-completion", "completion", "must be a string, got int"),
        ({"prompt": [{"role": "user", "content": "hi"}], "completion": "yo"}, "prompt-completion", "completion", "list of messages"),
        ({"instruction": "hi"}, "alpaca", "output", "is missing"),
        ({"conversations": [{"from": "human", "value": "hi"}, {"from": "bot", "value": "yo"}]}, "sharegpt", "conversations[1].from", "must be one of"),
        ({"prompt": "hi", "chosen": "a"}, "preference", "rejected", "is missing"),
        ({"prompt": "hi", "chosen": ["a"], "rejected": []}, "preference", "chosen[0]", "must be an object"),
    ],
)
def test_a_row_that_does_not_fit_names_its_field(row, fmt, field, problem):
    with pytest.raises(RowError) as caught:
        read_sample(row, fmt)
    assert caught.value.field == field and problem in caught.value.problem


@pytest.mark.parametrize(
    ("rows", "fmt", "words"),
    [
        ([MESSAGES] * 3, "messages", "`messages` list in 3 of 3"),
        ([ALPACA] * 2 + [{"instruction": "x", "output": "y"}], "alpaca", "`instruction` and `output` in 3 of 3"),
        ([SHAREGPT], "sharegpt", "`conversations` list in 1 of 1"),
        ([PREFERENCE_CHAT] * 2, "preference", "(conversational)"),
        ([PROMPT_COMPLETION] * 2, "prompt-completion", "(plain)"),
    ],
)
def test_detection_names_the_format_and_why(rows, fmt, words):
    detection = detect_format(rows)
    assert detection.format == fmt and words in detection.reason


def test_detection_of_unknown_keys_lists_what_it_saw_and_what_it_expects():
    with pytest.raises(ValueError, match=r"keys `text`.*alpaca \(`instruction` and `output`\).*--format"):
        detect_format([{"text": "just text"}])


def test_every_format_is_audited_with_no_row_dropped_as_malformed():
    for row in (MESSAGES, PROMPT_COMPLETION, PROMPT_COMPLETION_CHAT, ALPACA, SHAREGPT, PREFERENCE, PREFERENCE_CHAT):
        rows = [json.loads(json.dumps(row).replace("France", country)) for country in ("France", "Peru", "Chad")]
        report = audit(rows)
        assert report.counts["malformed"] == 0, row
        assert len(clean(rows, report).rows) == 3


def test_mixed_formats_are_each_read_in_their_own_format():
    report = audit([MESSAGES, MESSAGES | {"id": 2}, ALPACA, SHAREGPT])
    assert report.format == "messages" and report.counts["malformed"] == 0
    assert "also alpaca in 1, sharegpt in 1" in report.format_reason


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".csv", ".parquet", ""])
def test_cleaned_rows_are_written_back_in_their_own_format_and_file_kind(tmp_path, suffix):
    rows = [
        {"id": "a", "conversations": [{"from": "human", "value": "Mail x@mail.example please"}, {"from": "gpt", "value": "Done."}]},
        {"id": "b", "conversations": [{"from": "human", "value": "Name a colour."}, {"from": "gpt", "value": "Teal."}]},
    ]
    source = write_rows(rows, tmp_path / f"in{suffix or '_folder'}")
    result = clean(source)
    out = write_rows(result.rows, tmp_path / f"out{suffix or '_folder'}")
    back = clean(out).rows
    assert [r["id"] for r in back] == ["a", "b"]
    assert back[0]["conversations"][0] == {"from": "human", "value": "Mail [EMAIL] please"}
    assert set(back[1]) == {"id", "conversations"}


def test_row_text_and_as_messages_work_on_every_format():
    assert row_text(ALPACA).answer == "Paris." and row_text(PREFERENCE).prompt == "Capital of France?"
    assert as_messages(SHAREGPT) == MESSAGES["messages"]
    assert as_messages(PREFERENCE_CHAT)[-1] == {"role": "assistant", "content": "Paris."}
