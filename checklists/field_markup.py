"""The note form's fields as Bootstrap 5 markup, written in Python.

The edit page shows 40 to 60 fields and is reloaded all day; through crispy-forms'
templates (a dozen template includes per field, one per radio button and option) they
were over half of the page's time. This writes the very markup of crispy-bootstrap5's
`as_crispy_field` for the widgets the note form uses, from the same Django form API
(bound field attributes, `widget.get_context`, `widget.optgroups`), without the template
engine. tests/checklists/test_field_markup.py compares the two for every element of the
catalog, empty, filled and with errors. Other widgets raise: use crispy for them.
"""

import copy
import html

from django import forms
from django.utils.safestring import SafeString, mark_safe

CHOICE_GROUPS = (forms.RadioSelect, forms.CheckboxSelectMultiple)
UNSUPPORTED = (forms.CheckboxInput, forms.FileInput, forms.MultiWidget)
WIDGET_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("text", "number", "date", "datetime", "email", "hidden", "textarea", "select")
}


def _e(value) -> str:
    """conditional_escape without its lazy-string wrapper (a few thousand calls a page)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html
    return "".join(
        f" {_e(name)}" if value is True else f' {_e(name)}="{_e(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _widget(context: dict) -> str:
    """A widget from its template context, as django/forms/widgets/*.html writes it."""
    if context["template_name"] not in WIDGET_TEMPLATES:
        raise TypeError(f"{context['template_name']} is not supported here")
    attrs = _attrs(context["attrs"])
    name = _e(context["name"])
    value = context["value"]
    if context["template_name"] == "django/forms/widgets/textarea.html":
        return f'<textarea name="{name}"{attrs}>\n{_e(value) if value else ""}</textarea>'
    if "optgroups" in context:  # select
        options = []
        for group_name, choices, _ in context["optgroups"]:
            if group_name:
                options.append(f'\n  <optgroup label="{_e(group_name)}">')
            options += [
                f'\n  <option value="{_e(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_e(option['label'])}</option>"
                for option in choices
            ]
            if group_name:
                options.append("\n  </optgroup>")
        return f'<select name="{name}"{attrs}>{"".join(options)}\n</select>'
    shown = "" if value is None else f' value="{_e(value)}"'
    return f'<input type="{_e(context["type"])}" name="{name}"{shown}{attrs}>'


def widget_html(field, widget=None) -> SafeString:
    """`{{ field.as_widget }}` for an input, textarea or select (BoundField.as_widget)."""
    widget = widget or field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    return mark_safe(_widget(context))  # noqa: S308 - _widget escapes every value


def _errors(field) -> str:
    # bootstrap5/layout/field_errors_block.html
    if not field.errors:
        return ""
    items = "".join(
        f'<p id="error_{n}_{_e(field.auto_id)}"><strong>{_e(error)}</strong></p>'
        for n, error in enumerate(field.errors, start=1)
    )
    return f'<div id="{_e(field.errors.field_id)}_error" class="invalid-feedback">{items}</div>'


def _help(field) -> str:
    # bootstrap5/layout/help_text.html, escaped: help text comes from the catalog (the
    # admin, an imported Questionnaire, a note's frozen snapshot) and is plain text.
    if not field.help_text:
        return ""
    id_attr = f'id="{_e(field.auto_id)}_helptext" ' if field.auto_id else ""
    return f'<div {id_attr}class="form-text">{_e(field.help_text)}</div>'


def _control(field) -> str:
    """One input, textarea or select with crispy's classes (crispy_field tag)."""
    widget = field.field.widget
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    wanted = f"{bootstrap} is-invalid" if field.errors else bootstrap
    class_name = widget.__class__.__name__.lower()
    css = widget.attrs.get("class", "")
    if not css:
        css = class_name
    elif class_name not in css:
        css += f" {class_name}"
    for token in wanted.split():
        if token not in css.split():
            css += f" {token}"
    widget = copy.copy(widget)  # crispy writes the class on the widget; a copy keeps it clean
    widget.attrs = {**widget.attrs, "class": css}
    return widget_html(field, widget) + _errors(field) + _help(field)


def _choice_group(field) -> str:
    """Radio buttons or checkboxes (bootstrap5/layout/radio_checkbox_select.html)."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    groups = widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)
    invalid = " is-invalid" if field.errors else ""
    parts = ["<div >"]
    for group_index, (group, options, _) in enumerate(groups):
        if group:
            parts.append(f"<strong>{_e(group)}</strong>")
        for index, option in enumerate(options):
            last = index == len(options) - 1 and group_index == len(groups) - 1
            parts.append(
                f'<div class="form-check"><input type="{_e(option["type"])}" '
                f'class="form-check-input{invalid}" name="{_e(field.html_name)}" '
                f'value="{_e(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f'<label for="{_e(option["attrs"].get("id", ""))}" class="form-check-label">'
                f"{_e(str(option['label']))}</label>"
                f"{_errors(field) if last else ''}</div>"
            )
    parts.append("</div>")
    return "".join(parts) + _help(field)


def field_group(field) -> SafeString:
    """`{{ field|as_crispy_field }}` (bootstrap5/field.html) for a note form field."""
    widget = field.field.widget
    if isinstance(widget, UNSUPPORTED) or widget.is_hidden:
        raise TypeError(f"{type(widget).__name__} is not supported here: use crispy")
    required = field.field.required
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    css = field.css_classes()
    parts = [f'<div id="div_{_e(field.auto_id)}" class="mb-3{f" {_e(css)}" if css else ""}">']
    fieldset = field.use_fieldset and field.label
    if field.label:
        if fieldset:
            described = field.aria_describedby
            parts.append(f"<fieldset{_attrs({'aria-describedby': described or False})}>")
        tag = "legend" if field.use_fieldset else "label"
        for_attr = f'for="{_e(field.id_for_label)}" ' if field.id_for_label else ""
        classes = "form-label" + (" requiredField" if required else "")
        classes += " fs-6" if field.use_fieldset else ""
        parts.append(f'<{tag} {for_attr}class="{classes}">{_e(field.label)}{asterisk}</{tag}>')
    if isinstance(widget, CHOICE_GROUPS):
        parts.append(_choice_group(field))
    else:
        parts.append(_control(field))
    if fieldset:
        parts.append("</fieldset>")
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
