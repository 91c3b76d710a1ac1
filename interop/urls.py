from django.urls import path, re_path

from . import api, views

app_name = "interop"
FHIR_ID = r"(?P<id>[A-Za-z0-9\-\.]{1,64})"
urlpatterns = [
    path(
        "codes/<str:code>/questionnaire.json",
        views.code_questionnaire,
        name="code-questionnaire",
    ),
    path("notes/<int:pk>/fhir.json", views.note_fhir, name="note-fhir"),
    path("fhir/metadata", api.metadata, name="fhir-metadata"),
    re_path(rf"^fhir/Binary/{FHIR_ID}$", api.binary, name="fhir-binary"),
    re_path(r"^fhir/(?P<kind>[A-Z][A-Za-z]+)$", api.search, name="fhir-search"),
    re_path(rf"^fhir/(?P<kind>[A-Z][A-Za-z]+)/{FHIR_ID}$", api.read, name="fhir-read"),
]
