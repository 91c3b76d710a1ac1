from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.code_list, name="code-list"),
    path("<str:code>/", views.code_detail, name="code-detail"),
    # The blank paper checklist ("<code>/checklist.pdf", procedures:code-checklist-pdf) is
    # rendered by the notes app's PDF code: config/urls.py adds it to this namespace, so
    # the catalog imports nothing from the apps above it.
]
