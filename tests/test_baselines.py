"""The majority and nearest-neighbour baselines on rows small enough to work out by hand."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ftkit.baselines import (
    labelled_texts,
    leave_one_out_accuracy,
    majority_baseline,
    majority_label,
    nearest_neighbour_baseline,
    prompt_text,
    row_label,
)

ROW = {
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Chest pain since noon."},
        {"role": "assistant", "content": "  cardiology\n"},
    ],
    "urgency": "emergency",
}


def test_the_prompt_text_is_the_user_turn_without_system_line_or_answer():
    assert prompt_text(ROW) == "Chest pain since noon."


def test_the_label_is_the_stripped_answer_or_the_named_field():
    assert row_label(ROW) == "cardiology"
    assert row_label(ROW, "urgency") == "emergency"
    assert labelled_texts([ROW, ROW], "urgency") == (["Chest pain since noon."] * 2, ["emergency"] * 2)


def test_a_missing_label_field_is_named():
    with pytest.raises(ValueError, match="department"):
        row_label(ROW, "department")


def test_other_formats_give_their_prompt_and_answer():
    assert prompt_text({"instruction": "Add 2 and 2.", "input": "", "output": "4"}) == "Add 2 and 2."
    assert row_label({"prompt": "Capital of France?", "completion": " Paris"}) == "Paris"


def test_the_majority_answer_scores_the_share_of_test_rows_with_that_label():
    result = majority_baseline(["a", "a", "b"], ["a", "b", "b", "a"])
    assert result.answer == "a"
    # 2 of 4 with z = 1.96: centre 0.5, half-width 1.96/1.9604 * sqrt(0.0625 + 0.0600) = 0.3500.
    assert (result.accuracy.point, result.accuracy.n) == (0.5, 4)
    assert result.accuracy.low == pytest.approx(0.1500, abs=1e-3)
    assert result.accuracy.high == pytest.approx(0.8500, abs=1e-3)


def test_a_tie_for_the_majority_goes_to_the_label_seen_first():
    assert majority_label(["b", "a", "a", "b"]) == "b"


CLUSTERS = (["red apple fruit", "red cherry fruit", "blue whale sea", "blue shark sea"], ["a", "a", "b", "b"])


def test_leave_one_out_counts_each_training_row_against_the_others():
    # Left out, each row's nearest other row is its own colour's twin (right at k=1); its 3 others are one twin and
    # two rows of the other colour, which outvote the twin (wrong at k=3).
    assert leave_one_out_accuracy(*CLUSTERS, ks=(1, 3, 5)) == {1: 1.0, 3: 0.0}


def test_the_neighbour_vote_takes_k_from_the_training_rows_and_labels_test_rows_by_their_nearest():
    result = nearest_neighbour_baseline(*CLUSTERS, ["red apple", "blue sea", "red fruit"], ["a", "b", "b"])
    assert result.k == 1
    assert result.predictions == ["a", "b", "a"]
    assert (result.accuracy.point, result.accuracy.n) == (pytest.approx(2 / 3), 3)


def test_on_a_tie_in_leave_one_out_accuracy_the_smaller_k_is_chosen():
    # Three rows per colour, no word shared across colours: left out, a row has its 2 twins and then the first row of
    # the other colour among its 3 nearest (right), but 3 rows of the other colour among its 5 (wrong).
    texts = ["red apple", "red cherry", "red plum", "blue whale", "blue shark", "blue seal"]
    labels = ["a", "a", "a", "b", "b", "b"]
    assert leave_one_out_accuracy(texts, labels, ks=(1, 3, 5)) == {1: 1.0, 3: 1.0, 5: 0.0}
    assert nearest_neighbour_baseline(texts, labels, ["red"], ["a"], ks=(1, 3, 5)).k == 1


def test_a_tied_vote_goes_to_the_label_with_the_larger_summed_similarity():
    # k=2: "alpha beta" is nearest to itself (x) and then "alpha" (y), one vote each: x is the more similar.
    # "alpha" is nearest to "alpha" (y), then "alpha beta" (x): y is the more similar.
    result = nearest_neighbour_baseline(["alpha beta", "alpha", "gamma delta"], ["x", "y", "z"], ["alpha beta", "alpha"], ["x", "y"], ks=(2,))
    assert result.predictions == ["x", "y"]


INSTRUCTION = "Please read the note below and answer."
BOILERPLATE_TRAIN = ([f"{INSTRUCTION} red apple cherry plum grape pear", f"{INSTRUCTION} blue", f"{INSTRUCTION} green"],
                     ["fruit", "sea", "leaf"])


def test_boilerplate_left_in_outvotes_the_content_and_cut_out_it_does_not():
    # The test row is the instruction and "red"; only the fruit row shares "red". Three training rows: a word in all
    # three has idf ln(4/4) + 1 = 1, a word or pair in one row ln(4/2) + 1 = 1.693 (1.693^2 = 2.866). The instruction
    # gives 7 words and 6 pairs of weight 1 to every row.
    # Left in: the test row has the 13, "red" and the pair "answer red" (norm^2 13 + 2 x 2.866 = 18.73). The fruit row
    # has the 13 and 6 words and 6 pairs of its own, "answer red" among them (norm^2 13 + 12 x 2.866 = 47.39); cosine
    # 18.73 / sqrt(18.73 x 47.39) = 0.63. The sea row has the 13, "blue" and "answer blue" (norm^2 18.73); cosine
    # 13 / 18.73 = 0.69, as for the leaf row. The instruction makes "sea" the nearest row (the first of the tie).
    # Cut out: the test row is "red", which only the fruit row has (cosine 1.693 / sqrt(11 x 2.866) = 0.30, the
    # others 0): "fruit".
    texts, labels = BOILERPLATE_TRAIN
    test = [f"{INSTRUCTION} red"]
    assert nearest_neighbour_baseline(texts, labels, test, ["fruit"], ks=(1,)).predictions == ["sea"]
    cut = nearest_neighbour_baseline(texts, labels, test, ["fruit"], ks=(1,), ignore=[INSTRUCTION])
    assert cut.predictions == ["fruit"] and cut.accuracy.point == 1.0


def test_ignored_phrases_are_matched_as_words_and_cut_out_of_the_leave_one_out_vote_too():
    # The rows above with the instruction shouted: case and punctuation aside, the phrase is found, so the test row
    # is "red" again and goes to the fruit row (left in, it would go to "sea"). With the phrase cut out no training row
    # shares a word with another, so every similarity is 0, each left-out row's nearest row is the first other row in
    # training order (fruit -> sea, sea -> fruit, leaf -> fruit), and no label is the row's own: leave-one-out
    # accuracy 0 at k=1.
    shout = INSTRUCTION.upper().rstrip(".") + "!"
    texts, labels = BOILERPLATE_TRAIN
    shouted = [text.replace(INSTRUCTION, shout) for text in texts]
    assert leave_one_out_accuracy(shouted, labels, ks=(1,), ignore=[INSTRUCTION]) == {1: 0.0}
    cut = nearest_neighbour_baseline(shouted, labels, [f"{shout} red"], ["fruit"], ks=(1,), ignore=[INSTRUCTION])
    assert cut.predictions == ["fruit"]
    assert nearest_neighbour_baseline(shouted, labels, [f"{shout} red"], ["fruit"], ks=(1,)).predictions == ["sea"]


def test_texts_and_labels_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="2 test texts but 1 labels"):
        nearest_neighbour_baseline(*CLUSTERS, ["red", "blue"], ["a"])


def test_importing_the_baselines_loads_neither_torch_nor_scikit_learn():
    code = "import sys, ftkit.baselines, ftkit.splits; print('torch' in sys.modules, 'sklearn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "False"], result.stderr
