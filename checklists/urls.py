from django.urls import path

from . import favourite_views, pdf_views, views

app_name = "checklists"
urlpatterns = [
    path("notes/", views.note_list, name="note-list"),
    path("notes/new/", views.note_new, name="note-new"),
    path("notes/new/sources/", views.copy_source_list, name="note-copy-sources"),
    path("notes/<int:pk>/favourite/", views.favourite_new, name="favourite-new"),
    path("favourites/", favourite_views.favourite_list, name="favourite-list"),
    path("favourites/<int:pk>/rename/", favourite_views.favourite_rename, name="favourite-rename"),
    path("favourites/<int:pk>/delete/", favourite_views.favourite_delete, name="favourite-delete"),
    path("notes/<int:pk>/", views.note_detail, name="note-detail"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note-edit"),
    path("notes/<int:pk>/autosave/", views.note_autosave, name="note-autosave"),
    path("notes/<int:pk>/sign/", views.note_sign, name="note-sign"),
    path("notes/<int:pk>/addenda/new/", views.addendum_new, name="addendum-new"),
    path("notes/<int:pk>/pdf/", pdf_views.note_pdf, name="note-pdf"),
    path("icd10/search", views.icd10_search, name="icd10-search"),
    path("patients/new/", views.patient_new, name="patient-new"),
]
