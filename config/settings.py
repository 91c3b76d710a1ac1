"""Settings for Neurolysis Checklist.

Everything that differs between a laptop and a clinic server comes from the environment
(or a `.env` file beside manage.py). With no environment at all the app runs on a SQLite
file under var/, with DEBUG on and a secret generated once and kept out of git.
"""

import datetime
import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
# The database, backups and exports live here: PHI, for the service account only.
VAR_DIR.mkdir(mode=0o700, exist_ok=True)
VAR_DIR.chmod(0o700)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")


def _local_secret_key() -> str:
    # A development convenience: one random key per checkout, never committed.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "procedures",
    "audit",
    "practice",
    "checklists",
    "review",
    "interop",
    "rules",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.no_store.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.session_timeout.SessionTimeoutMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "procedures.context_processors.catalog",
                "practice.context_processors.practice",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several clinicians save at once: IMMEDIATE takes the write lock at BEGIN, so writers
    # queue behind the busy timeout instead of failing with "database is locked" on upgrade.
    # WAL lets readers go on while one writes; synchronous=FULL because this is health data.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Each server process keeps its connection between requests (checked before reuse):
# PostgreSQL starts a backend process per connection, and opening one per request made
# every page about 10 ms slower (DATABASE_URL's ?conn_max_age= still wins).
DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

PASSWORD_HASHERS = [
    # Django's Argon2 at a lower CPU priority, so signing does not slow everybody's pages.
    "config.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# How much lower PDF rendering and password hashing run (config/low_priority.py); 0 = not.
LOW_PRIORITY_NICENESS = env.int("LOW_PRIORITY_NICENESS", default=10)
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading a user's permissions and groups in one query.
    "practice.auth_backend.OneQueryModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Sessions: signed out after SESSION_IDLE_SECONDS without activity (a warning comes first)
# and after SESSION_COOKIE_AGE whatever happens; logging out deletes the server-side row.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=15 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "checklists:note-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes. The benchmarks collect into their own scratch folders, so a
# benchmark never rewrites the folder another process is serving from (WhiteNoise scans it).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Signed notes' PDFs, stored once (checklists/signed_pdfs.py). Local files by default; on
# several app servers, a shared folder or an S3-compatible bucket (SIGNED_PDF_STORAGE=s3,
# needs `pip install -r requirements-s3.txt`; credentials from the usual AWS_* variables).
SIGNED_PDF_STORAGE = env.str("SIGNED_PDF_STORAGE", default="local")
if SIGNED_PDF_STORAGE == "s3":
    SIGNED_PDFS = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("SIGNED_PDF_BUCKET"),
            "endpoint_url": env.str("SIGNED_PDF_ENDPOINT_URL", default=None),
            "region_name": env.str("SIGNED_PDF_REGION", default=None),
            "location": env.str("SIGNED_PDF_PREFIX", default="signed-pdfs"),
            # Private health data: no public ACL, no presigned URLs handed out (the app
            # serves the bytes itself, after its access check and audit event).
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    SIGNED_PDFS = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.str("SIGNED_PDF_DIR", default=str(VAR_DIR / "signed-pdfs")),
            # PHI: the service account's alone, as config/private_files.py does for the rest.
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "signed_pdfs": SIGNED_PDFS,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Background jobs (bulk PDF export) are rows in the database; `manage.py db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Key of the audit trail's HMAC chain; defaults to SECRET_KEY. Set it apart so that
# rotating SECRET_KEY does not invalidate the chain.
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="")

# What a clinician reads: "practice" (every note of the practice) or "own" (their own
# notes and their patients' notes: minimum necessary). Managers read the practice's.
CLINICIAN_READ_SCOPE = env.str("CLINICIAN_READ_SCOPE", default="practice")
if CLINICIAN_READ_SCOPE not in ("practice", "own"):
    raise ValueError('CLINICIAN_READ_SCOPE is "practice" or "own"')

# The shipped catalog; `load_catalog` reads it when no path is given.
CATALOG_FILE = BASE_DIR / "procedures" / "catalog" / "neurolysis.toml"

# FHIR (docs/fhir.md): the public URL of this server's /fhir/ API. Questionnaire canonicals
# and the API's own links are built on it, so set it to the address EHRs reach.
FHIR_BASE_URL = env.str("FHIR_BASE_URL", default="http://127.0.0.1:8000/fhir").rstrip("/")
# Identifier systems (MRN, NPI-less user ids): a URL the practice owns.
FHIR_IDENTIFIER_BASE = env.str(
    "FHIR_IDENTIFIER_BASE", default="https://neurolysis-checklist.example/fhir/sid"
)
# Rows per page of a searchset Bundle (a client may ask for fewer with _count).
FHIR_PAGE_SIZE = env.int("FHIR_PAGE_SIZE", default=50)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools are chatty at INFO about every font they touch.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# No inline script or style and no third-party origin anywhere. Bootstrap's CSS uses
# data: URIs for its form controls' icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@neurolysis-checklist.invalid")

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
