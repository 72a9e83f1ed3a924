"""Signed tokens in newsletter links: nothing to store, nothing to guess.

A confirmation token expires (NEWSLETTER_CONFIRM_MAX_AGE); an unsubscribe token
never does, because an old email must always let its reader leave, so it carries
no timestamp: a reader's unsubscribe link is the same in every message. Both
name the subscriber and the address, so a token stops working if the row is
reused for another address. A confirmation token also carries the moment the
subscriber last left (Subscriber.left_marker): once they unsubscribe, a link sent
before cannot subscribe them again (StaleToken). Confirmation links minted before
the marker existed carry none: they still work for a pending subscriber who never
left. A verified-vote link (vote_token) names the subscriber, the address and
the issue, dated by the issue like the manage link, and expires
NEWSLETTER_VOTE_MAX_AGE after it.
"""

from django.conf import settings
from django.core import signing

_CONFIRM_SALT = "newsletter.confirm"
_UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
_MANAGE_SALT = "newsletter.manage"
_FOLLOW_SALT = "newsletter.follow"
_VOTE_SALT = "newsletter.vote"


class InvalidToken(Exception):
    pass


class ExpiredToken(InvalidToken):
    pass


class StaleToken(InvalidToken):
    """A confirmation link sent before the subscriber left: signing up again sends a new one."""


def confirm_token(subscriber) -> str:
    return signing.dumps(
        [subscriber.pk, subscriber.email.lower(), subscriber.left_marker], salt=_CONFIRM_SALT
    )


def unsubscribe_token(subscriber) -> str:
    signer = signing.Signer(salt=_UNSUBSCRIBE_SALT)
    return signer.sign_object([subscriber.pk, subscriber.email.lower()], compress=True)


def manage_token(subscriber, issued_at) -> str:
    """The token of a "manage your subscription" link dated `issued_at` (aware datetime).

    It carries its date instead of a signing timestamp, so the same message
    composed again (a re-run after a crash) carries the very same link; it
    expires NEWSLETTER_MANAGE_MAX_AGE seconds after that date.
    """
    signer = signing.Signer(salt=_MANAGE_SALT)
    return signer.sign_object(
        [subscriber.pk, subscriber.email.lower(), int(issued_at.timestamp())], compress=True
    )


def subscriber_for_manage_token(token: str, now=None):
    """The subscriber a manage link names. Raises ExpiredToken once the link is older
    than NEWSLETTER_MANAGE_MAX_AGE seconds (or dated in the future by more than a
    minute), InvalidToken for anything forged, damaged or naming another address."""
    import time

    from newsletter.models import Subscriber

    try:
        pk, email, issued = signing.Signer(salt=_MANAGE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidToken from None
    if not isinstance(issued, int):
        raise InvalidToken
    age = (time.time() if now is None else now.timestamp()) - issued
    if age > settings.NEWSLETTER_MANAGE_MAX_AGE or age < -60:
        raise ExpiredToken
    return _subscriber(Subscriber, pk, email)


def follow_confirm_token(follow) -> str:
    """The token of the link confirming `follow` (a Follow asked for on a tool page).

    Like a confirmation token it expires (NEWSLETTER_CONFIRM_MAX_AGE) and carries
    the subscriber's left_marker, so a link sent before they unsubscribed cannot
    subscribe them again.
    """
    subscriber = follow.subscriber
    return signing.dumps(
        [follow.pk, subscriber.pk, subscriber.email.lower(), subscriber.left_marker],
        salt=_FOLLOW_SALT,
    )


def follow_for_confirm_token(token: str):
    """The Follow (with its subscriber and tool) a follow confirmation link names.

    Raises ExpiredToken, StaleToken (the subscriber left after the link was sent and
    is not confirmed now) or InvalidToken (forged, damaged, the follow removed since,
    or its row now holds another address).
    """
    from newsletter.models import Follow, Subscriber

    value = _load(token, _FOLLOW_SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    try:
        follow_pk, subscriber_pk, email, left_marker = value
    except ValueError:
        raise InvalidToken from None
    follow = (
        Follow.objects.select_related("subscriber", "tool")
        .filter(pk=follow_pk, subscriber_id=subscriber_pk)
        .first()
    )
    if follow is None or follow.subscriber.email.lower() != email:
        raise InvalidToken
    subscriber = follow.subscriber
    if subscriber.status != Subscriber.Status.CONFIRMED and (
        subscriber.status == Subscriber.Status.UNSUBSCRIBED or left_marker != subscriber.left_marker
    ):
        raise StaleToken
    return follow


def _load(token: str, salt: str, max_age=None) -> list:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidToken from None
    if not isinstance(value, list):
        raise InvalidToken
    return value


def _load_unsubscribe(token: str) -> tuple[int, str]:
    try:
        pk, email = signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        # Links in messages sent before tokens lost their timestamp still work.
        try:
            pk, email = _load(token, _UNSUBSCRIBE_SALT)
        except ValueError:
            raise InvalidToken from None
    return pk, email


def subscriber_for_confirm_token(token: str):
    """The subscriber a confirmation link names, in any state but "left since".

    Raises ExpiredToken, StaleToken (the subscriber unsubscribed after the link
    was sent, whether or not they signed up again since) or InvalidToken. A
    confirmed subscriber is returned whatever the link's marker: confirming
    again changes nothing.
    """
    from newsletter.models import Subscriber

    value = _load(token, _CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    try:
        pk, email, *rest = value
        [left_marker] = rest or [0]  # links from before the marker: "never left"
    except ValueError:
        raise InvalidToken from None
    subscriber = _subscriber(Subscriber, pk, email)
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return subscriber
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED or (
        left_marker != subscriber.left_marker
    ):
        raise StaleToken
    return subscriber


def subscriber_for_unsubscribe_token(token: str):
    from newsletter.models import Subscriber

    pk, email = _load_unsubscribe(token)
    return _subscriber(Subscriber, pk, email)


def _subscriber(model, pk, email):
    subscriber = model.objects.filter(pk=pk).first()
    if subscriber is None or subscriber.email.lower() != email:
        raise InvalidToken
    return subscriber


def vote_token(subscriber, issue) -> str:
    """The token of an issue's verified-vote link for one reader.

    Dated by the issue (its created_at), not by a signing timestamp, so the same
    message composed again (a re-run after a crash) carries the very same link;
    it expires NEWSLETTER_VOTE_MAX_AGE seconds after that date.
    """
    signer = signing.Signer(salt=_VOTE_SALT)
    issued = int(issue.created_at.timestamp())
    return signer.sign_object(
        [subscriber.pk, subscriber.email.lower(), issue.pk, issued], compress=True
    )


def subscriber_and_issue_for_vote_token(token: str, now=None):
    """(subscriber, issue pk) a verified-vote link names, in any subscription state
    (the caller says what an unsubscribed reader may do). Raises ExpiredToken once
    the link is older than NEWSLETTER_VOTE_MAX_AGE seconds (or dated in the future
    by more than a minute), InvalidToken for anything forged, damaged or naming
    another address."""
    import time

    from newsletter.models import Subscriber

    try:
        pk, email, issue_pk, issued = signing.Signer(salt=_VOTE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidToken from None
    if not all(isinstance(value, int) for value in (pk, issue_pk, issued)):
        raise InvalidToken
    age = (time.time() if now is None else now.timestamp()) - issued
    if age > settings.NEWSLETTER_VOTE_MAX_AGE or age < -60:
        raise ExpiredToken
    return _subscriber(Subscriber, pk, email), issue_pk
