"""`{% procedure_description note %}`: the narrative the catalog writes from the answers."""

from django import template

from ..narrative import note_description

register = template.Library()


@register.inclusion_tag("checklists/partials/procedure_description.html")
def procedure_description(note):
    return {"paragraphs": note_description(note), "note": note}
