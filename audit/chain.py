"""The audit trail's HMAC chain: each event's HMAC covers its content and the previous one's.

Removing or editing a row breaks the chain from there on (`manage.py verify_audit`); the
anchor (audit.anchor) catches what the chain alone cannot: a tail cut off.
"""

import json

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

GENESIS = "0" * 64


def chain_hmac(event) -> str:
    content = json.dumps(
        {
            "at": event.at.isoformat(),
            "actor": event.actor_id,
            "username": event.username,
            "action": event.action,
            "note": event.note_id,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "ip": event.ip_address,
            "detail": event.detail,
            "prev": event.prev_hmac,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    key = settings.AUDIT_HMAC_KEY or settings.SECRET_KEY
    return salted_hmac(
        "neurolysis.audit.chain", content, secret=key, algorithm="sha256"
    ).hexdigest()


def first_broken_link(events):
    """Walk events in insertion order; the first one whose link does not hold, and why."""
    expected_prev = GENESIS
    for event in events:
        if event.prev_hmac != expected_prev:
            return (
                event,
                "its link to the previous event does not match (a row was removed or reordered)",
            )
        if not constant_time_compare(event.hmac, chain_hmac(event)):
            return event, "its content does not match its HMAC (the row was altered)"
        expected_prev = event.hmac
    return None
