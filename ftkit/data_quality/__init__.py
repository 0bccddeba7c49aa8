"""Audit and clean a fine-tuning set: duplicates, near-duplicates, conflicting, empty and truncated answers, broken
encoding, HTML, control tokens, PII, test-set leakage, overlong rows, bad ids and label-skewed terms, with a ledger
for every row dropped or changed and a report; in five formats and five file kinds. `ftkit audit` is its command line.

Nothing here imports torch: the model-based ranking (`answer_losses`, `label_logprobs`) imports it when called.
"""

from ftkit.data_quality.auditor import audit
from ftkit.data_quality.cleaning import CleanResult, LedgerEntry, clean, repair_row, repair_text
from ftkit.data_quality.evaluation import precision_at_k, score_audit
from ftkit.data_quality.formats import FORMATS, Sample, as_messages, detect_format, read_sample
from ftkit.data_quality.json_rows import InputError
from ftkit.data_quality.kinds import DROPPED_BY_DEFAULT, FINDINGS, REPAIRED_BY_DEFAULT
from ftkit.data_quality.pii import find_pii, redact_pii
from ftkit.data_quality.ranking import answer_losses, as_chat, label_logprobs
from ftkit.data_quality.reading import load_rows, read_file
from ftkit.data_quality.report import AuditReport, Finding
from ftkit.data_quality.rendering import markdown_report, report_dict
from ftkit.data_quality.rows import MalformedRowError, RowText, row_text
from ftkit.data_quality.skew import SkewedTerm, skewed_terms
from ftkit.data_quality.text import jaccard, words
from ftkit.data_quality.writing import write_rows

__all__ = [
    "DROPPED_BY_DEFAULT", "FINDINGS", "FORMATS", "REPAIRED_BY_DEFAULT", "AuditReport", "CleanResult", "Finding",
    "InputError", "LedgerEntry", "MalformedRowError", "RowText", "Sample", "SkewedTerm", "answer_losses", "as_chat",
    "as_messages", "audit", "clean", "detect_format", "find_pii", "jaccard", "label_logprobs", "load_rows",
    "markdown_report", "precision_at_k", "read_file", "read_sample", "redact_pii", "repair_row", "repair_text",
    "report_dict", "row_text", "score_audit", "skewed_terms", "words", "write_rows",
]
