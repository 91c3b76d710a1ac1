from django.urls import path

from . import views

app_name = "interop"
urlpatterns = [
    path(
        "codes/<str:code>/questionnaire.json",
        views.code_questionnaire,
        name="code-questionnaire",
    ),
    path("notes/<int:pk>/fhir.json", views.note_fhir, name="note-fhir"),
]
