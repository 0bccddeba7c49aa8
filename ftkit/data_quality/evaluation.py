"""How well an audit or a ranking finds defects that are known: planted ones, or a hand-labelled sample."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ftkit.data_quality.kinds import FINDINGS
from ftkit.data_quality.report import AuditReport


def precision_at_k(ranked_ids: Sequence[object], positives: set, k: int) -> float:
    """Share of the first k ranked ids that are positives."""
    top = list(ranked_ids)[:k]
    return sum(row_id in positives for row_id in top) / max(len(top), 1)


def score_audit(report: AuditReport, truth: Mapping[object, Iterable[str]], defects: Sequence[str] | None = None):
    """A DataFrame: precision and recall of each finding kind against known truth (row id -> defect names)."""
    import pandas as pd

    planted: dict[str, set] = defaultdict(set)
    for row_id, names in truth.items():
        for name in names:
            planted[name].add(row_id)
    lines = []
    for name in defects or [d for d in FINDINGS if planted[d] or report.findings[d]]:
        flagged, expected = set(report.findings.get(name, [])), planted[name]
        hits = len(flagged & expected)
        lines.append(
            {
                "defect": name,
                "planted": len(expected),
                "flagged": len(flagged),
                "correct": hits,
                "precision": round(hits / len(flagged), 3) if flagged else float("nan"),
                "recall": round(hits / len(expected), 3) if expected else float("nan"),
            }
        )
    return pd.DataFrame(lines).set_index("defect")
