"""Unit tests of ftkit.augment: synonym replacement, the paraphrase filter, counterfactual twins."""

from __future__ import annotations

import random

from ftkit.augment import counterfactual_rows, paraphrase_problem, swap_term, synonym_replace, synonym_rows
from ftkit.data import chat_row
from ftkit.data_quality import row_text


def review(text: str, answer: str, brand: str) -> dict:
    """A chat row with a brand field."""
    return {"brand": brand, **chat_row(f"Review: {text}", answer, system="Positive or negative?")}


def test_synonym_replace_swaps_table_words_and_keeps_case_and_other_words():
    text = "Great kettle, I love the Norvik brand."
    out = synonym_replace(text, random.Random(0), rate=1.0)
    assert out.split()[0] in {"Excellent", "Superb", "Terrific"}
    assert "kettle," in out and "Norvik" in out and "love" not in out.split()


def test_synonym_replace_at_rate_zero_changes_nothing():
    text = "Great kettle, I love it."
    assert synonym_replace(text, random.Random(0), rate=0.0) == text


def test_synonym_rows_keep_the_answer_and_differ_from_the_source():
    rows = [review("Great kettle, really happy.", "positive", "Norvik"), review("Zxq wvv.", "negative", "Norvik")]
    variants = synonym_rows(rows, copies=2, seed=0, rate=1.0)
    assert variants and all(row_text(v).answer == "positive" for v in variants)  # the row without table words adds none
    assert all(row_text(v).prompt != row_text(rows[0]).prompt for v in variants)
    assert rows[0]["messages"][1]["content"] == "Review: Great kettle, really happy."  # source untouched


def test_paraphrase_filter_names_the_problem():
    source = "The Norvik kettle boils fast and the lid closes firmly every time."
    assert paraphrase_problem(source, "") == "empty"
    assert paraphrase_problem(source, "Sure! Here is the review: the kettle is fast.") == "preamble"
    assert paraphrase_problem(source, "Fast.") == "length"
    assert paraphrase_problem(source, source.lower()) == "copy"
    assert paraphrase_problem(source, "This kettle from Acme heats water quickly and its lid shuts tightly.", keep=["Norvik"]) == "drift"
    assert paraphrase_problem(source, "This Norvik kettle heats water fast, and its lid shuts firmly each time.", keep=["Norvik"]) is None


def test_swap_term_changes_only_the_user_text():
    row = review("The Brevo lamp is bright.", "positive", "Brevo")
    twin = swap_term(row, "Brevo", "Lumio")
    assert row_text(twin).prompt == "Review: The Lumio lamp is bright." and row_text(twin).answer == "positive"
    assert row_text(row).prompt == "Review: The Brevo lamp is bright."


def test_counterfactual_rows_give_the_spurious_term_the_other_answer():
    rows = [review(f"Brevo item {i} broke.", "negative", "Brevo") for i in range(3)]
    rows += [review(f"Lumio item {i} is great.", "positive", "Lumio") for i in range(5)]
    rows += [review(f"Norvik item {i} broke.", "negative", "Norvik") for i in range(5)]
    twins = counterfactual_rows(rows, "brand", "Brevo", ["Lumio", "Norvik"], seed=0)
    moved_away = [t for t in twins if t["brand"] != "Brevo"]
    moved_in = [t for t in twins if t["brand"] == "Brevo"]
    assert len(moved_away) == 3 and all("Brevo" not in row_text(t).prompt for t in moved_away)
    assert len(moved_in) == 3 and all(row_text(t).answer == "positive" and "Brevo" in row_text(t).prompt for t in moved_in)


def test_letter_swaps_swap_inner_letters_and_leave_protected_and_short_words():
    import random

    from ftkit.augment import letter_swaps

    text = " ".join(["Brevo", "kettle", "handle", "switch", "lid", "quietly"] * 20)
    swapped = letter_swaps(text, random.Random(0), rate=0.5, protect={"brevo"})
    pairs = list(zip(text.split(" "), swapped.split(" ")))
    changed = [(a, b) for a, b in pairs if a != b]
    assert all(a in {"kettle", "handle", "switch", "quietly"} for a, _ in changed)  # not the brand, not "lid"
    assert 20 <= len(changed) <= 60  # about half of the 80 eligible words (some swaps of equal letters change nothing)
    for a, b in changed:
        assert (a[0], a[-1], sorted(a)) == (b[0], b[-1], sorted(b))  # same letters, first and last in place
        assert sum(x != y for x, y in zip(a, b)) == 2  # one adjacent pair swapped
