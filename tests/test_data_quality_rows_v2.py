"""Rows that must be kept as written (prose about HTML, angle brackets, U+0085) and the findings added for v2:
identical preference pairs, chats with no user turn, invisible answers, lone surrogates, Chinese rows."""

from __future__ import annotations

import json

import pytest

from ftkit.data_quality import audit, clean
from ftkit.data_quality.markup import find_html, strip_html


def chat(row_id: str, user: str | None, answer: str, system: str | None = None) -> dict:
    turns = ([{"role": "system", "content": system}] if system else []) + ([{"role": "user", "content": user}] if user else [])
    return {"id": row_id, "messages": turns + [{"role": "assistant", "content": answer}]}


@pytest.mark.parametrize(
    "text",
    [
        "What does the <table> tag do in HTML?",
        "What is the difference between <b> and <strong>?",
        "Use <br> to break a line.",
        "Prove that a<b and c>d implies a-d<b-c.",
        "if (x<y && y>z) return;",
        "In C++, vector<int> v; and map<string, int> m; hold values.",
    ],
)
def test_tag_names_and_angle_brackets_in_prose_are_not_html(text):
    assert find_html(text) is None
    report = audit([chat("q", text, "A fine answer.")])
    assert report.findings["html"] == [] and clean([chat("q", text, "A fine answer.")], report).rows[0]["messages"][0]["content"] == text


@pytest.mark.parametrize(
    "text, repaired",
    [
        ("<p>Great kettle.<br/>Boils fast.</p>", "Great kettle.\nBoils fast."),
        ("It was <b>great</b> &amp; cheap.", "It was great & cheap."),
        ('See <a href="https://shop.example">the shop</a> now.', "See the shop now."),
        ("First line<br>second line<br>third", "First line\nsecond line\nthird"),
    ],
)
def test_markup_that_closes_or_has_attributes_is_repaired(text, repaired):
    assert find_html(text) is not None
    assert strip_html(text) == repaired


def test_a_preference_pair_with_the_same_two_responses_is_identical_pair():
    rows = [{"prompt": "Name a colour.", "chosen": "Blue.", "rejected": "Blue. "},
            {"prompt": "Name a fruit.", "chosen": "Apple.", "rejected": "Apples."}]
    report = audit(rows)
    assert report.findings["identical_pair"] == [0]
    assert [row["prompt"] for row in clean(rows, report).rows] == ["Name a fruit."]


def test_a_chat_with_no_user_turn_is_flagged_and_one_with_a_user_turn_is_kept():
    rows = [chat("s", None, "Hello!", system="Be brief."), chat("u", "Hi.", "Hello!", system="Be brief.")]
    report = audit(rows)
    assert report.findings["no_user_turn"] == ["s"]
    assert report.notes[("no_user_turn", "s")] == "turns before the answer: none (and system)"


def test_an_answer_of_zero_width_characters_only_is_empty_and_one_with_text_is_not():
    rows = [chat("z", "Say something.", "\u200b"), chat("j", "Join the words.", "data\u200bset"), chat("w", "Any?", "\u2060 \ufeff")]
    assert audit(rows).findings["empty_answer"] == ["z", "w"]


def test_a_lone_surrogate_is_a_malformed_row_naming_its_field(tmp_path):
    path = tmp_path / "rows.jsonl"
    good = json.dumps(chat("ok", "Send the emoji.", "Here: \ud83d\ude00"))  # a full pair: one emoji
    bad = json.dumps(chat("half", "Send the emoji.", "Here: \ud83d"))
    path.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    report = audit(str(path))
    assert report.findings["malformed"] == [1]
    assert report.notes[("malformed", 1)] == "messages[1].content: lone surrogate U+D83D at character 6 (half of a character: not writable as UTF-8)"


def test_a_lone_surrogate_in_rows_given_from_python_is_malformed():
    assert audit([chat("half", "Send it.", "Here: \udc00")]).findings["malformed"] == ["half"]


def test_next_line_character_is_not_taken_for_broken_encoding():
    rows = [chat("n", "Split the line.", "first\x85second")]
    report = audit(rows)
    assert report.findings["broken_encoding"] == []
    assert clean(rows, report).rows[0]["messages"][1]["content"] == "first\x85second"


def test_a_replacement_character_is_flagged_in_the_ledger_not_counted_as_repaired():
    rows = [chat("f", "Read the note.", "The caf\ufffd opens at nine.")]
    report = audit(rows)
    cleaned = clean(rows, report)
    assert report.findings["broken_encoding"] == ["f"]
    assert (cleaned.changed, cleaned.flagged, cleaned.ledger[0].action) == (0, 1, "flagged")


def test_a_long_chinese_row_is_overlong_counted_in_characters():
    rows = [chat(f"c{i}", "请把这句话翻译成英文。", "今天天气很好。") for i in range(9)]
    rows.append(chat("long", "请总结下面的文章：" + "这是一段很长的文字。" * 300, "好的。"))
    assert audit(rows).findings["overlong"] == ["long"]


def test_chinese_near_copies_are_near_duplicates_and_a_different_question_is_not():
    base = "请用三句话介绍一下长城的历史以及它在明朝时期的主要作用和意义"
    rows = [chat("a", base, "长城始建于春秋战国时期。"), chat("b", base + "吧", "长城始建于春秋战国时期。"),
            chat("c", "请用三句话介绍一下黄河的地理位置以及它对中国农业发展的影响", "长城始建于春秋战国时期。")]
    report = audit(rows)
    assert report.findings["near_duplicate"] == ["b"]
