"""Newsletter sign-up with double opt-in, delivered through a real SMTP server."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from newsletter import tokens
from newsletter.models import Subscriber
from tests.html import text_of

SUBSCRIBE = "/newsletter/subscribe/"
FRIENDLY = "Check your inbox"


def link_in(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/newsletter/confirm/\S+/", text).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.mark.django_db
def test_the_round_trip_from_sign_up_to_confirmed_to_unsubscribed(client, smtp_server):
    response = client.post(SUBSCRIBE, {"email": "Reader@Example.COM"})
    assert response.status_code == 200
    assert FRIENDLY in text_of(response.content.decode())
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Reader@example.com"
    assert subscriber.status == Subscriber.Status.PENDING

    [(recipients, message)] = smtp_server.wait_for(1)
    assert recipients == ["Reader@example.com"]
    assert message["Subject"] == "Confirm your subscription to Weekly AI Tool Verdicts"
    assert message.get_body(preferencelist=("html",)) is not None
    confirm_url = link_in(message)
    assert confirm_url.startswith("http://127.0.0.1:8000/newsletter/confirm/")
    assert confirm_url in message.get_body(preferencelist=("html",)).get_content()

    # Following the link only shows a button: link scanners must not confirm.
    page = client.get(path_of(confirm_url))
    assert page.status_code == 200
    assert "Confirm your subscription" in page.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    confirmed = client.post(path_of(confirm_url))
    assert "You are subscribed" in confirmed.content.decode()
    assert Subscriber.objects.confirmed().count() == 1

    unsubscribe = subscriber.unsubscribe_url
    assert "Unsubscribe from Weekly AI Tool Verdicts" in client.get(unsubscribe).content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    assert "You are unsubscribed" in client.post(unsubscribe).content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    assert Subscriber.objects.confirmed().count() == 0


@pytest.mark.django_db
def test_one_click_unsubscribe_needs_no_cookie_or_csrf_token(smtp_server):
    subscriber = Subscriber.objects.create(email="a@example.com", status="confirmed")
    client = Client(enforce_csrf_checks=True)
    response = client.post(subscriber.unsubscribe_url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.django_db
def test_resubscribing_after_unsubscribing_works(client, smtp_server):
    subscriber = Subscriber.objects.create(email="back@example.com", status="unsubscribed")
    client.post(SUBSCRIBE, {"email": "back@example.com"})
    [(_, message)] = smtp_server.wait_for(1)
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    client.post(path_of(link_in(message)))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert Subscriber.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "x" * 300 + "@example.com"])
def test_an_invalid_address_reshows_the_form_with_the_error_and_stores_nothing(
    client, smtp_server, email
):
    response = client.post(SUBSCRIBE, {"email": email})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert re.search(
        r"Enter (your|a valid) email address|at most 254|Use an address at a named domain",
        text_of(html),
    )
    assert Subscriber.objects.count() == 0
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_the_honeypot_gets_the_friendly_answer_and_nothing_is_stored(client, smtp_server):
    response = client.post(SUBSCRIBE, {"email": "bot@example.com", "website": "http://spam"})
    assert response.status_code == 200
    assert FRIENDLY in text_of(response.content.decode())
    assert Subscriber.objects.count() == 0
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_confirmation_emails_per_address_are_rate_limited(client, smtp_server, settings):
    settings.CONFIRMATION_EMAIL_RATE_LIMIT = "2/3600"
    for _ in range(4):
        assert client.post(SUBSCRIBE, {"email": "same@example.com"}).status_code == 200
    smtp_server.wait_for(2)
    assert len(smtp_server.to("same@example.com")) == 2
    assert Subscriber.objects.count() == 1


@pytest.mark.django_db
def test_too_many_sign_ups_from_one_address_is_a_429(client, smtp_server, settings):
    settings.SUBSCRIBE_RATE_LIMIT = "2/3600"
    client.post(SUBSCRIBE, {"email": "one@example.com"})
    client.post(SUBSCRIBE, {"email": "two@example.com"})
    response = client.post(SUBSCRIBE, {"email": "three@example.com"})
    assert response.status_code == 429
    assert "Too many sign-ups" in response.content.decode()
    assert not Subscriber.objects.filter(email="three@example.com").exists()


@pytest.mark.django_db
def test_a_refused_send_keeps_the_subscriber_and_the_confirmation_due(client, smtp_server):
    smtp_server.refused.add("bounce@example.com")
    response = client.post(SUBSCRIBE, {"email": "bounce@example.com"})
    assert response.status_code == 200
    assert FRIENDLY in text_of(response.content.decode())
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmation_sent_at is None
    assert subscriber.confirmation_due_at is not None
    smtp_server.refused.clear()
    assert client.post(SUBSCRIBE, {"email": "bounce@example.com"}).status_code == 200
    assert len(smtp_server.wait_for(1)) == 1
    subscriber.refresh_from_db()
    assert subscriber.confirmation_sent_at is not None
    assert subscriber.confirmation_due_at is None


@pytest.mark.django_db
def test_a_dead_smtp_server_keeps_the_subscriber_and_the_answer(client, smtp_server):
    smtp_server.stop()
    response = client.post(SUBSCRIBE, {"email": "later@example.com"})
    assert response.status_code == 200
    assert FRIENDLY in text_of(response.content.decode())
    subscriber = Subscriber.objects.get(email="later@example.com", status="pending")
    assert subscriber.confirmation_due_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["confirm", "unsubscribe"])
def test_a_forged_or_mangled_link_is_a_400_with_a_message(client, view):
    subscriber = Subscriber.objects.create(email="x@example.com")
    good = getattr(subscriber, f"{view}_url")
    token = good.rstrip("/").rsplit("/", 1)[1]
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in [token[:-5], "nonsense", flipped, "%00" * 10]:
        response = client.get(f"/newsletter/{view}/{bad}/")
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_confirmation_link_says_so(client, settings):
    subscriber = Subscriber.objects.create(email="slow@example.com")
    url = subscriber.confirm_url
    later = tokens.signing.time.time() + settings.NEWSLETTER_CONFIRM_MAX_AGE + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(url)
    assert response.status_code == 400
    assert "This confirmation link has expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert timedelta(seconds=settings.NEWSLETTER_CONFIRM_MAX_AGE) >= timedelta(days=1)


@pytest.mark.django_db
def test_a_token_stops_working_when_the_row_changes_address(client):
    subscriber = Subscriber.objects.create(email="old@example.com")
    url = subscriber.unsubscribe_url
    Subscriber.objects.filter(pk=subscriber.pk).update(email="new@example.com")
    assert client.post(url).status_code == 400


@pytest.mark.django_db
def test_every_page_has_the_sign_up_box(client, seeded):
    for url in ["/", "/tools/smolvm/", "/reviewers/builder/", "/no-such-page/"]:
        text = text_of(client.get(url).content.decode())
        assert "Weekly AI Tool Verdicts Get the next comparison in your inbox" in text, url


@pytest.mark.django_db
def test_an_unsubscribe_link_is_the_same_in_every_message_and_never_expires(client):
    subscriber = Subscriber.objects.create(email="loyal@example.com", status="confirmed")
    url = subscriber.unsubscribe_url
    years_later = tokens.signing.time.time() + 5 * 365 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=years_later):
        assert subscriber.unsubscribe_url == url
        assert client.post(url).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.django_db
def test_a_timestamped_unsubscribe_link_from_an_older_message_still_works(client):
    subscriber = Subscriber.objects.create(email="early@example.com", status="confirmed")
    old_token = tokens.signing.dumps(
        [subscriber.pk, subscriber.email], salt="newsletter.unsubscribe"
    )
    assert client.post(f"/newsletter/unsubscribe/{old_token}/").status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email", ["a@[127.0.0.1]", "a@127.0.0.1", "a@localhost", "a@[IPv6:::1]", "a@intranet"]
)
def test_an_address_at_an_ip_or_a_dotless_domain_is_refused_and_stored_nowhere(
    client, smtp_server, email
):
    response = client.post(SUBSCRIBE, {"email": email})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "Use an address at a named domain, like you@example.com" in text_of(html)
    assert Subscriber.objects.count() == 0
    assert smtp_server.messages == []


@pytest.mark.parametrize("email", ["a@[127.0.0.1]", "a@localhost", "a@10.0.0.1"])
def test_the_model_refuses_an_ip_or_dotless_domain_on_every_write_path(email):
    with pytest.raises(ValidationError, match="Use an address at a named domain"):
        Subscriber(email=email).full_clean()
