"""Forms for the note's header and code lines, addenda and signing."""

import re

from django import forms
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.views.decorators.debug import sensitive_variables

from practice.models import Patient
from procedures.models import ProcedureCode

from .models import CodeLine, Note

MODIFIER_PATTERN = re.compile(r"^[0-9A-Z]{2}$")


class NoteHeaderForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["patient", "date_of_service", "place_of_service"]
        widgets = {"date_of_service": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        patients = Patient.objects.readable_by(user) if user is not None else Patient.objects
        self.fields["patient"].queryset = patients.order_by("last_name", "first_name")
        self.fields["patient"].label_from_instance = lambda p: (
            f"{p.last_name}, {p.first_name} · DOB {p.date_of_birth:%m/%d/%Y} · MRN {p.mrn}"
        )
        if not self.instance.pk:
            self.initial.setdefault("date_of_service", timezone.localdate())

    def clean_date_of_service(self):
        value = self.cleaned_data["date_of_service"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date of service cannot be in the future.")
        if value.year < 2000:
            raise forms.ValidationError("Check the year of the date of service.")
        return value


# The catalog's technique keys (CodeLine.technique), in the words of the technique element.
TECHNIQUE_CHOICES = [
    ("", "—"),
    ("chemical", "Chemical neurolysis"),
    ("thermal_rf", "Thermal RF"),
    ("cooled_rf", "Cooled RF"),
    ("cryo", "Cryoneurolysis"),
    ("chemodenervation", "Chemodenervation"),
    ("nerve_block", "Nerve block"),
]
TECHNIQUE_LABELS = dict(TECHNIQUE_CHOICES)


def code_choices():
    return [("", "—")] + [
        (code, f"{code} · {title}")
        for code, title in ProcedureCode.objects.active().values_list("code", "title")
    ]


def code_techniques() -> dict[str, list[str]]:
    return dict(ProcedureCode.objects.active().values_list("code", "techniques"))


class CodeLineForm(forms.Form):
    code = forms.ChoiceField(choices=[], required=False)
    units = forms.IntegerField(
        min_value=1,
        max_value=99,
        initial=1,
        required=False,
        error_messages={"min_value": "Units must be at least 1.", "max_value": "At most 99."},
    )
    side = forms.ChoiceField(choices=CodeLine.Side.choices, required=False)
    modifiers = forms.CharField(
        max_length=40, required=False, help_text="e.g. 50, LT, 59", label="Modifiers"
    )
    site = forms.CharField(max_length=300, required=False, label="Level / nerve / site")
    technique = forms.ChoiceField(choices=TECHNIQUE_CHOICES, required=False)

    def __init__(self, *args, choices=None, techniques=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = choices if choices is not None else code_choices()
        self.techniques = techniques if techniques is not None else code_techniques()
        # Rendered as a table row: the column headers are the visible labels.
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            field.widget.attrs.update({"class": css, "aria-label": field.label or name.title()})

    def clean_modifiers(self):
        raw = self.cleaned_data["modifiers"]
        modifiers = [m.strip().upper() for m in re.split(r"[\s,;/-]+", raw) if m.strip()]
        bad = [m for m in modifiers if not MODIFIER_PATTERN.match(m)]
        if bad:
            raise forms.ValidationError(
                f"“{bad[0]}” is not a modifier: modifiers are two letters or digits, "
                "like 50 or LT."
            )
        if len(set(modifiers)) != len(modifiers):
            raise forms.ValidationError("A modifier is listed twice.")
        if len(modifiers) > 4:
            raise forms.ValidationError("A line takes at most four modifiers.")
        return modifiers

    def clean(self):
        data = super().clean()
        if not data.get("code"):
            data["code"] = ""
            return data
        if data.get("units") is None and "units" not in self.errors:
            data["units"] = 1
        covered = self.techniques.get(data["code"], [])
        technique = data.get("technique") or ""
        # A blank technique is filled from a one-technique code by services.create_note.
        if technique and technique not in covered:
            names = " or ".join(TECHNIQUE_LABELS[t] for t in covered if t in TECHNIQUE_LABELS)
            self.add_error(
                "technique",
                f"{data['code']} does not cover {TECHNIQUE_LABELS[technique].lower()}: "
                f"choose {names}.",
            )
        return data

    def line(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("code"):
            return None
        return {
            "code": data["code"],
            "units": data.get("units") or 1,
            "modifiers": data.get("modifiers") or [],
            "side": data.get("side") or "",
            "site": (data.get("site") or "").strip(),
            "technique": data.get("technique") or "",
        }


class PlainChoices(BaseChoiceIterator):
    """(value, label) pairs of strings, which a choice field takes as they are: given as a
    list, every line of the formset would normalize the list again (about 0.1 ms a line
    for 33 codes: Django checks each pair for lazy strings and enumerations)."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)


class BaseCodeLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, codes=None, **kwargs):
        """`codes`: the active ProcedureCodes, when the page has read them already (for the
        code picker), so that the choices cost no query of their own."""
        if codes is None:
            self._choices = PlainChoices(code_choices())
            self._techniques = code_techniques()
        else:
            self._choices = PlainChoices(
                [("", "—")] + [(c.code, f"{c.code} · {c.title}") for c in codes]
            )
            self._techniques = {c.code: c.techniques for c in codes}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"choices": self._choices, "techniques": self._techniques}

    def lines(self) -> list[dict]:
        return [line for form in self.forms if (line := form.line()) is not None]

    def clean(self):
        if any(self.errors):
            return
        if not self.lines():
            raise forms.ValidationError("Choose at least one code.")


CodeLineFormSet = forms.formset_factory(
    CodeLineForm, formset=BaseCodeLineFormSet, extra=0, max_num=40, validate_max=True
)


def line_initial(note) -> list[dict]:
    return [
        {
            "code": line.code,
            "units": line.units,
            "side": line.side,
            "modifiers": ", ".join(line.modifiers),
            "site": line.site,
            "technique": line.technique,
        }
        for line in note.lines.all()
    ]


class SignForm(forms.Form):
    # strip=False, as Django's AuthenticationForm: a password with a leading or trailing
    # space signs in, so it must sign too (stripped, each try counted toward the lockout).
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Re-enter your password to sign, as with a handwritten signature.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, request, warnings=(), **kwargs):
        self.user = user
        self.request = request
        self.warnings = list(warnings)
        super().__init__(*args, **kwargs)
        # One line per coding warning: why this claim is right anyway (printed on the PDF).
        for problem in self.warnings:
            self.fields[f"reason_{problem.key}"] = forms.CharField(
                label=f"Why sign despite: {problem.message}",
                max_length=200,
                help_text=problem.fix,
                error_messages={"required": "Give a one-line reason, or correct the note."},
            )
        if self.warnings:
            # The password is asked last, after the reasons.
            self.order_fields([f"reason_{p.key}" for p in self.warnings] + ["password"])

    def warning_reasons(self) -> dict[str, str]:
        return {p.key: self.cleaned_data.get(f"reason_{p.key}", "") for p in self.warnings}

    @sensitive_variables("password")
    def clean_password(self):
        password = self.cleaned_data["password"]
        # Through the authentication backends, so failed attempts count towards lockout.
        user = authenticate(self.request, username=self.user.get_username(), password=password)
        if user is None or user.pk != self.user.pk:
            raise forms.ValidationError("That password is not right. The note is not signed.")
        return password


class AddendumForm(forms.Form):
    REASONS = [
        ("", "—"),
        ("Correction", "Correction of an error"),
        ("Additional information", "Additional information"),
        ("Late entry", "Late entry"),
        ("Response to documentation query", "Response to a documentation query"),
    ]
    reason = forms.ChoiceField(choices=REASONS)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, label="Addendum"
    )


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["last_name", "first_name", "date_of_birth", "gender", "mrn"]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if value.year < 1900:
            raise forms.ValidationError("Check the year of birth.")
        return value
