"""The note form's element blocks, written in Python (what partials/element.html wrote).

An edit page shows 40 to 60 elements; one template include per element (its context, its
`{% load %}`, a dozen nodes, an inclusion tag for the warnings) was a quarter of the
page's time. This writes the same markup from the same pieces: the wrapper with its
show-when condition, the "copied" note, the field (field_markup.field_group), the
plausibility warnings beside it, and the "Not applicable or not done?" box.
"""

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from .compiled_fields import code_line_widget, element_field_group
from .field_markup import _e
from .plausibility import for_note


def warnings_html(key: str, warnings) -> SafeString:
    """The plausibility warnings of one element (ids warning-<key>-1, -2...)."""
    return format_html_join(
        "",
        '<div class="plausibility-warning alert alert-warning py-1 px-2 small mb-2" '
        'id="warning-{}-{}" role="note"><strong>Check:</strong> {}</div>',
        ((key, n, warning.message) for n, warning in enumerate(warnings, start=1)),
    )


def element_html(element, field, na, source, warnings=(), carried="") -> SafeString:
    """One element: `field` and `na` are bound fields (na None when the element takes no
    reason), `source` where a still-unconfirmed copied value came from ("" when none),
    `carried` where a confirmed copy came from (shown as a read-only line by the script)."""
    key = _e(element["key"])
    condition = element.get("condition")
    parts = [
        f'<div id="el-{key}" class="element element-{_e(element["requirement"])}'
        f'{" is-copied" if source else ""}{" is-carried" if carried and not source else ""}"'
    ]
    if condition:
        shown_when = "|".join(_e(value) for value in condition["in"])
        parts.append(
            f' data-when-element="{_e(condition["element"])}" data-when-in="{shown_when}"'
        )
    parts.append(">\n")
    if source:
        parts.append(
            '<p class="copied-source small mb-1"><span class="badge copied-badge">copied</span> '
            f"{_e(source)}</p>\n"
        )
    parts.append(element_field_group(element, field))
    parts.append("\n")
    if warnings:
        parts.append(warnings_html(element["key"], warnings))
        parts.append("\n")
    if na is not None:
        reasons = "".join(
            f'<option value="{_e(reason)}"></option>' for reason in element.get("na_reasons") or ()
        )
        parts.append(
            f'<details class="na-details mb-3"{" open" if na.value() else ""}>\n'
            '<summary class="small text-body-secondary">Not applicable or not done?</summary>\n'
            f"{element_field_group(element, na)}\n"
            f'<datalist id="na-reasons-{key}">{reasons}</datalist>\n'
            "</details>\n"
        )
    parts.append("</div>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def elements_html(items, note=None) -> SafeString:
    """A section's elements ((element, field, na, source, carried) from ElementForm.sections), with
    the note's plausibility warnings when a note is given (the autosave's re-drawn sections
    have none: the warnings there come with the panel)."""
    by_key: dict[str, list] = {}
    if note:
        for warning in for_note(note):
            by_key.setdefault(warning.key, []).append(warning)
    return mark_safe(  # noqa: S308 - element_html escapes every value
        "".join(
            element_html(element, field, na, source, by_key.get(element["key"], ()), carried)
            for element, field, na, source, carried in items
        )
    )


# The code line's fields: (name, visible label, grid columns), as the line editor lays them.
LINE_COLUMNS = (
    ("code", "Code", "col-md-5 col-12"),
    ("technique", "Technique", "col-md-3 col-6"),
    ("units", "Units", "col-md-2 col-3"),
    ("side", "Side", "col-md-2 col-3"),
    ("modifiers", "Modifiers", "col-md-4 col-6"),
    ("site", "Level / nerve / site", "col-md-8 col-6"),
)


def code_line_html(form, number="") -> SafeString:
    """One code line of the line editor (a CodeLineForm); `number` names it for screen
    readers ("Code line 2"), empty in the template row the script copies."""
    cells = []
    for name, label, columns in LINE_COLUMNS:
        field = form[name]
        errors = "".join(
            f'<div class="invalid-feedback d-block">{_e(error)}</div>' for error in field.errors
        )
        cells.append(
            f'  <div class="{columns}"><label class="form-label small mb-0" '
            f'for="{_e(field.id_for_label)}">{label}</label>{code_line_widget(field)}{errors}</div>\n'
        )
    return mark_safe(  # noqa: S308 - every value above is escaped
        '<fieldset class="code-line row g-2 align-items-start mb-2">\n'
        f'  <legend class="visually-hidden">Code line {number}</legend>\n'
        f"{''.join(cells)}</fieldset>\n"
    )


def code_lines_html(formset) -> SafeString:
    """Every line of the formset, numbered from 1."""
    return mark_safe(  # noqa: S308 - code_line_html escapes every value
        "".join(code_line_html(form, n) for n, form in enumerate(formset, start=1))
    )
