"""Delivering issues: one message per subscriber on one SMTP connection, each
delivery recorded in its own committed transaction.

A run reads the deliveries DELIVERY_BATCH at a time by ascending pk, each batch
with its subscribers in one query (memory stays flat however many there are).
For each delivery it
1. checks the subscriber as the batch read them: one who left since the issue was
   composed is not sent it, nor one who paused it (Subscriber.paused_at), nor an
   address the email service reported as bouncing or complaining
   (Subscriber.suppressed_at, newsletter/feedback.py); the claim (4) checks again;
2. builds the message from stored rows only (the issue, its stored changes, the
   delivery's snapshot: newsletter/personal.py) and serialises it to the exact
   bytes to send; a message that cannot be built (a line break in a stored
   subject or address, any other error while building) marks the delivery
   failed with the reason and the run goes on;
3. sends MAIL FROM and RCPT TO; a refused recipient marks the delivery failed (a
   later run retries it, up to NEWSLETTER_MAX_ATTEMPTS) and the run goes on;
4. claims the delivery: status "sending", committed, only if still pending or failed;
5. transmits the prepared bytes (DATA); and
6. marks it "sent" with the time and the Message-ID.

Each status change moves the issue's stored count of that status in the same
transaction (newsletter/delivery_counts.py).

Nothing a single row holds can stop the run or leave its delivery "sending":
everything that can fail because of the row happens before the claim, and a
refusal of the message itself after it (a 5xx answer to DATA) marks it failed.
A run that dies before step 4 leaves the delivery pending: the next run sends it.
One that dies between 4 and 6, or loses the connection while waiting for the
server's answer to DATA, leaves it "sending", and nothing tells whether the
server took the message. We prefer nobody receiving an issue twice
(at-most-once): runs never resend a "sending" delivery by themselves. They report
it with its Message-ID; `send_weekly_digest --requeue-interrupted` makes such
deliveries pending again once an operator has checked the mail server's log.
Any other failure of the server or the connection stops the run; what was not
sent stays pending.

A message is the same on every attempt except its Message-ID (each attempt's
own, so the mail server's log tells the attempts apart: see --requeue-interrupted)
and its Date (when it was sent). Its MIME boundary is derived from its bodies,
so a re-run after a crash sends the very same bytes otherwise.

Through an email service's API (ANYMAIL_ESP) steps 3 and 5 are one request: a
clear refusal of the message (AnymailRecipientsRefused, a 4xx about the message)
marks it failed; any other error, or no answer, leaves it "sending" and stops
the run, as a lost connection after DATA does.
"""

import contextlib
import hashlib
import smtplib
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection, make_msgid
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from newsletter import delivery_counts, personal, verified
from newsletter.digest import NEWSLETTER_NAME
from newsletter.models import Delivery, Issue, Subscriber

# RFC 5321: 421 means the server is closing the connection, whatever the command.
SERVICE_CLOSING = 421
# Answers of an email service's API that refuse the one message (a bad or inactive
# address, an unacceptable message); 401, 429 or 5xx concern every message.
SERVICE_REFUSED_MESSAGE = {400, 404, 409, 413, 415, 422}
# The states a run may (re)send from.
RETRYABLE = [Delivery.Status.PENDING, Delivery.Status.FAILED]
# Deliveries read at a time, each batch with its subscribers in one query.
DELIVERY_BATCH = 500


def _site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def build_message(
    issue: Issue,
    to: str,
    unsubscribe_url: str | None,
    manage_url: str | None = None,
    delivery: Delivery | None = None,
    vote_url: str | None = None,
) -> EmailMultiAlternatives:
    """The issue as one reader's message, personalised from the delivery's snapshot
    (scope and followed tools) when given; unsubscribe_url=None for an editor's test
    copy (no lead, the sign-up page in place of the reader's links). vote_url: the
    reader's verified-vote page (newsletter/verified.py)."""
    subscribe = f"{settings.SITE_URL}{reverse('newsletter:subscribe')}"
    links = personal.ReaderLinks(
        unsubscribe_url=unsubscribe_url or subscribe,
        manage_url=manage_url or subscribe,
        vote_url=vote_url or subscribe,
    )
    scope = delivery.digest_scope if delivery else Subscriber.DigestScope.EVERYTHING
    followed = delivery.followed_tool_ids if delivery else []
    subject, html_body, text_body = personal.compose_message(issue, scope, followed, links)
    headers = {
        "Message-ID": make_msgid(domain=_site_domain()),
        "List-Id": f"{NEWSLETTER_NAME} <weekly.{_site_domain()}>",
    }
    if unsubscribe_url:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the URL.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject if unsubscribe_url else f"[Test copy] {subject}",
        body=text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html_body, "text/html")
    return message


@dataclass(frozen=True)
class Prepared:
    """One message ready to go: its envelope and the exact bytes to send as DATA."""

    message: EmailMultiAlternatives
    sender: str
    recipient: str
    data: bytes

    @property
    def message_id(self) -> str:
        return self.message.extra_headers["Message-ID"]


def prepare(message: EmailMultiAlternatives) -> Prepared:
    """Serialise a one-recipient message now, so nothing about it can fail once claimed.

    Raises ValueError (Django's BadHeaderError is one) when a header holds a line
    break, an address cannot be encoded, or the envelope is not plain ASCII, which
    smtplib would refuse mid-session.
    """
    encoding = message.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(message.from_email, encoding)
    [recipient] = [sanitize_address(to, encoding) for to in message.recipients()]
    for address in (sender, recipient):
        address.encode("ascii")  # UnicodeEncodeError is a ValueError
    mime = message.message()
    if mime.is_multipart():
        # Python picks a random boundary; one derived from the bodies keeps a
        # re-sent message's bytes the same (a digest of the bodies cannot
        # practically occur in them).
        parts = "\0".join([message.body, *(content for content, _ in message.alternatives)])
        mime.set_boundary(f"=={hashlib.sha256(parts.encode()).hexdigest()[:40]}==")
    data = mime.as_bytes(linesep="\r\n")
    return Prepared(message=message, sender=sender, recipient=recipient, data=data)


class Transport:
    """The run's mail connection, sending a message in two steps: address, transmit.

    Over SMTP the steps are MAIL FROM + RCPT TO, then DATA, so a delivery is
    claimed only once its recipient is accepted. Other backends (the console in
    development, locmem) send in the second step.
    """

    def __init__(self):
        self.backend = get_connection()
        self.is_smtp = isinstance(self.backend, SMTPBackend)

    def __enter__(self):
        self.backend.open()
        return self

    def __exit__(self, *exc):
        # The run's outcome is already recorded; a failed QUIT changes nothing.
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self.backend.close()

    def address(self, prepared: Prepared) -> None:
        if not self.is_smtp:
            return
        smtp = self.backend.connection
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(prepared.sender)
        if code != 250:
            self._reset(code)
            raise smtplib.SMTPSenderRefused(code, reply, prepared.sender)
        code, reply = smtp.rcpt(prepared.recipient)
        if code not in (250, 251):
            self._reset(code)
            raise smtplib.SMTPRecipientsRefused({prepared.recipient: (code, reply)})

    def transmit(self, prepared: Prepared) -> None:
        """Raises MessageRefused when an email service's API refused this message
        alone; its other errors as OSErrors, like a lost connection."""
        if not self.is_smtp:
            try:
                self.backend.send_messages([prepared.message])
            except AnymailRecipientsRefused as error:
                raise MessageRefused(f"refused by the email service: {error}") from error
            except AnymailAPIError as error:
                if getattr(error, "status_code", None) in SERVICE_REFUSED_MESSAGE:
                    raise MessageRefused(f"refused by the email service: {error}") from error
                # No clear answer: the service may have taken it, as after DATA.
                raise ConnectionError(f"the email service: {error}") from error
            return
        smtp = self.backend.connection
        code, reply = smtp.data(prepared.data)
        if code != 250:
            self._reset(code)
            raise smtplib.SMTPDataError(code, reply)

    def reset(self) -> None:
        if self.is_smtp:
            self._reset(250)

    def _reset(self, code: int) -> None:
        smtp = self.backend.connection
        if code == SERVICE_CLOSING:
            smtp.close()
            return
        # Disconnected: the caller raises the error that matters.
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            smtp.rset()


class MessageRefused(Exception):
    """The email service's API refused this one message: nothing was sent."""


class DeliveryStopped(Exception):
    """The mail server cannot take more messages in this run."""


def _refused(error: smtplib.SMTPException) -> str | None:
    """The server's answer when it refused this one message, else None."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        [(code, reply)] = error.recipients.values()
    elif isinstance(error, smtplib.SMTPDataError):
        code, reply = error.smtp_code, error.smtp_error
    else:
        return None
    if code == SERVICE_CLOSING:
        return None
    if isinstance(reply, bytes):
        reply = reply.decode(errors="replace")
    return f"{code} {reply}"


# Enough of an exception's text to recognise it in the admin and the summary.
REASON_LENGTH = 200


def _unbuildable(error: Exception) -> str:
    """The reason recorded for a message that could not be built: 'cannot build: …'.

    Line breaks in it are shown as \\r and \\n: the reason is printed on one line.
    """
    text = str(error).replace("\r", "\\r").replace("\n", "\\n")
    return f"cannot build: {type(error).__name__}: {text}"[:REASON_LENGTH]


def _fail(delivery: Delivery, error: str, was: list[str]) -> None:
    delivery_counts.set_status(
        delivery.pk,
        delivery.issue_id,
        was,
        Delivery.Status.FAILED,
        attempts=F("attempts") + 1,
        last_error=error,
        last_attempt_at=timezone.now(),
    )


def _claim(delivery: Delivery, message_id: str) -> bool:
    """Take the delivery for this run; False if another run took it, the reader left
    or paused, or the address was suppressed meanwhile."""
    claimable = Q(
        subscriber__status=Subscriber.Status.CONFIRMED,
        subscriber__suppressed_at__isnull=True,
        subscriber__paused_at__isnull=True,
    )
    return (
        delivery_counts.set_status(
            delivery.pk,
            delivery.issue_id,
            RETRYABLE,
            Delivery.Status.SENDING,
            where=claimable,
            message_id=message_id,
            last_attempt_at=timezone.now(),
        )
        is not None
    )


@dataclass(frozen=True)
class Result:
    """What became of one delivery: its new status, and why when it failed."""

    status: str
    reason: str = ""


def _not_sent(delivery: Delivery, status: str) -> Result:
    delivery_counts.set_status(delivery.pk, delivery.issue_id, RETRYABLE, status)
    return Result(status)


def deliver_one(transport: Transport, delivery: Delivery, issue: Issue) -> Result:
    """Send one delivery (read by _batch(): its subscriber and snapshot loaded).
    Raises DeliveryStopped when the server or connection fails."""
    subscriber = delivery.subscriber
    if subscriber.is_suppressed:
        # The email service reported a hard bounce or a complaint: never again.
        return _not_sent(delivery, Delivery.Status.SUPPRESSED)
    if subscriber.status != Subscriber.Status.CONFIRMED:
        return _not_sent(delivery, Delivery.Status.CANCELLED)
    if subscriber.paused_at is not None:
        # Paused after the issue was stored: nothing is sent until they resume,
        # and this issue is not kept for then.
        return _not_sent(delivery, Delivery.Status.PAUSED)
    try:
        prepared = prepare(
            build_message(
                issue,
                subscriber.email,
                f"{settings.SITE_URL}{subscriber.unsubscribe_url}",
                # Dated by the issue, so every attempt carries the same link.
                manage_url=f"{settings.SITE_URL}{subscriber.manage_url(issue.created_at)}",
                delivery=delivery,
                vote_url=f"{settings.SITE_URL}{verified.vote_url(subscriber, issue)}",
            )
        )
    except Exception as error:  # whatever is wrong with this one row must not stop the run
        reason = _unbuildable(error)
        _fail(delivery, reason, was=RETRYABLE)
        return Result(Delivery.Status.FAILED, reason)
    try:
        transport.address(prepared)
    except (OSError, smtplib.SMTPException) as error:
        if refusal := _refused(error):
            _fail(delivery, refusal, was=RETRYABLE)
            return Result(Delivery.Status.FAILED, refusal)
        raise DeliveryStopped(str(error) or type(error).__name__) from error
    if not _claim(delivery, prepared.message_id):
        transport.reset()
        return Result(Delivery.Status.PENDING)
    try:
        transport.transmit(prepared)
    except MessageRefused as error:
        reason = str(error)[:REASON_LENGTH]
        _fail(delivery, reason, was=[Delivery.Status.SENDING])
        return Result(Delivery.Status.FAILED, reason)
    except (OSError, smtplib.SMTPException) as error:
        if refusal := _refused(error):
            _fail(delivery, refusal, was=[Delivery.Status.SENDING])
            return Result(Delivery.Status.FAILED, refusal)
        # No answer to DATA: the server may have taken it. Left "sending".
        raise DeliveryStopped(str(error) or type(error).__name__) from error
    except Exception as error:  # a non-SMTP backend choking on this one message
        reason = _unbuildable(error)
        _fail(delivery, reason, was=[Delivery.Status.SENDING])
        return Result(Delivery.Status.FAILED, reason)
    # Claimed by this run, so "sending" unless an operator requeued it meanwhile:
    # recorded sent whatever it is now, its count moved from the status it had.
    delivery_counts.set_status(
        delivery.pk,
        delivery.issue_id,
        [
            Delivery.Status.SENDING,
            *(s for s in Delivery.Status.values if s != Delivery.Status.SENDING),
        ],
        Delivery.Status.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    return Result(Delivery.Status.SENT)


@dataclass
class Outcome:
    """Counts of one or more runs' deliveries, with each failure reason's count."""

    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    suppressed: int = 0
    paused: int = 0  # paused readers: none stored for them, or paused since
    nothing_followed: int = 0  # only what they follow, and nothing of it changed
    stopped: str = ""  # why the run stopped early, if it did
    reasons: Counter = field(default_factory=Counter)  # failure reason -> deliveries

    def add(self, other: "Outcome") -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.cancelled += other.cancelled
        self.suppressed += other.suppressed
        self.paused += other.paused
        self.nothing_followed += other.nothing_followed
        self.stopped = self.stopped or other.stopped
        self.reasons.update(other.reasons)

    def count(self, result: Result) -> None:
        self.sent += result.status == Delivery.Status.SENT
        self.cancelled += result.status == Delivery.Status.CANCELLED
        self.suppressed += result.status == Delivery.Status.SUPPRESSED
        self.paused += result.status == Delivery.Status.PAUSED
        if result.status == Delivery.Status.FAILED:
            self.failed += 1
            self.reasons[result.reason] += 1


def _batch(deliveries, after: int, size: int) -> list[Delivery]:
    """The next `size` deliveries after pk `after`, with what sending them reads of
    their subscribers: one query."""
    return list(
        deliveries.filter(pk__gt=after)
        .order_by("pk")
        .select_related("subscriber")
        .only(
            "issue_id",
            "digest_scope",
            "followed_tool_ids",
            "subscriber__email",
            "subscriber__status",
            "subscriber__suppressed_at",
            "subscriber__paused_at",
        )[:size]
    )


def deliver(deliveries, batch_size: int = DELIVERY_BATCH) -> Outcome:
    """Send a queryset of deliveries in order on one connection; stop when the server fails.

    Queries: one per batch of deliveries, one for each issue they belong to, and
    the claim and the record of each message, each with its issue's counts;
    composing costs none.
    """
    outcome = Outcome()
    batch = _batch(deliveries, after=0, size=batch_size)
    if not batch:
        return outcome
    issues: dict[int, Issue] = {}
    try:
        with Transport() as transport:
            while batch:
                missing = {delivery.issue_id for delivery in batch} - issues.keys()
                if missing:
                    issues.update(Issue.objects.in_bulk(missing))
                for delivery in batch:
                    outcome.count(deliver_one(transport, delivery, issues[delivery.issue_id]))
                batch = _batch(deliveries, after=batch[-1].pk, size=batch_size)
    except DeliveryStopped as error:
        outcome.stopped = str(error)
    except (OSError, smtplib.SMTPException) as error:  # could not connect at all
        outcome.stopped = str(error) or type(error).__name__
    return outcome
