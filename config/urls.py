from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from checklists.pdf_views import checklist_pdf
from procedures import urls as procedures_urls

from .health import healthz
from .session_timeout import keepalive

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="checklists:note-list"), name="home"),
    path(
        "favicon.ico",
        RedirectView.as_view(url=settings.STATIC_URL + "img/favicon.svg", permanent=True),
    ),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", healthz, name="healthz"),
    path("session/keepalive/", keepalive, name="session-keepalive"),
    path(
        "codes/",
        include(
            (
                procedures_urls.urlpatterns
                + [path("<str:code>/checklist.pdf", checklist_pdf, name="code-checklist-pdf")],
                procedures_urls.app_name,
            )
        ),
    ),
    path("review/", include("review.urls")),
    path("", include("interop.urls")),
    path("", include("rules.urls")),
    path("", include("checklists.urls")),
    path("", include("audit.urls")),
    path("admin/", admin.site.urls),
]
