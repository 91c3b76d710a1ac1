"""The audit trail: who did what, when and from where; written only through its manager.

`AuditEvent.objects.record(...)` is the one writer (as Django admin's
`LogEntry.objects.log_actions`), so any app records an event without importing the app
whose objects it names. The table keeps its first name (`checklists_auditevent`): the model
moved here from the notes app, its rows did not.
"""

import json

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from .chain import GENESIS, chain_hmac


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit event."""


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _plain(detail: dict) -> dict:
    # What the JSON column gives back is what the HMAC must cover.
    return json.loads(json.dumps(detail, default=str))


def _lock_chain():
    # One writer at a time extends the chain. SQLite's IMMEDIATE transactions already
    # serialise writers; PostgreSQL needs an explicit lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [7_354_811])


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be updated")

    def delete(self):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    def head(self):
        """The newest event (the chain's head), or None on an empty trail."""
        return self.order_by("-pk").first()


class AuditEventManager(models.Manager.from_queryset(AuditEventQuerySet)):
    def record(
        self,
        action: str,
        *,
        actor=None,
        note=None,
        request=None,
        object_type: str = "",
        object_id="",
        username: str = "",
        **detail,
    ) -> "AuditEvent":
        """Append one event to the chain. `note` is any object with a pk (a procedure note)."""
        if actor is None and request is not None and request.user.is_authenticated:
            actor = request.user
        with transaction.atomic():
            _lock_chain()
            previous = self.order_by("-pk").values_list("hmac", flat=True).first()
            event = self.model(
                action=action,
                actor=actor,
                username=username or (actor.get_username() if actor is not None else ""),
                note_id=note.pk if note is not None else None,
                object_type=object_type or ("note" if note is not None else ""),
                object_id=str(object_id or (note.pk if note is not None else "")),
                ip_address=client_ip(request),
                detail=_plain(detail),
                prev_hmac=previous or GENESIS,
            )
            event.hmac = chain_hmac(event)
            event.save()
        return event

    def record_many(self, entries) -> int:
        """Append many events at once (generated demo data): `entries` are the keyword
        arguments `record` takes, action included. One lock, one bulk insert."""
        with transaction.atomic():
            _lock_chain()
            previous = self.order_by("-pk").values_list("hmac", flat=True).first() or GENESIS
            events = []
            for entry in entries:
                entry = dict(entry)
                action, actor, note = (
                    entry.pop("action"),
                    entry.pop("actor", None),
                    entry.pop("note", None),
                )
                username = entry.pop("username", "")
                event = self.model(
                    action=action,
                    actor=actor,
                    username=username or (actor.get_username() if actor is not None else ""),
                    note_id=note.pk if note is not None else None,
                    object_type=entry.pop("object_type", "")
                    or ("note" if note is not None else ""),
                    object_id=str(
                        entry.pop("object_id", "") or (note.pk if note is not None else "")
                    ),
                    detail=_plain(entry),
                    prev_hmac=previous,
                )
                event.hmac = previous = chain_hmac(event)
                events.append(event)
            self.bulk_create(events)
        return len(events)


class AuditEvent(models.Model):
    """Append-only record of who did what, when and from where.

    Each row carries an HMAC of its content and of the previous row's HMAC, so removing or
    editing a row breaks the chain (`manage.py verify_audit`). Database triggers refuse
    UPDATE and DELETE as well (audit/triggers.py).
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    # Named by string: the trail sits below the notes app and never imports it.
    note = models.ForeignKey(
        "checklists.Note",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hmac = models.CharField(max_length=64)
    hmac = models.CharField(max_length=64)

    objects = AuditEventManager()

    class Meta:
        db_table = "checklists_auditevent"
        ordering = ["-pk"]
        indexes = [models.Index(fields=["note", "at"]), models.Index(fields=["actor", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditLogIsAppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")
