"""What the FHIR API keeps: every published Questionnaire version, and access tokens."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def validate_npi(value: str):
    from .people import npi_is_valid

    if not npi_is_valid(value):
        raise ValidationError(
            "An NPI is 10 digits whose last is the check digit (Luhn over 80840 and the "
            "first nine); this one does not check out."
        )


class ClinicianProfile(models.Model):
    """What identifies a clinician outside the app: the NPI, per clinician."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician_profile"
    )
    npi = models.CharField(
        "NPI", max_length=10, unique=True, validators=[validate_npi], help_text="10 digits"
    )

    def __str__(self):
        return f"NPI {self.npi} ({self.user})"

    def save(self, *args, **kwargs):
        self.full_clean()
        super().save(*args, **kwargs)


class PublishedQuestionnaire(models.Model):
    """A code's Questionnaire as one catalog version defined it (interop.published).

    Signed responses name `<url>|<version>`; catalog rows only hold the version in force,
    so each version's Questionnaire is kept to resolve those canonicals for good.
    """

    code = models.CharField(max_length=5)
    version = models.CharField(max_length=40)
    resource = models.JSONField()
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code", "published_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_questionnaire_version")
        ]

    def __str__(self):
        return f"Questionnaire {self.code}|{self.version}"

    @property
    def resource_id(self) -> str:
        # FHIR ids allow letters, digits, "-" and "."; catalog versions are such text.
        return f"{self.code}-{self.version}"


class AccessTokenQuerySet(models.QuerySet):
    def find(self, raw: str):
        """The live token for this bearer value, or None."""
        if not raw:
            return None
        now = timezone.now()
        token = (
            self.select_related("user")
            .filter(digest=AccessToken.digest_of(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or (token.expires_at and token.expires_at <= now):
            return None
        if not token.user.is_active:
            return None
        return token


class AccessToken(models.Model):
    """A bearer token for the read-only FHIR API, acting as one user.

    A person's token acts with that person's role; a system client (an EHR interface
    engine) is a user of its own, with no password, given only the permissions it needs.
    Only the SHA-256 of the token is stored; the token is shown once, when created.
    """

    class Kind(models.TextChoices):
        USER = "user", "Person"
        SYSTEM = "system", "System client"

    SCOPE = "system/*.read"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fhir_tokens"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.USER)
    label = models.CharField(max_length=100)
    digest = models.CharField("SHA-256 of the token", max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.label} ({self.user})"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, *, label: str, kind=Kind.USER, expires_at=None):
        """(token row, raw token): the raw value is returned once and never stored."""
        raw = "nlc_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, kind=kind, label=label, digest=cls.digest_of(raw), expires_at=expires_at
        )
        return token, raw

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
