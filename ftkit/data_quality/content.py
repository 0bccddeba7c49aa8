"""Checks on each text of a row: broken encoding, HTML, control tokens and personal data, each naming its field."""

from __future__ import annotations

from collections.abc import Sequence

from ftkit.data_quality.encoding import first_difference, has_broken_encoding
from ftkit.data_quality.formats import Sample
from ftkit.data_quality.markup import find_control_tokens, find_html
from ftkit.data_quality.phones import DEFAULT_REGIONS
from ftkit.data_quality.pii import pii_matches


def content_findings(sample: Sample, phone_regions: Sequence[str] = DEFAULT_REGIONS) -> dict[str, str]:
    """Finding kind -> note ('field: what was found') for the first field of the row that shows it."""
    found: dict[str, str] = {}
    for text_field in sample.fields:
        text = text_field.text
        if "broken_encoding" not in found and has_broken_encoding(text):
            found["broken_encoding"] = f"{text_field.name}: {first_difference(text)!r}"
        if "html" not in found and (markup := find_html(text)):
            found["html"] = f"{text_field.name}: {markup}"
        if "control_tokens" not in found and (tokens := find_control_tokens(text)):
            found["control_tokens"] = f"{text_field.name}: {', '.join(sorted(set(tokens))[:3])}"
        if "pii" not in found and (matches := pii_matches(text, phone_regions)):
            found["pii"] = f"{text_field.name}: " + ", ".join(sorted({m.kind for m in matches}))
    return found
