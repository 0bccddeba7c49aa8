"""Write the general sets from the hand-written sources in data/sources/.

- general_probe.jsonl: questions with accepted answers. The probe measures retention, so it keeps only the
  candidates that the offline base model (SmolLM2-135M-Instruct, greedy) answered correctly when the set was
  built, within the answer cap the notebooks use (PROBE_CAP new tokens): a kept question's correct base answer is
  never cut by the cap. It reports how many answers a generous budget (LONG_CAP) finds correct that the cap would
  cut, and drops those; `--check` re-scores the base model on the kept rows at the cap.
- general_text.jsonl: encyclopedic paragraphs for held-out general-text loss.
- general_prompts.jsonl: everyday instructions, distinct from the probe, for pseudo-rehearsal.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
SOURCES = FOLDER / "sources"
PROBE_CAP = 16  # new tokens a probe answer gets in the notebooks (ftkit.monitor's default): short, so probing is cheap
LONG_CAP = 64  # far more than a one-fact answer needs: what the base model knows, whatever the cap


def probe_candidates() -> list[dict]:
    """Question / accepted-answers rows from the TSV (answers separated by |)."""
    with open(SOURCES / "probe_candidates.tsv", encoding="utf-8") as handle:
        return [{"question": q, "answers": a.split("|")} for q, a in csv.reader(handle, delimiter="\t")]


def write_jsonl(name: str, rows: list[dict]) -> None:
    """One JSON object a line."""
    with open(FOLDER / name, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def main() -> None:
    """Score the candidates with the base model, keep the correct ones, write all three sets."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only re-score the kept probe rows")
    arguments = parser.parse_args()

    from ftkit.evaluate import probe_accuracy
    from ftkit.models import load_model

    model, tokenizer = load_model()
    if arguments.check:
        from ftkit.data import read_jsonl

        rows = read_jsonl(FOLDER / "general_probe.jsonl")
        print(f"base accuracy on the probe: {probe_accuracy(model, tokenizer, rows, PROBE_CAP, len(rows)).accuracy:.2f}")
        return
    candidates = probe_candidates()
    known = probe_accuracy(model, tokenizer, candidates, LONG_CAP, batch_size=64)
    correct_rows = [row for row, correct in zip(candidates, known.correct) if correct]
    capped = probe_accuracy(model, tokenizer, correct_rows, PROBE_CAP, batch_size=64)
    kept = [row for row, correct in zip(correct_rows, capped.correct) if correct]
    print(f"{len(correct_rows)} of {len(candidates)} candidates answered correctly within {LONG_CAP} new tokens; "
          f"the cap of {PROBE_CAP} cuts {len(correct_rows) - len(kept)} of them; kept {len(kept)}")
    write_jsonl("general_probe.jsonl", kept)
    texts = (SOURCES / "general_text.txt").read_text(encoding="utf-8").splitlines()
    write_jsonl("general_text.jsonl", [{"text": text} for text in texts if text.strip()])
    prompts = (SOURCES / "general_prompts.txt").read_text(encoding="utf-8").splitlines()
    write_jsonl("general_prompts.jsonl", [{"prompt": prompt} for prompt in prompts if prompt.strip()])


if __name__ == "__main__":
    main()
