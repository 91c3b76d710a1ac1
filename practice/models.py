"""The practice this installation serves, and its patients.

The tables keep their first names (`checklists_practice`, `checklists_patient`): the
models moved here from the notes app, their rows did not.
"""

from django.db import models

from .access import patient_scope


class PlaceOfService(models.TextChoices):
    """The CMS place-of-service codes where this practice performs procedures."""

    OFFICE = "11", "11 Office"
    OUTPATIENT_OFF_CAMPUS = "19", "19 Hospital outpatient, off campus"
    OUTPATIENT_ON_CAMPUS = "22", "22 Hospital outpatient, on campus"
    ASC = "24", "24 Ambulatory surgical center"


class Practice(models.Model):
    """The practice this installation serves (one row)."""

    class PageSize(models.TextChoices):
        LETTER = "letter", "US Letter"
        A4 = "a4", "A4"

    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    pdf_page_size = models.CharField(
        max_length=6, choices=PageSize.choices, default=PageSize.LETTER
    )
    # Where this practice usually works: the new-note form starts with it (one choice
    # less per note); blank asks every time.
    default_place_of_service = models.CharField(
        max_length=2,
        choices=PlaceOfService.choices,
        blank=True,
        help_text="Place of service a new note starts with",
    )
    # Where the practice is decides which Medicare contractor's LCDs apply (rule packs
    # declare the states their contractor serves; rules.engine.applies_in).
    state = models.CharField(max_length=2, blank=True, help_text="Two-letter state code, e.g. CA")
    medicare_contractor = models.CharField(
        "Medicare contractor (MAC)",
        max_length=100,
        blank=True,
        help_text="The MAC that pays the practice's Medicare claims, e.g. Noridian JE",
    )

    class Meta:
        db_table = "checklists_practice"

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls(name="Unnamed practice")


class PatientQuerySet(models.QuerySet):
    def readable_by(self, user):
        """The patients `user` may read and pick (practice.access decides)."""
        scope = patient_scope(user)
        return self.none() if scope is None else self.filter(scope)


class Patient(models.Model):
    class Gender(models.TextChoices):
        # FHIR administrative gender: what EHR interfaces match patients on.
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=7, choices=Gender.choices, default=Gender.UNKNOWN)
    mrn = models.CharField("MRN", max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        db_table = "checklists_patient"
        ordering = ["last_name", "first_name", "pk"]

    def __str__(self):
        return f"{self.last_name}, {self.first_name} (MRN {self.mrn})"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"
