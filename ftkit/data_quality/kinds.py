"""The findings of an audit: their names, what each means, and what `clean` does with the rows by default."""

from __future__ import annotations

MEANING = {
    "malformed": "the row cannot be read in its format (or the line is not JSON / not UTF-8)",
    "duplicate_key": "a JSON object in the row names the same key twice; which value was meant is unknown",
    "bad_id": "the row's id repeats an earlier row's id or cannot be used as a key (a list, an object)",
    "exact_duplicate": "same system prompt, conversation and answer as a kept row (whitespace aside)",
    "near_duplicate": "prompt nearly the same as a kept row's (same numbers and names) and the same answer",
    "conflicting_answers": "the same prompt appears with a different answer (or an inverted preference pair)",
    "empty_answer": "the answer (or chosen/rejected response) is empty, blank or only invisible characters (U+200B)",
    "identical_pair": "a preference pair whose chosen and rejected responses are the same: it teaches no preference",
    "no_user_turn": "a chat (messages, ShareGPT) with no user turn before the answer",
    "truncated_answer": "the answer is a rare prefix, cut mid-word, of a frequent answer ('positi' for 'positive')",
    "control_tokens": "chat-template control tokens (<|im_start|>, [INST], ...) written inside the text",
    "broken_encoding": "mojibake ftfy can repair ('wouldnâ€™t'), or U+FFFD where bytes were lost",
    "html": "HTML tags or entities outside code",
    "pii": "an e-mail address, phone number, SSN, payment card or IBAN (dates, years, versions, ISBNs, postcodes, order numbers are not)",
    "leaked": "the prompt shares most of its word 8-grams with one reference (test) row",
    "overlong": "far longer than the set's typical row (several rows pasted together)",
}
FINDINGS = tuple(MEANING)
DROPPED_BY_DEFAULT = (
    "malformed", "duplicate_key", "exact_duplicate", "near_duplicate", "empty_answer", "identical_pair", "no_user_turn",
    "truncated_answer",
    "control_tokens", "leaked", "overlong",
)
REPAIRED_BY_DEFAULT = ("broken_encoding", "html", "pii")
# Kept and only reported: which of two conflicting answers is right, or which row should own an id, is for a person.
FLAGGED_ONLY = ("bad_id", "conflicting_answers")
SKEWED_TERM = "skewed_term"  # a finding about the set, not a row: a name that predicts one answer


def default_action(kind: str) -> str:
    """'dropped', 'repaired' or 'flagged'."""
    return "dropped" if kind in DROPPED_BY_DEFAULT else "repaired" if kind in REPAIRED_BY_DEFAULT else "flagged"
