"""Write and verify the audit trail. Every change to a note goes through `record`."""

import json

from django.conf import settings
from django.db import connection, transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import AuditEvent

GENESIS = "0" * 64


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _plain(detail: dict) -> dict:
    # What the JSON column gives back is what the HMAC must cover.
    return json.loads(json.dumps(detail, default=str))


def chain_hmac(event: AuditEvent) -> str:
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


def _lock_chain():
    # One writer at a time extends the chain. SQLite's IMMEDIATE transactions already
    # serialise writers; PostgreSQL needs an explicit lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [7_354_811])


def record(
    action: str,
    *,
    actor=None,
    note=None,
    request=None,
    object_type: str = "",
    object_id="",
    username: str = "",
    **detail,
) -> AuditEvent:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    with transaction.atomic():
        _lock_chain()
        previous = AuditEvent.objects.order_by("-pk").values_list("hmac", flat=True).first()
        event = AuditEvent(
            action=action,
            actor=actor,
            username=username or (actor.get_username() if actor is not None else ""),
            note=note,
            object_type=object_type or ("note" if note is not None else ""),
            object_id=str(object_id or (note.pk if note is not None else "")),
            ip_address=client_ip(request),
            detail=_plain(detail),
            prev_hmac=previous or GENESIS,
        )
        event.hmac = chain_hmac(event)
        event.save()
    return event


def first_broken_link(events) -> tuple[AuditEvent, str] | None:
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
