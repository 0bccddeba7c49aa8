"""The held-out preference pairs carry no surface cue: no rule that reads only the surface of the two answers (their
length, their opening words, a placeholder, the refusal scorer) ranks more than 75% of them correctly, and the check
fails when such a cue is planted. Also: the pairs share nothing with the training pairs, and the file is what the
generator writes."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from collections.abc import Callable

import pytest

from curriculum.paths import DATA_DIR, data_file

HELDOUT = "preferences_heldout_test.jsonl"
BOUND = 0.75  # above this, a surface rule ranks the pairs well enough that a held-out score says little about judgement
# A refusal or a compliance in the first words of an answer, apostrophes normalised and case ignored.
REFUSAL_OPENING = re.compile(
    r"^(?:i(?: can't| cannot| won't| will not| am unable| am not able| 'm unable| 'm not able|'m unable|'m not able|"
    r"'d rather not| must decline)|(?:i'm |i am )?sorry|unfortunately|i'm afraid)\b",
    re.IGNORECASE,
)
COMPLIANCE_OPENING = re.compile(r"^(?:sure|of course|certainly|absolutely|happy to|great|good idea|easy|no problem|here)\b", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\[[^\]]+\]")


def answer(row: dict, side: str) -> str:
    """The assistant text of the chosen or rejected side, apostrophes normalised."""
    return row[side][0]["content"].replace("\u2019", "'")


def by_flag(flag: Callable[[str], bool], prefer: bool) -> Callable[[dict], float]:
    """A rule that picks the answer with `flag` (prefer=True) or without it: 1 when it picks the chosen answer, 0 the
    rejected one, 0.5 when both or neither have the flag (a coin flip)."""

    def rule(row: dict) -> float:
        chosen, rejected = flag(answer(row, "chosen")), flag(answer(row, "rejected"))
        if chosen == rejected:
            return 0.5
        return float(chosen == prefer)

    return rule


def by_length(longer: bool) -> Callable[[dict], float]:
    """The longer (or shorter) answer in words wins; equal lengths are a coin flip."""

    def rule(row: dict) -> float:
        chosen, rejected = len(answer(row, "chosen").split()), len(answer(row, "rejected").split())
        if chosen == rejected:
            return 0.5
        return float((chosen > rejected) == longer)

    return rule


def surface_rules() -> dict[str, Callable[[dict], float]]:
    """Every surface rule the held-out pairs must defeat, by name."""
    from ftkit.alignment import is_refusal  # the scorer the notebooks use; imported here, not at collection

    def refusal_opening(text: str) -> bool:
        return bool(REFUSAL_OPENING.match(text))

    def compliance_opening(text: str) -> bool:
        return bool(COMPLIANCE_OPENING.match(text))

    def placeholder(text: str) -> bool:
        return bool(PLACEHOLDER.search(text))

    return {
        "longer wins": by_length(longer=True),
        "shorter wins": by_length(longer=False),
        "a refusal opening wins": by_flag(refusal_opening, prefer=True),
        "a refusal opening loses": by_flag(refusal_opening, prefer=False),
        "the refusal scorer's refusal wins": by_flag(is_refusal, prefer=True),
        "the refusal scorer's refusal loses": by_flag(is_refusal, prefer=False),
        "a compliance opening loses": by_flag(compliance_opening, prefer=False),
        "a placeholder loses": by_flag(placeholder, prefer=False),
    }


def rule_scores(rows: list[dict]) -> dict[str, float]:
    """Each surface rule's share of pairs ranked correctly (ties counted half)."""
    return {name: sum(rule(row) for row in rows) / len(rows) for name, rule in surface_rules().items()}


def over_bound(rows: list[dict]) -> dict[str, float]:
    """The surface rules that score above the bound on `rows`."""
    return {name: score for name, score in rule_scores(rows).items() if score > BOUND}


def read(name: str) -> list[dict]:
    """The rows of a committed data file."""
    return [json.loads(line) for line in data_file(name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def heldout() -> list[dict]:
    return read(HELDOUT)


def test_no_surface_rule_ranks_the_heldout_pairs_above_the_bound(heldout):
    assert len(heldout) >= 40
    assert not over_bound(heldout), f"a surface rule ranks the held-out pairs: {over_bound(heldout)}"


@pytest.mark.parametrize(
    "plant",
    [
        lambda row: row["rejected"][0].update(content=row["rejected"][0]["content"] + " [details]"),
        lambda row: row["chosen"][0].update(content=row["chosen"][0]["content"] + " " + "More detail follows here. " * 8),
        lambda row: row["chosen"][0].update(content="I can't help with that. " + row["chosen"][0]["content"]),
    ],
    ids=["placeholder in every rejected answer", "every chosen answer padded", "every chosen answer opens with a refusal"],
)
def test_a_planted_surface_cue_fails_the_check(heldout, plant):
    planted = copy.deepcopy(heldout)
    for row in planted:
        plant(row)
    assert over_bound(planted), "the check should catch a cue planted in every pair"


def test_the_rules_score_a_hand_made_pair_as_expected():
    row = {
        "chosen": [{"role": "assistant", "content": "Sorry, I can't help with that."}],
        "rejected": [{"role": "assistant", "content": "Sure! Here it is: [details], and some more words."}],
    }
    scores = rule_scores([row])
    assert scores["shorter wins"] == 1.0 and scores["longer wins"] == 0.0
    assert scores["a refusal opening wins"] == 1.0 and scores["a placeholder loses"] == 1.0
    assert scores["a compliance opening loses"] == 1.0


def test_both_kinds_are_balanced_and_every_pair_is_labelled(heldout):
    kinds = [row["kind"] for row in heldout]
    assert kinds.count("careful") == kinds.count("benign")
    assert all(row["category"] and answer(row, "chosen") != answer(row, "rejected") for row in heldout)


def six_grams(text: str) -> set[tuple[str, ...]]:
    """Word 6-grams, lower-cased, punctuation dropped."""
    tokens = re.findall(r"[a-z0-9]+", text.lower().replace("'", ""))
    return {tuple(tokens[i : i + 6]) for i in range(len(tokens) - 5)}


def test_the_heldout_pairs_share_no_category_prompt_or_six_word_run_with_training(heldout):
    train = read("preferences_train.jsonl")
    texts = lambda row: [row["prompt"][0]["content"], answer(row, "chosen"), answer(row, "rejected")]  # noqa: E731
    train_grams = set().union(*(six_grams(text) for row in train for text in texts(row)))
    assert not {row["category"] for row in heldout} & {row["category"] for row in train}
    sharing = [row["prompt"][0]["content"] for row in heldout if any(six_grams(text) & train_grams for text in texts(row))]
    assert not sharing, f"held-out pairs sharing a 6-word run with training: {sharing}"


def test_the_generator_rewrites_the_heldout_file_byte_for_byte():
    spec = importlib.util.spec_from_file_location("make_preferences", DATA_DIR / "make_preferences.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in module.build_heldout())
    assert written == data_file(HELDOUT).read_text(encoding="utf-8")
