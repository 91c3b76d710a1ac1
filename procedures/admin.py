from django.contrib import admin

from audit.models import AuditEvent

from .models import CatalogVersion, CodeElement, DocumentationElement, ProcedureCode, Source


class AuditedAdmin(admin.ModelAdmin):
    """Catalog edits in the admin land in the audit trail with who, when and what."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        AuditEvent.objects.record(
            "catalog.change" if change else "catalog.add",
            request=request,
            object_type=obj._meta.model_name,
            object_id=str(obj.pk),
            fields=sorted(form.changed_data),
        )

    def delete_model(self, request, obj):
        AuditEvent.objects.record(
            "catalog.delete",
            request=request,
            object_type=obj._meta.model_name,
            object_id=str(obj.pk),
            label=str(obj),
        )
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            AuditEvent.objects.record(
                "catalog.change",
                request=request,
                object_type=formset.model._meta.model_name,
                object_id=str(form.instance.pk),
                parent=str(form.instance),
            )


class CodeElementInline(admin.TabularInline):
    model = CodeElement
    extra = 0
    autocomplete_fields = ["element"]
    fields = ["order", "element", "requirement", "condition", "source", "why"]


@admin.register(ProcedureCode)
class ProcedureCodeAdmin(AuditedAdmin):
    list_display = ["code", "title", "family", "global_days", "laterality", "imaging", "active"]
    list_filter = ["family", "active", "global_days", "imaging"]
    search_fields = ["code", "title", "summary"]
    filter_horizontal = ["addon_of", "sources"]
    inlines = [CodeElementInline]


@admin.register(DocumentationElement)
class DocumentationElementAdmin(AuditedAdmin):
    list_display = ["key", "label", "section", "input_type", "unit", "active"]
    list_filter = ["section", "input_type", "active"]
    search_fields = ["key", "label", "help_text"]


@admin.register(Source)
class SourceAdmin(AuditedAdmin):
    list_display = ["key", "title", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["key", "title"]


@admin.register(CatalogVersion)
class CatalogVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "cpt_year", "loaded_at", "checksum"]
    readonly_fields = [f.name for f in CatalogVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
