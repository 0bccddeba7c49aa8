"""Per-item scores of generated text against references, on the field's libraries: sacrebleu (BLEU, chrF) and
rouge-score (ROUGE-L); exact match and token F1 are SQuAD's (`ftkit.evaluate`). One score per item, so every metric
gets a bootstrap interval over items and a paired difference between two systems."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from ftkit.evaluate import exact_match, token_f1


def sentence_bleu(prediction: str, reference: str) -> float:
    """sacrebleu's sentence BLEU (0-100, exponential smoothing: a short sentence with no 4-gram match is not 0)."""
    from sacrebleu.metrics import BLEU  # deferred: importing ftkit loads no metric library

    return float(BLEU(effective_order=True).sentence_score(prediction, [reference]).score)


def sentence_chrf(prediction: str, reference: str) -> float:
    """sacrebleu's chrF (0-100): character n-gram F-score, kinder than BLEU to a changed word ending."""
    from sacrebleu.metrics import CHRF

    return float(CHRF().sentence_score(prediction, [reference]).score)


def corpus_bleu(predictions: Sequence[str], references: Sequence[str]) -> float:
    """sacrebleu's corpus BLEU (0-100): n-gram counts pooled over the set, as papers report it."""
    from sacrebleu.metrics import BLEU

    return float(BLEU().corpus_score(list(predictions), [list(references)]).score)


def rouge_l(prediction: str, reference: str) -> float:
    """rouge-score's ROUGE-L F-measure (0-1, Porter stemming): the longest common word subsequence."""
    return float(_rouge_l_scorer().score(reference, prediction)["rougeL"].fmeasure)


@lru_cache(maxsize=1)
def _rouge_l_scorer():
    """One stemming ROUGE-L scorer, built on first use."""
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)

# name -> score(prediction, reference); every one is higher for a better match.
TEXT_METRICS: dict[str, Callable[[str, str], float]] = {
    "exact match": exact_match,
    "token F1": token_f1,
    "BLEU": sentence_bleu,
    "chrF": sentence_chrf,
    "ROUGE-L": rouge_l,
}


def text_scores(predictions: Sequence[str], references: Sequence[str],
                metrics: dict[str, Callable[[str, str], float]] | None = None) -> dict[str, np.ndarray]:
    """metric name -> one score per item, for predictions against their references (all of `TEXT_METRICS` by default)."""
    if len(predictions) != len(references):
        raise ValueError(f"one reference per prediction: {len(predictions)} predictions, {len(references)} references")
    chosen = TEXT_METRICS if metrics is None else metrics
    return {name: np.array([score(p, r) for p, r in zip(predictions, references)], dtype=float)
            for name, score in chosen.items()}
