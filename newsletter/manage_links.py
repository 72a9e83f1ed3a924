"""A fresh "manage your subscription" link for a reader whose link expired.

The reader types their address; the page answers the same whatever it is
(newsletter/signup.py explains why). Within the limits every address not
suppressed gets one email, sent during the request, so the answer takes as long
whatever the address:

- a confirmed subscriber: a manage link dated now (Subscriber.manage_url);
- any other address (unknown, pending, unsubscribed): a short note that it is
  not subscribed, with the sign-up link. No row is stored for it.

A suppressed address is sent nothing. Each email counts against the same
per-address limit as sign-up's (CONFIRMATION_EMAIL_RATE_LIMIT). A failed send
is logged, not retried: the reader can ask again.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Subscriber
from shiporskip import ratelimit

log = logging.getLogger(__name__)


def send_fresh_manage_link(email: str) -> None:
    """Mail `email` (a cleaned address) what its state calls for: see the module.
    Never raises for a mail failure."""
    rate = ratelimit.Rate.parse(settings.CONFIRMATION_EMAIL_RATE_LIMIT)
    if not ratelimit.hit("confirmation-email", email.lower(), rate):
        log.info("manage link email held back by the rate limit")
        return
    subscriber = Subscriber.objects.for_email(email).first()
    if subscriber is not None and subscriber.is_suppressed:
        log.info("manage link to subscriber %s not sent: address suppressed", subscriber.pk)
        return
    confirmed = subscriber is not None and subscriber.status == Subscriber.Status.CONFIRMED
    message = manage_link_message(subscriber if confirmed else None, email)
    try:
        message.send()
    except OSError:  # smtplib's errors are OSErrors too
        log.warning("manage link email not sent", exc_info=True)


def manage_link_message(subscriber: Subscriber | None, email: str) -> EmailMultiAlternatives:
    """The email to `email`: the confirmed `subscriber`'s fresh manage link, or
    (subscriber None) the note that the address is not subscribed."""
    context = {
        "manage_url": (
            f"{settings.SITE_URL}{subscriber.manage_url(timezone.now())}" if subscriber else ""
        ),
        "subscribe_url": f"{settings.SITE_URL}{reverse('newsletter:subscribe')}",
        "valid_days": max(1, settings.NEWSLETTER_MANAGE_MAX_AGE // 86400),
    }
    subject = (
        "Your link to manage your Weekly AI Tool Verdicts subscription"
        if subscriber
        else "No Weekly AI Tool Verdicts subscription at this address"
    )
    template = "emails/newsletter_manage_link"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[subscriber.email if subscriber else email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
