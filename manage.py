#!/usr/bin/env python
"""Django's command-line utility for Ship or Skip."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shiporskip.settings.dev")
    from django.core.management import execute_from_command_line

    from shiporskip.env import exit_on_bad_config

    with exit_on_bad_config():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
