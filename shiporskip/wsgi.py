"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from shiporskip.env import exit_on_bad_config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shiporskip.settings.prod")

with exit_on_bad_config():
    application = get_wsgi_application()
