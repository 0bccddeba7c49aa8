"""The prompt and answer of one row of any format, for code that works row by row (ranking, augmentation)."""

from __future__ import annotations

from dataclasses import dataclass

from ftkit.data_quality.formats import RowError, read_sample, row_format


class MalformedRowError(ValueError):
    """A row cannot be read in any format; the message names the row and the field."""

    def __init__(self, row_id: object, field_name: str, problem: str):
        self.row_id, self.field, self.problem = row_id, field_name, problem
        super().__init__(f"row {row_id!r}: field '{field_name}': {problem}")


@dataclass
class RowText:
    """What the checks read from a row: its prompt text (user turns) and its final (chosen) answer."""

    prompt: str
    answer: str


def row_text(row: object, row_id: object = None) -> RowText:
    """The prompt and answer of a row in any format; raises MalformedRowError naming the field."""
    try:
        sample = read_sample(row, row_format(row) or "messages")
    except RowError as error:
        raise MalformedRowError(row_id, error.field, error.problem) from None
    return RowText(sample.prompt, sample.answers[0])
