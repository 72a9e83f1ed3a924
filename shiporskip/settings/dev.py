"""Local development: DEBUG on, console email, the embedded SQLite database."""

from shiporskip.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
