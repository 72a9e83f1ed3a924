"""Email me when this verdict changes: a follow asked for on a tool page, with
the same double opt-in rules as sign-up (newsletter/signup.py).

- Every valid address gets the same answer and, within the limits, one email:
  the follow's confirmation link. Nothing changes until that link is opened and
  its button pressed (mail scanners follow links: the follow happens on POST).
- The address's row is made pending as sign-up makes it (a new address gets a
  row; an unsubscribed one becomes pending and must confirm like a new
  sign-up), and the follow is stored unconfirmed (Follow.confirmed_at NULL).
- Confirming confirms the follow; a reader who was not a confirmed subscriber
  becomes one with digest_scope "followed": they asked for this tool, not for
  the whole newsletter. A confirmed subscriber just gains the follow.
- A suppressed address is never mailed; the answer is the same.

The email counts against the same per-address limit as sign-up's
(CONFIRMATION_EMAIL_RATE_LIMIT). It is sent during the request; the follow's
confirmation_due_at is written first and cleared once sent, so a failed send
stays due and `send_pending_confirmations` sends it later. A subscriber holds
at most NEWSLETTER_MAX_FOLLOWS follows, unconfirmed ones included, so strangers
typing someone's address cannot pile up rows.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from newsletter import tokens
from newsletter.models import Follow, Subscriber
from newsletter.signup import pending_subscriber
from shiporskip import ratelimit

log = logging.getLogger(__name__)


class TooManyFollows(Exception):
    """The subscriber already follows NEWSLETTER_MAX_FOLLOWS tools and categories."""

    def __init__(self):
        super().__init__(
            f"You already follow {settings.NEWSLETTER_MAX_FOLLOWS} tools and categories, "
            "the most one subscription can hold. Unfollow some on your manage page first."
        )


def _pending_follow(subscriber: Subscriber, tool, confirmation_due: bool) -> Follow | None:
    """The subscriber's follow of `tool`, stored unconfirmed when new; None when the
    subscriber is at the cap. confirmation_due marks its email as owed."""
    due_at = timezone.now() if confirmation_due else None
    with transaction.atomic():
        follow = Follow.objects.select_for_update().filter(subscriber=subscriber, tool=tool).first()
        if follow is None:
            if subscriber.follows.count() >= settings.NEWSLETTER_MAX_FOLLOWS:
                return None
            try:
                with transaction.atomic():
                    follow = Follow.objects.create(
                        subscriber=subscriber, tool=tool, confirmation_due_at=due_at
                    )
            except IntegrityError:  # a concurrent request for the same follow won
                follow = Follow.objects.select_for_update().get(subscriber=subscriber, tool=tool)
        if follow.confirmed_at is None and due_at:
            follow.confirmation_due_at = due_at
            follow.save(update_fields=["confirmation_due_at"])
    follow.subscriber = subscriber
    follow.tool = tool
    return follow


def ask_to_follow(email: str, tool) -> None:
    """Record that `email` asks to follow `tool` (a published Tool) and mail the
    confirmation link its state calls for.

    Never raises for a mail failure (it is logged and the confirmation stays due),
    so the caller answers every valid address alike.
    """
    rate = ratelimit.Rate.parse(settings.CONFIRMATION_EMAIL_RATE_LIMIT)
    within_limit = ratelimit.hit("confirmation-email", email.lower(), rate)
    subscriber = pending_subscriber(email, confirmation_due=False)
    owed = within_limit and not subscriber.is_suppressed
    follow = _pending_follow(subscriber, tool, confirmation_due=owed)
    if follow is None:
        log.info("follow by subscriber %s not stored: at the cap", subscriber.pk)
        return
    if not within_limit:
        log.info("follow email to subscriber %s held back by the rate limit", subscriber.pk)
        return
    if subscriber.is_suppressed:
        log.info("follow email to subscriber %s not sent: address suppressed", subscriber.pk)
        return
    try:
        follow_confirmation_message(follow).send()
    except OSError:  # smtplib's errors are OSErrors too
        log.warning("follow email to subscriber %s not sent", subscriber.pk, exc_info=True)
        return
    Follow.objects.filter(pk=follow.pk).confirmation_sent()


def follow_confirmation_message(follow: Follow, connection=None) -> EmailMultiAlternatives:
    """The email with the link confirming `follow` (its subscriber and tool loaded),
    plain text and HTML."""
    subscriber = follow.subscriber
    token = tokens.follow_confirm_token(follow)
    context = {
        "tool_name": follow.tool.name,
        "confirm_url": f"{settings.SITE_URL}{reverse('newsletter:follow_confirm', args=[token])}",
        "valid_days": max(1, settings.NEWSLETTER_CONFIRM_MAX_AGE // 86400),
        "subscribing": subscriber.status != Subscriber.Status.CONFIRMED,
    }
    template = "emails/newsletter_follow_confirm"
    message = EmailMultiAlternatives(
        subject=f"Confirm: email me when the verdict on {follow.tool.name} changes",
        body=render_to_string(f"{template}.txt", context),
        to=[subscriber.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def confirm_follow(follow: Follow) -> bool:
    """Put `follow` in force, in one transaction; True when this also made its reader
    a confirmed subscriber (digest_scope "followed"). Confirming again changes
    nothing. Raises TooManyFollows when the subscriber is at the cap."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=follow.subscriber_id)
        locked = Follow.objects.select_for_update().get(pk=follow.pk)
        if locked.confirmed_at is not None:
            return False
        if subscriber.follows.confirmed().count() >= settings.NEWSLETTER_MAX_FOLLOWS:
            raise TooManyFollows
        subscribed = subscriber.status != Subscriber.Status.CONFIRMED
        if subscribed:
            subscriber.confirm()
            subscriber.digest_scope = Subscriber.DigestScope.FOLLOWED
            subscriber.save(update_fields=["digest_scope"])
        locked.confirmed_at = timezone.now()
        locked.confirmation_due_at = None
        locked.save(update_fields=["confirmed_at", "confirmation_due_at"])
    follow.confirmed_at = locked.confirmed_at
    follow.subscriber = subscriber
    return subscribed
