from django.urls import path

from checklists.pdf_views import checklist_pdf

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.code_list, name="code-list"),
    path("<str:code>/", views.code_detail, name="code-detail"),
    path("<str:code>/checklist.pdf", checklist_pdf, name="code-checklist-pdf"),
]
