"""The signed "manage your subscription" link: same link for the same email date,
refused when forged, damaged, for another address or expired."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsletter import tokens
from newsletter.models import Follow, Subscriber
from verdicts.models import Category

pytestmark = pytest.mark.django_db


def confirmed(email="reader@example.com") -> Subscriber:
    return Subscriber.objects.create(
        email=email, status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
    )


def test_the_same_email_date_gives_the_same_link():
    subscriber = confirmed()
    issued = timezone.now()
    assert subscriber.manage_url(issued) == subscriber.manage_url(issued)
    assert subscriber.manage_url(issued) != subscriber.manage_url(issued - timedelta(days=7))


def test_a_valid_link_shows_the_subscription_and_its_follows(client):
    subscriber = confirmed()
    category = Category.objects.create(name="Coding agents")
    Follow.objects.create(subscriber=subscriber, category=category, confirmed_at=timezone.now())
    page = client.get(subscriber.manage_url(timezone.now()))
    assert page.status_code == 200
    body = page.content.decode()
    assert "reader@example.com" in body
    assert "Coding agents" in body
    assert "private" in page["Cache-Control"]


def test_forged_damaged_and_foreign_links_are_refused(client):
    subscriber = confirmed()
    other = confirmed("other@example.com")
    url = subscriber.manage_url(timezone.now())
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert client.get(f"/newsletter/manage/{forged}/").status_code == 400
    assert client.get(f"/newsletter/manage/{token[:20]}/").status_code == 400
    # A link minted for a row that now holds another address.
    other_url = other.manage_url(timezone.now())
    other.email = "changed@example.com"
    other.save()
    assert client.get(other_url).status_code == 400


def test_an_expired_link_is_refused(client, settings):
    subscriber = confirmed()
    settings.NEWSLETTER_MANAGE_MAX_AGE = 3600
    old = subscriber.manage_url(timezone.now() - timedelta(hours=2))
    answer = client.get(old)
    assert answer.status_code == 400
    assert "expired" in answer.content.decode()
    with pytest.raises(tokens.ExpiredToken):
        tokens.subscriber_for_manage_token(old.rstrip("/").rsplit("/", 1)[1])
