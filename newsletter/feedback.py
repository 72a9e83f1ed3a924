"""What the email service tells us about delivered mail, through its tracking
webhook (django-anymail parses and authenticates it): a hard bounce or a spam
complaint suppresses the address (Subscriber.suppressed_at: kept, marked with the
reason and date, never mailed again); a soft bounce is counted and the address
left deliverable, since the service retries it.

The webhook for a service answers only once it is secured: basic auth
(ANYMAIL_WEBHOOK_SECRET) for Postmark and SendGrid, Mailgun's HMAC signature
(ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY). Anymail refuses a post without the right
credentials or signature with 400; a service not configured answers 404, never
an open endpoint.
"""

import logging

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from anymail.webhooks.sendgrid import SendGridTrackingWebhookView
from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseNotFound
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from newsletter.models import Subscriber, Suppression
from shiporskip.lib.cross_origin import leave_csrf_cookie_alone
from shiporskip.lib.methods import allow_methods

log = logging.getLogger(__name__)

# /newsletter/esp/<esp>/tracking/ -> anymail's view, and the settings that secure it.
WEBHOOKS = {
    "postmark": (PostmarkTrackingWebhookView, "WEBHOOK_SECRET"),
    "mailgun": (MailgunTrackingWebhookView, "MAILGUN_WEBHOOK_SIGNING_KEY"),
    "sendgrid": (SendGridTrackingWebhookView, "WEBHOOK_SECRET"),
}
# Postmark reports these as "Bounce" records, which anymail calls bounced: the
# mailbox exists and may take mail later.
_POSTMARK_SOFT = {"SoftBounce", "Transient", "DnsError"}

HARD_BOUNCE = "hard bounce"
COMPLAINT = "complaint"
SOFT_BOUNCE = "soft bounce"


def classify(event: AnymailTrackingEvent) -> str | None:
    """HARD_BOUNCE, COMPLAINT, SOFT_BOUNCE, or None for events we do not act on
    (delivered, opened, ...)."""
    if event.event_type == EventType.COMPLAINED:
        return COMPLAINT
    if event.event_type == EventType.DEFERRED:
        return SOFT_BOUNCE
    if event.event_type == EventType.BOUNCED:
        raw = event.esp_event if isinstance(event.esp_event, dict) else {}
        return SOFT_BOUNCE if raw.get("Type") in _POSTMARK_SOFT else HARD_BOUNCE
    if event.event_type == EventType.REJECTED:
        # The service refused to send: its own suppression list already holds the address.
        if event.reject_reason in (RejectReason.BOUNCED, RejectReason.INVALID):
            return HARD_BOUNCE
        if event.reject_reason == RejectReason.SPAM:
            return COMPLAINT
    return None


def record(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """anymail's tracking signal: suppress or count the event's recipient."""
    kind = classify(event)
    if kind is None or not event.recipient:
        return
    subscribers = Subscriber.objects.for_email(event.recipient)
    if kind == SOFT_BOUNCE:
        changed = subscribers.count_soft_bounce()
    else:
        reason = Suppression.COMPLAINED if kind == COMPLAINT else Suppression.BOUNCED
        changed = subscribers.suppress(reason, at=event.timestamp or timezone.now())
    log.info("%s %s for subscriber rows: %d changed", esp_name, kind, changed)


@allow_methods("POST")  # outermost: it sees the view is csrf_exempt
@csrf_exempt  # the service signs or authenticates its posts; it has no CSRF token
def tracking_webhook(request, esp: str):
    """The email service's tracking post: 200 once recorded, 400 when refused
    (bad credentials, bad signature, a payload not understood), 404 for a
    service that is not configured, 405 for anything but POST."""
    # A machine's endpoint: never renew a stale csrftoken cookie on its answers.
    leave_csrf_cookie_alone(request)
    webhook = WEBHOOKS.get(esp)
    if webhook is None or not settings.ANYMAIL.get(webhook[1]):
        return HttpResponseNotFound("No tracking webhook is configured for this service.\n")
    view = webhook[0].as_view()
    try:
        return view(request)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        # Authenticated but not shaped as the service sends it.
        log.warning("%s tracking webhook: payload not understood (%r)", esp, error)
        return HttpResponseBadRequest("The payload is not a tracking event of this service.\n")
