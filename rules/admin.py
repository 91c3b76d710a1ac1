from django.contrib import admin

from audit.models import AuditEvent

from .models import NoteRuleStatus, PatientCoverage, Payer, RulePack
from .services import refresh_patient


@admin.register(RulePack)
class RulePackAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "version", "policy", "effective_from", "active"]
    list_filter = ["active", "information_only"]
    # Packs are files under version control: `manage.py load_rule_packs` writes them.
    readonly_fields = [f.name for f in RulePack._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Payer)
class PayerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active"]
    list_filter = ["kind", "active"]
    filter_horizontal = ["packs"]

    def save_related(self, request, form, formsets, change):
        # Packs are saved with the relations: only then are the payer's patients re-checked.
        super().save_related(request, form, formsets, change)
        payer = form.instance
        AuditEvent.objects.record(
            "payer.update" if change else "payer.create",
            request=request,
            object_type="payer",
            object_id=payer.pk,
            name=payer.name,
            kind=payer.kind,
            packs=sorted(payer.packs.values_list("key", flat=True)),
        )
        for patient_id in payer.coverages.values_list("patient_id", flat=True):
            refresh_patient(patient_id)


@admin.register(PatientCoverage)
class PatientCoverageAdmin(admin.ModelAdmin):
    list_display = ["patient", "primary_payer", "member_id", "updated_at"]
    list_select_related = ["patient", "primary_payer"]
    raw_id_fields = ["patient"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        AuditEvent.objects.record(
            "patient.coverage",
            request=request,
            object_type="patient",
            object_id=obj.patient_id,
            after={"payer": obj.primary_payer.name, "member_id": obj.member_id},
        )
        refresh_patient(obj.patient_id)


@admin.register(NoteRuleStatus)
class NoteRuleStatusAdmin(admin.ModelAdmin):
    list_display = ["note", "state", "payer_name", "failing", "evaluated_at"]
    list_filter = ["state"]
    readonly_fields = ["note", "state", "payer_name", "failing", "evaluated_at"]
