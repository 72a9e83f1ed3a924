"""Confirmation links are bound to the subscriber's state: one sent before they
unsubscribed cannot bring them back, and one opened after confirming says so."""

import re

import pytest
from django.core import signing

from newsletter.models import Subscriber
from tests.html import text_of

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/subscribe/"


def confirm_path(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/newsletter/confirm/\S+/)", text).group(1)


def test_a_link_used_after_unsubscribing_is_refused_and_does_not_resubscribe(client, smtp_server):
    client.post(SUBSCRIBE, {"email": "reader@example.com"})
    [(_, message)] = smtp_server.wait_for(1)
    link = confirm_path(message)
    client.post(link)
    subscriber = Subscriber.objects.get()
    client.post(subscriber.unsubscribe_url)

    for method in (client.get, client.post):
        response = method(link)
        assert response.status_code == 400
        text = text_of(response.content.decode())
        assert "This confirmation link is no longer valid" in text
        assert "sign up below" in text
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_after_signing_up_again_only_the_new_link_confirms(client, smtp_server):
    subscriber = Subscriber.objects.create(email="back@example.com", status="confirmed")
    old_link = subscriber.confirm_url  # as sent before they left
    subscriber.unsubscribe()

    client.post(SUBSCRIBE, {"email": "back@example.com"})
    [(_, message)] = smtp_server.wait_for(1)
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    assert client.post(old_link).status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    response = client.post(confirm_path(message))
    assert response.status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_a_link_opened_after_confirming_says_already_subscribed(client, smtp_server):
    client.post(SUBSCRIBE, {"email": "twice@example.com"})
    [(_, message)] = smtp_server.wait_for(1)
    link = confirm_path(message)
    first = client.post(link)
    assert "You are subscribed" in text_of(first.content.decode())

    for method in (client.get, client.post):
        response = method(link)
        assert response.status_code == 200
        assert "You are already subscribed" in text_of(response.content.decode())
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_a_link_sent_before_links_carried_the_state_still_confirms_a_pending_reader(client):
    subscriber = Subscriber.objects.create(email="early@example.com")
    old_token = signing.dumps([subscriber.pk, subscriber.email], salt="newsletter.confirm")

    response = client.post(f"/newsletter/confirm/{old_token}/")

    assert response.status_code == 200
    assert "You are subscribed" in text_of(response.content.decode())
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_a_link_sent_before_links_carried_the_state_cannot_undo_leaving(client):
    subscriber = Subscriber.objects.create(email="early@example.com", status="confirmed")
    old_token = signing.dumps([subscriber.pk, subscriber.email], salt="newsletter.confirm")
    subscriber.unsubscribe()
    subscriber.status = Subscriber.Status.PENDING  # signed up again since
    subscriber.save(update_fields=["status"])

    assert client.post(f"/newsletter/confirm/{old_token}/").status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
