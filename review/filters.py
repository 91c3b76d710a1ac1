"""The dashboard's filters, kept in the query string so a view can be bookmarked and shared.

Every filter narrows notes with an indexed column or an uncorrelated `pk IN (subquery)`,
which SQLite and PostgreSQL both run once per query rather than once per note.
"""

import django_filters
from django import forms
from django.contrib.auth import get_user_model

from checklists.models import CodeLine, Note, NoteGap
from practice.models import PlaceOfService
from practice.roles import CLINICIAN
from procedures.models import ProcedureCode
from rules import selectors as rule_selectors

from .models import DocumentationQuery

DEFAULT_OLDER_DAYS = 7


class DashboardForm(forms.Form):
    """Options that are not filters but travel in the same URL."""

    older = forms.IntegerField(
        label="Drafts older than (days)",
        required=False,
        min_value=1,
        max_value=3650,
        widget=forms.NumberInput(attrs={"placeholder": str(DEFAULT_OLDER_DAYS)}),
    )

    def clean_older(self):
        return self.cleaned_data.get("older") or DEFAULT_OLDER_DAYS


def clinician_choices():
    users = (
        get_user_model()
        .objects.filter(groups__name=CLINICIAN)
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", "first_name", "last_name", "username")
    )
    return [
        (str(pk), f"{first} {last}".strip() or username) for pk, first, last, username in users
    ]


def code_choices():
    return [
        (code, f"{code} {title[:48]}")
        for code, title in ProcedureCode.objects.order_by("code").values_list("code", "title")
    ]


class NoteFilter(django_filters.FilterSet):
    dos_from = django_filters.DateFilter(
        field_name="date_of_service",
        lookup_expr="gte",
        label="Service from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    dos_to = django_filters.DateFilter(
        field_name="date_of_service",
        lookup_expr="lte",
        label="Service to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    code = django_filters.ChoiceFilter(label="Code", method="filter_code", empty_label="Any")
    clinician = django_filters.ChoiceFilter(
        field_name="clinician_id", label="Clinician", empty_label="Anyone"
    )
    place = django_filters.ChoiceFilter(
        field_name="place_of_service",
        label="Place of service",
        choices=PlaceOfService.choices,
        empty_label="Any",
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Note.Status.choices, empty_label="Any"
    )
    completeness = django_filters.ChoiceFilter(
        label="Completeness",
        method="filter_completeness",
        choices=[("complete", "Complete"), ("incomplete", "Incomplete")],
        empty_label="Any",
    )
    below = django_filters.NumberFilter(
        field_name="completeness",
        lookup_expr="lt",
        label="Below %",
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"placeholder": "e.g. 80"}),
    )
    queries = django_filters.ChoiceFilter(
        label="Queries",
        method="filter_queries",
        choices=[("open", "Open query"), ("none", "No open query")],
        empty_label="Any",
    )
    claim = django_filters.ChoiceFilter(
        label="Claim",
        method="filter_claim",
        choices=rule_selectors.CLAIM_CHOICES,
        empty_label="Any",
    )
    fails_rule = django_filters.ChoiceFilter(
        label="Fails rule", method="filter_fails_rule", empty_label="Any"
    )
    missing = django_filters.CharFilter(
        label="Missing element", method="filter_missing", widget=forms.HiddenInput
    )

    class Meta:
        model = Note
        fields: list[str] = []
        form = DashboardForm

    def __init__(self, *args, clinicians=None, codes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["clinician"].extra["choices"] = (
            clinicians if clinicians is not None else clinician_choices
        )
        self.filters["code"].extra["choices"] = codes if codes is not None else code_choices
        self.filters["fails_rule"].extra["choices"] = rule_selectors.rule_choices

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            # The options after the filters; Bootstrap classes on every widget.
            form.fields["older"] = form.fields.pop("older")
            for field in form.fields.values():
                small = (
                    "form-select form-select-sm"
                    if isinstance(field.widget, forms.Select)
                    else "form-control form-control-sm"
                )
                field.widget.attrs.setdefault("class", small)
            form._styled = True
        return form

    def filter_queryset(self, queryset):
        # The form also carries options that are not filters (`older`).
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_code(self, queryset, name, value):
        return queryset.filter(pk__in=CodeLine.objects.filter(code=value).values("note_id"))

    def filter_completeness(self, queryset, name, value):
        return queryset.complete() if value == "complete" else queryset.incomplete()

    def filter_queries(self, queryset, name, value):
        open_notes = DocumentationQuery.objects.open().values("note_id")
        if value == "open":
            return queryset.filter(pk__in=open_notes)
        return queryset.exclude(pk__in=open_notes)

    def filter_claim(self, queryset, name, value):
        return rule_selectors.filter_claim_state(queryset, value)

    def filter_fails_rule(self, queryset, name, value):
        return rule_selectors.filter_failing_rule(queryset, value)

    def filter_missing(self, queryset, name, value):
        return queryset.filter(pk__in=NoteGap.objects.filter(element_key=value).values("note_id"))

    def cleaned(self) -> dict:
        """The valid fields' values (valid ones are kept when another has an error)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {})

    @property
    def older_days(self) -> int:
        return self.cleaned().get("older") or DEFAULT_OLDER_DAYS

    def active(self) -> dict[str, str]:
        """The filters in use (as typed), for the CSV/PDF links and the job's description.

        The same ones the queryset applies: a field with an error is left out of both.
        """
        cleaned = self.cleaned()
        return {
            name: str(self.data[name])
            for name in self.filters
            if cleaned.get(name) not in (None, "")
        }
