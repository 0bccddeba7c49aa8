"""Checks on the answers: empty, truncated (a rare prefix of a frequent answer), conflicting (same prompt, other
answer), a preference pair whose two responses are the same, and a chat with no user turn to answer.

All three run in O(rows · log rows): the truncation check looks each answer up in the sorted frequent answers
instead of comparing it with every one of them.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping

from ftkit.data_quality.formats import Sample
from ftkit.data_quality.text import normalized

PREFERENCE_NAMES = ("chosen", "rejected")
# Characters that show nothing: spaces and separators (Z*), and format and control characters (Cf, Cc) such as
# U+200B zero-width space, U+2060 word joiner and U+FEFF.
INVISIBLE_CATEGORIES = ("Zs", "Zl", "Zp", "Cf", "Cc")
CHAT_FORMATS = ("messages", "sharegpt")  # formats whose turns name their role, so a missing user turn is visible


def is_blank(text: str) -> bool:
    """True when a text shows nothing: empty, whitespace, or zero-width and other invisible characters only."""
    return not text.strip() or all(unicodedata.category(char) in INVISIBLE_CATEGORIES for char in text)


def empty_answers(samples: Mapping[int, Sample]) -> dict[int, str]:
    """Row -> note for rows whose answer (or chosen/rejected response) is empty, blank or invisible."""
    found = {}
    for row, sample in samples.items():
        if len(sample.answers) == 1:
            if is_blank(sample.answers[0]):
                found[row] = ascii(sample.answers[0])
        else:
            empty = [name for name, answer in zip(PREFERENCE_NAMES, sample.answers) if is_blank(answer)]
            if empty:
                found[row] = " and ".join(empty) + " empty"
    return found


def identical_pairs(samples: Mapping[int, Sample]) -> dict[int, str]:
    """Row -> note for preference rows whose chosen and rejected responses are the same (whitespace aside)."""
    return {
        row: f"chosen and rejected are both {sample.answers[0][:40]!r}"
        for row, sample in samples.items()
        if len(sample.answers) == 2 and not is_blank(sample.answers[0]) and normalized(sample.answers[0]) == normalized(sample.answers[1])
    }


def no_user_turns(samples: Mapping[int, Sample]) -> dict[int, str]:
    """Row -> note for chat rows (messages, ShareGPT) with no user turn before the answer."""
    found = {}
    for row, sample in samples.items():
        if sample.format in CHAT_FORMATS and not any(role == "user" for role, _ in sample.context):
            roles = [role for role, _ in sample.context]
            found[row] = "turns before the answer: " + (", ".join(roles) if roles else "none") + (" (and system)" if sample.system else "")
    return found


def is_cut_short(answer: str, longer: str) -> bool:
    """True when `answer` ends inside a word of `longer` ('positi' of 'positive'; not 'Yes' of 'Yes, it is')."""
    if len(answer) < 2 or answer.isdigit():  # "4", "N", "A" and numbers are whole answers
        return False
    return answer[-1].isalnum() and longer[len(answer)].isalnum()


def truncated_answers(samples: Mapping[int, Sample], min_answer_count: int = 5) -> dict[int, str]:
    """Row -> note for a rare answer that is a prefix, cut mid-word, of an answer given at least `min_answer_count` times."""
    counts = Counter(sample.answers[0].strip() for sample in samples.values())
    frequent = sorted(answer for answer, count in counts.items() if count >= min_answer_count and answer)
    found = {}
    if not frequent:
        return found
    for row, sample in samples.items():
        answer = sample.answers[0].strip()
        if not answer or counts[answer] >= min_answer_count:
            continue
        # Every string that starts with `answer` sorts right after it: one lookup finds the shortest such answer.
        index = bisect_right(frequent, answer)
        if index < len(frequent) and frequent[index].startswith(answer) and is_cut_short(answer, frequent[index]):
            found[row] = f"{answer!r} < {frequent[index]!r}"
    return found


def prompt_keys(samples: Mapping[int, Sample]) -> dict[int, tuple]:
    """Row -> what makes two rows the same question: system prompt and every turn before the answer, whitespace aside."""
    systems: dict[str, str] = {}  # most sets share one system prompt: normalise each distinct one once
    keys = {}
    for row, sample in samples.items():
        system = systems.get(sample.system)
        if system is None:
            system = systems[sample.system] = normalized(sample.system)
        keys[row] = (system, tuple((role, normalized(text)) for role, text in sample.context))
    return keys


def conflicting_answers(samples: Mapping[int, Sample], row_ids: list, keys: Mapping[int, tuple]) -> dict[int, str]:
    """Row -> note for rows whose prompt (`keys`, from prompt_keys) also appears with another answer (preference:
    with the pair inverted)."""
    by_prompt: dict[tuple, list[int]] = defaultdict(list)
    for row in samples:
        by_prompt[keys[row]].append(row)
    found = {}
    for rows in by_prompt.values():
        if len(rows) < 2:
            continue
        by_answer: dict[tuple, list[int]] = defaultdict(list)
        for row in rows:
            by_answer[tuple(normalized(a) for a in samples[row].answers)].append(row)
        if len(by_answer) < 2:
            continue
        for answer, same in by_answer.items():
            if len(answer) == 1:
                others = []
                for other, group in by_answer.items():  # a few examples; stop early so many answers stay linear
                    if other != answer:
                        others += group[: 3 - len(others)]
                        if len(others) == 3:
                            break
                n_others = len(rows) - len(same)
            else:  # a pair and its inversion: A over B in one row, B over A in another
                others = by_answer.get(answer[::-1], [])[:3] if answer[0] != answer[1] else []
                n_others = len(by_answer.get(answer[::-1], [])) if others else 0
            if not others:
                continue
            shown = ", ".join(f"{row_ids[r]} ({samples[r].answers[0][:40]!r})" for r in others[:3])
            more = f" and {n_others - 3} more" if n_others > 3 else ""
            for row in same:
                found[row] = f"same prompt answered differently in {shown}{more}"
    return found
