"""`ftkit audit --rank-labels MODEL_DIR`: suspect labels ranked by a local model (the shared tiny Llama, trained for a
few steps to answer "positive" and saved as safetensors), listed with their scores and never dropped."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

from ftkit.data import padding_collator, tokenize_chat
from ftkit.data_quality import audit, clean, markdown_report, report_dict
from ftkit.data_quality.suspects import load_local_model, model_dir_problem, rank_labels

TEXTS = ["The kettle boils quickly.", "Lovely soft towels.", "The lamp is bright and warm.", "Great value for money.",
         "The chair is comfortable.", "Fast delivery, well packed.", "The pan heats evenly.", "Nice sturdy box."]
MISLABELLED = {"r2", "r5"}  # planted: the same kind of review, answered "negative"


def rows() -> list[dict]:
    """Alpaca rows with ids; two wrong labels and one exact duplicate (dropped by the audit, so never ranked)."""
    out = [{"id": f"r{i}", "instruction": f"Review: {text} Positive or negative?", "input": "",
            "output": "negative" if f"r{i}" in MISLABELLED else "positive"} for i, text in enumerate(TEXTS)]
    return out + [dict(out[0], id="copy")]


@pytest.fixture()
def positive_model(tiny_model, tokenizer):
    """The tiny model after a few steps on the correctly labelled rows: it expects "positive"."""
    chats = [[{"role": "user", "content": r["instruction"]}, {"role": "assistant", "content": r["output"]}]
             for r in rows() if r["id"] not in MISLABELLED]
    batch = padding_collator(tokenizer)([tokenize_chat(chat, tokenizer) for chat in chats])
    optimizer = torch.optim.Adam(tiny_model.parameters(), lr=1e-2)
    for _ in range(15):
        optimizer.zero_grad()
        tiny_model(**batch).loss.backward()
        optimizer.step()
    return tiny_model


@pytest.fixture()
def model_dir(positive_model, tokenizer, tmp_path):
    """The trained tiny model and its tokenizer in a local folder, weights as safetensors."""
    folder = tmp_path / "tiny-model"
    positive_model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return folder


def test_the_wrong_labels_rank_first_and_the_report_lists_them(positive_model, tokenizer):
    report = audit(rows())
    cleaned = clean(rows(), report)
    ranking = rank_labels(report, cleaned, positive_model, tokenizer, model_name="tiny", top=3)
    assert {s.row_id for s in ranking.suspects[:2]} == MISLABELLED
    assert [s.rank for s in ranking.suspects] == [1, 2, 3] and ranking.suspects[0].loss >= ranking.suspects[1].loss
    assert ranking.suspects[1].loss > ranking.median_loss + 1.0
    assert ranking.scored == len(cleaned.rows) == len(TEXTS) and "copy" not in {s.row_id for s in ranking.suspects}
    report.label_ranking = ranking
    markdown = markdown_report(report, cleaned)
    section = markdown.split("## Suspect labels", 1)[1]
    assert f"| 1 | {ranking.suspects[0].location} | {ranking.suspects[0].row_id} | {ranking.suspects[0].loss:.2f} |" in section
    data = json.loads(json.dumps(report_dict(report, cleaned)))
    assert [s["row_id"] for s in data["suspect_labels"]["suspects"][:2]] == [s.row_id for s in ranking.suspects[:2]]


def test_suspect_answers_are_shown_as_cleaned_and_masked(positive_model, tokenizer):
    leaky = rows()[:3] + [{"id": "mail", "instruction": "Who wrote it?", "input": "", "output": "Ask ana.lopez@mailbox.example"}]
    report = audit(leaky)
    cleaned = clean(leaky, report)
    ranking = rank_labels(report, cleaned, positive_model, tokenizer, top=10)
    assert {s.row_id: s.answer for s in ranking.suspects}["mail"] == "Ask [EMAIL]"


@pytest.mark.slow
def test_ftkit_audit_rank_labels_lists_suspects_and_drops_none(model_dir, tmp_path):
    source = tmp_path / "reviews.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows()), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ftkit", "audit", str(source), "--rank-labels", str(model_dir), "--rank-top", "2",
         "--out", str(tmp_path / "clean.jsonl"), "--report", str(tmp_path / "report.md"), "--fail-on", "none"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert result.returncode == 0, result.stderr  # the ranking never counts in the exit status
    listed = result.stdout.split("suspect labels (", 1)[1].splitlines()
    assert "2 of 8 kept rows" in listed[0] and "flagged, not dropped" in listed[0]
    assert {line.split()[1] for line in listed[1:3]} == MISLABELLED and "loss" in listed[1]
    kept = [json.loads(line)["id"] for line in (tmp_path / "clean.jsonl").read_text().splitlines()]
    assert MISLABELLED <= set(kept) and len(kept) == len(TEXTS)  # flagged, never dropped
    assert "## Suspect labels" in (tmp_path / "report.md").read_text()


def test_a_model_folder_is_checked_before_the_input_is_read(tmp_path):
    weights_as_bin = tmp_path / "bin-model"
    weights_as_bin.mkdir()
    (weights_as_bin / "config.json").write_text("{}")
    (weights_as_bin / "pytorch_model.bin").write_bytes(b"")
    cases = {str(tmp_path / "missing"): "is not a folder", str(weights_as_bin): "holds no .safetensors weights"}
    for folder, message in cases.items():
        # The input does not exist either: the model folder's problem is what is reported, so it was checked first.
        result = subprocess.run([sys.executable, "-m", "ftkit", "audit", str(tmp_path / "absent.jsonl"), "--rank-labels", folder],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_a_folder_without_a_chat_template_is_refused(model_dir):
    config = json.loads((model_dir / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (model_dir / "tokenizer_config.json").write_text(json.dumps(config))
    for name in ("chat_template.jinja", "chat_template.json"):
        (model_dir / name).unlink(missing_ok=True)
    assert model_dir_problem(str(model_dir)) is None
    with pytest.raises(ValueError, match="no chat template"):
        load_local_model(str(model_dir))
