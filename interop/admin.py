from django.contrib import admin

from .models import AccessToken, ClinicianProfile, PublishedQuestionnaire


@admin.register(ClinicianProfile)
class ClinicianProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "npi")
    search_fields = ("user__username", "user__last_name", "npi")


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    # Tokens are made with `manage.py fhir_token` (the value is shown once); here they are
    # only listed and revoked.
    list_display = ("label", "user", "kind", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "kind", "label", "digest", "created_at", "last_used_at")
    fields = (*readonly_fields, "expires_at", "revoked_at")

    def has_add_permission(self, request):
        return False


@admin.register(PublishedQuestionnaire)
class PublishedQuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "published_at")
    list_filter = ("version",)
    readonly_fields = ("code", "version", "resource", "published_at")

    def has_add_permission(self, request):
        return False
