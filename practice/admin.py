from django.contrib import admin

from .models import Patient, Practice


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "phone",
        "state",
        "medicare_contractor",
        "pdf_page_size",
        "default_place_of_service",
    ]


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "date_of_birth", "mrn"]
    search_fields = ["last_name", "first_name", "mrn"]
