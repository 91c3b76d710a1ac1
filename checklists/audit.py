"""Write audit events. Every change to a note goes through here."""

from .models import AuditEvent


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(action: str, *, actor=None, note=None, request=None, **detail) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action, actor=actor, note=note, ip_address=client_ip(request), detail=detail
    )
