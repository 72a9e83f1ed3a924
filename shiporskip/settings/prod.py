"""Production: refuses to start without its secrets and host names."""

from shiporskip.env import env_list, env_required

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_required("SECRET_KEY", "a long random string, e.g. from `openssl rand -hex 32`")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [
    env_required("ALLOWED_HOSTS", "comma-separated host names, e.g. shiporskip.example")
]
