"""How well `ftkit audit` finds planted defects and leaves good rows alone, beside datasketch MinHash alone and a plain
regex PII pass on the same rows; then its time at two row counts and two row lengths (linear in both).

The planted set (benchmarks/planted_rows.py) is written for this benchmark: good rows full of look-alikes and rows
with one known defect of every kind docs/audit.md claims. Recall of a kind = planted rows the audit flags / planted
rows (PII: flagged and redacted in the cleaned file). A good row is "altered" when the cleaned file lacks it or holds
it changed. The baselines: datasketch `MinHashLSH` at threshold 0.7 on the same prompts' word 3-grams, every row it
proposes dropped; and the e-mail, phone, SSN, card and IBAN patterns a regex pass usually has, every match redacted.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from audit_scaling import end_to_end_seconds, make_rows
from planted_rows import PlantedSet, planted_set

from ftkit.data_quality import audit, clean, read_sample
from ftkit.data_quality.formats import row_format
from ftkit.data_quality.kinds import FINDINGS
from ftkit.data_quality.suspects import kept_positions

REGEX_PII = re.compile(  # the usual patterns: e-mail, 7+ digit runs with separators, SSN, 13-16 digit cards, IBAN
    r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\+?\(?\d[\d ().-]{6,}\d"
    r"|\b\d{3}-\d{2}-\d{4}\b"
    r"|\b(?:\d[ -]?){13,16}\b"
    r"|\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"
)
MINHASH_THRESHOLD = 0.7  # the audit's default --near-threshold, so both are asked the same question


def strings(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def parsed(line: str) -> object | None:
    """A line's JSON value, or None when it is not JSON."""
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def audit_scores(planted: PlantedSet, folder: Path) -> tuple[dict, dict]:
    """Kind -> (found, planted) for the audit, and what it did to the good rows."""
    source, reference = folder / "planted.jsonl", folder / "reference.jsonl"
    source.write_text("".join(line + "\n" for line in planted.lines), encoding="utf-8")
    reference.write_text("".join(json.dumps(row) + "\n" for row in planted.reference), encoding="utf-8")
    start = time.perf_counter()
    report = audit(str(source), reference=str(reference))
    cleaned = clean(str(source), report)
    seconds = time.perf_counter() - start
    kept = dict(zip(kept_positions(report, cleaned), cleaned.rows))
    flagged: dict[str, set] = defaultdict(set)
    for entry in report.entries:
        flagged[entry.kind].add(entry.row)
    scores = {}
    for kind in FINDINGS:
        lines = [i for i, k in enumerate(planted.kinds) if k == kind]
        hits = [i for i in lines if i in flagged[kind]]
        if kind == "pii":  # flagged and gone from the cleaned row
            hits = [i for i in hits if i in kept and planted.pii[i] not in json.dumps(kept[i], ensure_ascii=False)]
        scores[kind] = (len(hits), len(lines))
    scores["skewed_term"] = (int(planted.skewed_term in [t.term for t in report.skewed_terms]), 1)
    good = planted.good()
    dropped = [i for i in good if i not in kept]
    altered = [i for i in good if i in kept and kept[i] != json.loads(planted.lines[i])]
    false_flags = sorted({(entry.kind, entry.row_id) for entry in report.entries if not planted.kinds[entry.row]})
    return scores, {"good": len(good), "dropped": dropped, "altered": altered, "flagged": false_flags, "seconds": seconds}


def prompts(planted: PlantedSet) -> dict[int, str]:
    """Line -> prompt text, for the rows that can be read (the baselines compare the prompts the audit compares)."""
    found = {}
    for i, line in enumerate(planted.lines):
        row = parsed(line) if len(line) < 100_000 else None
        if isinstance(row, dict):
            try:
                found[i] = read_sample(row, row_format(row) or "alpaca").prompt
            except Exception:  # a row the baseline cannot read is one it cannot flag
                continue
    return found


def minhash_scores(planted: PlantedSet) -> tuple[dict, int]:
    """datasketch MinHashLSH alone: kind -> (found, planted) for the duplicate kinds, and good rows it would drop."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=MINHASH_THRESHOLD, num_perm=128)
    proposed = set()
    for i, text in prompts(planted).items():
        words = text.lower().split()
        grams = {" ".join(words[k : k + 3]) for k in range(max(len(words) - 2, 1))}
        signature = MinHash(num_perm=128)
        signature.update_batch([gram.encode() for gram in grams])
        if lsh.query(signature):
            proposed.add(i)
        lsh.insert(str(i), signature)
    scores = {}
    for kind in ("exact_duplicate", "near_duplicate"):
        lines = [i for i, k in enumerate(planted.kinds) if k == kind]
        scores[kind] = (sum(i in proposed for i in lines), len(lines))
    return scores, sum(not planted.kinds[i] for i in proposed)


def regex_scores(planted: PlantedSet) -> tuple[dict, int]:
    """A plain regex PII pass: (found, planted) for pii (every planted string matched), and good rows it would alter."""
    def caught(i: int) -> bool:
        row = parsed(planted.lines[i])
        redacted = [REGEX_PII.sub("[PII]", s) for s in strings(row)]
        return planted.pii[i] not in " ".join(redacted)

    pii_lines = sorted(planted.pii)
    altered = 0
    for i in planted.good():
        altered += any(REGEX_PII.search(s) for s in strings(parsed(planted.lines[i])))
    return {"pii": (sum(map(caught, pii_lines)), len(pii_lines))}, altered


def cell(score: tuple[int, int] | None) -> str:
    """'found/planted recall' or a dash."""
    return f"{score[0]}/{score[1]} {score[0] / score[1]:.2f}" if score else "-"


def quality_table(planted: PlantedSet, folder: Path) -> None:
    """Print recall per kind and good rows dropped or altered, for the audit and the two baselines."""
    ours, good = audit_scores(planted, folder)
    minhash, minhash_good = minhash_scores(planted)
    regex, regex_good = regex_scores(planted)
    near = sorted(planted.near_similarity.values())
    band = sum(0.7 <= s < 0.8 for s in near)
    print(f"planted set: {len(planted.lines)} rows, {good['good']} good, {len(planted.lines) - good['good']} with a planted defect; "
          f"near-duplicates at Jaccard {near[0]:.2f}-{near[-1]:.2f} ({band} in 0.70-0.80); audit + clean {good['seconds']:.2f} s")
    print(f"| {'kind':<20} | {'ftkit audit':>13} | {'MinHash alone':>13} | {'regex PII':>13} |")
    print(f"|{'-' * 22}|{'-' * 15}|{'-' * 15}|{'-' * 15}|")
    for kind, score in ours.items():
        print(f"| {kind:<20} | {cell(score):>13} | {cell(minhash.get(kind)):>13} | {cell(regex.get(kind)):>13} |")
    n = good["good"]
    print(f"| {'good rows dropped':<20} | {len(good['dropped']):>7} of {n} | {minhash_good:>7} of {n} | {'-':>13} |")
    print(f"| {'good rows altered':<20} | {len(good['altered']):>7} of {n} | {'-':>13} | {regex_good:>7} of {n} |")
    if good["dropped"] or good["altered"]:
        print("good rows dropped or altered:", [json.loads(planted.lines[i])["id"] for i in good["dropped"] + good["altered"]])
    if good["flagged"]:
        print(f"good rows flagged but kept unchanged: {len(good['flagged'])}:", ", ".join(f"{k} {i}" for k, i in good["flagged"]))


def timing(folder: Path, rows: tuple[int, int], lengths: tuple[int, int], rows_per_length: int) -> None:
    """Print end-to-end seconds at two row counts and two row lengths, and how the time grew against the size."""
    print("end to end (read, audit, clean, write): seconds, and time ratio against size ratio")
    for label, sizes in (("rows", [(n, 100) for n in rows]), ("length", [(rows_per_length, b) for b in lengths])):
        seconds = [end_to_end_seconds(make_rows(n, b), folder) for n, b in sizes]
        for (n, b), s in zip(sizes, seconds):
            print(f"  {label:>6}: {n:>7,} rows x {b:>5,} B  {s:6.2f} s  {n / s:>9,.0f} rows/s")
        size_ratio = (sizes[1][0] * sizes[1][1]) / (sizes[0][0] * sizes[0][1])
        print(f"  {label:>6}: size x{size_ratio:.1f}, time x{seconds[1] / seconds[0]:.2f} (linear: the same)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="50000,100000", help="two row counts of 100 B rows")
    parser.add_argument("--lengths", default="1000,4000", help="two row lengths in bytes")
    parser.add_argument("--rows-per-length", type=int, default=5000, help="rows at each length")
    parser.add_argument("--no-timing", action="store_true", help="the quality table only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        quality_table(planted_set(), Path(folder))
        if not args.no_timing:
            rows = tuple(map(int, args.rows.split(",")))
            lengths = tuple(map(int, args.lengths.split(",")))
            timing(Path(folder), rows, lengths, args.rows_per_length)


if __name__ == "__main__":
    main()
