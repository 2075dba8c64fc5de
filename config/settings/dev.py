"""Local development: DEBUG on, a fixed development key, SQLite unless DATABASE_URL is set."""

from .base import *

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-3f1c9b0e"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
