"""Double opt-in sign-up: every address gets the same answer, whatever its state.

New and unsubscribed addresses become pending and get a confirmation email;
pending ones get it again (at most CONFIRMATION_EMAIL_RATE_LIMIT per address);
confirmed ones get nothing. The row is written before the email is sent, so a
failed delivery never loses the subscriber: signing up again retries.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from newsletter.models import Subscriber
from shiporskip import ratelimit

log = logging.getLogger(__name__)


def _pending_subscriber(email: str) -> Subscriber:
    with transaction.atomic():
        subscriber = Subscriber.objects.for_email(email).select_for_update().first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    return Subscriber.objects.create(email=email)
            except IntegrityError:  # a concurrent sign-up of the same address won
                return Subscriber.objects.for_email(email).get()
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            subscriber.status = Subscriber.Status.PENDING
            subscriber.save(update_fields=["status"])
        return subscriber


def sign_up(email: str) -> Subscriber:
    """Record the address and send a confirmation when one is due.

    Raises the mail backend's error when sending fails; the row stays pending.
    """
    subscriber = _pending_subscriber(email)
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return subscriber
    rate = ratelimit.Rate.parse(settings.CONFIRMATION_EMAIL_RATE_LIMIT)
    if not ratelimit.hit("confirmation-email", email.lower(), rate):
        log.info("confirmation email to subscriber %s held back by the rate limit", subscriber.pk)
        return subscriber
    send_confirmation(subscriber)
    subscriber.confirmation_sent_at = timezone.now()
    subscriber.save(update_fields=["confirmation_sent_at"])
    return subscriber


def send_confirmation(subscriber: Subscriber) -> None:
    context = {
        "confirm_url": f"{settings.SITE_URL}{subscriber.confirm_url}",
        "valid_days": max(1, settings.NEWSLETTER_CONFIRM_MAX_AGE // 86400),
    }
    message = EmailMultiAlternatives(
        subject="Confirm your subscription to Weekly AI Tool Verdicts",
        body=render_to_string("emails/newsletter_confirm.txt", context),
        to=[subscriber.email],
    )
    message.attach_alternative(
        render_to_string("emails/newsletter_confirm.html", context), "text/html"
    )
    message.send()
