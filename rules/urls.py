from django.urls import path

from . import views

app_name = "rules"
urlpatterns = [
    path("notes/<int:pk>/packet.pdf", views.note_packet, name="note-packet"),
    path("patients/<int:pk>/history/", views.patient_history, name="patient-history"),
    path("patients/<int:pk>/coverage/", views.patient_coverage, name="patient-coverage"),
    path("payers/", views.payer_list, name="payer-list"),
    path("payers/new/", views.payer_edit, name="payer-new"),
    path("payers/<int:pk>/", views.payer_edit, name="payer-edit"),
    path("rules/", views.pack_list, name="pack-list"),
]
