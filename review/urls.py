from django.urls import path

from . import export_views, query_views, views

app_name = "review"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("notes.csv", views.notes_csv, name="notes-csv"),
    path("cloned/", views.cloned, name="cloned"),
    path("queries/", query_views.query_list, name="query-list"),
    path("notes/<int:pk>/queries/new/", query_views.query_new, name="query-new"),
    path("queries/<int:pk>/withdraw/", query_views.query_close, name="query-withdraw"),
    path("exports/", export_views.export_list, name="export-list"),
    path("exports/new/", export_views.export_new, name="export-new"),
    path("exports/<int:pk>/", export_views.export_detail, name="export-detail"),
    path("exports/<int:pk>/progress/", export_views.export_progress, name="export-progress"),
    path("exports/<int:pk>/cancel/", export_views.export_cancel, name="export-cancel"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export-download"),
]
