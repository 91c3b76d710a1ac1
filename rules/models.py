"""Payers, the rule packs that apply to them, and each signed note's stored rule results.

Packs are rows loaded from versioned files (`rules/packs/*.toml`, docs/rules.md), like the
catalog: a new payer rule is a data change, never a migration. The results of the last
evaluation of each signed note are stored (`NoteRuleStatus`, `NoteRuleResult`) so the
review dashboard filters "not claim-ready" and "fails rule X" in the database; the note
page and the packet evaluate live with the same functions.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse


class RulePack(models.Model):
    key = models.SlugField(max_length=60, unique=True)
    version = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    policy = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    payer_kinds = models.JSONField(default=list, blank=True)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    information_only = models.BooleanField(default=False)
    document = models.JSONField(help_text="The parsed pack file (rules.pack_file)")
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the pack file")
    source_file = models.CharField(max_length=300)
    loaded_at = models.DateTimeField(auto_now=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "key"]

    def __str__(self):
        return f"{self.title} ({self.version})"

    def in_force(self, day: datetime.date) -> bool:
        started = self.effective_from is None or self.effective_from <= day
        return started and (self.effective_to is None or day <= self.effective_to)


class Payer(models.Model):
    class Kind(models.TextChoices):
        MEDICARE = "medicare", "Medicare (traditional)"
        MEDICARE_ADVANTAGE = "medicare_advantage", "Medicare Advantage"
        MEDICAID = "medicaid", "Medicaid"
        COMMERCIAL = "commercial", "Commercial"
        WORKERS_COMP = "workers_comp", "Workers' compensation"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    packs = models.ManyToManyField(
        RulePack,
        blank=True,
        related_name="payers",
        verbose_name="extra rule packs",
        help_text="Packs for this payer in addition to those every payer of its kind gets",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rules:payer-edit", args=[self.pk])


class PatientCoverage(models.Model):
    """The patient's primary payer (kept here so the notes app needs no migration)."""

    patient = models.OneToOneField(
        "practice.Patient", on_delete=models.CASCADE, related_name="coverage"
    )
    primary_payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="coverages")
    member_id = models.CharField("member ID", max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name_plural = "patient coverage"

    def __str__(self):
        return f"{self.patient}: {self.primary_payer}"


class NoteRuleStatus(models.Model):
    class State(models.TextChoices):
        READY = "ready", "Claim-ready"
        NOT_READY = "not_ready", "Not claim-ready"
        NO_PAYER = "no_payer", "No payer assigned"

    note = models.OneToOneField(
        "checklists.Note", on_delete=models.CASCADE, related_name="rule_status"
    )
    state = models.CharField(max_length=10, choices=State.choices, db_index=True)
    payer_name = models.CharField(max_length=200, blank=True)
    failing = models.PositiveSmallIntegerField(default=0, help_text="blocking rules failed")
    evaluated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "note rule statuses"

    def __str__(self):
        return f"Note {self.note_id}: {self.get_state_display()}"


class NoteRuleResult(models.Model):
    """One rule's result for one signed note at its last evaluation."""

    note = models.ForeignKey(
        "checklists.Note", on_delete=models.CASCADE, related_name="rule_results"
    )
    rule_key = models.CharField(max_length=130, help_text="pack key / rule id")
    title = models.CharField(max_length=200)
    severity = models.CharField(max_length=12)
    status = models.CharField(max_length=15)
    detail = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "rule_key"], name="unique_note_rule_result")
        ]
        indexes = [models.Index(fields=["rule_key", "status"])]

    def __str__(self):
        return f"Note {self.note_id}: {self.rule_key} {self.status}"
