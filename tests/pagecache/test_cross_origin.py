"""Readers' forms (vote, subscribe, confirm, unsubscribe) carry no token: browsers'
Fetch Metadata and Origin headers keep other sites from posting them."""

import pytest
from django.test import Client

from newsletter import tokens
from newsletter.models import Subscriber
from shiporskip.lib.cross_origin import REFUSED
from tests.factories import make_subscriber
from tests.html import text_of
from verdicts.models import CommunityVote

VOTE = "/tools/smolvm/vote/"


def _vote(headers=None, accept_json=False):
    if accept_json:
        headers = {**(headers or {}), "Accept": "application/json"}
    return Client(enforce_csrf_checks=True).post(VOTE, {"verdict": "ship"}, headers=headers)


def _votes() -> int:
    return CommunityVote.objects.filter(tool__slug="smolvm").count()


@pytest.mark.django_db
@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_it_refuses_a_post_a_browser_marks_as_from_another_site(seeded, site):
    response = _vote({"Sec-Fetch-Site": site, "Origin": "https://evil.example"})
    assert response.status_code == 403
    assert REFUSED in text_of(response.content.decode())
    assert _votes() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_it_accepts_a_post_from_our_own_pages_or_typed_by_the_reader(seeded, site):
    assert _vote({"Sec-Fetch-Site": site}).status_code == 303
    assert _votes() == 1


@pytest.mark.django_db
def test_without_fetch_metadata_it_checks_the_origin(seeded):
    assert _vote({"Origin": "https://evil.example"}).status_code == 403
    assert _vote({"Origin": "http://testserver"}).status_code == 303
    assert _votes() == 1


@pytest.mark.django_db
def test_a_trusted_origin_may_post(seeded, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.shiporskip.example", "https://*.partner.example"]
    assert _vote({"Origin": "https://www.shiporskip.example"}).status_code == 303
    assert (
        _vote({"Sec-Fetch-Site": "cross-site", "Origin": "https://a.partner.example"}).status_code
        == 303
    )
    assert _vote({"Origin": "http://a.partner.example"}).status_code == 403


@pytest.mark.django_db
def test_a_client_that_is_not_a_browser_sends_neither_header_and_may_post(seeded):
    assert _vote().status_code == 303
    assert _votes() == 1


@pytest.mark.django_db
def test_scripts_get_the_refusal_as_json(seeded):
    response = _vote({"Sec-Fetch-Site": "cross-site"}, accept_json=True)
    assert response.status_code == 403
    assert response.json() == {"error": REFUSED}


@pytest.mark.django_db
def test_a_cross_site_sign_up_is_refused_and_sends_nothing(smtp_server):
    response = Client(enforce_csrf_checks=True).post(
        "/newsletter/subscribe/",
        {"email": "victim@example.com"},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_confirm_and_unsubscribe_refuse_other_sites_but_not_mail_providers():
    subscriber = make_subscriber(status="pending")
    confirm = f"/newsletter/confirm/{tokens.confirm_token(subscriber)}/"
    cross = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    assert Client(enforce_csrf_checks=True).post(confirm, headers=cross).status_code == 403
    assert Client(enforce_csrf_checks=True).post(confirm).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"
    unsubscribe = f"/newsletter/unsubscribe/{tokens.unsubscribe_token(subscriber)}/"
    assert Client(enforce_csrf_checks=True).post(unsubscribe, headers=cross).status_code == 403
    # RFC 8058 one-click, from the mail provider's servers: no Origin, no cookies.
    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe, {"List-Unsubscribe": "One-Click"}
    )
    assert one_click.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


@pytest.mark.django_db
def test_a_disallowed_host_in_the_origin_check_is_a_400_not_a_500(seeded, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = Client(raise_request_exception=False).post(
        VOTE,
        {"verdict": "ship"},
        headers={"Origin": "http://evil.example"},
        HTTP_HOST="evil.example",
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_staff_forms_keep_djangos_token_check(editor_client):
    editor_client.handler.enforce_csrf_checks = True
    response = editor_client.post(
        "/admin/verdicts/category/add/",
        {"name": "Sneaky", "slug": "sneaky"},
        headers={"Sec-Fetch-Site": "same-origin"},  # not enough for staff forms
    )
    assert response.status_code == 403
    assert "Your form expired" in text_of(response.content.decode())  # Django's token check
