"""Audit and clean a fine-tuning set: duplicates, near-duplicates, empty/truncated answers, broken encoding, HTML,
PII, train/test leakage, overlong rows and label-skewed terms, with a ledger for every row dropped or changed.

Rows are plain dicts in chat format (`messages`: [{role, content}, ...] ending on the assistant) or prompt/completion
format (`prompt`, `completion`); a `datasets.Dataset` works too. System messages are ignored by the similarity checks
(one system prompt shared by every row would make all rows look alike).
"""

from __future__ import annotations

import copy
import html
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import ftfy
import pandas as pd
import torch
from datasketch import MinHash, MinHashLSH
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ftkit.data import chat_row, padding_collator, tokenize_chat

DEFECTS = (
    "malformed",
    "exact_duplicate",
    "near_duplicate",
    "empty_answer",
    "truncated_answer",
    "broken_encoding",
    "html",
    "pii",
    "leaked",
    "overlong",
)
DROPPED_BY_DEFAULT = ("malformed", "exact_duplicate", "near_duplicate", "empty_answer", "truncated_answer", "leaked", "overlong")
REPAIRED_BY_DEFAULT = ("broken_encoding", "html", "pii")

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# An optional country code, then groups of digits split by spaces, dots, dashes or brackets: 7 to 15 digits in all.
PHONE = re.compile(r"(?<![\w])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}(?![\w])")
HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
HTML_ENTITY = re.compile(r"&(?:#\d{1,6}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# A capitalised word that does not open a sentence: brand and product names, the usual carriers of spurious signal.
MID_SENTENCE_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}")


class MalformedRowError(ValueError):
    """A row cannot be read as chat or prompt/completion; the message names the row and the field."""

    def __init__(self, row_id: object, field_name: str, problem: str):
        self.row_id, self.field, self.problem = row_id, field_name, problem
        super().__init__(f"row {row_id!r}: field '{field_name}': {problem}")


@dataclass
class RowText:
    """What the checks read from a row: its prompt text (user turns) and its final answer."""

    prompt: str
    answer: str


def row_text(row: object, row_id: object = None) -> RowText:
    """The prompt and answer of a chat or prompt/completion row; raises MalformedRowError naming the field."""
    if not isinstance(row, Mapping):
        raise MalformedRowError(row_id, "<row>", f"must be an object, got {type(row).__name__}")
    if "messages" in row:
        messages = row["messages"]
        if not isinstance(messages, list) or not messages:
            raise MalformedRowError(row_id, "messages", "must be a non-empty list of {role, content}")
        for index, message in enumerate(messages):
            if not isinstance(message, Mapping):
                raise MalformedRowError(row_id, f"messages[{index}]", f"must be an object, got {type(message).__name__}")
            if not isinstance(message.get("content"), str):
                raise MalformedRowError(row_id, f"messages[{index}].content", f"must be a string, got {type(message.get('content')).__name__}")
        if messages[-1].get("role") != "assistant":
            raise MalformedRowError(row_id, f"messages[{len(messages) - 1}].role", "the last message must be the assistant's answer")
        prompt = "\n".join(m["content"] for m in messages[:-1] if m.get("role") == "user")
        return RowText(prompt, messages[-1]["content"])
    if "prompt" in row or "completion" in row:
        for name in ("prompt", "completion"):
            if name not in row:
                raise MalformedRowError(row_id, name, "is missing")
            if not isinstance(row[name], str):
                raise MalformedRowError(row_id, name, f"must be a string, got {type(row[name]).__name__}")
        return RowText(row["prompt"], row["completion"])
    raise MalformedRowError(row_id, "messages", "is missing (expected `messages`, or `prompt` and `completion`)")


def row_ids(rows: Sequence[object], id_field: str = "id") -> list[object]:
    """Each row's `id_field` (its position where it has none); positions for all when the ids are not distinct."""
    ids = [row.get(id_field, index) if isinstance(row, Mapping) else index for index, row in enumerate(rows)]
    if len(set(map(repr, ids))) != len(ids):
        return list(range(len(rows)))
    return ids


def normalized(text: str) -> str:
    """NFC, whitespace squeezed: the form in which two texts count as exactly equal."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def words(text: str) -> list[str]:
    """Lower-cased words (apostrophes kept inside words), punctuation dropped."""
    return WORD.findall(text.lower().replace("\u2019", "'"))


def shingles(text: str, n: int = 3) -> set[str]:
    """Word n-grams of a text (the whole text as one gram when it is shorter than n words)."""
    tokens = words(text)
    if len(tokens) < n:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """|a & b| / |a | b| (0 for two empty sets)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def find_pii(text: str) -> list[tuple[str, str]]:
    """(kind, match) for every e-mail address and phone number in a text."""
    found = [("email", m.group()) for m in EMAIL.finditer(text)]
    for match in PHONE.finditer(text):
        if 7 <= sum(ch.isdigit() for ch in match.group()) <= 15:  # dates, prices and model numbers have fewer digits
            found.append(("phone", match.group()))
    return found


def redact_pii(text: str) -> str:
    """The text with e-mail addresses replaced by [EMAIL] and phone numbers by [PHONE]."""
    text = EMAIL.sub("[EMAIL]", text)
    return PHONE.sub(lambda m: "[PHONE]" if 7 <= sum(ch.isdigit() for ch in m.group()) <= 15 else m.group(), text)


def has_broken_encoding(text: str) -> bool:
    """True when ftfy can repair mojibake in the text, or it holds U+FFFD (bytes already lost)."""
    return "\ufffd" in text or ftfy.fix_encoding(text) != text


def strip_html(text: str) -> str:
    """Tags removed (a line break tag becomes a space), entities decoded, whitespace squeezed."""
    return " ".join(html.unescape(HTML_TAG.sub(" ", text)).split())


@dataclass
class SkewedTerm:
    """A name that co-occurs with one answer far more than the answers' base rates predict."""

    term: str
    count: int
    answer: str
    share: float  # share of the term's rows with that answer
    base_share: float  # share of all rows with that answer


@dataclass
class AuditReport:
    """Defect type -> flagged row ids, a note per flagged row, and the label-skewed terms."""

    n_rows: int
    findings: dict[str, list] = field(default_factory=lambda: {name: [] for name in DEFECTS})
    notes: dict[tuple[str, object], str] = field(default_factory=dict)  # (defect, row id) -> why
    skewed_terms: list[SkewedTerm] = field(default_factory=list)

    def flag(self, defect: str, row_id: object, note: str = "") -> None:
        """Record one finding."""
        self.findings[defect].append(row_id)
        self.notes[(defect, row_id)] = note

    @property
    def counts(self) -> dict[str, int]:
        """Rows flagged per defect type."""
        return {name: len(ids) for name, ids in self.findings.items()}

    def flagged(self) -> set:
        """Every row id with at least one finding."""
        return {row_id for ids in self.findings.values() for row_id in ids}

    def table(self, examples: int = 3) -> pd.DataFrame:
        """One line per defect type: rows flagged, share of the set, a few example ids with their note."""
        lines = []
        for name, ids in self.findings.items():
            shown = [f"{i} ({self.notes[(name, i)]})" if self.notes[(name, i)] else str(i) for i in ids[:examples]]
            lines.append({"defect": name, "rows": len(ids), "share": round(len(ids) / max(self.n_rows, 1), 3), "examples": "; ".join(shown)})
        return pd.DataFrame(lines).set_index("defect")


def audit(
    rows: Iterable[object],
    *,
    reference: Iterable[object] = (),
    id_field: str = "id",
    near_threshold: float = 0.7,
    num_perm: int = 128,
    leak_ngram: int = 8,
    leak_threshold: float = 0.5,
    max_words: int = 200,
    min_answer_count: int = 5,
    min_term_count: int = 15,
    skew_share: float = 0.9,
) -> AuditReport:
    """Find the defects of a dataset; `reference` (e.g. the test set) is what the rows must not leak.

    near_threshold: Jaccard similarity of word 3-grams above which a row is a near-duplicate of an earlier one
    (MinHash LSH proposes candidates, the exact Jaccard confirms). leak_threshold: share of a row's word
    `leak_ngram`-grams that also occur in the reference. max_words: longer rows (prompt + answer) are overlong.
    """
    rows = list(rows)
    ids = row_ids(rows, id_field)
    report = AuditReport(n_rows=len(rows))
    texts: dict[object, RowText] = {}
    for row, row_id in zip(rows, ids):
        try:
            texts[row_id] = row_text(row, row_id)
        except MalformedRowError as error:
            report.flag("malformed", row_id, f"{error.field}: {error.problem}")
    _check_duplicates(report, texts, near_threshold, num_perm)
    _check_answers(report, texts, min_answer_count)
    for row_id, text in texts.items():
        both = text.prompt + "\n" + text.answer
        if has_broken_encoding(both):
            report.flag("broken_encoding", row_id, "U+FFFD" if "\ufffd" in both else repr(_first_difference(both)))
        if HTML_TAG.search(both) or HTML_ENTITY.search(both):
            report.flag("html", row_id, (HTML_TAG.search(both) or HTML_ENTITY.search(both)).group())
        pii = find_pii(both)
        if pii:
            report.flag("pii", row_id, ", ".join(sorted({kind for kind, _ in pii})))
        if len(both.split()) > max_words:
            report.flag("overlong", row_id, f"{len(both.split())} words")
    _check_leakage(report, texts, reference, leak_ngram, leak_threshold)
    report.skewed_terms = skewed_terms(texts.values(), min_term_count, skew_share)
    return report


def _first_difference(text: str) -> str:
    """The first stretch of text that ftfy's encoding repair changes (for the report)."""
    fixed = ftfy.fix_encoding(text)
    start = next((i for i, (a, b) in enumerate(zip(text, fixed)) if a != b), 0)
    return text[start : start + 8]


def _check_duplicates(report: AuditReport, texts: dict[object, RowText], threshold: float, num_perm: int) -> None:
    """Exact duplicates (same normalised prompt and answer) and near-duplicates of the prompt; the first one is kept."""
    first_seen: dict[tuple[str, str], object] = {}
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    grams: dict[object, set[str]] = {}
    for row_id, text in texts.items():
        key = (normalized(text.prompt), normalized(text.answer))
        if key in first_seen:
            report.flag("exact_duplicate", row_id, f"of {first_seen[key]}")
            continue
        first_seen[key] = row_id
        grams[row_id] = shingles(text.prompt)
        if not grams[row_id]:
            continue
        signature = MinHash(num_perm=num_perm)
        signature.update_batch([g.encode("utf-8") for g in grams[row_id]])
        # LSH only proposes candidates; the exact Jaccard decides, so the threshold means what it says.
        matches = [(jaccard(grams[row_id], grams[c]), c) for c in lsh.query(signature)]
        matches = [m for m in matches if m[0] >= threshold]
        if matches:
            similarity, original = max(matches, key=lambda m: m[0])
            report.flag("near_duplicate", row_id, f"of {original}, Jaccard {similarity:.2f}")
        else:
            lsh.insert(row_id, signature)


def _check_answers(report: AuditReport, texts: dict[object, RowText], min_answer_count: int) -> None:
    """Empty answers, and answers that are a proper prefix of a frequent answer (truncated labels or texts)."""
    counts = Counter(text.answer.strip() for text in texts.values())
    frequent = [answer for answer, count in counts.items() if count >= min_answer_count and answer]
    for row_id, text in texts.items():
        answer = text.answer.strip()
        if not answer:
            report.flag("empty_answer", row_id, repr(text.answer))
            continue
        longer = [f for f in frequent if len(f) > len(answer) and f.startswith(answer)]
        if longer:
            report.flag("truncated_answer", row_id, f"{answer!r} < {longer[0]!r}")


def _check_leakage(
    report: AuditReport, texts: dict[object, RowText], reference: Iterable[object], n: int, threshold: float
) -> None:
    """Rows sharing at least `threshold` of their word n-grams with one reference row (a copied test row).

    Overlap is counted per reference row, not against all of them pooled: pooled, rows written from common
    phrases would match pieces of many different test rows.
    """
    rows_with: dict[str, list[int]] = defaultdict(list)  # n-gram -> reference rows holding it
    for index, row in enumerate(reference):
        for gram in shingles(row_text(row, f"reference[{index}]").prompt, n):
            rows_with[gram].append(index)
    if not rows_with:
        return
    for row_id, text in texts.items():
        grams = shingles(text.prompt, n)
        shared = Counter(index for gram in grams for index in rows_with.get(gram, ()))
        if grams and shared:
            index, hits = shared.most_common(1)[0]
            if hits / len(grams) >= threshold:
                report.flag("leaked", row_id, f"{hits / len(grams):.0%} of {n}-grams in reference[{index}]")


def skewed_terms(texts: Iterable[RowText], min_count: int = 15, min_share: float = 0.9) -> list[SkewedTerm]:
    """Mid-sentence names whose rows carry one answer at least `min_share` of the time, far above its base rate."""
    texts = list(texts)
    answers = Counter(text.answer.strip() for text in texts)
    by_term: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        for term in set(MID_SENTENCE_NAME.findall(text.prompt)):
            by_term[term][text.answer.strip()] += 1
    found = []
    for term, counter in by_term.items():
        count = sum(counter.values())
        answer, hits = counter.most_common(1)[0]
        base = answers[answer] / len(texts)
        # Require the skew to be far from the base rate, so a term in a one-label dataset is not flagged.
        if count >= min_count and hits / count >= min_share and base <= 0.75:
            found.append(SkewedTerm(term, count, answer, hits / count, base))
    return sorted(found, key=lambda t: -t.count)


@dataclass
class LedgerEntry:
    """One row dropped or changed, and why."""

    row_id: object
    action: str  # "dropped" or "changed"
    reason: str  # the defect types, comma-separated
    detail: str = ""


@dataclass
class CleanResult:
    """The cleaned rows and the ledger that accounts for every row dropped or changed."""

    rows: list
    ledger: list[LedgerEntry]
    n_input: int

    def ledger_table(self) -> pd.DataFrame:
        """The ledger as a DataFrame."""
        return pd.DataFrame([vars(entry) for entry in self.ledger], columns=["row_id", "action", "reason", "detail"])

    def summary(self) -> pd.DataFrame:
        """Rows per (action, reason)."""
        table = self.ledger_table()
        return table.groupby(["action", "reason"]).size().rename("rows").reset_index()

    @property
    def dropped(self) -> int:
        """Rows removed."""
        return sum(entry.action == "dropped" for entry in self.ledger)


def clean(
    rows: Iterable[object],
    report: AuditReport | None = None,
    *,
    drop: Sequence[str] = DROPPED_BY_DEFAULT,
    repair: Sequence[str] = REPAIRED_BY_DEFAULT,
    extra_drops: Mapping[object, str] | None = None,
    id_field: str = "id",
    **audit_options,
) -> CleanResult:
    """Drop rows with a defect in `drop` (or listed in `extra_drops`: id -> reason), repair those in `repair`.

    Every dropped or changed row gets a ledger entry; the input is not modified. Without a report, `audit` runs
    with `audit_options` (e.g. reference=test_rows).
    """
    rows = list(rows)
    report = report or audit(rows, id_field=id_field, **audit_options)
    unknown = set(drop) | set(repair)
    unknown -= set(DEFECTS)
    if unknown:
        raise ValueError(f"unknown defect types {sorted(unknown)}; known: {DEFECTS}")
    if "malformed" not in drop:
        raise ValueError("malformed rows cannot be kept: the later steps cannot read them")
    defects_of: dict[object, list[str]] = defaultdict(list)
    for name, ids in report.findings.items():
        for row_id in ids:
            defects_of[row_id].append(name)
    extra_drops = dict(extra_drops or {})
    kept, ledger = [], []
    for row, row_id in zip(rows, row_ids(rows, id_field)):
        found = defects_of.get(row_id, [])
        drop_reasons = [name for name in found if name in drop] + ([extra_drops[row_id]] if row_id in extra_drops else [])
        if drop_reasons:
            detail = "; ".join(report.notes.get((name, row_id), "") for name in drop_reasons if (name, row_id) in report.notes)
            ledger.append(LedgerEntry(row_id, "dropped", ", ".join(drop_reasons), detail))
            continue
        fixes = [name for name in found if name in repair]
        if fixes:
            row = repair_row(row, fixes)
            ledger.append(LedgerEntry(row_id, "changed", ", ".join(fixes), _changed_text(row)))
        kept.append(row)
    return CleanResult(kept, ledger, len(rows))


def _changed_text(row: Mapping) -> str:
    """The repaired prompt, shortened, for the ledger."""
    prompt = row_text(row).prompt
    return prompt[:80] + ("..." if len(prompt) > 80 else "")


def repair_text(text: str, fixes: Sequence[str]) -> str:
    """Apply the named repairs to one text: encoding (ftfy), HTML (tags and entities), PII (placeholders)."""
    if "broken_encoding" in fixes:
        text = ftfy.fix_encoding(text)
    if "html" in fixes:
        text = strip_html(text)
    if "pii" in fixes:
        text = redact_pii(text)
    return text


def repair_row(row: Mapping, fixes: Sequence[str]) -> dict:
    """A copy of a chat or prompt/completion row with every text repaired."""
    row = copy.deepcopy(dict(row))
    if "messages" in row:
        for message in row["messages"]:
            message["content"] = repair_text(message["content"], fixes)
    else:
        row["prompt"], row["completion"] = repair_text(row["prompt"], fixes), repair_text(row["completion"], fixes)
    return row


def as_chat(row: Mapping) -> dict:
    """A chat row from a chat or prompt/completion row."""
    if "messages" in row:
        return dict(row)
    text = row_text(row)
    return chat_row(text.prompt, text.answer)


@torch.no_grad()
def answer_losses(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, rows: Sequence[Mapping], batch_size: int = 16, max_length: int = 256
) -> list[float]:
    """Each row's mean cross-entropy on its answer tokens: high values mark answers the model finds implausible."""
    was_training = model.training
    model.eval()
    collate = padding_collator(tokenizer)
    losses: list[float] = []
    try:
        for start in range(0, len(rows), batch_size):
            encoded = [tokenize_chat(as_chat(row)["messages"], tokenizer, max_length) for row in rows[start : start + batch_size]]
            batch = {k: v.to(model.device) for k, v in collate(encoded).items()}
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1].float()
            labels = batch["labels"][:, 1:]
            token_loss = torch.nn.functional.cross_entropy(logits.transpose(1, 2), labels, reduction="none", ignore_index=-100)
            mask = labels != -100
            losses += (token_loss.sum(1) / mask.sum(1).clamp(min=1)).tolist()
    finally:
        model.train(was_training)
    return losses


def precision_at_k(ranked_ids: Sequence[object], positives: set, k: int) -> float:
    """Share of the first k ranked ids that are positives."""
    top = list(ranked_ids)[:k]
    return sum(row_id in positives for row_id in top) / max(len(top), 1)


def score_audit(report: AuditReport, truth: Mapping[object, Iterable[str]], defects: Sequence[str] | None = None) -> pd.DataFrame:
    """Precision and recall of each defect type against planted ground truth (row id -> defect names)."""
    planted: dict[str, set] = defaultdict(set)
    for row_id, names in truth.items():
        for name in names:
            planted[name].add(row_id)
    lines = []
    for name in defects or [d for d in DEFECTS if planted[d] or report.findings[d]]:
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


@torch.no_grad()
def label_logprobs(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    rows: Sequence[Mapping],
    labels: Sequence[str],
    batch_size: int = 16,
) -> torch.Tensor:
    """[rows, labels] log-probabilities of each label's first token as the start of the answer.

    One forward pass per batch instead of generation; the labels must start with different tokens.
    """
    first_tokens = [tokenizer(label, add_special_tokens=False)["input_ids"][0] for label in labels]
    if len(set(first_tokens)) != len(first_tokens):
        raise ValueError(f"labels {list(labels)} share a first token; they cannot be told apart in one step")
    was_training, padding_side = model.training, tokenizer.padding_side
    model.eval()
    tokenizer.padding_side = "left"  # the answer starts right after the last prompt token of every row
    scores = []
    try:
        for start in range(0, len(rows), batch_size):
            prompts = [
                tokenizer.apply_chat_template(as_chat(row)["messages"][:-1], add_generation_prompt=True, tokenize=False)
                for row in rows[start : start + batch_size]
            ]
            batch = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
            logits = model(**batch, logits_to_keep=1).logits[:, -1].float()  # only the last position is needed
            scores.append(torch.log_softmax(logits, dim=-1)[:, first_tokens].cpu())
    finally:
        tokenizer.padding_side = padding_side
        model.train(was_training)
    return torch.cat(scores) if scores else torch.empty(0, len(labels))
