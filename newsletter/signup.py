"""Double opt-in sign-up: every valid address gets the same answer, the same work
and one email, whatever its state, so nobody can learn who subscribes.

- New, pending and unsubscribed addresses become pending and are sent the
  confirmation link.
- Confirmed addresses are sent a short note: already subscribed, with their
  unsubscribe link. Sending them nothing would answer faster, and sending the
  note keeps a sign-up by someone else from going unnoticed.

An address the email service reported as bouncing or complaining
(Subscriber.suppressed_at) is sent nothing, whatever its state.

Either email counts against the same per-address limit
(CONFIRMATION_EMAIL_RATE_LIMIT); over it, nothing is sent, whatever the state.
The email is sent during the request, as the only SMTP connection of the
request, so the answer takes as long for every address. When sending fails the
page is the same: the confirmation stays due (Subscriber.confirmation_due_at,
written before sending) and `send_pending_confirmations` sends it later. A
failed note to a confirmed address is not retried: it asks nothing of them.
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


def pending_subscriber(email: str, confirmation_due: bool) -> Subscriber:
    """The row for the address, pending unless confirmed; confirmation_due marks a
    confirmation as owed (cleared once sent)."""
    due_at = timezone.now() if confirmation_due else None
    with transaction.atomic():
        subscriber = Subscriber.objects.for_email(email).select_for_update().first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    return Subscriber.objects.create(email=email, confirmation_due_at=due_at)
            except IntegrityError:  # a concurrent sign-up of the same address won
                subscriber = Subscriber.objects.for_email(email).select_for_update().get()
        if subscriber.status != Subscriber.Status.CONFIRMED:
            subscriber.status = Subscriber.Status.PENDING
            subscriber.confirmation_due_at = due_at or subscriber.confirmation_due_at
        # Saved even when confirmed (nothing changes): the same statements for every
        # state, so the answer takes as long.
        subscriber.save(update_fields=["status", "confirmation_due_at"])
        return subscriber


def sign_up(email: str) -> None:
    """Record the address and send it the one email its state calls for.

    Never raises for a mail failure (it is logged, and a confirmation stays due),
    so the caller answers every valid address alike.
    """
    rate = ratelimit.Rate.parse(settings.CONFIRMATION_EMAIL_RATE_LIMIT)
    within_limit = ratelimit.hit("confirmation-email", email.lower(), rate)
    subscriber = pending_subscriber(email, confirmation_due=within_limit)
    if not within_limit:
        log.info("email to subscriber %s held back by the rate limit", subscriber.pk)
        return
    if subscriber.is_suppressed:
        # The email service reported a hard bounce or a complaint: mailing it again
        # would hurt the sender's reputation. The page still answers alike.
        log.info("email to subscriber %s not sent: address suppressed", subscriber.pk)
        return
    confirmed = subscriber.status == Subscriber.Status.CONFIRMED
    message = (
        already_subscribed_message(subscriber) if confirmed else confirmation_message(subscriber)
    )
    try:
        message.send()
    except OSError:  # smtplib's errors are OSErrors too
        log.warning("sign-up email to subscriber %s not sent", subscriber.pk, exc_info=True)
        return
    # Run for every state (it changes no row of a confirmed subscriber), as above.
    Subscriber.objects.filter(pk=subscriber.pk).confirmation_sent()


def confirmation_message(subscriber: Subscriber, connection=None) -> EmailMultiAlternatives:
    """The email with the subscriber's confirmation link, plain text and HTML."""
    context = {
        "confirm_url": f"{settings.SITE_URL}{subscriber.confirm_url}",
        "valid_days": max(1, settings.NEWSLETTER_CONFIRM_MAX_AGE // 86400),
    }
    return _message(
        subscriber,
        "Confirm your subscription to Weekly AI Tool Verdicts",
        "emails/newsletter_confirm",
        context,
        connection,
    )


def already_subscribed_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    """The note to a confirmed address signed up again, with its unsubscribe link."""
    context = {"unsubscribe_url": f"{settings.SITE_URL}{subscriber.unsubscribe_url}"}
    return _message(
        subscriber,
        "You are already subscribed to Weekly AI Tool Verdicts",
        "emails/newsletter_already_subscribed",
        context,
    )


def _message(subscriber, subject, template, context, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[subscriber.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
