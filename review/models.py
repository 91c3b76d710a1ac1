"""Documentation queries from practice managers, and background bulk-export jobs.

A query is a manager's request on one note ("Please document the contrast used"), naming
elements of the note's own snapshot. It closes when the clinician answers it: by
documenting the named elements in the draft, by signing (a query that names nothing), or
with an addendum on a signed note (checklists/signing_effects.py calls review/queries.py).
A manager may also withdraw it.

An export job is our own row beside the task queue's: the task API reports no progress,
so the worker writes N of M here and reads the cancel flag from here.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from checklists.models import Note


class DocumentationQueryQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=DocumentationQuery.Status.OPEN)

    def closed(self):
        return self.filter(status=DocumentationQuery.Status.CLOSED)


class DocumentationQuery(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Resolution(models.TextChoices):
        DOCUMENTED = "documented", "Elements documented in the draft"
        SIGNED = "signed", "Note completed and signed"
        ADDENDUM = "addendum", "Answered with an addendum"
        WITHDRAWN = "withdrawn", "Withdrawn by a manager"

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="documentation_queries")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    message = models.TextField()
    # [{"key": ..., "label": ...}] from the note's snapshot, so labels survive catalog edits.
    elements = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField(max_length=300, blank=True)

    objects = DocumentationQueryQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = "documentation query"
        verbose_name_plural = "documentation queries"
        indexes = [
            models.Index(fields=["status", "note"]),
            models.Index(fields=["note", "status"]),
        ]

    def __str__(self):
        return f"Query {self.pk} on note {self.note_id} ({self.status})"

    def get_absolute_url(self):
        return reverse("checklists:note-detail", args=[self.note_id]) + f"#query-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def element_keys(self) -> list[str]:
        return [e["key"] for e in self.elements]

    @property
    def element_labels(self) -> list[str]:
        return [e["label"] for e in self.elements]

    def age(self, now=None) -> datetime.timedelta:
        end = self.closed_at or now or timezone.now()
        return end - self.opened_at


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired (file deleted)"

    FINISHED = (Status.DONE, Status.FAILED, Status.CANCELLED, Status.EXPIRED)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The dashboard's query string, so the job exports what the manager was looking at.
    filters = models.JSONField(default=dict, blank=True)
    description = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "created_at"])]

    def __str__(self):
        return f"Export {self.pk} ({self.status}, {self.done}/{self.total})"

    def get_absolute_url(self):
        return reverse("review:export-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return (self.done + self.failed) * 100 // self.total

    @property
    def processed(self) -> int:
        return self.done + self.failed


class Tally(models.Model):
    """Counts of notes kept by database triggers (review/tally_triggers.py), not by Python.

    The dashboard sums these few rows instead of aggregating every note: the count of a
    practice's notes in all, per year, month and day and per value of what the dashboard filters
    on grows with time and staff, not with the number of notes. Every write to notes, code
    lines and gaps keeps them exact, whichever path it takes (the app, bulk_create, the
    admin, a shell); `manage.py rebuild_tallies` recomputes them from the notes.
    """

    # 1: the notes of the month that starts on `month`; 12: of the year (`month` is the 1st
    # of January); 0: of the day `month`; 9999: of all time (`month` is 1 January of the
    # year 1). The triggers write all four; review.tallied reads all time, or whole years,
    # whole months, then the days of a month a range cuts.
    months = models.PositiveSmallIntegerField(default=1)
    clinician_id = models.IntegerField()
    place = models.CharField(max_length=2)
    status = models.CharField(max_length=8)
    complete = models.BooleanField()
    note_count = models.IntegerField(default=0)

    class Meta:
        abstract = True


class NoteTally(Tally):
    """Notes per month of service; `days_to_sign` is -1 for notes not signed.

    Per month, not per day: the dashboard sums every row in its date range, and a day's
    rows were almost as many as its notes (37,000 rows for 100,000 notes). A range that
    cuts a month counts that month from the notes (review.tallied), as codes and gaps do.
    """

    month = models.DateField(help_text="first day of the month")
    days_to_sign = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "months",
                    "month",
                    "clinician_id",
                    "place",
                    "status",
                    "complete",
                    "days_to_sign",
                ],
                name="review_notetally_period_key",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} clinician {self.clinician_id} {self.status}: {self.note_count}"


class CodeTally(Tally):
    """Notes per month of service and billed code (a note counts once per code)."""

    month = models.DateField(help_text="first day of the month")
    code = models.CharField(max_length=5)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["months", "month", "clinician_id", "place", "status", "complete", "code"],
                name="review_codetally_period_key",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.code} {self.status}: {self.note_count}"


class GapTally(Tally):
    """Notes per month of service missing an element (NoteGap rows, counted)."""

    month = models.DateField(help_text="first day of the month")
    element_key = models.CharField(max_length=60)
    requirement = models.CharField(max_length=12)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "months",
                    "month",
                    "clinician_id",
                    "place",
                    "status",
                    "complete",
                    "element_key",
                    "requirement",
                ],
                name="review_gaptally_period_key",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.element_key} {self.status}: {self.note_count}"


class NoteCodeTally(Tally):
    """NoteTally for the notes that bill a code (a note counts once under each of its
    codes): the dashboard's summary and clinicians when it is filtered by code."""

    code = models.CharField(max_length=5)
    month = models.DateField(help_text="first day of the month")
    days_to_sign = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                # The code first: a filtered dashboard reads one code's rows.
                fields=[
                    "code",
                    "months",
                    "month",
                    "clinician_id",
                    "place",
                    "status",
                    "complete",
                    "days_to_sign",
                ],
                name="review_notecodetally_period_key",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.month:%Y-%m} clinician {self.clinician_id}: {self.note_count}"


class CodePairTally(Tally):
    """Notes per month billing both `code` and `other_code` (the pair of a code with itself
    too): the per-code table of a dashboard filtered by `code`."""

    code = models.CharField(max_length=5)
    other_code = models.CharField(max_length=5)
    month = models.DateField(help_text="first day of the month")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "code",
                    "months",
                    "month",
                    "clinician_id",
                    "place",
                    "status",
                    "complete",
                    "other_code",
                ],
                name="review_codepairtally_period_key",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.code} with {self.other_code}: {self.note_count}"


class GapCodeTally(Tally):
    """GapTally for the notes that bill a code: missing elements of a filtered dashboard."""

    code = models.CharField(max_length=5)
    month = models.DateField(help_text="first day of the month")
    element_key = models.CharField(max_length=60)
    requirement = models.CharField(max_length=12)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "code",
                    "months",
                    "month",
                    "clinician_id",
                    "place",
                    "status",
                    "complete",
                    "element_key",
                    "requirement",
                ],
                name="review_gapcodetally_period_key",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.code} {self.element_key}: {self.note_count}"


# Every tally the triggers keep (review/tally_triggers.py KEYS names their tables).
TALLIES = (NoteTally, CodeTally, GapTally, NoteCodeTally, CodePairTally, GapCodeTally)
