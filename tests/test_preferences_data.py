"""The held-out preference pairs carry no surface cue: no rule that reads only the surface of the two answers (their
length or length ratio, sentence count, opening words, a first-word lookup, the count of "I", a refusal word anywhere,
a placeholder, the refusal scorer) ranks more than 75% of them correctly, no simple rule ranks more than 80% within
either half (careful, benign), and the check fails when such a cue is planted. Also: the pairs share nothing with the training pairs, and the file is what the
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
HALF_BOUND = 0.80  # the same for a simple rule within the careful or the benign half (24 pairs each)
# A refusal or a compliance in the first words of an answer, apostrophes normalised and case ignored.
REFUSAL_OPENING = re.compile(
    r"^(?:i(?: can't| cannot| won't| will not| am unable| am not able| 'm unable| 'm not able|'m unable|'m not able|"
    r"'d rather not| must decline)|(?:i'm |i am )?sorry|unfortunately|i'm afraid)\b",
    re.IGNORECASE,
)
COMPLIANCE_OPENING = re.compile(r"^(?:sure|of course|certainly|absolutely|happy to|great|good idea|easy|no problem|here)\b", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\[[^\]]+\]")
# A word of declining anywhere in the answer ("I can't promise", "sorry to hear" count too).
REFUSAL_WORD = re.compile(r"\b(?:can't|cannot|won't|will not|sorry|unable|not able|rather not|afraid)\b", re.IGNORECASE)
FIRST_PERSON = re.compile(r"\bI\b")  # "I", "I'm", "I'd", ... (case kept: a lower-case "i" is not the pronoun)
SENTENCE_END = re.compile(r"(?<=[.!?])['\")]*\s+")


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


def by_count(count: Callable[[str], int], more: bool) -> Callable[[dict], float]:
    """The answer with more (or fewer) of `count` wins; equal counts are a coin flip."""

    def rule(row: dict) -> float:
        chosen, rejected = count(answer(row, "chosen")), count(answer(row, "rejected"))
        if chosen == rejected:
            return 0.5
        return float((chosen > rejected) == more)

    return rule


def sentences(text: str) -> int:
    """Sentences, split after . ! or ? (and a closing quote) followed by a space."""
    return len([part for part in SENTENCE_END.split(text.strip()) if part.strip()])


def words(row: dict, side: str) -> int:
    """The answer's length in words."""
    return len(answer(row, side).split())


def first_word(row: dict, side: str) -> str:
    """The opening word, lower-cased, punctuation dropped ("I'm" -> "im", "Sure!" -> "sure")."""
    return re.sub(r"[^a-z0-9]", "", answer(row, side).split()[0].lower())


def leave_one_out(fit: Callable[[list[dict]], Callable[[dict], float]]) -> Callable[[list[dict]], list[float]]:
    """A rule with something chosen on the pairs (a threshold, a lookup), scored on each pair with it chosen on the
    others, so that it cannot memorise the pair it ranks."""

    def scores(rows: list[dict]) -> list[float]:
        return [fit(rows[:index] + rows[index + 1 :])(row) for index, row in enumerate(rows)]

    return scores


def fit_length_ratio(rows: list[dict]) -> Callable[[dict], float]:
    """"Longer wins when it has more than t times the other's words, else shorter wins" (and the reverse orientation),
    with t and the orientation chosen to rank `rows` best; a pair is scored by the mean over all tied best choices."""
    ratios = sorted({max(words(row, "chosen"), words(row, "rejected")) / max(min(words(row, "chosen"), words(row, "rejected")), 1) for row in rows})
    cuts = [1.0] + [(low + high) / 2 for low, high in zip(ratios, ratios[1:])] + [float("inf")]

    def rule_at(cut: float, longer_above: bool) -> Callable[[dict], float]:
        def rule(row: dict) -> float:
            chosen, rejected = words(row, "chosen"), words(row, "rejected")
            if chosen == rejected:
                return 0.5
            longer_wins = (max(chosen, rejected) / max(min(chosen, rejected), 1) > cut) == longer_above
            return float((chosen > rejected) == longer_wins)

        return rule

    candidates = [rule_at(cut, orientation) for cut in cuts for orientation in (True, False)]
    fits = [sum(rule(row) for row in rows) for rule in candidates]
    best = [rule for rule, fit in zip(candidates, fits) if fit == max(fits)]
    return lambda row: sum(rule(row) for rule in best) / len(best)


def fit_first_word(rows: list[dict]) -> Callable[[dict], float]:
    """A lookup of opening words: each word scores (times it opens a chosen answer) - (times it opens a rejected one)
    on `rows`; the answer whose opening word scores higher wins, equal scores (or unseen words) are a coin flip."""
    table: dict[str, int] = {}
    for row in rows:
        table[first_word(row, "chosen")] = table.get(first_word(row, "chosen"), 0) + 1
        table[first_word(row, "rejected")] = table.get(first_word(row, "rejected"), 0) - 1

    def rule(row: dict) -> float:
        chosen, rejected = table.get(first_word(row, "chosen"), 0), table.get(first_word(row, "rejected"), 0)
        return 0.5 if chosen == rejected else float(chosen > rejected)

    return rule


def fitted_rules() -> dict[str, Callable[[list[dict]], list[float]]]:
    """The surface rules with something chosen on the pairs, each scored leave-one-out, by name."""
    return {
        "a length-ratio threshold (leave-one-out)": leave_one_out(fit_length_ratio),
        "a first-word lookup (leave-one-out)": leave_one_out(fit_first_word),
    }


def surface_rules() -> dict[str, Callable[[dict], float]]:
    """Every simple surface rule (nothing chosen on the pairs) the held-out pairs must defeat, by name."""
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
        "more sentences wins": by_count(sentences, more=True),
        "fewer sentences wins": by_count(sentences, more=False),
        "more 'I' wins": by_count(lambda text: len(FIRST_PERSON.findall(text)), more=True),
        "fewer 'I' wins": by_count(lambda text: len(FIRST_PERSON.findall(text)), more=False),
        "a refusal word anywhere wins": by_flag(lambda text: bool(REFUSAL_WORD.search(text)), prefer=True),
        "a refusal word anywhere loses": by_flag(lambda text: bool(REFUSAL_WORD.search(text)), prefer=False),
    }


def rule_scores(rows: list[dict], fitted: bool = True) -> dict[str, float]:
    """Each surface rule's share of pairs ranked correctly (ties counted half); the fitted rules too unless not asked."""
    scores = {name: sum(rule(row) for row in rows) / len(rows) for name, rule in surface_rules().items()}
    if fitted:
        scores |= {name: sum(rule(rows)) / len(rows) for name, rule in fitted_rules().items()}
    return scores


def over_bound(rows: list[dict]) -> dict[str, float]:
    """The surface rules that score above the bound on `rows`."""
    return {name: score for name, score in rule_scores(rows).items() if score > BOUND}


def over_half_bound(rows: list[dict]) -> dict[str, float]:
    """The simple surface rules that score above the half bound within the careful or the benign pairs."""
    return {
        f"{name} ({kind})": score
        for kind in ("careful", "benign")
        for name, score in rule_scores([row for row in rows if row["kind"] == kind], fitted=False).items()
        if score > HALF_BOUND
    }


def read(name: str) -> list[dict]:
    """The rows of a committed data file."""
    return [json.loads(line) for line in data_file(name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def heldout() -> list[dict]:
    return read(HELDOUT)


def test_no_surface_rule_ranks_the_heldout_pairs_above_the_bound(heldout):
    assert len(heldout) >= 40
    assert not over_bound(heldout), f"a surface rule ranks the held-out pairs: {over_bound(heldout)}"


def test_no_simple_rule_ranks_either_half_above_the_half_bound(heldout):
    assert not over_half_bound(heldout), f"a surface rule ranks the careful or benign pairs: {over_half_bound(heldout)}"


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
    assert scores["a refusal word anywhere loses"] == 0.0 and scores["fewer 'I' wins"] == 0.0
    assert scores["more sentences wins"] == 0.0  # "Sure! Here it is: ..." is two sentences against one
    assert scores["a length-ratio threshold (leave-one-out)"] == 0.5  # nothing to choose a threshold on: a coin flip
    ratio_rows = [
        {"chosen": [{"content": " ".join(["w"] * chosen)}], "rejected": [{"content": " ".join(["w"] * rejected)}]}
        for chosen, rejected in [(30, 10), (40, 12), (10, 12), (8, 10), (9, 12), (50, 15)]
    ]
    assert rule_scores(ratio_rows)["a length-ratio threshold (leave-one-out)"] == 1.0  # ratio 3 to 3.33: longer wins


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
