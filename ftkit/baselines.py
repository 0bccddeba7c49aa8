"""The cheapest answers a fine-tune must beat: the majority training label and a nearest-neighbour vote over training rows.

Both read any labelled rows (messages, prompt/completion, Alpaca, ShareGPT): the text is the user turn(s), the label
a named field or the final answer. Accuracy comes as an `Estimate` with its Wilson interval. scikit-learn is imported
only when a neighbour vote runs. Boilerplate every row carries (a fixed instruction) is passed as `ignore` and cut out of
the texts before the vote: left in, it adds the same words to every TF-IDF vector, pulls every row towards every other
and makes the vote weaker than the word overlap it stands for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from ftkit.data_quality.formats import read_sample, row_format
from ftkit.data_quality.text import words
from ftkit.stats import Estimate, rate

# Odd k avoid two-way ties between two labels. Noisy labels favour wide votes, so the range reaches 25; wider, on a
# few hundred rows, the vote drifts towards the majority answer.
DEFAULT_KS = (1, 3, 5, 7, 9, 15, 25)
CHUNK = 512  # test rows compared at once: bounds the similarity matrix to CHUNK x training rows


@dataclass(frozen=True)
class MajorityBaseline:
    """Accuracy of always giving the most common training label."""

    answer: Hashable
    accuracy: Estimate


@dataclass(frozen=True)
class NeighbourBaseline:
    """Accuracy of the k-nearest-neighbour label vote, k chosen by leave-one-out accuracy on the training rows."""

    k: int
    accuracy: Estimate
    training_accuracy: dict[int, float]  # leave-one-out accuracy on the training rows for each k tried
    predictions: list


def prompt_text(row: Mapping) -> str:
    """The user turn(s) of a chat row in any format, or the `text` field of a plain row."""
    fmt = row_format(row)
    if fmt is None:
        if isinstance(row.get("text"), str):
            return row["text"]
        raise ValueError(f"row has no chat and no `text` field (keys: {', '.join(map(str, row))})")
    return read_sample(row, fmt).prompt


def row_label(row: Mapping, label_field: str | None = None) -> Hashable:
    """The row's label: the named field, or the final (chosen) answer with surrounding whitespace removed."""
    if label_field is not None:
        if label_field not in row:
            raise ValueError(f"row has no label field {label_field!r} (keys: {', '.join(map(str, row))})")
        return row[label_field]
    fmt = row_format(row)
    if fmt is None:
        raise ValueError("row has no chat to take an answer from; name a label field")
    return read_sample(row, fmt).answers[0].strip()


def labelled_texts(rows: Sequence[Mapping], label_field: str | None = None) -> tuple[list[str], list]:
    """(prompt texts, labels) of labelled rows."""
    return [prompt_text(row) for row in rows], [row_label(row, label_field) for row in rows]


def without_phrases(found: Sequence[str], phrases: Sequence[Sequence[str]]) -> list[list[str]]:
    """The word list cut into pieces at every occurrence of an ignored phrase (the phrase itself dropped)."""
    pieces, start, i = [], 0, 0
    while i < len(found):
        match = next((p for p in phrases if p and list(found[i : i + len(p)]) == list(p)), None)
        if match is None:
            i += 1
            continue
        pieces.append(list(found[start:i]))
        i = start = i + len(match)
    pieces.append(list(found[start:]))
    return [piece for piece in pieces if piece]


def _features(text: str, phrases: Sequence[Sequence[str]] = ()) -> list[str]:
    """The words and word pairs of a text (`ftkit.data_quality.text.words`), ignored phrases cut out first.

    A pair never spans the place where a phrase was cut, as a shared run never does in the split report.
    """
    found = []
    for piece in without_phrases(words(text), phrases):
        found += piece + [f"{a} {b}" for a, b in zip(piece, piece[1:])]
    return found


def majority_label(labels: Sequence[Hashable]) -> Hashable:
    """The most common label; a tie goes to the label seen first."""
    if not labels:
        raise ValueError("no training labels")
    return Counter(labels).most_common(1)[0][0]  # Counter keeps first-seen order among equal counts


def majority_baseline(train_labels: Sequence[Hashable], test_labels: Sequence[Hashable]) -> MajorityBaseline:
    """Accuracy on the test labels of answering the most common training label every time."""
    answer = majority_label(train_labels)
    return MajorityBaseline(answer, rate([label == answer for label in test_labels]))


def _vote(labels: Sequence[Hashable], similarities: Sequence[float]) -> Hashable:
    """The label most neighbours carry; a tie goes to the larger summed similarity, then to the nearest neighbour's."""
    votes: dict[Hashable, tuple[int, float, int]] = {}  # label -> (votes, summed similarity, first rank)
    for rank, (label, similarity) in enumerate(zip(labels, similarities)):
        count, total, first = votes.get(label, (0, 0.0, rank))
        votes[label] = (count + 1, total + similarity, first)
    return max(votes, key=lambda label: (votes[label][0], votes[label][1], -votes[label][2]))


def _predict(similarity: np.ndarray, train_labels: Sequence[Hashable], k: int) -> list:
    """The k-nearest vote of each row of a (rows x training rows) similarity matrix."""
    # A stable sort keeps training order among equal similarities, so the vote does not depend on the platform.
    order = np.argsort(-similarity, axis=1, kind="stable")[:, :k]
    return [_vote([train_labels[j] for j in row], similarity[i, row]) for i, row in enumerate(order)]


def _vectorizer(ignore: Sequence[str] = ()):
    """TF-IDF over the words and word pairs of `ftkit.data_quality.text.words` (the split report's words), the words
    of the `ignore` phrases cut out of every text."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # deferred: scikit-learn loads in about a second

    phrases = [phrase for phrase in (words(text) for text in ignore) if phrase]
    # sublinear_tf: a word said three times is not three times the evidence; pairs keep "left arm" apart from "arm".
    return TfidfVectorizer(analyzer=partial(_features, phrases=phrases), sublinear_tf=True)


def leave_one_out_accuracy(
    train_texts: Sequence[str], train_labels: Sequence[Hashable], ks: Sequence[int] = DEFAULT_KS, ignore: Sequence[str] = ()
) -> dict[int, float]:
    """For each k, the share of training rows whose k nearest other training rows vote their label (`ignore`: phrases
    cut out of every text first)."""
    if len(train_texts) != len(train_labels):
        raise ValueError(f"{len(train_texts)} training texts but {len(train_labels)} labels")
    matrix = _vectorizer(ignore).fit_transform(train_texts)
    similarity = (matrix @ matrix.T).toarray()
    np.fill_diagonal(similarity, -np.inf)  # a row never votes for itself
    usable = [k for k in ks if 1 <= k < len(train_texts)]
    if not usable:
        raise ValueError(f"no k in {list(ks)} leaves a neighbour out of {len(train_texts)} training rows")
    return {k: float(np.mean([p == y for p, y in zip(_predict(similarity, train_labels, k), train_labels)])) for k in usable}


def nearest_neighbour_baseline(
    train_texts: Sequence[str],
    train_labels: Sequence[Hashable],
    test_texts: Sequence[str],
    test_labels: Sequence[Hashable],
    ks: Sequence[int] = DEFAULT_KS,
    ignore: Sequence[str] = (),
) -> NeighbourBaseline:
    """Accuracy of a k-nearest-neighbour label vote (TF-IDF cosine), k chosen on the training rows alone.

    k is the one with the best leave-one-out accuracy on the training rows (the smallest on a tie), so no test
    label takes part in the choice. `ignore` lists boilerplate every row carries (a fixed instruction): its words are
    cut out of every text, training and test, before the vectors are made (lower-cased, punctuation dropped, as the
    split report's overlap check does).
    """
    if len(test_texts) != len(test_labels):
        raise ValueError(f"{len(test_texts)} test texts but {len(test_labels)} labels")
    training_accuracy = leave_one_out_accuracy(train_texts, train_labels, ks, ignore)
    k = max(training_accuracy, key=lambda size: (training_accuracy[size], -size))
    vectorizer = _vectorizer(ignore)
    train_matrix = vectorizer.fit_transform(train_texts)  # the vocabulary and weights come from training rows only
    predictions: list = []
    for start in range(0, len(test_texts), CHUNK):
        chunk = vectorizer.transform(test_texts[start : start + CHUNK])
        predictions += _predict((chunk @ train_matrix.T).toarray(), train_labels, k)
    accuracy = rate([p == y for p, y in zip(predictions, test_labels)])
    return NeighbourBaseline(k, accuracy, training_accuracy, predictions)
