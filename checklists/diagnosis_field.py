"""The note form's diagnosis field: ICD-10-CM codes, one per line, primary first.

It is a plain textarea, so the form works without JavaScript: type "M47.816" (or
"m47816", or several codes on one line separated by commas) and the saved answer holds each
code with its official description. The page's script adds a search-as-you-type picker that
writes lines into the same textarea. A code that is unknown or not billable is refused with
a message naming the nearest billable codes; the text stays in the field as typed.
"""

import re

from django import forms
from django.urls import reverse_lazy

from procedures.plain_text import strip_bidi

from . import icd10

_PIECES = re.compile(r"[\n;]+")
_TOKENS = re.compile(r"[\s,]+")


def codes_typed(text: str) -> list[str]:
    """The codes in what was typed: the first word of each line, or every word of a line
    made only of codes ('M47.816, M54.50')."""
    codes = []
    for piece in _PIECES.split(text or ""):
        tokens = [t for t in _TOKENS.split(piece.strip()) if t]
        if not tokens:
            continue
        if all(icd10.looks_like_code(t) for t in tokens):
            codes += tokens
        else:
            codes.append(tokens[0] if icd10.looks_like_code(tokens[0]) else piece.strip())
    return codes


def as_text(value) -> str:
    """A stored answer as the textarea shows it: 'M47.816 Spondylosis ...' per line; free
    text of a note written before coding as it was."""
    if isinstance(value, list):
        return "\n".join(
            f"{item.get('code', '')} {item.get('description', '')}".strip()
            for item in value
            if isinstance(item, dict)
        )
    return value or ""


class DiagnosisCodesField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.Textarea(
                attrs={
                    "rows": 3,
                    "class": "icd10-codes",
                    "data-icd10-search": reverse_lazy("checklists:icd10-search"),
                    "placeholder": "One ICD-10-CM code per line, primary first (e.g. M47.816)",
                    "spellcheck": "false",
                }
            ),
        )
        super().__init__(max_length=3000, **kwargs)

    def prepare_value(self, value):
        return as_text(value)

    def clean(self, value):
        text = strip_bidi(super().clean(value) or "")
        if not text:
            return []
        found, errors, seen = [], [], set()
        for typed in codes_typed(text):
            try:
                diagnosis = icd10.lookup(typed)
            except icd10.CodeError as error:
                errors.append(forms.ValidationError(str(error), code="icd10"))
                continue
            if diagnosis.code not in seen:
                seen.add(diagnosis.code)
                found.append({"code": diagnosis.code, "description": diagnosis.description})
        if errors:
            raise forms.ValidationError(errors)
        return found
