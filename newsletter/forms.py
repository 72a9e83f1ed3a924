"""The newsletter's sign-up form: an address, and a honeypot for naive bots."""

from django import forms
from django.contrib.auth.base_user import BaseUserManager

from newsletter.addresses import validate_public_domain


class ReaderEmailField(forms.EmailField):
    """An email field that refuses IP-literal and dotless domains with their own message.

    That check runs first, so `a@127.0.0.1` (which Django's syntax check also
    refuses) is told why rather than only "not valid".
    """

    def run_validators(self, value):
        if value not in self.empty_values:
            validate_public_domain(value)
        super().run_validators(value)


class SubscribeForm(forms.Form):
    email = ReaderEmailField(
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter a valid email address, like you@example.com.",
        },
    )
    # Honeypot: hidden from people, filled in by naive bots.
    website = forms.CharField(required=False)

    def clean_email(self):
        return BaseUserManager.normalize_email(self.cleaned_data["email"].strip())

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
