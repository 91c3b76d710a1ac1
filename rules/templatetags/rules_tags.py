"""`{% claim_status note %}` on the note page and `{% patient_history_link patient %}`."""

from django import template

from ..selectors import evaluate_note
from ..views import can_build_packet

register = template.Library()


@register.inclusion_tag("rules/partials/claim_status.html", takes_context=True)
def claim_status(context, note, practice=None):
    """Claim-ready, or the rules the note fails with their policy source (live).

    `practice`: the page's practice (read by its context processor), whose state says
    which contractors' LCDs apply; read again here when not given."""
    user = context["request"].user
    return {
        "note": note,
        "evaluation": evaluate_note(
            note, state=(practice.state or "") if hasattr(practice, "state") else None
        ),
        "can_build_packet": can_build_packet(user, note),
    }


@register.inclusion_tag("rules/partials/patient_history_link.html")
def patient_history_link(patient):
    return {"patient": patient}
