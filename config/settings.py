"""One env-driven settings file.

Defaults need no server: SQLite and Celery's filesystem broker, both under ``var/``.
Production (``DJANGO_ENV=production``) differs only by environment variables; every variable
is listed in ``.env.example``.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


# --- small strict helpers: a typo in the environment fails at start-up, not at 3 a.m. ---

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


# An empty value counts as unset (a copied .env.example has many "NAME=" lines).


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name) or None
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name) or None
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name) or None
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


# --- environment ---

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
IS_PRODUCTION = DJANGO_ENV == "production"

VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# Used only outside production; the tracker.E001 system check refuses it in production.
DEV_SECRET_KEY = "django-insecure-b12-tracker-development-key-never-use-in-production"

if IS_PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    DEBUG = env_bool("DEBUG", False)
    if DEBUG:
        raise ImproperlyConfigured("DEBUG cannot be on in production.")
else:
    SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
    DEBUG = env_bool("DEBUG", True)

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])


# --- applications ---

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "push_notifications",
    "tracker",
]

MIDDLEWARE = [
    # First: a request id for every line logged below it, and one line per request.
    "tracker.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a body: too large is a 413 without reading it.
    "tracker.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files need no CSP and may be cached.
    "tracker.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the flag the axes backend sets on a locked-out admin login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]


# --- database: SQLite under var/ by default, DATABASE_URL for PostgreSQL ---

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_health_checks=True)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # The web server and the worker write concurrently: WAL lets readers continue during a
        # write, IMMEDIATE takes the write lock up front instead of failing on upgrade, and the
        # busy timeout waits for the lock instead of raising "database is locked".
        # synchronous=NORMAL: with WAL a power cut can lose the last commits but never corrupts
        # the file, and a commit needs no fsync (bench/sqlite_writers.py; tests/
        # test_sqlite_settings.py checks all four are in effect).
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
    # A file, not :memory:, so a worker process started by the tests can open the test database;
    # one per test run (process id), so two runs side by side never share it.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
else:
    _db["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
DATABASES = {"default": _db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- cache: per-process memory by default, CACHE_URL=redis://… to share it (throttles, axes) ---

CACHE_URL = env_str("CACHE_URL", "locmem://")
_cache_scheme = urlsplit(CACHE_URL).scheme
if _cache_scheme in {"redis", "rediss"}:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "b12",
        }
    }
elif _cache_scheme == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("CACHE_URL must be locmem:// or redis://host:port/db.")


# --- accounts and authentication ---

AUTH_USER_MODEL = "tracker.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email",)},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: lock out an (email, IP address) pair after repeated failures, on the token
# endpoint and the admin login alike. The pair, not the email alone, so a stranger cannot lock
# a patient out of their own reminders by typing their address wrong on purpose.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "tracker.auth.lockout.username_from_credentials"
AXES_LOCKOUT_CALLABLE = "tracker.auth.lockout.lockout_response"
# How many reverse proxies of ours sit in front of the web server (0 = none): decides which
# X-Forwarded-For entry is the client's address for throttles and the lockout alike.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "tracker.auth.client_ip.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password", "email", "username"]
AXES_VERBOSE = False

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 5)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    # Tokens carry a hash of the password: changing the password signs out every device.
    "CHECK_REVOKE_TOKEN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/"


# --- API ---

API_VERSION = "1.0"
# Mobile clients older than this are asked to update (served by meta/).
MINIMUM_APP_VERSION = env_str("MINIMUM_APP_VERSION", "1.0.0")

REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.auth.jwt.JWTProfileAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.TimeCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tracker.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        # Per client IP on the unauthenticated auth routes (the cache is shared when CACHE_URL
        # points at Redis). Throttles slow abuse; the axes lockout is the actual control.
        "auth": env_str("THROTTLE_AUTH", "30/min"),
        "register": env_str("THROTTLE_REGISTER", "20/hour"),
        # Per client address: each password-reset request may email the address typed.
        "password_reset": env_str("THROTTLE_PASSWORD_RESET", "5/hour"),
        # Per person (tracker.api.throttles), API and web pages together. A day of logging is
        # a few dozen entries and a first sync of an offline phone a few hundred; far above
        # both, and above any load test's per-user rate, yet a bound on a runaway client.
        "create": env_str("THROTTLE_CREATE", "600/hour"),
        # Each invitation sends an email to an address the person typed.
        "invitation": env_str("THROTTLE_INVITATION", "20/day"),
        # The export and the PDF report read all the person's data and draw charts.
        "download": env_str("THROTTLE_DOWNLOAD", "60/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # DRF's default (None) takes X-Forwarded-For as sent, so a client could pick a fresh
    # "address" per request and never be throttled.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "B12 Tracker API",
    "DESCRIPTION": (
        "Log vitamin B12 intake, supplements, injections, symptoms and lab results; get "
        "reminders; see trends. The service records and explains. It does not give medical "
        "advice: decisions about tests, doses and treatment belong to a healthcare professional."
    ),
    "VERSION": API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's assets are served from this site (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets share the field name "route": name their enums after what they are.
    "ENUM_NAME_OVERRIDES": {
        "SupplementRouteEnum": "tracker.models.supplements.SupplementRoute",
        "InjectionRouteEnum": "tracker.models.injections.InjectionRoute",
    },
    # The default enum hook, then the 400/401/403/404/429 responses each operation can return.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tracker.api.schema.declare_error_responses",
    ],
}


# --- Celery: filesystem broker under var/ by default, CELERY_BROKER_URL=redis://… in production ---

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
# The longest countdown/ETA any task may use. Redis re-delivers an unacknowledged message after
# the visibility timeout, so a longer countdown would run the task again (and again).
CELERY_MAX_COUNTDOWN_SECONDS = 15 * 60
CELERY_VISIBILITY_TIMEOUT_SECONDS = 2 * 60 * 60
if CELERY_VISIBILITY_TIMEOUT_SECONDS <= CELERY_MAX_COUNTDOWN_SECONDS + 90:
    raise ImproperlyConfigured("The visibility timeout must exceed any countdown plus time limit.")

if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_broker_dir, _processed_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_processed_dir),
        # Broadcast (worker control) tables; kombu's default is ./control in the working folder.
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS}

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# One message at a time per worker process: with acks_late a prefetched message would sit
# unacknowledged behind a slow one.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery 6's default, set now: a task running when the broker connection drops is cancelled
# and, being acks_late, delivered again; a delivery it had claimed is freed by the sweeper.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

# The one static beat schedule. No per-reminder entries: dispatchers claim due rows in batches.
CELERY_BEAT_SCHEDULE = {
    # Proves beat and a worker are alive; /healthz shows when it last ran.
    "record-scheduler-heartbeat": {
        "task": "tracker.tasks.record_heartbeat",
        "schedule": 60.0,
        "args": ("scheduler",),
    },
    # Claims due reminders in batches and makes their notifications (DESIGN invariants 3–4).
    "dispatch-reminders": {"task": "tracker.tasks.dispatch_reminders", "schedule": 60.0},
    # Re-enqueues deliveries still waiting (a lost message, a Redis restart, a killed worker).
    "sweep-deliveries": {"task": "tracker.tasks.sweep_deliveries", "schedule": 60.0},
    # Unanswered supplement reminders become missed doses; missed doses alert caregivers.
    "mark-missed-doses": {"task": "tracker.tasks.mark_missed_doses", "schedule": 300.0},
}

# --- reminders and notifications ---

# Due reminders claimed per transaction; a dispatcher run keeps claiming until none is due
# or its time budget (below the task's soft time limit) is spent.
REMINDER_BATCH_SIZE = env_int("REMINDER_BATCH_SIZE", 500)
REMINDER_DISPATCH_BUDGET_SECONDS = env_int("REMINDER_DISPATCH_BUDGET_SECONDS", 45)
# Sends per person per rolling 24 hours across the outside channels (the inbox always gets the
# notification; beyond the cap the others are recorded as skipped).
NOTIFICATION_DAILY_CAP = env_int("NOTIFICATION_DAILY_CAP", 60)
# Delivery attempts before giving up; backoff doubles from the first delay, with jitter, and
# never beyond CELERY_MAX_COUNTDOWN_SECONDS.
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 6)
DELIVERY_FIRST_RETRY_SECONDS = 30
# A delivery waiting (or claimed by a worker) this long without news is enqueued again.
DELIVERY_SWEEP_AFTER_SECONDS = env_int("DELIVERY_SWEEP_AFTER_SECONDS", 180)
# A delivery task stops taking deliveries from its chunk after this long (below the soft time
# limit) and enqueues the rest.
DELIVERY_TASK_BUDGET_SECONDS = 40
# An unanswered supplement reminder becomes a missed dose after this many minutes.
MISSED_AFTER_MINUTES = env_int("MISSED_AFTER_MINUTES", 240)
# Caregivers with the missed-dose permission hear of a missed dose this long after it.
CARE_ALERT_DELAY_MINUTES = env_int("CARE_ALERT_DELAY_MINUTES", 60)

# Web Push (VAPID): keys from the environment (`vapid --gen`, or tracker.notifications.webpush
# documents how); without them the webpush channel records deliveries as skipped.
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:admin@localhost")
# Mobile push through django-push-notifications (FCM HTTP v1 via firebase-admin, APNs). FCM
# needs a service-account JSON file; without one, FCM deliveries are recorded as skipped.
FCM_CREDENTIALS_FILE = env_str("FCM_CREDENTIALS_FILE", "")
PUSH_NOTIFICATIONS_SETTINGS = {
    "UPDATE_ON_DUPLICATE_REG_ID": True,
    "UNIQUE_REG_ID": True,
    "APNS_USE_SANDBOX": env_bool("APNS_USE_SANDBOX", True),
    "APNS_TOPIC": env_str("APNS_TOPIC", "org.example.b12tracker"),
}


# --- email ---

EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# Development prints mail to the console unless an SMTP host is given.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION or "EMAIL_HOST" in os.environ
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "B12 Tracker <no-reply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)


# --- internationalisation and time ---

LANGUAGE_CODE = "en"
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True


# --- static files ---

STATIC_URL = "/static/"
# The image collects static files at build time outside var/ (a volume would keep old ones).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}


# --- security (production values; development keeps plain HTTP working) ---

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", IS_PRODUCTION)
# The container health check calls /healthz over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("USE_X_FORWARDED_PROTO", IS_PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", IS_PRODUCTION)
# Off unless the operator asks: preloading binds every subdomain of the registered domain to
# HTTPS in browsers for months and is slow to undo; only the domain's owner can decide that.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # `check --deploy` warns about the choice above (security.W021); it is deliberate.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin: other sites never see our paths (nor /care/accept/?token=…, which also sends
# no-referrer itself). Our logs never record the Referer.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie: forms carry the token ({% csrf_token %}).
CSRF_COOKIE_HTTPONLY = True
# Lax, not Strict: a caregiver opening the invitation link from an email arrives signed in.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# The Content-Security-Policy, Permissions-Policy and Cache-Control of responses with health
# data: tracker.middleware.SecurityHeadersMiddleware.


# --- resource limits (OWASP API4); per-person quotas are the throttle rates above ---

# Bodies above these are refused with 413 before they are read (tracker.middleware). The API's
# largest body is one record (a note of at most 4,096 characters); the web and admin forms
# include article bodies in Markdown.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024)
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
# Form fields per request (a 400 beyond): the admin's bulk actions post one per selected row
# (100 per page) and a staff user's permission list a few hundred.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
# No page takes file uploads yet; a handful for any that will.
DATA_UPLOAD_MAX_NUMBER_FILES = 5


# --- logging: lines on stderr; request bodies, query strings and health values never logged ---

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# json: one object per line (tracker.logging.JsonFormatter), for log collectors; plain: for
# reading in a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if IS_PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'plain'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "tracker.logging.JsonFormatter"},
    },
    "filters": {
        "request_context": {"()": "tracker.logging.RequestContextFilter"},
        "strip_query_string": {"()": "tracker.logging.StripQueryString"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers go: its console handler would print every line twice in
        # development, and mail_admins would mail the request (body included) on a 500.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # Their lines name the request's path: the filter writes it without secrets.
        "django.request": {"filters": ["request_context"]},
        "django.security": {"filters": ["request_context"]},
        # runserver's request lines carry the query string as sent; RequestLogMiddleware
        # already logs every request, so only its warnings and errors remain.
        "django.server": {
            "handlers": ["console"],
            "filters": ["strip_query_string"],
            "level": "WARNING",
            "propagate": False,
        },
        # At DEBUG these two write SQL parameters and whole template contexts: health data.
        "django.db.backends": {"level": "WARNING"},
        "django.template": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs its progress at INFO and every style property of matplotlib's SVG
        # it does not know (yet draws) as a warning: thousands of lines per report.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
