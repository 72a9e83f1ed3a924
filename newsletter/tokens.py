"""Signed tokens in newsletter links: nothing to store, nothing to guess.

A confirmation token expires (NEWSLETTER_CONFIRM_MAX_AGE); an unsubscribe token
never does, because an old email must always let its reader leave, so it carries
no timestamp: a reader's unsubscribe link is the same in every message. Both
name the subscriber and the address, so a token stops working if the row is
reused for another address.
"""

from django.conf import settings
from django.core import signing

_CONFIRM_SALT = "newsletter.confirm"
_UNSUBSCRIBE_SALT = "newsletter.unsubscribe"


class InvalidToken(Exception):
    pass


class ExpiredToken(InvalidToken):
    pass


def confirm_token(subscriber) -> str:
    return signing.dumps([subscriber.pk, subscriber.email.lower()], salt=_CONFIRM_SALT)


def unsubscribe_token(subscriber) -> str:
    signer = signing.Signer(salt=_UNSUBSCRIBE_SALT)
    return signer.sign_object([subscriber.pk, subscriber.email.lower()], compress=True)


def _load(token: str, salt: str, max_age=None) -> tuple[int, str]:
    try:
        pk, email = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidToken from None
    return pk, email


def _load_unsubscribe(token: str) -> tuple[int, str]:
    try:
        pk, email = signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        # Links in messages sent before tokens lost their timestamp still work.
        return _load(token, _UNSUBSCRIBE_SALT)
    return pk, email


def subscriber_for_confirm_token(token: str):
    from newsletter.models import Subscriber

    pk, email = _load(token, _CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    return _subscriber(Subscriber, pk, email)


def subscriber_for_unsubscribe_token(token: str):
    from newsletter.models import Subscriber

    pk, email = _load_unsubscribe(token)
    return _subscriber(Subscriber, pk, email)


def _subscriber(model, pk, email):
    subscriber = model.objects.filter(pk=pk).first()
    if subscriber is None or subscriber.email.lower() != email:
        raise InvalidToken
    return subscriber
