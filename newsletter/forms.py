from django import forms
from django.contrib.auth.base_user import BaseUserManager


class SubscribeForm(forms.Form):
    email = forms.EmailField(
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
