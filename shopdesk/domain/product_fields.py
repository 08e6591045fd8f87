"""How product fields are written as text (in forms and CSV files) and read back."""

from __future__ import annotations

import json
import re

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP

_BARCODE_SEPARATORS = re.compile(r"[\s,|;]+")


def split_barcodes(text: str) -> tuple[str, ...]:
    """"4006381333931 | 036000291452" → ("4006381333931", "036000291452")."""
    return tuple(code for code in _BARCODE_SEPARATORS.split(text or "") if code)


def format_attributes(attributes: dict[str, str]) -> str:
    return "; ".join(f"{key}={value}" for key, value in attributes.items())


def parse_attributes(text: str, field: str = "attributes") -> dict[str, str]:
    """A JSON object, or ``key=value; key=value``; keys must be unique and non-empty."""
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValidationError(field, QT_TRANSLATE_NOOP(
                "errors", "The attributes are not valid JSON ({problem})."), problem=err.msg) from None
        if not isinstance(value, dict):
            raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "The attributes must be a JSON object."))
        return {str(k): str(v) for k, v in value.items()}
    result: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValidationError(field, QT_TRANSLATE_NOOP(
                "errors", "Write attributes as name=value; name=value ('{part}' has no name=value)."),
                part=part.strip())
        if key in result:
            raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "The attribute {key} is given twice."), key=key)
        result[key] = value.strip()
    return result


def parse_option_axes(text: str) -> dict[str, list[str]]:
    """Variant options typed one per line: "Size: S, M" → {"Size": ["S", "M"]}."""
    axes: dict[str, list[str]] = {}
    for line in (text or "").splitlines():
        name, _, values = line.partition(":")
        if name.strip():
            axes[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
    return axes
