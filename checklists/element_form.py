"""The note form: one field per element of the note's catalog snapshot.

Like pretix's question forms, fields are built at run time from data rows. Values are
cleaned to JSON-friendly answers: text, "yes"/"no", choice values, lists, ISO dates and
numbers as decimal strings (so 0.25 stays 0.25).
"""

import copy
import datetime
from decimal import Decimal

import orjson
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from procedures.plain_text import strip_bidi
from procedures.units import value_unit

from . import icd10
from .bounded_store import BoundedStore
from .completeness import has_value
from .diagnosis_field import DiagnosisCodesField

NA_SUFFIX = "__na"
YES_NO = [("yes", "Yes"), ("no", "No")]
DATE_FORMATS = ["%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y"]
PAIN_CHOICES = [(str(n), str(n)) for n in range(11)]


def plain_number(value: Decimal) -> str:
    """100, 0.5, 37: never "1E+2" (what Decimal("100").normalize() prints)."""
    return format(value.normalize(), "f")


def _range_message(element, low, high):
    unit = value_unit(element.get("unit") or "")
    unit = " %" if element["input_type"] == "percent" else (f" {unit}" if unit else "")
    return (
        f"{element['label']} must be between {plain_number(low)} and {plain_number(high)}{unit}."
    )


def _decimal_field(element, **common):
    low = Decimal(element["min"]) if element.get("min") is not None else None
    high = Decimal(element["max"]) if element.get("max") is not None else None
    validators = []
    attrs = {"step": "any", "inputmode": "decimal"}
    if low is not None and high is not None:
        # Validators %-format their message: a literal percent sign must be doubled.
        message = _range_message(element, low, high).replace("%", "%%")
        validators += [MinValueValidator(low, message), MaxValueValidator(high, message)]
        attrs |= {"min": str(low), "max": str(high)}
    return forms.DecimalField(
        max_digits=12,
        decimal_places=4,
        validators=validators,
        widget=forms.NumberInput(attrs=attrs),
        error_messages={
            "invalid": f"{element['label']}: enter a number.",
            "max_decimal_places": f"{element['label']}: at most 4 decimal places.",
            "max_digits": f"{element['label']}: that number is too large.",
        },
        **common,
    )


def label_for(element) -> str:
    unit = value_unit(element.get("unit") or "")
    if element["input_type"] == "percent":
        unit = "%"
    return f"{element['label']} ({unit})" if unit else element["label"]


def field_for(element) -> forms.Field:
    common = {"label": label_for(element), "required": False, "help_text": element.get("help")}
    kind = element["input_type"]
    choices = [tuple(pair) for pair in element.get("choices") or []]
    if kind == "text":
        return forms.CharField(max_length=500, **common)
    if kind == "long_text":
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == "choice":
        if len(choices) <= 5:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", "—")] + choices, **common)
    if kind == "multi_choice":
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "yes_no":
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind in ("number", "percent"):
        return _decimal_field(element, **common)
    if kind == "pain_score":
        # The 0-10 scale in one row: one tap (a select is two), one Tab stop, arrow keys.
        return forms.TypedChoiceField(
            choices=PAIN_CHOICES,
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect(attrs={"data-scale": "0-10"}),
            **common,
        )
    if kind == "icd10":
        return DiagnosisCodesField(**common)
    if kind == "date":
        # One text field, not the browser's date input: that is three or four Tab stops
        # (month, day, year, picker) and these are past dates typed or prefilled from
        # the patient's history. US order as shown; ISO accepted too.
        return forms.DateField(
            input_formats=DATE_FORMATS,
            widget=forms.DateInput(
                format=DATE_FORMATS[0],
                attrs={"inputmode": "numeric", "placeholder": "mm/dd/yyyy", "autocomplete": "off"},
            ),
            error_messages={"invalid": f"{element['label']}: enter a date as mm/dd/yyyy."},
            **common,
        )
    if kind == "datetime":
        return forms.DateTimeField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            **common,
        )
    raise ValueError(f"unknown input type {kind!r}")


def na_field_for(element) -> forms.Field:
    """The element's "not applicable or not done, because" reason."""
    return forms.CharField(
        label=f"{element['label']}: not applicable or not done, because",
        max_length=300,
        required=False,
        widget=forms.TextInput(
            attrs={"list": f"na-reasons-{element['key']}", "placeholder": "Reason"}
        ),
    )


# An element's fields are built once per process and copied for each form. A field is a
# function of its element alone, so the key is the element's JSON: a changed catalog, payer
# rule pack or snapshot gives other bytes, hence other fields, never stale ones. Building
# (about 20 us a field, choices normalized) cost a note form about 1 ms; Django's deepcopy
# of every field, 0.7 ms; the copy below, 0.2 ms.
_kept_fields = BoundedStore(4096)


def _built_fields(element) -> tuple[forms.Field, forms.Field | None]:
    return field_for(element), na_field_for(element) if element.get("allow_na") else None


def _fields_of(element) -> tuple[forms.Field, forms.Field | None]:
    """New (field, reason field or None) for `element`, as field_for and na_field_for give."""
    try:
        key = orjson.dumps(element)
    except TypeError:  # not JSON (a caller's own element): built, not kept
        return _built_fields(element)
    kept = _kept_fields.get(key)
    if kept is None:
        kept = _kept_fields.keep(key, _built_fields(element))
    field, na = kept
    return _copy_field(field), (_copy_field(na) if na is not None else None)


def _copy_field(field: forms.Field) -> forms.Field:
    """What Django's deepcopy of a form field gives (Field.__deepcopy__: own widget, widget
    attributes, validators, error messages and choices lists), except that the choices'
    (value, label) pairs, tuples of strings that nothing can change, are shared."""
    new = copy.copy(field)
    new.widget = copy.copy(field.widget)
    new.widget.attrs = field.widget.attrs.copy()
    new.validators = field.validators[:]
    new.error_messages = field.error_messages.copy()
    if isinstance(field, forms.ChoiceField):
        new._choices = copy.copy(field._choices)
        new.widget.choices = copy.copy(field.widget.choices)
    return new


def to_answer_value(element, value):
    if value is None:
        return None
    if isinstance(value, str):
        return strip_bidi(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def to_initial(element, value):
    if value is None:
        return None
    if element["input_type"] == "pain_score":
        return str(value)
    if element["input_type"] == "date" and isinstance(value, str):
        try:  # shown as mm/dd/yyyy by the widget
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


class ElementForm(forms.Form):
    """Fields for every element of `note.definitions`; `answers()` gives what to store."""

    def __init__(self, *args, note, **kwargs):
        self.note = note
        # The date of service the dates are checked against: the note's, or the one posted
        # with them (set by the edit view once the header is valid).
        self.date_of_service = None
        self.elements = note.definitions.get("elements", [])
        answers = note.answers or {}
        kwargs.setdefault("initial", {})
        for element in self.elements:
            answer = answers.get(element["key"]) or {}
            kwargs["initial"][element["key"]] = to_initial(element, answer.get("value"))
            if element.get("allow_na"):
                kwargs["initial"][element["key"] + NA_SUFFIX] = answer.get("na_reason", "")
        super().__init__(*args, **kwargs)
        for element in self.elements:
            field, na = _fields_of(element)
            self.fields[element["key"]] = field
            if na is not None:
                self.fields[element["key"] + NA_SUFFIX] = na

    def clean(self):
        cleaned = super().clean()
        for element in self.elements:
            value = cleaned.get(element["key"])
            if element["input_type"] in ("date", "datetime") and value is not None:
                problem = self._date_problem(element, value)
                if problem:
                    self.add_error(element["key"], problem)
        return cleaned

    def _date_problem(self, element, value) -> str | None:
        """A date in the note's past: not after its date of service, not before the
        patient was born, not before 1900."""
        day = value.date() if hasattr(value, "date") else value
        label = element["label"]
        service = self.date_of_service or self.note.date_of_service
        if service and day > service:
            return f"{label}: cannot be after the date of service ({service:%m/%d/%Y})."
        birth = self.note.patient.date_of_birth if self.note.patient_id else None
        if birth and day < birth:
            return f"{label}: cannot be before the patient's date of birth ({birth:%m/%d/%Y})."
        if day.year < 1900:
            return f"{label}: check the year ({day.year})."
        return None

    def answers(self, previous: dict | None = None) -> dict:
        """Valid fields replace their answer; a field with an error keeps its old answer."""
        previous = previous or {}
        cleaned = getattr(self, "cleaned_data", {})
        result = {}
        for element in self.elements:
            key = element["key"]
            if key in self.errors or (key + NA_SUFFIX) in self.errors:
                if key in previous:
                    result[key] = previous[key]
                continue
            answer = {}
            value = to_answer_value(element, cleaned.get(key))
            if has_value(value):
                answer["value"] = value
                if element["input_type"] == "icd10":
                    answer["code_set"] = icd10.code_set()
            reason = (cleaned.get(key + NA_SUFFIX) or "").strip()
            if element.get("allow_na") and reason and "value" not in answer:
                answer["na_reason"] = reason
            if answer:
                result[key] = answer
        return result

    def sections(self):
        """[(section key, label, [(element, bound field, bound na field or None, where a
        still-unconfirmed copied value came from or "", where a confirmed copy came from or
        "")], number of copied values, number of confirmed copies)]"""
        labels = {"pre": "Pre-procedure", "procedure": "Procedure", "post": "Post-procedure"}
        copied, carried = self.note.copied or {}, self.note.carried or {}
        grouped = {key: [] for key in labels}
        for element in self.elements:
            key = element["key"]
            na = self[key + NA_SUFFIX] if element.get("allow_na") else None
            source, confirmed = copied.get(key, ""), carried.get(key, "")
            grouped[element["section"]].append((element, self[key], na, source, confirmed))
        return [
            (
                key,
                labels[key],
                items,
                sum(1 for item in items if item[3]),
                sum(1 for item in items if item[4]),
            )
            for key, items in grouped.items()
            if items
        ]
