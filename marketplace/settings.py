"""One settings module, driven by the environment (12-factor).

Unset variables give the embedded default for trying the product: SQLite in the
project folder, Celery tasks run in-process, local-memory cache, console email.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# Every compiled query also checked against the ORM's own SQL (see fastpaths): on whenever
# DEBUG is, and so in the tests (pytest-django turns DEBUG off only after settings load).
FASTPATHS_GUARD = env.bool("FASTPATHS_GUARD", default=DEBUG)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="django-insecure-local-only-0f9a8c7e6d5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "notifications",
    "marketplace",
]

MIDDLEWARE = [
    "accounts.request_context.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Parameters travel apart from the SQL, so PostgreSQL can keep the plan of a query a
    # connection runs again and again (after five runs) instead of planning it each
    # time: planning a list's joins cost more than running them. Needs a persistent
    # connection (CONN_MAX_AGE) to pay off; turn off behind a pooler that cannot hold
    # prepared statements (PgBouncer in transaction mode before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Redis is optional: without it the product runs embedded (in-process tasks, local cache).
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "fastpaths.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dk",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Fragments of the page frame that are the same for everyone with a role (the menu, the
# footer), in each process's memory: they only change with a deploy, which restarts it.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# With Redis, sessions are read through it (fastpaths/sessions.py); without, from the database.
SESSION_ENGINE = "fastpaths.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "marketplace.tasks.matching_run_execute": {"queue": "matching"},
    "notifications.tasks.*": {"queue": "notifications"},
}
CELERY_BEAT_SCHEDULE: dict = {}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Delad kompetens <noreply@delad-kompetens.se>"
)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "fastpaths.json_renderer.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Delad kompetens API",
    "DESCRIPTION": "Cross-agency specialist sharing for Swedish government agencies.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Matching score weights; see marketplace/matching/scoring.py for the formula.
MATCHING_WEIGHTS = {
    "skill": env.float("MATCHING_WEIGHT_SKILL", default=0.55),
    "availability": env.float("MATCHING_WEIGHT_AVAILABILITY", default=0.25),
    "language": env.float("MATCHING_WEIGHT_LANGUAGE", default=0.10),
    "region": env.float("MATCHING_WEIGHT_REGION", default=0.10),
}
# Fairness: the largest share of one agency's shareable specialists a global run lends at once.
MATCHING_AGENCY_OUTFLOW_CAP = env.float("MATCHING_AGENCY_OUTFLOW_CAP", default=0.5)
MATCHING_TIME_LIMIT_SECONDS = env.float("MATCHING_TIME_LIMIT_SECONDS", default=50.0)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

HEALTHZ_BROKER_TIMEOUT = env.float("HEALTHZ_BROKER_TIMEOUT", default=2.0)

# Token login attempts per account (accounts.api.views.LoginThrottle).
LOGIN_THROTTLE_RATE = env.str("LOGIN_THROTTLE_RATE", default="10/minute")

# Web pages (marketplace/web): login by email at /login/, htmx for partial updates.
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"
INSTALLED_APPS += ["django_htmx"]
MIDDLEWARE += [
    "django_htmx.middleware.HtmxMiddleware",
    "marketplace.web.middleware.DomainErrorPageMiddleware",
]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("marketplace.web.context.header")
ACCESSIBILITY_CONTACT_EMAIL = env.str(
    "ACCESSIBILITY_CONTACT_EMAIL", default="tillganglighet@delad-kompetens.se"
)

# Specialists' clearance and needs' clearance_required share one choice set in the schema.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["ClearanceEnum"] = (
    "marketplace.models.Clearance"
)

# Notifications: outbox sweep and daily digest (queue `notifications`), retry policy.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE.update(
    {
        "notifications-sweep": {"task": "notifications.tasks.sweep", "schedule": 60.0},
        "notifications-digest": {
            "task": "notifications.tasks.digest",
            "schedule": crontab(hour=env.int("NOTIFICATIONS_DIGEST_HOUR", default=7), minute=0),
        },
    }
)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30.0)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.float("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600.0)
# Rows younger than this are left to the task sent at their commit.
NOTIFICATIONS_SWEEP_GRACE_SECONDS = env.float("NOTIFICATIONS_SWEEP_GRACE_SECONDS", default=60.0)
# Longer than CELERY_TASK_TIME_LIMIT: only a send whose worker died is handed out again.
NOTIFICATIONS_SENDING_LEASE_SECONDS = env.float(
    "NOTIFICATIONS_SENDING_LEASE_SECONDS", default=900.0
)
NOTIFICATIONS_WEBHOOK_TIMEOUT_SECONDS = env.float(
    "NOTIFICATIONS_WEBHOOK_TIMEOUT_SECONDS", default=10.0
)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Reports (marketplace/selectors/reports.py): working hours in one full-time year, the
# market consultant rate per skill category and the internal price an agency charges
# for a lent specialist (SEK per hour); agencies may override both on their record.
REPORTS_ANNUAL_HOURS = env.int("REPORTS_ANNUAL_HOURS", default=1600)
REPORTS_CONSULTANT_HOURLY_RATES = {
    "cloud": 1450,
    "security": 1500,
    "data": 1400,
    "architecture": 1500,
    "procurement_law": 1350,
    "ux_accessibility": 1200,
    "development": 1250,
    "operations": 1150,
}
REPORTS_DEFAULT_CONSULTANT_HOURLY_RATE = env.int(
    "REPORTS_DEFAULT_CONSULTANT_HOURLY_RATE", default=1300
)
REPORTS_INTERNAL_HOURLY_RATE = env.int("REPORTS_INTERNAL_HOURLY_RATE", default=850)

# API robustness (tests/security): JSON 404s under /api/, ids beyond 64 bits are 404, and
# the schema documents the framework's own answers (401, 404 for pages past the end).
MIDDLEWARE += ["marketplace.api.middleware.ApiNotFoundMiddleware"]
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "marketplace.api.schema.document_framework_responses",
]

# A database that is down answers 503 (marketplace/outage.py); it wraps every other layer.
MIDDLEWARE.insert(1, "marketplace.outage.DatabaseUnavailableMiddleware")

# Accounts security (accounts/hashers.py, accounts/throttling.py, accounts/mfa.py,
# marketplace/security.py). Argon2id with OWASP's minimum parameters; older hashes are
# upgraded on the next login.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
ARGON2_TIME_COST = env.int("ARGON2_TIME_COST", default=2)
ARGON2_MEMORY_COST_KIB = env.int("ARGON2_MEMORY_COST_KIB", default=19456)
ARGON2_PARALLELISM = env.int("ARGON2_PARALLELISM", default=1)

from datetime import timedelta  # noqa: E402

INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "csp"]
# Axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PasswordBackend",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "marketplace.security.ContentSecurityPolicyMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "accounts.mfa.LazyOTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("accounts.mfa.LazyOTPMiddleware") + 1,
    "accounts.mfa.SecondFactorMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

# Brute force: 5 failed logins (password or one-time code) for one email from one address
# lock that pair out for AXES_COOLOFF_MINUTES; both the web and the API answer 429.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.throttling.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# DRF throttling per anonymous address and per user (accounts/throttling.py reads the
# rates at request time, so they can be changed without a restart of the class).
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "accounts.throttling.AnonThrottle",
    "accounts.throttling.UserThrottle",
]
API_THROTTLE_RATE_ANON = env.str("API_THROTTLE_RATE_ANON", default="60/minute")
API_THROTTLE_RATE_USER = env.str("API_THROTTLE_RATE_USER", default="1200/minute")

# Multi-factor login (TOTP): required for coordinators and admins, offered to everyone.
OTP_TOTP_ISSUER = "Delad kompetens"
OTP_TOTP_THROTTLE_FACTOR = 1

# Cookies: never readable by scripts (htmx sends the CSRF token from the page), secure
# in production (set above when DEBUG is off).
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

# A strict Content-Security-Policy on every response: own origin only, no inline script
# or style anywhere ('data:' images only for the empty favicon and the QR code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Client addresses for lockouts and throttles: the socket's address unless the deployment
# names how many proxies sit in front (a client could otherwise forge X-Forwarded-For).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if NUM_PROXIES else ("REMOTE_ADDR",)
)

# Marketplace reminders (beat, daily, Swedish time).
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE.update(
    {
        "marketplace-approval-reminders": {
            "task": "marketplace.tasks.approval_reminders_send",
            "schedule": crontab(hour=8, minute=0),
        },
        "marketplace-engagement-starting": {
            "task": "marketplace.tasks.engagement_starting_notify",
            "schedule": crontab(hour=8, minute=5),
        },
        "marketplace-unfilled-needs": {
            "task": "marketplace.tasks.unfilled_needs_notify",
            "schedule": crontab(hour=8, minute=10),
        },
    }
)

# How long a task taken by a worker that then died stays invisible before Redis hands it
# to another worker (acks_late). Keep it above the longest task (CELERY_TASK_TIME_LIMIT):
# a running task's message must never be handed out twice.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int(
    "CELERY_VISIBILITY_TIMEOUT", default=3600
)

# Single sign-on through each agency's own identity provider (accounts/sso/): OpenID
# Connect with mozilla-django-oidc, SAML 2.0 with djangosaml2 on pysaml2 (xmlsec1 from
# Debian). Providers are configured per agency in the admin; these are the shared parts.
AUTHENTICATION_BACKENDS += [
    "accounts.sso.oidc.AgencyOIDCBackend",
    "accounts.sso.saml.AgencySaml2Backend",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "djangosaml2.middleware.SamlSessionMiddleware",
)
# Encrypts the providers' client secrets; the first key encrypts, every key decrypts.
SSO_SECRET_KEYS = env.list("SSO_SECRET_KEYS", default=[SECRET_KEY])
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:oidc-callback"
SAML_CONFIG_LOADER = "accounts.sso.saml.saml_sp_config"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_XMLSEC_BINARY = env.str("SAML_XMLSEC_BINARY", default="")
# Optional key pair of this service provider: signs AuthnRequests, decrypts assertions.
SAML_SP_KEY_FILE = env.str("SAML_SP_KEY_FILE", default="")
SAML_SP_CERT_FILE = env.str("SAML_SP_CERT_FILE", default="")
# The CSP middleware (marketplace/security.py) covers these pages too.
SAML_CSP_HANDLER = ""
# pysaml2 and xmlschema log every schema and message they load at INFO.
LOGGING.setdefault("loggers", {}).update(
    {name: {"level": "WARNING"} for name in ("xmlschema", "saml2", "djangosaml2")}
)
