"""Generation metrics: library scores per item, on cases whose values are known by hand."""

from __future__ import annotations

import numpy as np
import pytest

from ftkit.text_metrics import TEXT_METRICS, corpus_bleu, rouge_l, sentence_bleu, sentence_chrf, text_scores


def test_identical_text_scores_the_maximum_on_every_metric():
    scores = text_scores(["chest pain for a week"], ["chest pain for a week"])
    assert {name: float(values[0]) for name, values in scores.items()} == pytest.approx({
        "exact match": 1.0, "token F1": 1.0, "BLEU": 100.0, "chrF": 100.0, "ROUGE-L": 1.0})


def test_text_sharing_no_word_or_character_ngram_scores_zero():
    assert sentence_bleu("xyz", "chest pain") == 0.0
    assert rouge_l("xyz", "chest pain") == 0.0
    assert sentence_chrf("qqq", "chest pain") == 0.0


def test_rouge_l_is_the_f_measure_of_the_longest_common_subsequence():
    # LCS of "man with chest pain" in "old man chest pain" is "man chest pain": 3 words; P = 3/4, R = 3/4.
    assert rouge_l("old man chest pain", "man with chest pain") == pytest.approx(0.75)


def test_rouge_l_stems_words_so_a_changed_ending_still_matches():
    assert rouge_l("blistering rashes", "blistering rash") == pytest.approx(1.0)


def test_bleu_penalises_a_changed_word_more_than_chrf_does():
    reference = "woman with a painful swollen knee after a fall"
    changed = "woman with a painful swelling knee after a fall"
    assert sentence_chrf(changed, reference) > sentence_bleu(changed, reference)


def test_corpus_bleu_pools_counts_rather_than_averaging_sentences():
    predictions, references = ["a b c d", "x"], ["a b c d", "y"]
    pooled = corpus_bleu(predictions, references)
    assert 0 < pooled < 100
    assert pooled != pytest.approx(np.mean([sentence_bleu(p, r) for p, r in zip(predictions, references)]))


def test_text_scores_gives_one_score_per_item_for_each_chosen_metric():
    scores = text_scores(["a", "b", "c"], ["a", "x", "c"], metrics={"exact match": TEXT_METRICS["exact match"]})
    assert list(scores) == ["exact match"]
    assert scores["exact match"].tolist() == [1.0, 0.0, 1.0]


def test_text_scores_refuses_unpaired_lists():
    with pytest.raises(ValueError, match="one reference per prediction"):
        text_scores(["a", "b"], ["a"])
