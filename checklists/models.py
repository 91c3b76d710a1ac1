"""Procedure notes filled against the catalog.

A note keeps the snapshot of the element definitions it was filled against
(`Note.definitions`, stored once per distinct snapshot in `CatalogSnapshot`), so a later
catalog edit never changes what an existing note asks or how complete it is.
Answers live in `Note.answers` keyed by element key; the completeness
result of the last save is stored on the note and, per missing element, in `NoteGap`, so
lists and the review dashboard filter and count in the database without recomputing.
"""

import hashlib

import orjson
from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import LazyObject, empty

from audit.models import AuditEvent
from practice.access import note_scope
from practice.models import Patient, PlaceOfService


class CatalogSnapshot(models.Model):
    """The catalog definitions notes were filled against, frozen (checklists.snapshot).

    Notes of the same codes under the same catalog version share one snapshot: it is
    found by the SHA-256 of its canonical JSON, and never changes once written. A note's
    snapshot is tens of kB; one copy per note made a note row ten times its own size.
    """

    sha256 = models.CharField("SHA-256 of the canonical JSON", max_length=64, unique=True)
    definitions = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Snapshot {self.sha256[:12]} ({self.definitions.get('catalog_version', '')})"

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            raise ValueError("a catalog snapshot never changes")
        super().save(*args, **kwargs)

    @staticmethod
    def digest(definitions: dict) -> str:
        return hashlib.sha256(orjson.dumps(definitions, option=orjson.OPT_SORT_KEYS)).hexdigest()

    @classmethod
    def of(cls, definitions: dict) -> "CatalogSnapshot":
        """The stored snapshot of these definitions, written the first time they are seen."""
        snapshot, _ = cls.objects.get_or_create(
            sha256=cls.digest(definitions), defaults={"definitions": definitions}
        )
        return snapshot


class SignedNoteError(Exception):
    """Raised when anything tries to write a signed note."""


class NoteQuerySet(models.QuerySet):
    def readable_by(self, user):
        """The notes `user` may read (practice.access decides)."""
        scope = note_scope(user)
        return self.none() if scope is None else self.filter(scope)

    def for_clinician(self, user):
        return self.filter(clinician=user)

    def with_snapshot_kept(self):
        """The snapshot row without its definitions: `Note.definitions` takes them from the
        process's copy (checklists/snapshot_cache.py), not from a 50 kB column each time."""
        return self.select_related("snapshot").defer("snapshot__definitions")

    def drafts(self):
        return self.filter(status=Note.Status.DRAFT)

    def signed(self):
        return self.exclude(status=Note.Status.DRAFT)

    def incomplete(self):
        return self.filter(required_missing__gt=0)

    def complete(self):
        return self.filter(required_missing=0)

    def mark_amended(self) -> int:
        """Set signed notes to amended: the one change a signed note's row allows, made by
        checklists.services.add_addendum, whose own event records it."""
        return super().update(status=Note.Status.AMENDED)

    # Writes that bypass Note.save() are audited here, so nothing changes a note unseen.
    def update(self, **kwargs):
        ids = list(self.values_list("pk", flat=True)[:1000])
        count = super().update(**kwargs)
        if count:
            changed = {k: str(v) for k, v in kwargs.items() if k not in ("answers", "definitions")}
            AuditEvent.objects.record(
                "note.bulk_update",
                note=Note(pk=ids[0]) if len(ids) == 1 else None,
                object_type="note",
                object_id=",".join(map(str, ids[:5]))[:60],
                count=count,
                fields=sorted(kwargs),
                values=changed,
            )
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            AuditEvent.objects.record("note.bulk_create", object_type="note", count=len(created))
        return created


class Note(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"
        AMENDED = "amended", "Signed, amended"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="notes")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notes"
    )
    date_of_service = models.DateField()
    place_of_service = models.CharField(max_length=2, choices=PlaceOfService.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    # Optimistic locking: every save must name the version it was edited from.
    version = models.PositiveIntegerField(default=1)

    catalog_version = models.CharField(max_length=40)

    # Completeness of the last save (see checklists.completeness).
    required_total = models.PositiveSmallIntegerField(default=0)
    required_missing = models.PositiveSmallIntegerField(default=0)
    recommended_total = models.PositiveSmallIntegerField(default=0)
    recommended_missing = models.PositiveSmallIntegerField(default=0)
    completeness = models.PositiveSmallIntegerField(default=0, help_text="percent")
    coding_problems = models.PositiveSmallIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attestation = models.TextField(blank=True)
    # Coding warnings the clinician signed despite, each with the one-line reason given
    # ([{"message", "fix", "rule", "reason"}]): printed on the PDF, counted on the dashboard.
    coding_overrides = models.JSONField(default=list, blank=True)
    coding_warnings_signed = models.PositiveSmallIntegerField(
        default=0, help_text="how many coding warnings were signed with a reason"
    )
    content_hash = models.CharField("content SHA-256", max_length=64, blank=True)
    # The canonical JSON format the hash was computed in (checklists.canonical), set when
    # signing: notes signed under an earlier format keep verifying under it.
    signature_format = models.CharField(max_length=20, blank=True, editable=False)

    # Each element's status after the last save ("documented", "not applicable: <reason>",
    # "missing (required)"...), from checklists.completeness: what the review's CSV prints,
    # read without decoding the answers.
    element_status = models.JSONField(default=dict, blank=True, editable=False)
    # Answers filled from another note, a favourite or the patient's history, and not yet
    # confirmed by the clinician: {element key: where the value came from}. A note cannot
    # be signed while any is left (checklists.copy_forward).
    copied = models.JSONField(default=dict, blank=True, editable=False)
    # Copied values the clinician confirmed and has not changed since: {element key: where
    # it came from}. Only for the edit page, which shows them as read-only lines (one
    # "Edit copied values" per section opens the fields); nothing else reads it.
    carried = models.JSONField(default=dict, blank=True, editable=False)

    # After the columns the dashboard, the lists and the CSV read: SQLite stores a row's
    # columns in order, and a long value pushes the ones after it to overflow pages.
    answers = models.JSONField(default=dict, blank=True)
    snapshot = models.ForeignKey(
        CatalogSnapshot,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The catalog definitions the note was filled against",
    )

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-date_of_service", "-pk"]
        indexes = [
            models.Index(fields=["clinician", "status"]),
            models.Index(fields=["status", "date_of_service"]),
            models.Index(fields=["required_missing"]),
            # Covering indexes for the review dashboard's filters and its notes table, so
            # neither database reads the (large) rows to count or page them. Declared here,
            # not in raw SQL, so that SQLite's table rebuilds keep them.
            models.Index(
                fields=[
                    "clinician",
                    "date_of_service",
                    "status",
                    "required_missing",
                    "completeness",
                    "place_of_service",
                    "signed_at",
                    "id",
                ],
                name="note_by_clinician",
            ),
            models.Index(
                fields=[
                    "date_of_service",
                    "id",
                    "clinician",
                    "status",
                    "required_missing",
                    "completeness",
                    "place_of_service",
                    "signed_at",
                ],
                name="note_by_date",
            ),
        ]
        permissions = [
            ("sign_note", "Can sign own notes"),
            ("review_notes", "Can review every note, open queries and export"),
        ]

    def __str__(self):
        return f"Note {self.pk} ({self.patient.full_name}, {self.date_of_service})"

    def save(self, *args, allow_signing=False, **kwargs):
        # A signed note never changes: the signing service is the only writer allowed to
        # turn a draft into a signed note, and nothing writes a signed one afterwards.
        if self.pk and not self._state.adding:
            stored = Note.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored and stored != self.Status.DRAFT:
                raise SignedNoteError(f"note {self.pk} is signed and cannot change")
            if self.status != self.Status.DRAFT and not allow_signing:
                raise SignedNoteError("only checklists.services.sign_note signs a note")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("checklists:note-detail", args=[self.pk])

    @property
    def definitions(self) -> dict:
        """The note's catalog snapshot: its codes, elements and catalog version. When the
        snapshot was read without them (`with_snapshot_kept`), from the process's copy."""
        if not self.snapshot_id:
            return {}
        snapshot = self.snapshot
        if "definitions" in snapshot.get_deferred_fields():
            from .snapshot_cache import definitions

            # Set on this note's snapshot object: later reads of this note get the same dict.
            snapshot.definitions = definitions(snapshot)
        return snapshot.definitions

    @definitions.setter
    def definitions(self, value: dict):
        # Stored (once for all notes that share it) as soon as it is given, so that unsaved
        # notes handed to bulk_create carry it too.
        self.snapshot = CatalogSnapshot.of(value)

    @property
    def is_signed(self) -> bool:
        return self.status != self.Status.DRAFT

    def addenda_with_authors(self):
        """The addenda in their order, with their authors. Only a signed note has addenda
        (services.add_addendum, and a trigger, record_guards.addendum_only_to_signed): a
        draft's are none, without a query."""
        if not self.is_signed:
            return self.addenda.none()
        return self.addenda.select_related("author")

    @property
    def codes(self) -> list[str]:
        return [line.code for line in self.lines.all()]

    @property
    def title(self) -> str:
        titles = self.definitions.get("codes", {})
        lines = list(self.lines.all())
        if not lines:
            return "Procedure note"
        first = lines[0]
        name = titles.get(first.code, {}).get("title", "procedure")
        codes = ", ".join(line.code for line in lines)
        return f"{name[:1].upper()}{name[1:]} ({codes})"


class CodeLine(models.Model):
    """One billed code on a note: units, modifiers, side and site as the code needs."""

    class Side(models.TextChoices):
        NONE = "", "—"
        LEFT = "left", "Left"
        RIGHT = "right", "Right"
        BILATERAL = "bilateral", "Bilateral"

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=5)
    units = models.PositiveSmallIntegerField(default=1)
    modifiers = models.JSONField(default=list, blank=True)
    side = models.CharField(max_length=10, choices=Side.choices, blank=True)
    site = models.CharField(
        max_length=300, blank=True, help_text="level, nerve, interspace or extremity"
    )
    # The neurolytic technique of this line ("thermal_rf", "chemical", ...: the catalog's
    # technique keys). Per line, since one session may combine techniques (botulinum toxin
    # on 64642 with a phenol motor-nerve block on 64640). Blank on lines written before.
    technique = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["note", "position"]
        constraints = [
            models.UniqueConstraint(fields=["note", "position"], name="unique_line_position")
        ]
        indexes = [
            # The notes billing a code (the code filter), and the codes of given notes (the
            # review's per-code figures): both answered from the index alone.
            models.Index(fields=["code", "note"], name="codeline_code_note"),
            models.Index(fields=["note", "code"], name="codeline_note_code"),
        ]

    def __str__(self):
        mods = "-".join(self.modifiers)
        return f"{self.code}{'-' + mods if mods else ''} x{self.units}"


class Favourite(models.Model):
    """A clinician's usual setup ("my usual lumbar RF"): codes and procedure answers that
    start a new draft. Never patient-specific: no free text, dates or history."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites"
    )
    name = models.CharField(max_length=80)
    lines = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["clinician", "name"], name="unique_favourite_name")
        ]

    def __str__(self):
        return self.name

    @property
    def codes(self) -> list[str]:
        return [line["code"] for line in self.lines]


class NoteGap(models.Model):
    """A required or recommended element the note's last save left undocumented."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="gaps")
    element_key = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    requirement = models.CharField(max_length=12)

    class Meta:
        indexes = [
            models.Index(fields=["element_key", "requirement"]),
            # The missing elements of given notes, from the index alone (review dashboard).
            models.Index(
                fields=["note", "element_key", "requirement"], name="notegap_note_element"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["note", "element_key"], name="unique_note_gap")
        ]

    def __str__(self):
        return f"{self.note_id}: {self.label} ({self.requirement})"


class Addendum(models.Model):
    """A correction or addition to a signed note; the note itself never changes."""

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "addenda"

    def __str__(self):
        return f"Addendum to note {self.note_id} by {self.author}"


class _SignedPdfStorage(LazyObject):
    """STORAGES["signed_pdfs"] (local files or an S3-compatible bucket, config/settings.py),
    looked up when first used and again after the setting changes, as Django's
    default_storage is: a FileField keeps the storage it was given at import."""

    def _setup(self):
        self._wrapped = storages["signed_pdfs"]


signed_pdf_files = _SignedPdfStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        signed_pdf_files._wrapped = empty


def signed_pdf_storage():
    return signed_pdf_files


class SignedPdf(models.Model):
    """The PDF of a signed note, rendered once and stored: every download serves these bytes.

    Version 1 is the note as signed; each addendum adds the next version (the note with its
    addenda so far), and earlier versions are kept.
    """

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="signed_pdfs")
    version = models.PositiveSmallIntegerField(help_text="1 as signed, then one per addendum")
    file = models.FileField(storage=signed_pdf_storage, max_length=200)
    sha256 = models.CharField("PDF SHA-256", max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["note", "version"]
        constraints = [
            models.UniqueConstraint(fields=["note", "version"], name="unique_signed_pdf_version")
        ]

    def __str__(self):
        return f"PDF of note {self.note_id}, version {self.version}"
