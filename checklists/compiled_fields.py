"""The note form's fields, compiled: fixed markup with slots for the value.

`field_markup.field_group` writes a field from Django's form API: a bound field's
attributes, the widget's context, one option dict per radio button. On the edit page that
is about 50 fields, some 2 ms of a request, and almost all of the markup is the same on
every request: only the value changes (an input's `value`, a textarea's text, which
options are checked or selected). So the markup of a field of an unbound form is written
once per process with field_group itself, at a few chosen values, and split at the places
the value goes; a request fills in its value. A bound form (a POST, with its errors) is
written live as before.

What a compiled field is kept under: the element's JSON (its label, type, choices, help,
requirement: a changed catalog, payer rule pack or snapshot gives other bytes), the
field's name and id, the form class and the URL prefix (the diagnosis field links its
search). Nothing of a note, a patient or a user is in the kept markup: the value comes
from the request's own bound field. Each compiled field is checked when it is made: it
must write what field_group writes at the values it was made from; a field that does not
split cleanly (or a widget not listed here) is written live. The key assumes the form's
fields are what `element_form.field_for` makes of the element (or, for a code line, what
CodeLineForm makes of its choices): nothing changes them after the form is made.
"""

import orjson
from django import forms
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from .bounded_store import BoundedStore
from .field_markup import _e, field_group, widget_html

INPUTS = (forms.TextInput, forms.NumberInput, forms.DateInput, forms.DateTimeInput, forms.Textarea)
CHOICES = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple)
# Values no option or input can hold: where the value goes in the markup.
SLOT, OTHER_SLOT, NO_OPTION = "\x00slot\x00", "\x00other\x00", "\x00no option\x00"

_kept = BoundedStore(4096)


class _Valued(forms.BoundField):
    """A bound field whose value is the given one (what the form's initial would give)."""

    def __init__(self, field, value):
        super().__init__(field.form, field.field, field.name)
        self._given = value

    def value(self):
        return self._given


def _written(field, value, write) -> str:
    return str(write(_Valued(field, value)))


class _Input:
    """An input or textarea: the markup without a value, and around the value."""

    def __init__(self, field, write):
        self.empty = _written(field, None, write)
        parts = _written(field, SLOT, write).split(SLOT)
        if len(parts) != 2:
            raise ValueError("the value is not in one place")
        self.before, self.after = parts
        if self.write(OTHER_SLOT) != _written(field, OTHER_SLOT, write):
            raise ValueError("the markup depends on the value elsewhere")

    def write(self, value) -> str:
        return self.empty if value is None else f"{self.before}{_e(value)}{self.after}"

    def render(self, field) -> str:
        return self.write(field.field.widget.format_value(field.value()))


class _Choices:
    """Radio buttons, checkboxes or a select: the markup with nothing chosen, and where each
    option's " checked" or " selected" goes."""

    def __init__(self, field, write):
        widget = field.field.widget
        self.multiple = widget.allow_multiple_selected
        self.values = [
            str(option["value"])
            for _, options, _ in widget.optgroups(field.html_name, [NO_OPTION])
            for option in options
        ]
        base = _written(field, [NO_OPTION], write)
        cuts, marks = [], []
        for value in self.values:
            chosen = _written(field, [value], write)
            at = next(
                (i for i, (a, b) in enumerate(zip(base, chosen, strict=False)) if a != b),
                len(base),
            )
            mark = chosen[at : at + len(chosen) - len(base)]
            if base[:at] + mark + base[at:] != chosen or (cuts and at <= cuts[-1]):
                raise ValueError("an option's mark is not one insertion, in option order")
            cuts.append(at)
            marks.append(mark)
        self.pieces = [base[a:b] for a, b in zip([0, *cuts], [*cuts, len(base)], strict=True)]
        self.marks = marks
        if self.multiple and self.write(self.values) != _written(field, self.values, write):
            raise ValueError("the options' marks do not add up")

    def write(self, chosen: list[str]) -> str:
        """As ChoiceWidget.optgroups chooses: every option whose value is among `chosen`,
        or only the first when one option can be chosen."""
        parts = [self.pieces[0]]
        taken = False
        for value, mark, piece in zip(self.values, self.marks, self.pieces[1:], strict=True):
            if (self.multiple or not taken) and value in chosen:
                parts.append(mark)
                taken = True
            parts.append(piece)
        return "".join(parts)

    def render(self, field) -> str:
        return self.write(field.field.widget.format_value(field.value()))


def _compile(field, write):
    widget = type(field.field.widget)
    try:
        if widget in INPUTS:
            return _Input(field, write)
        if widget in CHOICES:
            return _Choices(field, write)
    except ValueError:
        pass
    return None  # written live


def _kept_or_live(key, field, write) -> SafeString:
    compiled = _kept.get(key, _kept)
    if compiled is _kept:
        compiled = _kept.keep(key, _compile(field, write))
    if compiled is None:
        return write(field)
    return mark_safe(compiled.render(field))  # noqa: S308 - written by `write`, value escaped


def element_field_group(element, field) -> SafeString:
    """field_group(field) for the field (or the reason field) of `element`."""
    if field.form.is_bound:
        return field_group(field)
    try:
        key = (
            orjson.dumps(element),
            field.html_name,
            field.auto_id,
            type(field.form),
            get_script_prefix(),
        )
    except TypeError:  # not JSON (a caller's own element)
        return field_group(field)
    return _kept_or_live(key, field, field_group)


def code_line_widget(field) -> SafeString:
    """widget_html(field) for a field of a code line (checklists.forms.CodeLineForm): its
    fields are the class's but for the code's choices, the active codes, in the key."""
    if field.form.is_bound:
        return widget_html(field)
    choices = field.field.choices if field.name == "code" else ()
    key = ("code line", field.html_name, field.auto_id, type(field.form), tuple(choices))
    return _kept_or_live(key, field, widget_html)


def forget_all():
    _kept.clear()
