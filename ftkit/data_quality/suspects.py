"""Suspect labels for `ftkit audit --rank-labels MODEL_DIR`: the kept rows whose answers a local model finds least
plausible (highest answer loss), listed with their scores. A ranking, not a finding: no row is dropped for it.

torch and transformers are imported inside the functions, so the audit without a model never loads them.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ftkit.data_quality.formats import as_messages, row_format

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

    from ftkit.data_quality.cleaning import CleanResult
    from ftkit.data_quality.report import AuditReport

TOP = 10  # suspects listed by default: a person reads each one
ANSWER_CHARACTERS = 60  # each suspect's answer is shown up to this length
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


@dataclass(frozen=True)
class SuspectLabel:
    """One kept row whose answer the model finds implausible: its place in the ranking and its answer loss."""

    rank: int  # 1 = the most suspect
    row_id: object
    location: str  # file:line
    loss: float  # mean cross-entropy per answer token, in nats
    answer: str  # the answer as kept (after repairs, so redacted), shortened


@dataclass
class LabelRanking:
    """The ranking of every kept row by answer loss under one model; `suspects` holds the top of it."""

    model: str
    scored: int  # kept rows with at least one answer token scored
    unscored: int  # kept rows whose answer the length limit cut off entirely (not ranked)
    median_loss: float | None  # None when no row was scored
    suspects: list[SuspectLabel] = field(default_factory=list)


def model_dir_problem(path: str) -> str | None:
    """Why `path` is not a local model folder (config.json, safetensors weights, a tokenizer), or None."""
    folder = Path(path)
    if not folder.is_dir():
        return f"{path} is not a folder (a model saved with save_pretrained)"
    if not (folder / "config.json").is_file():
        return f"{path} has no config.json"
    if not any(folder.glob("*.safetensors")):
        return f"{path} holds no .safetensors weights (only safetensors are loaded)"
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        return f"{path} holds no tokenizer ({' or '.join(TOKENIZER_FILES)})"
    return None


def load_local_model(path: str) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Model (fp32, on the GPU when there is one) and tokenizer from a local folder; never downloads anything."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if problem := model_dir_problem(path):
        raise ValueError(problem)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    if not tokenizer.chat_template:  # answers are scored as training renders them: through the chat template
        raise ValueError(f"the tokenizer in {path} has no chat template")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, use_safetensors=True, dtype=torch.float32)
    model.to("cuda" if torch.cuda.is_available() else "cpu")
    return model, tokenizer


def kept_positions(report: AuditReport, cleaned: CleanResult) -> list[int]:
    """The input positions of the cleaned rows, in order."""
    dropped = {entry.row_id for entry in cleaned.ledger if entry.action == "dropped"}
    positions = [index for index, row_id in enumerate(report.row_ids) if row_id not in dropped]
    if len(positions) != len(cleaned.rows):
        raise ValueError(f"the cleaning kept {len(cleaned.rows)} rows but its ledger accounts for {len(positions)}")
    return positions


def _short(text: str) -> str:
    return text if len(text) <= ANSWER_CHARACTERS else text[: ANSWER_CHARACTERS - 1] + "…"


def rank_labels(
    report: AuditReport,
    cleaned: CleanResult,
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    model_name: str = "",
    top: int = TOP,
    batch_size: int = 16,
    max_length: int = 256,
) -> LabelRanking:
    """Score every kept row's answer (as cleaned) with the model and return the `top` highest losses, most suspect first."""
    from ftkit.data_quality.ranking import answer_scores

    positions = kept_positions(report, cleaned)
    chats: list[dict] = []
    for row in cleaned.rows:
        fmt = report.format if report.format_given else (row_format(row) or report.format)
        chats.append({"messages": as_messages(row, fmt)})
    scores = answer_scores(model, tokenizer, chats, batch_size, max_length)
    ranked = sorted((i for i, score in enumerate(scores) if score.tokens), key=lambda i: (-scores[i].loss, i))
    suspects = [
        SuspectLabel(rank, report.row_ids[positions[i]], report.locations[positions[i]], scores[i].loss,
                     _short(chats[i]["messages"][-1]["content"]))
        for rank, i in enumerate(ranked[:top], start=1)
    ]
    median = statistics.median(scores[i].loss for i in ranked) if ranked else None
    return LabelRanking(model_name, len(ranked), len(scores) - len(ranked), median, suspects)


def _median(ranking: LabelRanking) -> str:
    return "n/a" if ranking.median_loss is None else f"{ranking.median_loss:.2f}"


def ranking_lines(ranking: LabelRanking, shown: Callable[[str], str]) -> list[str]:
    """The ranking for the printed summary: a header and one line per suspect; `shown` masks personal data."""
    lines = [f"suspect labels (answer loss under {ranking.model}, {len(ranking.suspects)} of {ranking.scored} kept rows, "
             f"median {_median(ranking)}; flagged, not dropped):"]
    if ranking.unscored:
        lines[0] += f" {ranking.unscored} rows not scored (the answer starts after the length limit)"
    if not ranking.suspects:
        return lines + ["  none: no kept row has an answer to score"]
    width = max(len(str(s.row_id)) for s in ranking.suspects)
    lines += [f"  {s.rank:>3}. {str(s.row_id):<{width}}  loss {s.loss:6.2f}  {s.location}  {shown(s.answer)!r}" for s in ranking.suspects]
    return lines


def suspects_table(ranking: LabelRanking, cell: Callable[[object], str], shown: Callable[[str], str]) -> list[str]:
    """The ranking as a markdown section; `cell` makes a value safe for a table cell, `shown` masks personal data."""
    lines = ["## Suspect labels", "",
             f"Kept rows whose answers {cell(ranking.model)} finds least plausible (mean answer loss per token, "
             f"nats; median of the {ranking.scored} scored rows {_median(ranking)}). Flagged for a person to check; "
             "none was dropped.", ""]
    if ranking.unscored:
        lines += [f"{ranking.unscored} kept rows were not scored: their answer starts after the length limit.", ""]
    if ranking.suspects:
        lines += ["| rank | line | id | loss | answer |", "|---:|---|---|---:|---|"]
        lines += [f"| {s.rank} | {cell(s.location)} | {cell(s.row_id)} | {s.loss:.2f} | {cell(shown(s.answer))} |" for s in ranking.suspects]
    else:
        lines.append("None: no kept row has an answer to score.")
    return lines + [""]


def ranking_dict(ranking: LabelRanking, json_id: Callable[[object], object], shown: Callable[[str], str]) -> dict:
    """The ranking as JSON-ready data; `json_id` makes a row id JSON-safe, `shown` masks personal data."""
    return {
        "model": ranking.model, "scored": ranking.scored, "unscored": ranking.unscored, "median_loss": ranking.median_loss,
        "suspects": [{"rank": s.rank, "row_id": json_id(s.row_id), "location": s.location, "loss": s.loss, "answer": shown(s.answer)}
                     for s in ranking.suspects],
    }

