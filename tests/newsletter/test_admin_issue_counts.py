"""Each issue's stored delivery counts (newsletter/delivery_counts.py): equal to a
recount of its deliveries after publishing, after a run that sends, fails and
skips, after a crash and a re-run; drift reported and repaired by
recount_delivery_counts; the admin's issue list reads them in a constant number
of queries; the migration fills them from the rows already there."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsletter import delivery, delivery_counts, digest
from newsletter.models import Delivery, Issue, Subscriber
from tests.factories import make_comparison, make_persona, make_subscriber, make_take, make_tool
from tests.html import text_of
from tests.migrations_helpers import migrate
from verdicts.models import Call

pytestmark = pytest.mark.django_db

ISSUES = "/admin/newsletter/issue/"
S = Delivery.Status


@pytest.fixture
def mail(settings, smtp_server):
    settings.SITE_URL = "https://shiporskip.example"
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


@pytest.fixture
def news():
    persona = make_persona(name="Builder")
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    make_take(alpha, persona, call=Call.SHIP)
    make_take(beta, persona, call=Call.SKIP)
    return make_comparison(alpha, beta)


def publish() -> Issue:
    now = timezone.now()
    return digest.publish(digest.compose(now - timedelta(days=7), now))


def stored(issue: Issue) -> dict[str, int]:
    """The issue's stored counts as now in the database, non-zero ones only."""
    row = Issue.objects.values(*delivery_counts.COUNT_FIELDS.values()).get(pk=issue.pk)
    return {column: n for column, n in row.items() if n}


def assert_counts_match_the_rows(issue: Issue) -> None:
    assert delivery_counts.counted([issue.pk])[issue.pk] == Issue.objects.values(
        *delivery_counts.COUNT_FIELDS.values()
    ).get(pk=issue.pk)
    call_command("recount_delivery_counts", "--check", stdout=StringIO())


def test_publishing_stores_the_pending_and_skipped_counts(news):
    for n in range(3):
        make_subscriber(email=f"reader{n}@example.com")
    # Only what they follow, and they follow nothing: a skipped delivery.
    narrow = make_subscriber(email="narrow@example.com")
    away = make_subscriber(email="away@example.com")
    Subscriber.objects.filter(pk=narrow.pk).update(digest_scope=Subscriber.DigestScope.FOLLOWED)
    Subscriber.objects.filter(pk=away.pk).update(paused_at=timezone.now())  # no delivery

    issue = publish()

    assert stored(issue) == {"pending_count": 3, "skipped_count": 1}
    assert_counts_match_the_rows(issue)


def test_a_run_that_sends_fails_and_skips_moves_the_counts_exactly(mail, news):
    readers = [make_subscriber(email=f"reader{n}@example.com") for n in range(5)]
    issue = publish()
    mail.refused.add("reader1@example.com")  # the real server answers 550 at RCPT
    Subscriber.objects.filter(pk=readers[2].pk).update(paused_at=timezone.now())
    Subscriber.objects.filter(pk=readers[3].pk).update(status=Subscriber.Status.UNSUBSCRIBED)

    outcome = delivery.deliver(issue.deliveries.all())

    assert (outcome.sent, outcome.failed, outcome.paused, outcome.cancelled) == (2, 1, 1, 1)
    assert len(mail.wait_for(2)) == 2
    assert stored(issue) == {
        "sent_count": 2,
        "failed_count": 1,
        "paused_count": 1,
        "cancelled_count": 1,
    }
    assert_counts_match_the_rows(issue)

    # The failed one is retried once the server takes it: failed -> sending -> sent.
    mail.refused.clear()
    delivery.deliver(Delivery.objects.outstanding(max_attempts=3))

    assert stored(issue) == {"sent_count": 3, "paused_count": 1, "cancelled_count": 1}
    assert_counts_match_the_rows(issue)


def test_a_run_dying_mid_message_and_the_requeued_rerun_keep_the_counts_exact(
    mail, news, monkeypatch
):
    for n in range(3):
        make_subscriber(email=f"reader{n}@example.com")
    issue = publish()
    transmit = delivery.Transport.transmit
    sent = []

    def connection_lost_on_the_second(self, prepared):
        if len(sent) == 1:
            raise ConnectionResetError("lost while waiting for the answer to DATA")
        sent.append(prepared)
        transmit(self, prepared)

    monkeypatch.setattr(delivery.Transport, "transmit", connection_lost_on_the_second)

    outcome = delivery.deliver(issue.deliveries.all())

    assert outcome.sent == 1 and outcome.stopped
    assert stored(issue) == {"sent_count": 1, "sending_count": 1, "pending_count": 1}
    assert_counts_match_the_rows(issue)

    monkeypatch.setattr(delivery.Transport, "transmit", transmit)
    output = StringIO()
    call_command("send_weekly_digest", "--requeue-interrupted", stdout=output)

    assert "Requeued 1 interrupted delivery." in output.getvalue()
    assert len(mail.wait_for(3)) == 3
    assert stored(issue) == {"sent_count": 3}
    assert_counts_match_the_rows(issue)


def test_the_command_reports_drift_and_repairs_it(news):
    for n in range(4):
        make_subscriber(email=f"reader{n}@example.com")
    issue = publish()
    # Behind the counts' back: a status changed and a delivery deleted by hand.
    Delivery.objects.filter(pk=issue.deliveries.order_by("pk")[0].pk).update(status=S.SENT)
    issue.deliveries.order_by("pk").last().delete()

    with pytest.raises(CommandError) as drifted:
        call_command("recount_delivery_counts", "--check", stdout=StringIO())

    message = str(drifted.value)
    assert f"issue {issue.pk} (" in message
    assert "pending_count 4, counted 2" in message and "sent_count 0, counted 1" in message
    assert stored(issue) == {"pending_count": 4}  # --check fixes nothing

    output = StringIO()
    call_command("recount_delivery_counts", stdout=output)

    assert f"Fixed 1 issue's stored delivery counts that had drifted: issue {issue.pk}" in (
        output.getvalue()
    )
    assert stored(issue) == {"pending_count": 2, "sent_count": 1}
    assert_counts_match_the_rows(issue)


def counts_in_list(html: str) -> list[dict[str, int]]:
    cells = re.findall(r'class="field-(sent|failed|pending|interrupted)"><a [^>]*>(\d+)</a>', html)
    return [dict((name, int(n)) for name, n in cells[i : i + 4]) for i in range(0, len(cells), 4)]


@pytest.mark.parametrize("readers", [2, 40])
def test_the_issue_list_reads_the_stored_counts_in_the_same_queries_at_any_size(
    admin_client, django_assert_num_queries, mail, news, readers
):
    for n in range(readers):
        make_subscriber(email=f"reader{n}@example.com")
    issue = publish()
    mail.refused.add("reader0@example.com")
    delivery.deliver(issue.deliveries.all())
    admin_client.get(ISSUES)  # session and user warmed up like any later page

    # Session, user, the capped count, the issues, the cache versions' reads: no
    # GROUP BY over the deliveries.
    with django_assert_num_queries(6) as captured:
        response = admin_client.get(ISSUES)

    assert counts_in_list(response.content.decode()) == [
        {"sent": readers - 1, "failed": 1, "pending": 0, "interrupted": 0}
    ]
    assert not any("GROUP BY" in query["sql"].upper() for query in captured.captured_queries)
    # Each count links to its deliveries in the delivery list.
    assert f"?issue__id__exact={issue.pk}&status__exact=failed" in response.content.decode()


def test_the_issue_list_sorts_by_a_stored_count(admin_client):
    now = timezone.now()
    for subject, sent in [("Few sent", 3), ("Many sent", 30), ("Some sent", 10)]:
        Issue.objects.create(
            iso_year=2026,
            iso_week=47,
            subject=subject,
            period_since=now - timedelta(days=7),
            period_until=now,
            sent_count=sent,
        )

    # Column 3: the action checkbox, the subject, the date, then "Sent".
    response = admin_client.get(f"{ISSUES}?o=-3")

    page = text_of(response.content.decode())
    assert page.index("Many sent") < page.index("Some sent") < page.index("Few sent")


def test_the_issue_page_shows_every_stored_count(admin_client, news):
    make_subscriber(email="reader@example.com")
    narrow = make_subscriber(email="narrow@example.com")
    Subscriber.objects.filter(pk=narrow.pk).update(digest_scope=Subscriber.DigestScope.FOLLOWED)
    issue = publish()

    page = text_of(admin_client.get(f"{ISSUES}{issue.pk}/change/").content.decode())

    assert "0 sent, 0 failed, 1 pending, 0 interrupted." in page
    assert "Not sent: 0 unsubscribed, 0 suppressed, 1 with nothing followed, 0 paused." in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_the_migration_fills_the_counts_from_the_deliveries_there():
    old = migrate([("newsletter", "0012_verified_votes")])
    OldIssue, OldDelivery = (
        old.get_model("newsletter", "Issue"),
        old.get_model("newsletter", "Delivery"),
    )
    OldSubscriber = old.get_model("newsletter", "Subscriber")
    now = timezone.now()
    issues = [
        OldIssue.objects.create(
            iso_year=2026,
            iso_week=week,
            subject=f"Week {week}",
            period_since=now - timedelta(days=7),
            period_until=now,
        )
        for week in (46, 47, 48)
    ]
    readers = [OldSubscriber.objects.create(email=f"r{n}@example.com") for n in range(5)]
    for reader, status in zip(
        readers, ["sent", "sent", "failed", "sending", "skipped"], strict=True
    ):
        OldDelivery.objects.create(issue=issues[0], subscriber=reader, status=status)
    for reader in readers[:2]:
        OldDelivery.objects.create(issue=issues[1], subscriber=reader, status="pending")

    new = migrate([("newsletter", "0013_issue_delivery_counts")]).get_model("newsletter", "Issue")

    columns = list(delivery_counts.COUNT_FIELDS.values())
    filled = {row.pop("pk"): row for row in new.objects.values("pk", *columns)}
    zero = dict.fromkeys(columns, 0)
    assert filled[issues[0].pk] == {
        **zero,
        "sent_count": 2,
        "failed_count": 1,
        "sending_count": 1,
        "skipped_count": 1,
    }
    assert filled[issues[1].pk] == {**zero, "pending_count": 2}
    assert filled[issues[2].pk] == zero


DELIVERIES = "/admin/newsletter/delivery/"


def make_issues(count: int) -> list[Issue]:
    start = timezone.now() - timedelta(weeks=count)
    issues = []
    for n in range(count):
        issue = Issue.objects.create(
            iso_year=2026,
            iso_week=n + 1,
            subject=f"Issue number {n:02d}",
            period_since=start,
            period_until=start,
        )
        Issue.objects.filter(pk=issue.pk).update(created_at=start + timedelta(weeks=n))
        issues.append(issue)
    return issues


def test_the_delivery_list_links_the_newest_issues_only_and_still_filters_an_older_one(
    admin_client,
):
    issues = make_issues(12)
    oldest = issues[0]
    Delivery.objects.create(issue=oldest, subscriber=make_subscriber(email="old@example.com"))
    Delivery.objects.create(issue=issues[-1], subscriber=make_subscriber(email="new@example.com"))

    html = admin_client.get(DELIVERIES).content.decode()

    linked = re.findall(r'href="\?issue__id__exact=(\d+)"', html)
    assert sorted(map(int, linked)) == sorted(issue.pk for issue in issues[2:])

    response = admin_client.get(f"{DELIVERIES}?issue__id__exact={oldest.pk}")

    page = text_of(response.content.decode())
    assert "old@example.com" in page and "new@example.com" not in page
    # The chosen older issue joins the filter's links, marked as chosen.
    assert re.search(
        rf'<li class="selected">\s*<a href="\?issue__id__exact={oldest.pk}"',
        response.content.decode(),
    )


def test_a_malformed_issue_in_the_delivery_filter_is_a_clear_answer_not_a_500(admin_client):
    make_issues(1)

    response = admin_client.get(f"{DELIVERIES}?issue__id__exact=abc")

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
