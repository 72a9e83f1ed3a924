"""Throttling editors' sign-in to the admin (django-axes): the page a locked-out
sign-in gets.

Settings (shiporskip/settings/base.py) lock an account after
ADMIN_LOGIN_FAILURE_LIMIT failed sign-ins from anywhere, and an address after as
many failures for any accounts, for ADMIN_LOGIN_COOLOFF_MINUTES; the address is
the one rate limits use (shiporskip.ratelimit.client_address). An operator
unlocks early with `manage.py axes_reset_username <email>` or
`manage.py axes_reset_ip <address>` (README, "Editors").
"""

from axes.helpers import get_cool_off
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 Too Many Requests in the admin's look, saying why
    sign-in is refused and when to try again, with Retry-After in seconds. Every
    attempt during the lockout starts the wait again (Axes' default), so the time
    given is counted from this attempt."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in paused",
        "retry_minutes": round(cool_off.total_seconds() / 60),
        "retry_at": timezone.now() + cool_off,
    }
    response = render(request, "admin/locked_out.html", context, status=429, using="django")
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
