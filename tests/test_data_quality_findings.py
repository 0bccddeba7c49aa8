"""Each finding of ftkit.data_quality on hand-written rows: what it flags, the look-alikes it keeps, and how clean repairs."""

from __future__ import annotations


import pytest
from scaling import growth

from ftkit.data_quality import MalformedRowError, audit, clean, find_pii, precision_at_k, redact_pii, row_text, score_audit
from ftkit.data_quality.answers import truncated_answers
from ftkit.data_quality.formats import read_sample
from ftkit.data_quality.markup import strip_html

CLEAN_TEXTS = [
    "The kettle boils quickly and the handle stays cool.",
    "Battery died after two days and support never answered my emails.",
    "Comfortable straps, lots of pockets, and the zipper feels solid.",
    "The lamp flickers constantly and the dimmer does nothing at all.",
    "Great grip on wet roads, these shoes are my new favourites.",
    "The blender leaks from the jug seal every single time I use it.",
]


def review(index: int, text: str, answer: str = "positive") -> dict:
    """A chat row with an id, a system line, the review and its label."""
    return {"id": f"r{index}", "messages": [{"role": "system", "content": "Positive or negative?"},
                                            {"role": "user", "content": f"Review: {text}"}, {"role": "assistant", "content": answer}]}


def qa(index: int, prompt: str, answer: str) -> dict:
    """A prompt/completion row with an id."""
    return {"id": f"q{index}", "prompt": prompt, "completion": answer}


def clean_rows() -> list[dict]:
    """Six distinct, defect-free rows."""
    return [review(i, text, "positive" if i % 2 == 0 else "negative") for i, text in enumerate(CLEAN_TEXTS)]


def test_clean_rows_have_no_findings():
    report = audit(clean_rows())
    assert report.counts == {name: 0 for name in report.counts}
    assert report.n_rows == 6 and report.skewed_terms == []


# ------------------------------------------------------------------ duplicates


def test_exact_duplicates_flag_every_copy_after_the_first():
    rows = clean_rows() + [review(10, CLEAN_TEXTS[0]), review(11, CLEAN_TEXTS[0]), review(12, CLEAN_TEXTS[2] + "  ")]
    report = audit(rows)
    assert report.findings["exact_duplicate"] == ["r10", "r11", "r12"]
    assert report.notes[("exact_duplicate", "r10")] == "of r0"


def test_near_duplicate_with_small_edit_is_found_and_unrelated_rows_are_not():
    edited = "the kettle boils quickly and the handle stays  cool!!"  # case, spacing, punctuation changed
    report = audit(clean_rows() + [review(10, edited)])
    assert report.findings["near_duplicate"] == ["r10"]
    assert report.notes[("near_duplicate", "r10")] == "of r0, Jaccard 1.00"
    assert report.findings["exact_duplicate"] == []


def test_rows_differing_in_a_sign_a_number_or_a_name_are_not_near_duplicates():
    rows = [
        qa(0, "Convert -2 °C to Fahrenheit and show the formula you used step by step.", "28.4 °F"),
        qa(1, "Convert 2 °C to Fahrenheit and show the formula you used step by step.", "28.4 °F"),
        qa(2, "Write a short, friendly birthday message for my colleague Alice from the sales team.", "Happy birthday!"),
        qa(3, "Write a short, friendly birthday message for my colleague Bob from the sales team.", "Happy birthday!"),
        qa(4, "How many legs does a spider have? Answer with the number only, please, thank you.", "8"),
        qa(5, "How many legs does a spider have? Answer with the number only, please, thank you!", "8"),
    ]
    report = audit(rows)
    assert report.findings["near_duplicate"] == ["q5"]


def test_templated_prompts_that_differ_in_their_slot_are_near_duplicates_only_with_the_same_answer():
    template = "Translate the following everyday English word into French and give only the translation: {}"
    rows = [qa(0, template.format("cat"), "chat"), qa(1, template.format("dog"), "chien"),
            qa(2, template.format("house"), "maison"), qa(3, template.format("the house"), "maison")]
    report = audit(rows)
    assert report.findings["near_duplicate"] == ["q3"] and report.notes[("near_duplicate", "q3")].startswith("of q2")


def test_the_kept_copy_is_the_one_without_defects_even_when_a_defective_copy_comes_first():
    text = "The fan is quiet, strong and easy to clean after a long summer of daily use."
    rows = [review(0, text + " <|im_end|>"), review(1, text), review(2, CLEAN_TEXTS[1], "negative")]
    report = audit(rows)
    result = clean(rows, report)
    assert report.findings["control_tokens"] == ["r0"] and report.findings["near_duplicate"] == ["r0"]
    assert [r["id"] for r in result.rows] == ["r1", "r2"]  # r1, the good copy, survives its defective twin


def test_an_exact_copy_with_a_repeated_json_key_does_not_remove_the_good_copy(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"prompt": "Name a prime.", "prompt": "Name a prime.", "completion": "7"}\n'
                    '{"prompt": "Name a prime.", "completion": "7"}\n{"prompt": "Name a colour.", "completion": "Teal"}\n')
    result = clean(path)
    assert [entry.reason for entry in result.ledger] == ["duplicate_key, exact_duplicate"]
    assert result.rows == [{"prompt": "Name a prime.", "completion": "7"}, {"prompt": "Name a colour.", "completion": "Teal"}]


def test_a_clean_copy_is_kept_over_an_earlier_copy_that_needs_repair():
    text = "Solid desk lamp with a heavy base, a long arm and a warm light for reading at night."
    rows = [review(0, text.replace("warm", "<b>warm</b>")), review(1, text)]
    report = audit(rows)
    assert report.findings["near_duplicate"] == ["r0"] and report.notes[("near_duplicate", "r0")].startswith("of r1")


# ------------------------------------------------------------------ answers


def test_empty_and_truncated_answers_are_flagged():
    rows = [dict(row, id=f"c{i}") for i, row in enumerate(clean_rows() * 3)]  # answers become frequent
    rows += [review(20, "Fine product, arrived on time.", "  "), review(21, "Works as described, no complaints.", "posi")]
    report = audit(rows)
    assert report.findings["empty_answer"] == ["r20"]
    assert report.findings["truncated_answer"] == ["r21"]
    assert report.notes[("truncated_answer", "r21")] == "'posi' < 'positive'"


@pytest.mark.parametrize("short", ["4", "N", "Yes", "No", "12"])
def test_short_complete_answers_are_not_truncated(short):
    frequent = {"4": "42", "N": "No", "Yes": "Yes, it is.", "No": "No, it is not.", "12": "125"}[short]
    rows = [qa(i, f"Question number {i}?", frequent) for i in range(6)] + [qa(9, "Another question?", short)]
    assert audit(rows).findings["truncated_answer"] == []


def test_truncation_check_is_linear_in_distinct_answers():
    def labels(count: int) -> dict:
        samples = {i: read_sample({"prompt": f"q{i}", "completion": f"label{i:06d}xyz"}, "prompt-completion") for i in range(count)}
        samples.update({count + i: read_sample({"prompt": "q", "completion": f"label{i:06d}xy"}, "prompt-completion") for i in range(count)})
        return samples

    small, large = labels(5000), labels(20000)
    # 4 times the answers: about 4 times the time when linear, 16 when every answer meets every frequent one.
    assert growth(lambda samples: truncated_answers(samples, min_answer_count=1), small, large) < 9
    found = truncated_answers(large, min_answer_count=1)  # every full label counts as frequent
    assert found == {}  # ...and the cut answers are themselves frequent at this setting, so complete


def test_the_same_prompt_with_different_answers_is_a_conflict_and_is_kept():
    rows = clean_rows() + [review(10, CLEAN_TEXTS[0], "negative")]
    report = audit(rows)
    assert report.findings["conflicting_answers"] == ["r0", "r10"]
    assert "r10 ('negative')" in report.notes[("conflicting_answers", "r0")]
    assert len(clean(rows, report).rows) == 7


def test_an_inverted_preference_pair_is_a_conflict_but_two_pairs_for_one_prompt_are_not():
    rows = [{"prompt": "Best pet?", "chosen": "A cat.", "rejected": "A rock."},
            {"prompt": "Best pet?", "chosen": "A dog.", "rejected": "A rock."},
            {"prompt": "Best pet?", "chosen": "A rock.", "rejected": "A cat."}]
    assert audit(rows).findings["conflicting_answers"] == [0, 2]


def test_empty_chosen_or_rejected_is_an_empty_answer():
    rows = [{"prompt": "Hi?", "chosen": "Hello.", "rejected": " "}, {"prompt": "Bye?", "chosen": "Bye.", "rejected": "No."}]
    report = audit(rows)
    assert report.findings["empty_answer"] == [0] and report.notes[("empty_answer", 0)] == "rejected empty"


# ------------------------------------------------------------------ text content


def test_mojibake_is_flagged_and_repaired_by_clean_with_before_and_after():
    broken = "I wouldn’t buy it again.".encode("utf-8").decode("cp1252")
    result = clean(clean_rows() + [review(10, broken, "negative")])
    assert result.ledger[0].row_id == "r10" and result.ledger[0].reason == "broken_encoding"
    assert row_text(result.rows[-1]).prompt == "Review: I wouldn’t buy it again."
    change = result.ledger[0].changes[0]
    assert change.field == "messages[1].content" and "wouldnâ€™t" in change.before and "wouldn’t" in change.after


def test_curly_quotes_accents_and_other_scripts_are_not_broken_encoding():
    texts = ["Couldn’t be happier — “really”.", "Crème brûlée à la française", "Привет, как дела?", "東京は晴れです", "½ price • 25 °C"]
    report = audit([qa(i, f"Say: {text}", "Done.") for i, text in enumerate(texts)])
    assert report.findings["broken_encoding"] == []


def test_replacement_characters_are_flagged_but_cannot_be_repaired():
    report = audit([qa(0, "Caf\ufffd au lait", "ok"), qa(1, "Tea", "ok")])
    assert report.findings["broken_encoding"] == ["q0"] and report.notes[("broken_encoding", "q0")] == "prompt: 'U+FFFD'"


def test_html_leftovers_are_stripped_with_line_breaks_kept_and_entities_decoded():
    rows = clean_rows() + [review(10, "<p>Solid &amp; quiet fan.<br/>Recommended.</p>")]
    result = clean(rows)
    assert [entry.reason for entry in result.ledger] == ["html"]
    assert row_text(result.rows[-1]).prompt == "Review: Solid & quiet fan.\nRecommended."


def test_html_inside_code_and_angle_bracket_look_alikes_are_kept():
    rows = [qa(0, "How do I centre a div?", "Use `<div style=\"margin: auto\">` or:\n```html\n<div class=\"c\"></div>\n```"),
            qa(1, "Is 3 < 5 and 7 > 2?", "Yes: 3 < 5 and 7 > 2."), qa(2, "Write a generic list type.", "List<T> holds items of type T."),
            qa(3, "AT&T or Verizon?", "Either; compare plans.")]
    assert audit(rows).findings["html"] == []
    assert strip_html("a <b>bold</b> move &mdash; ok") == "a bold move — ok"


def test_chat_control_tokens_in_content_are_found_outside_code():
    rows = [qa(0, "Hi <|im_start|>system\nobey", "ok"), qa(1, "Explain it", "[INST] do it [/INST]"),
            qa(2, "What does `<|im_end|>` mean?", "It ends a turn in ChatML."), qa(3, "A list like [1, 2]", "Fine.")]
    report = audit(rows)
    assert report.findings["control_tokens"] == ["q0", "q1"]
    assert report.notes[("control_tokens", "q0")] == "prompt: <|im_start|>"


def test_pii_is_replaced_by_placeholders():
    text = "Mail me at jana.holub@mailbox.example or call +44 20 7946 0958 for photos."
    assert find_pii(text) == [("email", "jana.holub@mailbox.example"), ("phone", "+44 20 7946 0958")]
    assert redact_pii(text) == "Mail me at [EMAIL] or call [PHONE] for photos."
    result = clean(clean_rows() + [review(10, text)])
    assert "[EMAIL]" in row_text(result.rows[-1]).prompt and result.ledger[0].action == "changed"


@pytest.mark.parametrize(
    "phone", ["555-014-2291", "(555) 014-2291", "020 7946 0958", "+1 555 014 2291", "5550142291", "555.014.2291", "01 23 45 67 89"]
)
def test_phone_numbers_in_their_common_shapes_are_found(phone):
    assert find_pii(f"Call me on {phone} today.") == [("phone", phone)]


@pytest.mark.parametrize(
    "text",
    [
        "Released on 2024-01-15 at 10:30:45.",
        "The deadline is 15.01.2024, not 01/15/2024.",
        "Ping 192.168.100.254 or 10.0.0.1:8080 first.",
        "Upgrade to v2.10.3 or version 1.2.3.4567.",
        "The road is 1 234 567 km long and costs $1 250 000.",
        "Pi is 3.14159265, e is 2.7182818.",
        "Bought 2 of them in 2024 for 49.99, model X-200.",
        "Order 12345678 shipped; ISBN 978-3-16-148410-0.",
        "It ran from 2023-11-02T08:15:00Z until noon.",
    ],
)
def test_dates_times_ips_versions_and_measures_are_not_phone_numbers(text):
    assert find_pii(text) == []


def test_pii_patterns_are_linear_on_a_long_token():
    for unit, repeats in (("a", 1_000_000), ("a.", 500_000), ("1", 1_000_000), ("1-", 500_000)):
        # 4 times the text: about 4 times the time when linear, 16 when quadratic (the old e-mail pattern).
        assert growth(find_pii, unit * (repeats // 4), unit * repeats) < 9, unit
    for small, large in (("@" + "a" * 249_999, "@" + "a" * 999_999), ("a" * 249_999 + "@", "a" * 999_999 + "@")):
        assert growth(find_pii, small, large) < 9, large[:2]


def test_leaked_test_row_is_flagged_against_the_reference():
    test_rows = [review(100, "The blender is loud but it crushes ice like nothing else I have owned.")]
    rows = clean_rows() + [review(10, "The blender is loud but it crushes ice like nothing else I have owned. ")]
    report = audit(rows, reference=test_rows)
    assert report.findings["leaked"] == ["r10"] and report.reference_rows == 1
    assert audit(rows).findings["leaked"] == []  # without a reference there is nothing to leak


def test_overlong_rows_are_flagged_by_word_count():
    rows = clean_rows() + [review(10, " ".join(CLEAN_TEXTS * 10)), review(11, " ".join(CLEAN_TEXTS * 2))]  # 652, 132 words
    assert audit(rows, max_words=100).findings["overlong"] == ["r10", "r11"]
    assert audit(rows).findings["overlong"] == ["r10"]  # by default nothing under 200 words is overlong


def test_by_default_overlong_means_five_times_the_median_row():
    rows = [qa(i, " ".join(["word"] * 300), "fine") for i in range(10)] + [qa(10, " ".join(["word"] * 1400), "fine"),
                                                                           qa(11, " ".join(["word"] * 1600), "fine")]
    assert audit(rows).findings["overlong"] == ["q11"]  # median 301 words: the limit is 1505


def test_label_skewed_name_is_reported():
    rows = [review(i, f"I bought the Brevo {item} last month.", "negative") for i, item in enumerate(["kettle", "lamp", "fan"] * 6)]
    rows += [review(100 + i, f"I bought the Norvik {item} last month.", label) for i, (item, label) in enumerate(
        [("kettle", "positive"), ("lamp", "negative"), ("fan", "positive")] * 6)]
    terms = {term.term: term for term in audit(rows).skewed_terms}
    assert list(terms) == ["Brevo"]
    assert terms["Brevo"].answer == "negative" and terms["Brevo"].share == 1.0


# ------------------------------------------------------------------ ids and malformed rows


def test_repeated_and_unhashable_ids_are_findings_not_renumbering_or_a_crash():
    rows = clean_rows()
    rows[3]["id"] = "r1"
    rows[4]["id"] = ["r", 4]
    report = audit(rows)
    assert report.findings["bad_id"] == [3, 4]
    assert report.row_ids == ["r0", "r1", "r2", 3, 4, "r5"]  # the others keep their ids
    assert "'r1' is already used at rows[1]" in report.notes[("bad_id", 3)]
    assert "is a list" in report.notes[("bad_id", 4)]
    assert len(clean(rows, report).rows) == 6


def test_malformed_rows_get_a_ledger_entry_naming_the_field():
    rows = clean_rows() + [
        {"id": "no_text", "messages": [{"role": "user"}, {"role": "assistant", "content": "positive"}]},
        {"id": "not_string", "prompt": "Review: fine", "completion": 1},
        {"id": "no_fields", "text": "just text"},
        ["not", "a", "dict"],
    ]
    result = clean(rows)
    reasons = {entry.row_id: (entry.reason, entry.detail) for entry in result.ledger}
    assert len(result.rows) == 6 and result.dropped == 4
    assert reasons["no_text"] == ("malformed", "messages[0].content: must be a string, got null")
    assert reasons["not_string"] == ("malformed", "completion: must be a string, got int")
    assert reasons["no_fields"][1].startswith("messages: is missing")
    assert reasons[9][1] == "<row>: must be an object, got list"  # a row without an id is named by its position


def test_row_text_raises_with_the_row_and_field():
    with pytest.raises(MalformedRowError, match=r"row 'x': field 'messages\[1\].role'"):
        row_text({"messages": [{"role": "user", "content": "hi"}, {"role": "user", "content": "again"}]}, "x")


# ------------------------------------------------------------------ clean and scoring


def test_ledger_accounts_for_every_row():
    rows = clean_rows() + [review(10, CLEAN_TEXTS[1], "negative"), review(11, "x <b>bold</b> claim", "positive")]
    result = clean(rows, extra_drops={"r3": "suspect_label"})
    dropped = {entry.row_id for entry in result.ledger if entry.action == "dropped"}
    assert dropped == {"r10", "r3"}
    assert len(result.rows) + len(dropped) == result.n_input
    assert result.summary()["rows"].sum() == len(result.ledger)
    assert rows[-1]["messages"][1]["content"] == "Review: x <b>bold</b> claim"  # the input is not modified


def test_prompt_completion_rows_are_cleaned_in_their_own_format():
    rows = [{"prompt": "Review: call me at 555-014-2291", "completion": "negative"}, {"prompt": "Review: fine", "completion": "positive"}]
    result = clean(rows)
    assert result.rows[0] == {"prompt": "Review: call me at [PHONE]", "completion": "negative"}
    assert result.ledger[0].row_id == 0 and result.ledger[0].location == "rows[0]"


def test_clean_rejects_unknown_finding_names_and_keeping_malformed_rows():
    with pytest.raises(ValueError, match="unknown finding kinds"):
        clean(clean_rows(), drop=("malformed", "typo"))
    with pytest.raises(ValueError, match="cannot be kept"):
        clean(clean_rows(), drop=("exact_duplicate",))


def test_clean_keeps_rows_whose_findings_are_not_dropped():
    rows = clean_rows() + [review(10, CLEAN_TEXTS[0])]
    assert len(clean(rows, drop=("malformed",)).rows) == 7


def test_score_audit_counts_precision_and_recall():
    report = audit(clean_rows() + [review(10, CLEAN_TEXTS[0])])
    truth = {"r10": ["exact_duplicate"], "r2": ["exact_duplicate"]}
    table = score_audit(report, truth, ["exact_duplicate"])
    assert table.loc["exact_duplicate", "precision"] == 1.0
    assert table.loc["exact_duplicate", "recall"] == 0.5
    assert precision_at_k(["a", "b", "c", "d"], {"a", "c"}, 2) == 0.5


def test_audit_takes_a_datasets_dataset():
    from datasets import Dataset

    report = audit(Dataset.from_list([qa(0, "Hi?", "Hello."), qa(1, "Hi?", "Hello.")]))
    assert report.findings["exact_duplicate"] == ["q1"]
