from django.contrib import admin

from .models import Addendum, CodeLine, Favourite, Note


class CodeLineInline(admin.TabularInline):
    model = CodeLine
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_signed

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    """Notes are written through the app; the admin reads, and never changes a signed one."""

    list_display = ["pk", "patient", "clinician", "date_of_service", "status", "completeness"]
    list_filter = ["status", "place_of_service"]
    search_fields = ["patient__last_name", "patient__mrn"]
    inlines = [CodeLineInline]
    readonly_fields = [
        "status",
        "version",
        "catalog_version",
        "snapshot_definitions",
        "required_total",
        "required_missing",
        "recommended_total",
        "recommended_missing",
        "completeness",
        "coding_problems",
        "signed_at",
        "signed_by",
        "attestation",
        "content_hash",
    ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_signed:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="Catalog snapshot")
    def snapshot_definitions(self, obj):
        return obj.definitions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_signed:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Addendum)
class AddendumAdmin(admin.ModelAdmin):
    """Addenda are read here. They are written on the note's page (services.add_addendum),
    which checks the note is signed, audits the addendum and stores the next PDF version."""

    list_display = ["note", "author", "created_at", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    """Rename or remove a clinician's favourite (they hold no patient data)."""

    list_display = ["name", "clinician", "created_at"]
    list_filter = ["clinician"]
    search_fields = ["name"]
