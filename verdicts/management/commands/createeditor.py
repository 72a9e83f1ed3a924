"""Create an editor: a staff user (never a superuser) in the Editors group."""

import getpass
import os

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q

from verdicts.editors import EDITORS_GROUP

PROMPT_ATTEMPTS = 3


class Command(BaseCommand):
    help = (
        "Create an editor who signs in to /admin/ with EMAIL as the username. "
        "Prompts for the password, or reads it from --password-from-env VAR."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of prompting.",
        )

    def handle(self, *args, email, password_from_env, **options):
        email = self._valid_email(email)
        group = Group.objects.filter(name=EDITORS_GROUP).first()
        if group is None:
            raise CommandError(f"The {EDITORS_GROUP} group is missing: run `manage.py migrate`.")
        user = User(username=email, email=email, is_staff=True, is_superuser=False)
        if password_from_env:
            password = self._password_from_env(password_from_env, user)
        else:
            password = self._prompt_password(user)
        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"Created editor {email}: sign in at /admin/."))

    def _valid_email(self, raw: str) -> str:
        # Lower-cased whole: it is also the username, which signing in matches exactly.
        email = raw.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{raw!r} is not a valid email address.") from None
        if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            raise CommandError(f"A user with the email {email} already exists.")
        return email

    def _password_from_env(self, name: str, user: User) -> str:
        password = os.environ.get(name, "")
        if not password:
            raise CommandError(f"The environment variable {name} is unset or empty.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from None
        return password

    def _prompt_password(self, user: User) -> str:
        for _ in range(PROMPT_ATTEMPTS):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write("Password refused: " + " ".join(error.messages))
                continue
            return password
        raise CommandError("No acceptable password given; no editor created.")
