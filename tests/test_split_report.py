"""The split report: shared word runs worked out by hand, boilerplate cut out, labels found or refused, the command."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from ftkit.splits import longest_shared_runs, row_texts, split_overlap, split_report, without_phrases


def chat(question: str, answer: str, system: str | None = None) -> dict:
    """A chat row: an optional system line, a user turn, an answer."""
    turns = [{"role": "system", "content": system}] if system else []
    return {"messages": turns + [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]}


def test_the_longest_run_is_found_anywhere_in_the_reference_rows():
    test = [[["a", "b", "c", "d", "x"]], [["q", "r"]]]
    reference = [[["z", "b", "c", "d", "y"]], [["x", "q"]]]
    # Row 0 shares "b c d" with reference row 0; row 1 shares only "q" (with reference row 1).
    assert longest_shared_runs(test, reference) == [("b", "c", "d"), ("q",)]


def test_a_run_never_spans_two_texts_of_a_row():
    # "b c" is in the reference, but in the test row b ends one text and c starts the next.
    assert longest_shared_runs([[["a", "b"], ["c", "d"]]], [[["b", "c"]]]) == [("b",)]


def test_a_row_sharing_no_word_has_an_empty_run():
    assert longest_shared_runs([[["a"]], [["b", "b"]]], [[["b", "b", "b"]]]) == [(), ("b", "b")]


def test_a_run_may_span_reference_rows_only_within_one_of_them():
    # "a b" and "b c" are each in a reference row, but "a b c" is in none.
    assert longest_shared_runs([[["a", "b", "c"]]], [[["a", "b"]], [["b", "c"]]]) == [("a", "b")]


def brute_force_longest(test_row: list[list[str]], reference: list[list[list[str]]]) -> int:
    """The longest shared run by trying every pair of start positions (an independent, slow reference)."""
    best = 0
    for seq in test_row:
        for other in (o for row in reference for o in row):
            for i in range(len(seq)):
                for j in range(len(other)):
                    n = 0
                    while i + n < len(seq) and j + n < len(other) and seq[i + n] == other[j + n]:
                        n += 1
                    best = max(best, n)
    return best


@pytest.mark.parametrize("seed", range(5))
def test_run_lengths_agree_with_brute_force_on_random_texts(seed):
    rng = random.Random(seed)
    # Three words make long chance runs likely: the interesting case for growing runs.

    def row() -> list[list[str]]:
        return [[rng.choice("abc") for _ in range(rng.randint(0, 12))] for _ in range(rng.randint(1, 3))]

    test, reference = [row() for _ in range(8)], [row() for _ in range(6)]
    runs = longest_shared_runs(test, reference)
    assert [len(run) for run in runs] == [brute_force_longest(texts, reference) for texts in test]
    for run, texts in zip(runs, test):  # each reported run is a run of the test row
        assert not run or any(list(run) == seq[i : i + len(run)] for seq in texts for i in range(len(seq)))


def test_ignored_phrases_are_cut_out_and_split_the_text_where_they_stood():
    found = ["you", "are", "a", "bot", "hello", "there", "you", "are", "a", "bot", "bye"]
    assert without_phrases(found, [["you", "are", "a", "bot"]]) == [["hello", "there"], ["bye"]]
    assert without_phrases(["hello"], [["you", "are"]]) == [["hello"]]


def test_row_texts_reads_each_part_of_a_chat_and_plain_text_rows():
    row = chat("Q?", "A.", system="S.")
    assert row_texts(row) == ["S.", "Q?", "A."]
    assert row_texts(row, "prompt") == ["Q?"]
    assert row_texts(row, "answers") == ["A."]
    pair = {"prompt": [{"role": "user", "content": "P"}], "chosen": [{"role": "assistant", "content": "C"}],
            "rejected": [{"role": "assistant", "content": "R"}]}
    assert row_texts(pair) == ["P", "C", "R"]
    assert row_texts({"id": "x-1", "text": "Some prose."}) == ["Some prose."]
    assert row_texts({"question": "Why?", "answers": ["no"]}, fields=["question"]) == ["Why?"]


TRAIN = [chat("the patient has crushing chest pain in the left arm", "heart"),
         chat("a rash that itches on both elbows since monday", "skin"),
         chat("crushing chest pain at rest with sweating", "heart")]
TEST = [chat("Crushing chest pain in the left arm, since noon.", "heart"),  # shares "crushing chest pain in the left arm"
        chat("Blurred vision of one eye.", "eye"),  # shares nothing
        chat("An itchy rash on the elbows.", "skin")]  # shares "on" and "the" at most one word at a time


def test_split_overlap_gives_each_rows_run_and_the_share_at_the_threshold():
    overlap = split_overlap(TEST, TRAIN, run=6)
    assert [row.run for row in overlap.rows] == [("crushing", "chest", "pain", "in", "the", "left", "arm"), (), ("rash",)]
    assert [row.location for row in overlap.rows] == ["rows[0]", "rows[1]", "rows[2]"]
    assert (overlap.shared.point, overlap.shared.n, overlap.n_reference) == (pytest.approx(1 / 3), 3, 3)
    assert split_overlap(TEST, TRAIN, run=8).shared.point == 0.0


def test_boilerplate_is_ignored_in_both_splits():
    instruction = "Answer with one word from the list of body systems."
    train = [chat(f"{instruction} Note: a swollen ankle", "bone")]
    test = [chat(f"{instruction} Note: blurred vision", "eye")]
    assert len(split_overlap(test, train).rows[0].run) == 11  # the instruction's 10 words and "note"
    assert split_overlap(test, train, ignore=[instruction]).rows[0].run == ("note",)


def test_recurring_answers_are_taken_as_labels_and_get_both_baselines():
    train = [chat(f"chest pain case {i}", "heart") for i in range(4)] + [chat(f"itchy rash case {i}", "skin") for i in range(2)]
    test = [chat("chest pain again", "heart"), chat("itchy rash again", "skin"), chat("chest pain once more", "skin")]
    report = split_report(test, train)
    assert report.labels.startswith("labels: the final answer, 2 distinct in 6 training rows")
    assert report.majority.answer == "heart"
    assert report.majority.accuracy.point == pytest.approx(1 / 3)
    assert report.neighbours.predictions == ["heart", "skin", "heart"]
    assert report.neighbours.accuracy.point == pytest.approx(2 / 3)


def test_the_ignored_boilerplate_is_cut_out_of_the_neighbour_vote_as_well():
    # The rows of tests/test_baselines.py's boilerplate case (worked out there): left in, the 7-word instruction makes
    # the one-word "blue" row nearer to "<instruction> red" (cosine 0.69) than the fruit row that shares "red" (0.63);
    # cut out, only the fruit row shares a word. Three training rows leave k=1 the only k tried.
    instruction = "Please read the note below and answer."
    train = [dict(chat(f"{instruction} {text}", "ok"), label=label)
             for text, label in (("red apple cherry plum grape pear", "fruit"), ("blue", "sea"), ("green", "leaf"))]
    test = [dict(chat(f"{instruction} red", "ok"), label="fruit")]
    left_in = split_report(test, train, label_field="label")
    cut = split_report(test, train, ignore=[instruction], label_field="label")
    assert left_in.neighbours.k == cut.neighbours.k == 1
    assert left_in.neighbours.predictions == ["sea"]
    assert cut.neighbours.predictions == ["fruit"] and cut.neighbours.accuracy.point == 1.0


def test_free_text_answers_are_not_taken_as_labels_unless_a_field_is_named():
    report = split_report(TEST, TRAIN + [chat("sudden weakness of one arm", "brain")])
    assert report.labels.startswith("no labels: answers do not recur")
    assert report.majority is None and report.neighbours is None
    labelled = [dict(row, label=row["messages"][-1]["content"]) for row in TRAIN]
    named = split_report([dict(row, label="heart") for row in TEST], labelled, label_field="label")
    assert named.majority.answer == "heart" and named.majority.accuracy.point == 1.0


def write_jsonl(path, rows) -> str:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def ftkit(*args: str) -> subprocess.CompletedProcess:
    """Run `python -m ftkit ...` and capture its output."""
    return subprocess.run([sys.executable, "-m", "ftkit", *args], capture_output=True, text=True, timeout=120)


def test_the_command_prints_each_rows_run_and_the_shared_share(tmp_path):
    test, train = write_jsonl(tmp_path / "test.jsonl", TEST), write_jsonl(tmp_path / "train.jsonl", TRAIN)
    result = ftkit("split-report", test, "--reference", train)
    assert result.returncode == 0, result.stderr
    assert f'{test}:1     7  "crushing chest pain in the left arm"' in result.stdout
    assert f"{test}:2     0  -" in result.stdout
    assert "test rows sharing a run of 6+ words with one of 3 training rows: 0.33 [" in result.stdout
    assert "n=3" in result.stdout


def test_the_command_exits_1_above_max_share_and_2_on_an_unreadable_file(tmp_path):
    test, train = write_jsonl(tmp_path / "test.jsonl", TEST), write_jsonl(tmp_path / "train.jsonl", TRAIN)
    assert ftkit("split-report", test, "--reference", train, "--max-share", "0.05").returncode == 1
    assert ftkit("split-report", test, "--reference", train, "--max-share", "0.5").returncode == 0
    missing = ftkit("split-report", str(tmp_path / "absent.jsonl"), "--reference", train)
    assert missing.returncode == 2 and "absent.jsonl" in missing.stderr
