from django import forms
from django.utils import timezone

from checklists.models import CodeLine
from procedures.models import ProcedureCode

from .models import Payer, RulePack


class CoverageForm(forms.Form):
    primary_payer = forms.ModelChoiceField(
        queryset=Payer.objects.filter(active=True), empty_label="Choose a payer"
    )
    member_id = forms.CharField(label="Member ID", max_length=60, required=False)


class PayerForm(forms.ModelForm):
    class Meta:
        model = Payer
        fields = ["name", "kind", "packs", "active"]
        widgets = {"packs": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["packs"].queryset = RulePack.objects.filter(active=True)
        self.fields["packs"].label_from_instance = lambda pack: (
            f"{pack.title} ({pack.policy})"
            + (f"; already applies to {', '.join(pack.payer_kinds)}" if pack.payer_kinds else "")
        )


def planned_code_choices():
    codes = (
        ProcedureCode.objects.active()
        .exclude(family=ProcedureCode.Family.DIAGNOSTIC_BLOCK)
        .exclude(global_days="ZZZ")
    )
    return [("", "Choose a code")] + [
        (c.code, f"{c.code} {c.title[:60]}") for c in codes.order_by("code")
    ]


class PlanForm(forms.Form):
    """A procedure the clinician is considering, checked against the patient's history."""

    code = forms.ChoiceField(
        label="Code",
        choices=(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    side = forms.ChoiceField(
        label="Side",
        choices=CodeLine.Side.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    site = forms.CharField(
        label="Level / nerve / site",
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. L4-L5", "class": "form-control form-control-sm"}
        ),
    )
    day = forms.DateField(
        label="Planned date",
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = planned_code_choices()

    def clean_day(self):
        return self.cleaned_data.get("day") or timezone.localdate()
