"""Audit a fine-tuning set: read it, read every row in its format, and run every check; nothing is changed.

`audit` takes a path (JSONL, JSON, CSV, Parquet, a save_to_disk folder), a list of rows or a `datasets.Dataset`.
"""

from __future__ import annotations

import gc
import statistics
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from tqdm.auto import tqdm

from ftkit.data_quality.answers import (
    conflicting_answers, empty_answers, identical_pairs, no_user_turns, prompt_keys, truncated_answers,
)
from ftkit.data_quality.content import content_findings
from ftkit.data_quality.duplicates import exact_duplicates, near_duplicates
from ftkit.data_quality.encoding import lone_surrogate
from ftkit.data_quality.formats import FORMATS, RowError, Sample, detect_format, read_sample, row_format
from ftkit.data_quality.json_rows import InputError, UnreadableRow
from ftkit.data_quality.kinds import DROPPED_BY_DEFAULT
from ftkit.data_quality.leakage import leaked_rows
from ftkit.data_quality.phones import DEFAULT_REGIONS
from ftkit.data_quality.reading import LoadedRows, load_rows
from ftkit.data_quality.report import AuditReport
from ftkit.data_quality.skew import skewed_terms
from ftkit.data_quality.text import length_in_words, normalized

PROGRESS_MIN_ROWS = 5000  # smaller sets finish before a progress bar would say anything
OVERLONG_MIN_WORDS = 200  # never call a row overlong below this many words...
OVERLONG_MEDIANS = 5  # ...and otherwise only at five times the set's median: several rows pasted into one
# Findings that get a row dropped by default, apart from duplication itself: such a row is never the kept copy.
BLOCKING = tuple(kind for kind in DROPPED_BY_DEFAULT if kind not in ("exact_duplicate", "near_duplicate"))


def row_ids(rows: Sequence[object], locations: Sequence[str], id_field: str = "id") -> tuple[list, dict[int, str]]:
    """Each row's id, or its position when it has no usable id; and position -> problem for repeated or unhashable ids.

    The first row with an id keeps it; a later row repeating it is named by its position, and says so in a finding.
    """
    ids: list = []
    problems: dict[int, str] = {}
    first: dict[object, int] = {}
    for index, row in enumerate(rows):
        value = row.get(id_field) if isinstance(row, Mapping) else None
        if value is None:
            ids.append(index)
            continue
        try:
            hash(value)
        except TypeError:
            problems[index] = f"{id_field} is a {type(value).__name__}, which cannot name a row; named {index} here"
            ids.append(index)
            continue
        if value in first:
            problems[index] = f"{id_field} {value!r} is already used at {locations[first[value]]}; named {index} here"
            ids.append(index)
            continue
        first[value] = index
        ids.append(value)
    # A position must not read like another row's id.
    ids = [f"#{i}" if isinstance(v, int) and v == i and v in first and first[v] != i else v for i, v in enumerate(ids)]
    return ids, problems


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: reading 100k rows makes millions of small objects, and each full
    collection rescans all of them (a third of the audit's time); rows, dicts and tuples form no cycles, so
    reference counting frees them all the same."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_format(fmt: str) -> None:
    if fmt != "auto" and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; known: auto, {', '.join(FORMATS)}")


def read_samples(
    loaded: LoadedRows, report: AuditReport, fmt: str, strict: bool, progress: bool
) -> dict[int, Sample]:
    """Row position -> Sample for every readable row; malformed and duplicate-key rows flagged (raised when strict)."""
    samples: dict[int, Sample] = {}
    rows = loaded.rows
    bar = tqdm(rows, desc="audit", unit="row", disable=not progress or len(rows) < PROGRESS_MIN_ROWS)
    for index, row in enumerate(bar):
        try:
            if isinstance(row, UnreadableRow):
                raise RowError(row.field, row.problem)
            sample = read_sample(row, (row_format(row) or report.format) if fmt == "auto" else fmt)
            for text_field in sample.fields:  # rows given as Python objects may hold half a character
                if not text_field.text.isascii() and (found := lone_surrogate(text_field.text, text_field.name)):
                    raise RowError(*found)
        except RowError as error:
            if strict:
                raise InputError(loaded.locations[index], None, error.field, error.problem) from None
            report.flag("malformed", index, f"{error.field}: {error.problem}")
            continue
        if index in loaded.repeated_keys:
            keys = ", ".join(sorted(set(loaded.repeated_keys[index])))
            if strict:
                raise InputError(loaded.locations[index], None, keys, "the key appears twice in one object")
            report.flag("duplicate_key", index, f"{keys} appears twice in one object")
        samples[index] = sample
        for kind, note in content_findings(sample, report.phone_regions).items():
            report.flag(kind, index, note)
    return samples


def _reference_prompts(reference: object, report: AuditReport) -> tuple[list[str], list[str]]:
    """The prompts of the reference rows and their places; unreadable reference rows are counted in the report."""
    loaded = load_rows(reference)
    if not loaded.rows:
        return [], []
    try:
        default = detect_format(loaded.rows).format
    except ValueError as error:
        raise InputError(loaded.name, None, "<format>", f"reference: {error}") from None
    prompts, names = [], []
    for row, location in zip(loaded.rows, loaded.locations):
        try:
            prompts.append(read_sample(row, row_format(row) or default).prompt)
            names.append(location)
        except RowError:
            report.reference_unreadable += 1
    report.reference_rows = len(prompts)
    return prompts, names


def _overlong(samples: Mapping[int, Sample], max_words: int | None) -> dict[int, str]:
    """Row -> note for rows with more words (prompt and answers) than `max_words`, or than the set's outliers."""
    lengths = {row: length_in_words(s.prompt) + sum(length_in_words(a) for a in s.answers) for row, s in samples.items()}
    if not lengths:
        return {}
    limit = max_words or max(OVERLONG_MIN_WORDS, OVERLONG_MEDIANS * statistics.median_low(lengths.values()))
    return {row: f"{n} words" for row, n in lengths.items() if n > limit}


def _flag_duplicates(
    report: AuditReport, samples: Mapping[int, Sample], questions: Mapping[int, tuple], near_threshold: float, num_perm: int
) -> None:
    """Flag exact and near-duplicates, each pointing at its kept copy: the group's first row without findings, else
    its first row without a finding that drops it (so a defective earlier copy never costs the good one)."""
    kinds = report.kinds_by_row()
    tier = {r: 2 if any(k in BLOCKING for k in kinds.get(r, ())) else 1 if r in kinds else 0 for r in samples}
    order = sorted(samples, key=lambda r: (tier[r], r))
    keys = {r: (questions[r], tuple(normalized(a) for a in s.answers)) for r, s in samples.items()}
    exact = exact_duplicates(keys, order)
    for index, original in exact.items():
        report.flag("exact_duplicate", index, f"of {report.row_ids[original]}")
    near = near_duplicates({r: s for r, s in samples.items() if r not in exact}, order, near_threshold, num_perm)
    for index, (original, similarity) in near.items():
        report.flag("near_duplicate", index, f"of {report.row_ids[original]}, Jaccard {similarity:.2f}")


@collector_paused()
def audit(
    source: object,
    *,
    reference: object = (),
    format: str = "auto",
    id_field: str = "id",
    near_threshold: float = 0.7,
    num_perm: int = 128,
    leak_ngram: int = 8,
    leak_threshold: float = 0.5,
    max_words: int | None = None,
    min_answer_count: int = 5,
    min_term_count: int = 15,
    skew_share: float = 0.9,
    strict: bool = False,
    progress: bool = False,
    phone_regions: Sequence[str] = DEFAULT_REGIONS,
) -> AuditReport:
    """Find the defects of a dataset (a path, rows or a datasets.Dataset); `reference` (e.g. the test set) is what
    the rows must not leak.

    format: one of FORMATS, or "auto" (each row read in the format its keys name; rows naming none, in the set's
    majority format). near_threshold: Jaccard similarity of prompt 3-grams from which a row with the same answer
    is a near-duplicate. leak_threshold: share of a row's `leak_ngram`-grams found in one reference prompt.
    max_words: rows longer than this are overlong (default: 5x the median row, at least 200 words).
    strict: raise InputError (file:line:field) at the first unreadable row instead of reporting it.
    phone_regions: regions (ISO codes) whose national phone numbers are personal data; "+" numbers always are.
    """
    _check_format(format)
    loaded = load_rows(source)
    if not loaded.rows:
        raise InputError(loaded.name, None, "", "holds no rows")
    if not any(not isinstance(row, UnreadableRow) for row in loaded.rows):
        first = loaded.rows[0]
        problem = f"{loaded.locations[0]}: {first.field}: {first.problem}"
        raise InputError(loaded.name, None, "", f"no row could be read; the first problem: {problem}")
    if format == "auto":
        try:
            detection = detect_format(loaded.rows)
        except ValueError as error:
            raise InputError(loaded.name, None, "<format>", str(error)) from None
        fmt, reason = detection.format, f"auto: {detection.reason}"
    else:
        fmt, reason = format, "given"
    ids, id_problems = row_ids(loaded.rows, loaded.locations, id_field)
    report = AuditReport(
        len(loaded.rows), loaded.name, fmt, reason, format_given=format != "auto",
        row_ids=ids, locations=loaded.locations, rows=loaded.rows, phone_regions=tuple(phone_regions),
    )
    for index, problem in id_problems.items():
        report.flag("bad_id", index, problem)
    samples = read_samples(loaded, report, format, strict, progress)
    checks = {
        "overlong": _overlong(samples, max_words),
        "empty_answer": empty_answers(samples),
        "identical_pair": identical_pairs(samples),
        "no_user_turn": no_user_turns(samples),
        "truncated_answer": truncated_answers(samples, min_answer_count),
    }
    if not (isinstance(reference, (tuple, list)) and not reference):
        prompts, names = _reference_prompts(reference, report)
        checks["leaked"] = leaked_rows({r: s.prompt for r, s in samples.items()}, prompts, names, leak_ngram, leak_threshold)
    for kind, found in checks.items():
        for index, note in found.items():
            report.flag(kind, index, note)
    questions = prompt_keys(samples)
    _flag_duplicates(report, samples, questions, near_threshold, num_perm)
    answered = {r: s for r, s in samples.items() if r not in checks["empty_answer"] and r not in checks["truncated_answer"]}
    for index, note in conflicting_answers(answered, ids, questions).items():
        report.flag("conflicting_answers", index, note)
    report.skewed_terms = skewed_terms(((s.prompt, s.answers[0]) for s in answered.values()), min_term_count, skew_share)
    report.sort()
    return report
