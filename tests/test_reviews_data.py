"""The committed product-review sets of notebook 02: leakage only where planted, a large clean test set, look-alikes
that stay clean and correctly labelled, a deterministic generator and its typo function."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path
from types import ModuleType

import pytest

from curriculum.paths import DATA_DIR, data_file

FILES = ("reviews_train_dirty.jsonl", "reviews_train_defects.jsonl", "reviews_test.jsonl")


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    """data/make_reviews.py, loaded by path (data/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_reviews", DATA_DIR / "make_reviews.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(name: str) -> list[dict]:
    """The rows of a committed data file."""
    return [json.loads(line) for line in data_file(name).read_text(encoding="utf-8").splitlines()]


def review(row: dict) -> str:
    """The review text of a row: its user message without the prefix, whitespace stripped."""
    return next(m["content"] for m in row["messages"] if m["role"] == "user").removeprefix("Review: ").strip()


def answer(row: dict) -> str:
    """The assistant answer of a row."""
    return next(m["content"] for m in row["messages"] if m["role"] == "assistant")


def word_8grams(text: str) -> set[tuple[str, ...]]:
    """Lower-cased word 8-grams, punctuation dropped (the whole text as one gram when it is shorter)."""
    tokens = "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()
    return {tuple(tokens[i : i + 8]) for i in range(max(len(tokens) - 7, 1))}


@pytest.fixture(scope="module")
def sets() -> tuple[list[dict], dict[str, dict], list[dict]]:
    """(train rows, truth by id, test rows) as committed."""
    train, truth, test = (read(name) for name in FILES)
    return train, {t["id"]: t for t in truth}, test


def test_test_reviews_appear_in_train_only_on_rows_marked_leaked(sets):
    train, truth, test = sets
    test_texts = {review(row) for row in test}
    in_train = [row["id"] for row in train if review(row) in test_texts]
    leaked = [row["id"] for row in train if "leaked" in truth[row["id"]]["defects"]]
    assert sorted(in_train) == sorted(leaked)
    assert len(leaked) == 10


def test_rows_not_leaked_share_under_30_percent_of_their_8grams_with_the_test_set(sets):
    train, truth, test = sets
    test_grams = set().union(*(word_8grams(review(row)) for row in test))
    too_close = []
    for row in train:
        if "leaked" in truth[row["id"]]["defects"]:
            continue
        grams = word_8grams(review(row))
        if len(grams & test_grams) >= 0.3 * len(grams):
            too_close.append(row["id"])
    assert too_close == []


def test_test_set_has_224_rows_with_both_labels_and_brevo_weighted_to_lukewarm(sets):
    _, _, test = sets
    assert len(test) == 224 >= 200
    assert {answer(row) for row in test} == {"positive", "negative"}
    brevo = [row["tone"] for row in test if row["brand"] == "Brevo"]
    assert (brevo.count("positive"), brevo.count("negative"), brevo.count("lukewarm")) == (8, 8, 16)


def test_lookalikes_are_clean_and_labelled_by_the_star_rating_rule(sets):
    train, truth, _ = sets
    rule = {"positive": "positive", "lukewarm": "positive", "negative": "negative"}
    looks = [row for row in train if "lookalike" in truth[row["id"]]]
    kinds = [truth[row["id"]]["lookalike"] for row in looks]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {"date": 8, "price": 8, "version": 8, "number_run": 8, "template_twin": 16}
    assert all(truth[row["id"]]["defects"] == [] for row in looks)
    assert all(answer(row) == rule[row["tone"]] for row in looks)
    assert all(row["channel"] == "review_form" for row in looks)


def test_template_twins_pair_up_one_word_apart_with_the_same_brand_and_label(sets):
    train, truth, _ = sets
    twins = [row for row in train if truth[row["id"]].get("lookalike") == "template_twin"]
    partners = {}
    for row in twins:
        words = review(row).split(" ")
        for other in twins:
            other_words = review(other).split(" ")
            if len(words) == len(other_words) and sum(a != b for a, b in zip(words, other_words)) == 1:
                assert (other["brand"], other["product"], answer(other)) == (row["brand"], row["product"], answer(row))
                partners.setdefault(row["id"], []).append(other["id"])
    assert len(partners) == len(twins) == 16


def test_build_again_gives_byte_identical_files(generator, tmp_path: Path):
    for name, rows in zip(FILES, generator.build()):
        generator.write_jsonl(tmp_path / name, rows)
        assert (tmp_path / name).read_bytes() == data_file(name).read_bytes(), name


def test_add_typos_keeps_protected_words_and_swaps_letters_in_about_12_percent_of_long_words(generator):
    words = ["Brevo", "Norvik", "kettle", "handle", "switch", "quietly", "reliably", "sturdy", "cheap", "flimsy"]
    text = " ".join(words * 300)
    typed = generator.add_typos(random.Random(0), text, protect={"Norvik"}).split(" ")
    assert len(typed) == len(words) * 300
    original = text.split(" ")
    assert all(t == o for t, o in zip(typed, original) if o in {"Brevo", "Norvik"})
    changed = [t for t, o in zip(typed, original) if t != o]
    assert all(sorted(t) == sorted(o) and t[0] == o[0] and t[-1] == o[-1] for t, o in zip(typed, original) if t != o)
    assert 0.09 <= len(changed) / (8 * 300) <= 0.15  # 2400 eligible words at rate 0.12


def test_add_typos_protects_the_returns_brand_even_with_other_protected_words(generator):
    text = " ".join(["Brevo"] * 500)
    assert generator.add_typos(random.Random(1), text, rate=1.0, protect={"Norvik"}) == text
    assert generator.add_typos(random.Random(1), "kettle " * 3, rate=1.0, protect={"kettle"}) == "kettle " * 3
