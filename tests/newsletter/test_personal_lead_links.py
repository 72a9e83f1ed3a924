"""A personal lead's "and N more" links to the issue's archive page, where the
items it left out are listed, and a reader of only what they follow sees an
inbox preview line that counts what their message holds, not the whole issue's
news; received over a real SMTP server (newsletter/personal.py)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsletter import delivery, digest
from newsletter.models import Delivery, Issue, Subscriber
from tests.factories import make_category, make_comparison, make_persona, make_subscriber, make_tool
from tests.html import text_of
from tests.newsletter.test_personal_digest import (  # noqa: F401 - mail: a fixture
    SITE,
    bodies,
    follow,
    mail,
    revised_take,
    run,
    without_per_attempt_headers,
)

# mail (tests/newsletter/test_personal_digest.py): the real SMTP server, SITE_URL = SITE.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail")]

PREVIEW = re.compile(r'<div style="display:none;max-height:0;overflow:hidden;">(.*?)</div>', re.S)
SHARED_PREVIEW = "2 new comparisons and 3 updated verdicts this week."
FOLLOWED_PREVIEW = "1 new comparison and 2 updated verdicts on what you follow this week."


@pytest.fixture(autouse=True)
def one_item_of_each_kind(settings):
    """A lead shows one followed tool and one comparison: two changed tools
    followed make "And 1 more"."""
    settings.DIGEST_MAX_ITEMS = 1


@pytest.fixture
def week():
    """Agents: Alpha and Bravo, each with a verdict flipped this week; Lone, flipped
    too, in no followed category; two new comparisons, Cee vs Dee and Eee vs Eff."""
    skeptic = make_persona(name="Skeptic")
    agents = make_category(name="Agents")
    for name in ("Alpha", "Bravo"):
        revised_take(make_tool(name=name, category=agents), skeptic)
    revised_take(make_tool(name="Lone"), skeptic)
    dee = make_tool(name="Dee")
    make_comparison(make_tool(name="Cee"), dee)
    make_comparison(make_tool(name="Eee"), make_tool(name="Eff"))
    return {"agents": agents, "dee": dee}


def reader(email, week, scope):
    """A reader following Agents (two changed tools) and Dee (one new comparison)."""
    subscriber = make_subscriber(email=email)
    subscriber.digest_scope = scope
    subscriber.save()
    follow(subscriber, category=week["agents"])
    follow(subscriber, tool=week["dee"])
    return subscriber


def preview(html: str) -> str:
    [line] = PREVIEW.findall(html)
    return line


@pytest.mark.parametrize(
    "scope", [Subscriber.DigestScope.EVERYTHING, Subscriber.DigestScope.FOLLOWED]
)
def test_the_lead_s_and_n_more_links_to_the_issue_page_listing_what_it_left_out(
    smtp_server, week, scope
):
    subscriber = reader("reader@example.com", week, scope)

    run()

    smtp_server.wait_for(1)
    [message] = smtp_server.to(subscriber.email)
    text, html = bodies(message)
    issue_page = f"{SITE}/newsletter/issues/{Issue.objects.get().pk}/"
    # One of the two followed tools is shown (Alpha, by name); Bravo is the one more.
    assert "Alpha" in text_of(html).split("And 1 more")[0]
    assert (
        f'<a href="{issue_page}#in-this-issue" style="color:#3b2fc9;font-weight:bold;">'
        "And 1 more on what you follow</a>, listed in this issue on the site." in html
    )
    assert (
        f"And 1 more on what you follow, listed in this issue on the site: "
        f"{issue_page}#in-this-issue" in text
    )
    page = Client().get(issue_page.removeprefix(SITE))
    assert page.status_code == 200
    listed = text_of(page.content.decode()).split("Everything in this issue")[1]
    assert "Bravo" in listed


def test_the_preview_line_counts_what_each_reader_s_message_holds(smtp_server, week):
    everything = reader("everything@example.com", week, Subscriber.DigestScope.EVERYTHING)
    focused = reader("focused@example.com", week, Subscriber.DigestScope.FOLLOWED)

    run()

    smtp_server.wait_for(2)
    [whole] = smtp_server.to(everything.email)
    [own] = smtp_server.to(focused.email)
    whole_html, own_html = bodies(whole)[1], bodies(own)[1]
    # The whole issue: both new comparisons and all three updated verdicts.
    assert preview(whole_html) == f"<!--preview:start-->{SHARED_PREVIEW}<!--preview:end-->"
    assert "What our panel of six reviewers" in whole_html
    # Only what they follow: Cee vs Dee, Alpha and Bravo; nothing of the rest.
    assert preview(own_html) == FOLLOWED_PREVIEW
    assert "What our panel of six reviewers" not in own_html
    assert "Eee vs Eff" not in own_html and "Lone" not in own_html
    assert SHARED_PREVIEW not in own_html and "preview:start" not in own_html


def test_a_followed_only_message_is_the_same_bytes_on_every_attempt(smtp_server, week):
    focused = reader("focused@example.com", week, Subscriber.DigestScope.FOLLOWED)
    now = timezone.now()
    issue = digest.publish(digest.compose(now - timedelta(days=7), now))
    stored = Delivery.objects.get(subscriber=focused)

    first, again = (
        delivery.prepare(delivery.build_message(issue, focused.email, "u", "m", stored))
        for _ in range(2)
    )

    assert FOLLOWED_PREVIEW in first.message.alternatives[0][0]
    assert without_per_attempt_headers(again.data) == without_per_attempt_headers(first.data)


def test_a_followed_only_message_repeats_its_own_subject_not_the_shared_headline(smtp_server, week):
    focused = reader("focused@example.com", week, Subscriber.DigestScope.FOLLOWED)

    run()

    smtp_server.wait_for(1)
    [message] = smtp_server.to(focused.email)
    text, html = bodies(message)
    subject = str(message["Subject"]).strip()
    assert subject.endswith(": what changed on what you follow")
    assert text.splitlines()[0] == subject
    assert f"<title>{subject}</title>" in html
    # The shared headline names the newest comparison, which this reader does not follow.
    assert "Eee vs Eff" in Issue.objects.get().subject
    assert "Eee vs Eff" not in text + html
