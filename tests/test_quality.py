"""Unit tests of ftkit.quality on hand-written rows, one defect type at a time, and on a tiny random model."""

from __future__ import annotations

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from ftkit.data import DataValidationError, chat_row, read_jsonl
from ftkit.models import load_tokenizer
from ftkit.quality import (
    MalformedRowError,
    answer_losses,
    audit,
    clean,
    find_pii,
    label_logprobs,
    precision_at_k,
    redact_pii,
    row_text,
    score_audit,
)

CLEAN_TEXTS = [
    "The kettle boils quickly and the handle stays cool.",
    "Battery died after two days and support never answered my emails.",
    "Comfortable straps, lots of pockets, and the zipper feels solid.",
    "The lamp flickers constantly and the dimmer does nothing at all.",
    "Great grip on wet roads, these shoes are my new favourites.",
    "The blender leaks from the jug seal every single time I use it.",
]


def review(index: int, text: str, answer: str = "positive") -> dict:
    """A chat row with an id."""
    return {"id": f"r{index}", **chat_row(f"Review: {text}", answer, system="Positive or negative?")}


def clean_rows() -> list[dict]:
    """Six distinct, defect-free rows."""
    return [review(i, text, "positive" if i % 2 == 0 else "negative") for i, text in enumerate(CLEAN_TEXTS)]


def test_clean_rows_have_no_findings():
    report = audit(clean_rows())
    assert report.counts == {name: 0 for name in report.counts}
    assert report.n_rows == 6


def test_exact_duplicates_flag_every_copy_after_the_first():
    rows = clean_rows() + [review(10, CLEAN_TEXTS[0]), review(11, CLEAN_TEXTS[0]), review(12, CLEAN_TEXTS[2] + "  ")]
    report = audit(rows)
    assert report.findings["exact_duplicate"] == ["r10", "r11", "r12"]
    assert report.notes[("exact_duplicate", "r10")] == "of r0"


def test_near_duplicate_with_small_edit_is_found_and_unrelated_rows_are_not():
    edited = "the kettle boils quickly and the handle stays  cool!!"  # case, spacing, punctuation changed
    report = audit(clean_rows() + [review(10, edited)])
    assert report.findings["near_duplicate"] == ["r10"]
    assert report.findings["exact_duplicate"] == []


def test_empty_and_truncated_answers_are_flagged():
    rows = [dict(row, id=f"c{i}") for i, row in enumerate(clean_rows() * 3)]  # answers become frequent
    rows += [review(20, "Fine product, arrived on time.", "  "), review(21, "Works as described, no complaints.", "posi")]
    report = audit(rows)
    assert report.findings["empty_answer"] == ["r20"]
    assert report.findings["truncated_answer"] == ["r21"]


def test_mojibake_is_flagged_and_repaired_by_clean():
    broken = "I wouldn’t buy it again.".encode("utf-8").decode("cp1252")
    rows = clean_rows() + [review(10, broken, "negative")]
    result = clean(rows)
    assert result.ledger[0].row_id == "r10" and result.ledger[0].reason == "broken_encoding"
    assert row_text(result.rows[-1]).prompt == "Review: I wouldn’t buy it again."


def test_html_leftovers_are_stripped_and_entities_decoded():
    rows = clean_rows() + [review(10, "<p>Solid &amp; quiet fan.<br/>Recommended.</p>")]
    result = clean(rows)
    assert [entry.reason for entry in result.ledger] == ["html"]
    assert row_text(result.rows[-1]).prompt == "Review: Solid & quiet fan. Recommended."


def test_pii_is_replaced_by_placeholders():
    text = "Mail me at jana.holub@mailbox.example or call +44 20 7946 0958 for photos."
    assert {kind for kind, _ in find_pii(text)} == {"email", "phone"}
    assert redact_pii(text) == "Mail me at [EMAIL] or call [PHONE] for photos."
    result = clean(clean_rows() + [review(10, text)])
    assert "[EMAIL]" in row_text(result.rows[-1]).prompt and result.ledger[0].action == "changed"


def test_short_numbers_are_not_mistaken_for_phone_numbers():
    assert find_pii("Bought 2 of them in 2024 for 49.99, model X-200.") == []


def test_leaked_test_row_is_flagged_against_the_reference():
    test_rows = [review(100, "The blender is loud but it crushes ice like nothing else I have owned.")]
    rows = clean_rows() + [review(10, "The blender is loud but it crushes ice like nothing else I have owned. ")]
    report = audit(rows, reference=test_rows)
    assert report.findings["leaked"] == ["r10"]
    assert audit(rows).findings["leaked"] == []  # without a reference there is nothing to leak


def test_overlong_rows_are_flagged_by_word_count():
    rows = clean_rows() + [review(10, " ".join(CLEAN_TEXTS * 10))]
    assert audit(rows, max_words=100).findings["overlong"] == ["r10"]


def test_label_skewed_name_is_reported():
    rows = [review(i, f"I bought the Brevo {item} last month.", "negative") for i, item in enumerate(["kettle", "lamp", "fan"] * 6)]
    rows += [review(100 + i, f"I bought the Norvik {item} last month.", label) for i, (item, label) in enumerate(
        [("kettle", "positive"), ("lamp", "negative"), ("fan", "positive")] * 6)]
    terms = {term.term: term for term in audit(rows).skewed_terms}
    assert list(terms) == ["Brevo"]
    assert terms["Brevo"].answer == "negative" and terms["Brevo"].share == 1.0


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
    assert reasons["no_text"] == ("malformed", "messages[0].content: must be a string, got NoneType")
    assert reasons["not_string"] == ("malformed", "completion: must be a string, got int")
    assert reasons["no_fields"][1].startswith("messages: is missing")
    assert reasons[9][1] == "<row>: must be an object, got list"  # a row without an id is named by its position


def test_row_text_raises_with_the_row_and_field():
    with pytest.raises(MalformedRowError, match=r"row 'x': field 'messages\[1\].role'"):
        row_text({"messages": [{"role": "user", "content": "hi"}, {"role": "user", "content": "again"}]}, "x")


def test_non_utf8_file_is_a_clear_error(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"prompt": "ok", "completion": "positive"}\n{"prompt": "caf\xe9", "completion": "negative"}\n')
    with pytest.raises(DataValidationError, match=r"rows.jsonl:2: field '<encoding>'"):
        read_jsonl(path)


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
    assert result.ledger[0].row_id == 0


def test_clean_rejects_unknown_defect_names():
    with pytest.raises(ValueError, match="unknown defect types"):
        clean(clean_rows(), drop=("malformed", "typo"))


def test_score_audit_counts_precision_and_recall():
    report = audit(clean_rows() + [review(10, CLEAN_TEXTS[0])])
    truth = {"r10": ["exact_duplicate"], "r2": ["exact_duplicate"]}
    table = score_audit(report, truth, ["exact_duplicate"])
    assert table.loc["exact_duplicate", "precision"] == 1.0
    assert table.loc["exact_duplicate", "recall"] == 0.5
    assert precision_at_k(["a", "b", "c", "d"], {"a", "c"}, 2) == 0.5


@pytest.fixture(scope="module")
def tiny_model():
    tokenizer = load_tokenizer()
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    return LlamaForCausalLM(config).eval(), tokenizer


def test_after_learning_an_answer_rows_with_the_other_answer_have_the_higher_loss(tiny_model):
    model, tokenizer = tiny_model
    from ftkit.data import padding_collator, tokenize_chat

    positive, negative = review(0, CLEAN_TEXTS[0], "positive"), review(1, CLEAN_TEXTS[0], "negative")
    batch = padding_collator(tokenizer)([tokenize_chat(positive["messages"], tokenizer)])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for _ in range(10):  # teach the tiny model to answer "positive"
        optimizer.zero_grad()
        model(**batch).loss.backward()
        optimizer.step()
    losses = answer_losses(model, tokenizer, [positive, negative])
    scores = label_logprobs(model, tokenizer, [positive], ["positive", "negative"])
    assert losses[1] > losses[0] + 1.0
    assert scores.shape == (1, 2) and scores[0, 0] > scores[0, 1]
    assert model.training  # the helpers evaluate in eval mode and restore the mode they found


def test_label_logprobs_rejects_labels_sharing_a_first_token(tiny_model):
    model, tokenizer = tiny_model
    with pytest.raises(ValueError, match="share a first token"):
        label_logprobs(model, tokenizer, [review(0, "ok")], ["positive", "positive!"])
