"""The catalog: procedure codes and the documentation elements each one needs.

Codes and elements are rows loaded from a versioned data file (see docs/catalog-format.md),
so a new code or a new payer requirement is a data change, never a migration.
"""

from django.db import models
from django.urls import reverse

from .catalog_tailoring import PAYER_KIND_LABELS
from .plain_text import plain, plain_list
from .units import display_unit


class CatalogVersion(models.Model):
    """One row per catalog file loaded; the newest is the catalog in force."""

    version = models.CharField(max_length=40)
    cpt_year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    notice = models.TextField(blank=True)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the catalog file")
    # The claim scrubber's catalog-wide rules: modifiers, code pairs, caps, guidance
    # (the file's [billing] table less its per-code part; docs/coding-checks.md).
    claim_rules = models.JSONField(default=dict, blank=True)
    source_file = models.CharField(max_length=300)
    loaded_at = models.DateTimeField(auto_now_add=True)
    narratives = models.JSONField(
        default=dict, blank=True, help_text="Procedure description sentences per code family"
    )

    class Meta:
        ordering = ["-loaded_at", "-id"]
        get_latest_by = ["loaded_at", "id"]

    def __str__(self):
        return f"Catalog {self.version} (CPT {self.cpt_year})"

    @classmethod
    def current(cls):
        return cls.objects.order_by("-loaded_at", "-id").first()


class Source(models.Model):
    class Kind(models.TextChoices):
        CMS = "cms", "CMS file or manual"
        CPT_GUIDELINE = "cpt-guideline", "CPT guideline"
        LCD = "lcd", "Local coverage determination"
        ARTICLE = "article", "Billing and coding article"
        PAYER_POLICY = "payer-policy", "Payer policy"
        LITERATURE = "literature", "Clinical literature"
        PRACTICE = "practice", "Standard practice"

    key = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.title


class DocumentationElement(models.Model):
    class Section(models.TextChoices):
        PRE = "pre", "Pre-procedure"
        PROCEDURE = "procedure", "Procedure"
        POST = "post", "Post-procedure"

    class InputType(models.TextChoices):
        TEXT = "text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        CHOICE = "choice", "One choice"
        MULTI_CHOICE = "multi_choice", "Several choices"
        YES_NO = "yes_no", "Yes / no"
        NUMBER = "number", "Number with unit"
        DATE = "date", "Date"
        DATETIME = "datetime", "Date and time"
        PAIN_SCORE = "pain_score", "Pain score 0-10"
        PERCENT = "percent", "Percent"
        ICD10 = "icd10", "ICD-10-CM codes"

    key = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=200)
    section = models.CharField(max_length=10, choices=Section.choices)
    input_type = models.CharField(max_length=15, choices=InputType.choices)
    help_text = models.TextField(help_text="Why payers or safety ask for it")
    choices = models.JSONField(default=list, blank=True, help_text="[[value, label], ...]")
    unit = models.CharField(max_length=20, blank=True)
    min_value = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    max_value = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    allow_na = models.BooleanField("may be answered not applicable / not done", default=False)
    na_reasons = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return f"{self.label} ({self.key})"

    def save(self, *args, **kwargs):
        # Typed in the admin or loaded: plain text either way (procedures.plain_text).
        self.label, self.help_text = plain(self.label), plain(self.help_text)
        self.choices, self.na_reasons = plain_list(self.choices), plain_list(self.na_reasons)
        super().save(*args, **kwargs)

    @property
    def display_unit(self) -> str:
        return display_unit(self.unit)


class ProcedureCodeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ProcedureCode(models.Model):
    class Family(models.TextChoices):
        NEUROLYTIC = "neurolytic", "Neurolytic destruction"
        CHEMODENERVATION = "chemodenervation", "Chemodenervation"
        DIAGNOSTIC_BLOCK = "diagnostic_block", "Diagnostic and prognostic blocks"

    class Laterality(models.TextChoices):
        NONE = "none", "No side"
        SIDE_REQUIRED = "side_required", "Side required (LT / RT)"
        BILATERAL_ALLOWED = "bilateral_allowed", "Side required; both sides with modifier 50"

    class Imaging(models.TextChoices):
        INCLUDED = "included", "Included in the code"
        SEPARATE = "separate", "Reported separately"
        IN_CODE = "in_code", "Named in the code wording"
        NONE = "none", "Not used"

    code = models.CharField(max_length=5, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    family = models.CharField(max_length=20, choices=Family.choices)
    addon_of = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="addons")
    unit_of_service = models.CharField(max_length=200)
    unit_kind = models.CharField(max_length=20)
    max_units = models.PositiveSmallIntegerField(default=1)
    global_days = models.CharField(max_length=3)
    bilateral_indicator = models.PositiveSmallIntegerField(default=0)
    laterality = models.CharField(max_length=20, choices=Laterality.choices)
    site_label = models.CharField(max_length=60, blank=True)
    site_choices = models.JSONField(default=list, blank=True)
    imaging = models.CharField(max_length=10, choices=Imaging.choices)
    imaging_codes = models.JSONField(default=list, blank=True)
    techniques = models.JSONField(default=list, blank=True)
    modifiers = models.JSONField(default=list, blank=True)
    places_of_service = models.JSONField(default=list, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="codes")
    caveats = models.TextField(blank=True)
    # What the claim scrubber knows of this code: daily units, sites, series
    # (the file's [billing.codes.<code>] table).
    billing = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    elements = models.ManyToManyField(
        DocumentationElement, through="CodeElement", related_name="codes"
    )

    objects = ProcedureCodeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("procedures:code-detail", args=[self.code])

    @property
    def is_addon(self) -> bool:
        return self.global_days == "ZZZ"

    @property
    def needs_side(self) -> bool:
        return self.laterality != self.Laterality.NONE


class CodeElement(models.Model):
    class Requirement(models.TextChoices):
        REQUIRED = "required", "Required"
        RECOMMENDED = "recommended", "Recommended"
        INFORMATION = "information", "Information"

    code = models.ForeignKey(ProcedureCode, on_delete=models.CASCADE, related_name="links")
    element = models.ForeignKey(
        DocumentationElement, on_delete=models.CASCADE, related_name="links"
    )
    requirement = models.CharField(max_length=12, choices=Requirement.choices)
    order = models.PositiveSmallIntegerField()
    condition = models.JSONField(
        null=True, blank=True, help_text='{"element": "technique", "in": ["chemical"]}'
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="links"
    )
    why = models.TextField(blank=True)
    choices = models.JSONField(
        default=list, blank=True, help_text="The choice values offered for this code; empty: all"
    )
    payer_help = models.JSONField(
        default=dict, blank=True, help_text='Help per payer kind: {"medicare": "..."}'
    )

    class Meta:
        ordering = ["code", "order"]
        constraints = [
            models.UniqueConstraint(fields=["code", "element"], name="unique_code_element")
        ]

    def __str__(self):
        return f"{self.code.code}: {self.element.key} ({self.requirement})"

    @property
    def reason(self) -> str:
        return self.why or self.element.help_text

    def help_for(self, payer_kind: str | None) -> str:
        """The help shown on a note for a patient whose primary payer is of this kind."""
        return self.payer_help.get(payer_kind or "", "") or self.reason

    def payer_help_items(self) -> list[tuple[str, str]]:
        """(payer kind label, help) for the code page."""
        return [(PAYER_KIND_LABELS.get(k, k), text) for k, text in self.payer_help.items()]

    def offered_choices(self) -> list[list[str]]:
        """The element's [value, label] pairs this code offers (all when not narrowed)."""
        if not self.choices:
            return self.element.choices
        return [pair for pair in self.element.choices if pair[0] in self.choices]
