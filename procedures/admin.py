from django.contrib import admin

from .models import CatalogVersion, CodeElement, DocumentationElement, ProcedureCode, Source


class CodeElementInline(admin.TabularInline):
    model = CodeElement
    extra = 0
    autocomplete_fields = ["element"]
    fields = ["order", "element", "requirement", "condition", "source", "why"]


@admin.register(ProcedureCode)
class ProcedureCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "family", "global_days", "laterality", "imaging", "active"]
    list_filter = ["family", "active", "global_days", "imaging"]
    search_fields = ["code", "title", "summary"]
    filter_horizontal = ["addon_of", "sources"]
    inlines = [CodeElementInline]


@admin.register(DocumentationElement)
class DocumentationElementAdmin(admin.ModelAdmin):
    list_display = ["key", "label", "section", "input_type", "unit", "active"]
    list_filter = ["section", "input_type", "active"]
    search_fields = ["key", "label", "help_text"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
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
