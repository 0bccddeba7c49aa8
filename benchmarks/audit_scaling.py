"""How `ftkit audit` scales: rows/s at 10k, 100k and 1M short rows, and at row lengths from 100 B to 1 MB.

Each measurement is end to end, as `ftkit audit data.jsonl --out clean.jsonl --report report.md` runs it: read
the JSONL file, audit it, clean it, write the cleaned rows and the markdown report. The synthetic rows are chat
rows (system line, user text, short answer) drawn from a fixed vocabulary with a fixed seed; about 3% are copies or
near-copies of earlier rows, and some carry e-mail addresses, phone numbers, HTML and mojibake, so every check has
work to do. A size is skipped when the rate measured at the size before predicts more than --max-seconds.

Targets on a 2-core CPU: 100k short rows in at most 10 s, a 1 MB row in at most 1 s.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from ftkit.data_quality import audit, clean, markdown_report, write_rows

SEED = 0
VOCABULARY = [
    "".join(random.Random(i).choice("abcdefghijklmnoprstuvwy") for _ in range(random.Random(-i).randint(2, 9))) for i in range(3000)
]
EXTRAS = ["Mail me at ana.lopez@mailbox.example today.", "Call 555-014-2291 after six.", "It was <b>great</b> &amp; cheap.",
          "I wouldn’t buy it again.".encode().decode("cp1252"), "Released on 2024-01-15, version 2.10.3, 25 °C."]


def sentence(rng: random.Random, n_bytes: int) -> str:
    """Random words until the text holds about n_bytes characters, with a capitalised name now and then."""
    words, size = [], 0
    while size < n_bytes:
        word = rng.choice(VOCABULARY)
        word = word.capitalize() if rng.random() < 0.05 else word
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:n_bytes]


def make_rows(n_rows: int, n_bytes: int, seed: int = SEED) -> list[dict]:
    """Chat rows whose user text holds about n_bytes characters; ~3% copies or near-copies, ~1% with an extra."""
    rng = random.Random(seed)
    rows: list[dict] = []
    for index in range(n_rows):
        roll = rng.random()
        if rows and roll < 0.02:
            row = json.loads(json.dumps(rng.choice(rows)))
        elif rows and roll < 0.03:
            row = json.loads(json.dumps(rng.choice(rows)))
            row["messages"][1]["content"] = row["messages"][1]["content"].upper() + "!"
        else:
            text = sentence(rng, n_bytes)
            if roll < 0.04:
                text += " " + rng.choice(EXTRAS)
            answer = rng.choice(["positive", "negative", "neutral"])
            row = {"messages": [{"role": "system", "content": "Classify the text."}, {"role": "user", "content": text},
                                {"role": "assistant", "content": answer}]}
        row["id"] = index
        rows.append(row)
    return rows


def end_to_end_seconds(rows: list[dict], folder: Path) -> float:
    """Seconds to read, audit, clean and write rows that sit in a JSONL file (the file is written untimed)."""
    source = write_rows(rows, folder / "data.jsonl")
    start = time.perf_counter()
    report = audit(source)
    cleaned = clean(source, report)
    write_rows(cleaned.rows, folder / "clean.jsonl")
    (folder / "report.md").write_text(markdown_report(report, cleaned), encoding="utf-8")
    return time.perf_counter() - start


def measure(label: str, n_rows: int, n_bytes: int, folder: Path, max_seconds: float, last_rate: float | None) -> float | None:
    """Print one line (rows, bytes, seconds, rows/s, MB/s); returns rows/s, or None when skipped."""
    predicted = n_rows / last_rate if last_rate else 0.0
    if predicted > max_seconds:
        print(f"{label:>14}  {n_rows:>9,} rows x {n_bytes:>9,} B   skipped: predicted {predicted:.0f} s > {max_seconds:.0f} s")
        return None
    rows = make_rows(n_rows, n_bytes)
    seconds = end_to_end_seconds(rows, folder)
    rate = n_rows / seconds
    print(f"{label:>14}  {n_rows:>9,} rows x {n_bytes:>9,} B   {seconds:8.2f} s   {rate:>10,.0f} rows/s   {n_rows * n_bytes / seconds / 1e6:6.1f} MB/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000,1000000", help="row counts of short (100 B) rows")
    parser.add_argument("--lengths", default="100,1000,10000,100000,1000000", help="row lengths in bytes")
    parser.add_argument("--bytes-per-length", type=int, default=4_000_000, help="total user text per length run")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="skip a size predicted to take longer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print("scaling in rows (100 B user text per row)")
        rate = None
        for n_rows in map(int, args.rows.split(",")):
            rate = measure("rows", n_rows, 100, Path(folder), args.max_seconds, rate) or rate
        print("scaling in row length")
        for n_bytes in map(int, args.lengths.split(",")):
            n_rows = max(1, args.bytes_per_length // n_bytes)
            measure("length", n_rows, n_bytes, Path(folder), args.max_seconds, None)


if __name__ == "__main__":
    main()
