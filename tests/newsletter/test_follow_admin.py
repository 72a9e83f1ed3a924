"""Follows in the admin: their own list and inline on a subscriber, read-only for
editors; what the issue holds and pauses on the subscriber list."""

import pytest
from django.utils import timezone

from newsletter.models import Follow, Subscriber
from tests.factories import make_category, make_editor, make_subscriber, make_tool
from tests.html import text_of

pytestmark = pytest.mark.django_db

FOLLOWS = "/admin/newsletter/follow/"
SUBSCRIBERS = "/admin/newsletter/subscriber/"


def test_an_editor_sees_follows_searches_and_filters_them_but_cannot_change_them(client):
    reader = make_subscriber("reader@example.com")
    other = make_subscriber("other@example.com")
    aider = make_tool(name="Aider")
    agents = make_category(name="Coding agents")
    done = Follow.objects.create(subscriber=reader, tool=aider, confirmed_at=timezone.now())
    Follow.objects.create(subscriber=other, category=agents)
    client.force_login(make_editor())

    listing = text_of(client.get(FOLLOWS).content.decode())
    assert "reader@example.com" in listing and "Aider" in listing
    assert "other@example.com" in listing and "Coding agents" in listing
    searched = text_of(client.get(FOLLOWS, {"q": "aider"}).content.decode())
    assert "reader@example.com" in searched and "other@example.com" not in searched
    waiting = text_of(client.get(FOLLOWS, {"confirmed_at__isempty": "1"}).content.decode())
    assert "other@example.com" in waiting and "reader@example.com" not in waiting

    change = client.post(f"{FOLLOWS}{done.pk}/change/", {"confirmed_at": ""})
    assert change.status_code == 403
    assert client.post(f"{FOLLOWS}{done.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Follow.objects.filter(pk=done.pk, confirmed_at__isnull=False).exists()


def test_the_subscriber_list_shows_and_filters_scope_and_pause(client):
    paused = make_subscriber("paused@example.com")
    Subscriber.objects.filter(pk=paused.pk).update(
        paused_at=timezone.now(), digest_scope=Subscriber.DigestScope.FOLLOWED
    )
    make_subscriber("active@example.com")
    client.force_login(make_editor())

    listing = text_of(client.get(SUBSCRIBERS).content.decode())
    assert "Only what I follow" in listing
    only_paused = text_of(client.get(SUBSCRIBERS, {"paused_at__isempty": "0"}).content.decode())
    assert "paused@example.com" in only_paused and "active@example.com" not in only_paused
    scoped = text_of(
        client.get(SUBSCRIBERS, {"digest_scope__exact": "everything"}).content.decode()
    )
    assert "active@example.com" in scoped and "paused@example.com" not in scoped


def test_a_subscriber_page_lists_their_follows(client):
    reader = make_subscriber("reader@example.com")
    Follow.objects.create(
        subscriber=reader, tool=make_tool(name="Aider"), confirmed_at=timezone.now()
    )
    Follow.objects.create(subscriber=reader, category=make_category(name="Coding agents"))
    client.force_login(make_editor())
    page = text_of(client.get(f"{SUBSCRIBERS}{reader.pk}/change/").content.decode())
    assert "Aider" in page and "Coding agents" in page


@pytest.mark.parametrize("follows", [1, 25])
def test_the_follow_list_runs_a_constant_number_of_queries(
    admin_client, django_assert_num_queries, follows
):
    category = make_category()
    for _ in range(follows):
        Follow.objects.create(
            subscriber=make_subscriber(),
            tool=make_tool(category=category),
            confirmed_at=timezone.now(),
        )
    admin_client.get(FOLLOWS)

    # Session, user, the category filter's choices, the (capped) count, the page:
    # no "N total" recount (shiporskip/lib/admin_lists.py).
    with django_assert_num_queries(5):
        response = admin_client.get(FOLLOWS)

    assert f"{follows} follow" in text_of(response.content.decode())
