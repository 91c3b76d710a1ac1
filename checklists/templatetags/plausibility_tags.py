"""Plausibility warnings beside a field and in the completeness panel (never blocking)."""

from django import template

from ..plausibility import for_note

register = template.Library()


@register.inclusion_tag("checklists/partials/field_warnings.html")
def field_warnings(note, key):
    return {"key": key, "warnings": [w for w in for_note(note) if w.key == key]}


@register.inclusion_tag("checklists/partials/plausibility_panel.html")
def plausibility_panel(note):
    return {"warnings": for_note(note)}
