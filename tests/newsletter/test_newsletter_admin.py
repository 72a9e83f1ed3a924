"""The newsletter admin: issues with their counts, deliveries, test copies, subscribers."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from newsletter import delivery_counts, digest
from newsletter.models import Delivery, Issue, Subscriber
from tests.factories import make_comparison, make_subscriber, make_tool
from tests.html import text_of

pytestmark = pytest.mark.django_db

ISSUES = "/admin/newsletter/issue/"
DELIVERIES = "/admin/newsletter/delivery/"
SUBSCRIBERS = "/admin/newsletter/subscriber/"
S = Delivery.Status


def make_issue(subject="Weekly AI Tool Verdicts — week 47, 2026: A vs B", statuses=()):
    now = timezone.now()
    issue = Issue.objects.create(
        iso_year=2026,
        iso_week=47,
        subject=subject,
        period_since=now - timedelta(days=7),
        period_until=now,
        html_body="<p>Hello</p>",
        text_body="Hello",
    )
    deliveries = [
        Delivery.objects.create(issue=issue, subscriber=make_subscriber(), status=status)
        for status in statuses
    ]
    # Stored with the deliveries, as publish() and the delivery runs store them.
    delivery_counts.add(issue.pk, delivery_counts.by_status(deliveries))
    return issue


def counts_in_list(html: str) -> list[dict[str, int]]:
    """Sent/failed/pending/interrupted per row of the issue list, top to bottom."""
    cells = re.findall(r'class="field-(sent|failed|pending|interrupted)"><a [^>]*>(\d+)</a>', html)
    return [dict((name, int(n)) for name, n in cells[i : i + 4]) for i in range(0, len(cells), 4)]


def staff_with(*codenames) -> User:
    user = User.objects.create_user("desk", "desk@example.com", "pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_the_issue_list_shows_sent_failed_pending_and_interrupted_counts(admin_client):
    make_issue("Older issue", [S.SENT] * 4)
    make_issue(
        "Newer issue", [S.SENT, S.SENT, S.FAILED, S.PENDING, S.PENDING, S.PENDING, S.SENDING]
    )

    response = admin_client.get(ISSUES)

    assert response.status_code == 200
    html = response.content.decode()
    assert text_of(html).index("Newer issue") < text_of(html).index("Older issue")
    assert counts_in_list(html) == [
        {"sent": 2, "failed": 1, "pending": 3, "interrupted": 1},
        {"sent": 4, "failed": 0, "pending": 0, "interrupted": 0},
    ]


@pytest.mark.parametrize("issues, per_issue", [(1, 2), (6, 12)])
def test_the_issue_list_runs_a_constant_number_of_queries(
    admin_client, django_assert_num_queries, issues, per_issue
):
    for n in range(issues):
        make_issue(f"Issue {n}", [S.SENT, S.FAILED] * (per_issue // 2))
    admin_client.get(ISSUES)  # session and user warmed up like any later page

    with django_assert_num_queries(6):  # no "N total" count
        response = admin_client.get(ISSUES)

    assert len(counts_in_list(response.content.decode())) == issues


@pytest.mark.parametrize("issues, per_issue", [(1, 2), (3, 20)])
@pytest.mark.parametrize("url, queries", [(DELIVERIES, 5), (SUBSCRIBERS, 6)])
def test_the_delivery_and_subscriber_lists_run_a_constant_number_of_queries(
    admin_client, django_assert_num_queries, issues, per_issue, url, queries
):
    for n in range(issues):
        make_issue(f"Issue {n}", [S.SENT, S.FAILED] * (per_issue // 2))
    admin_client.get(url)

    with django_assert_num_queries(queries):
        response = admin_client.get(url)

    assert re.search(
        rf"\b{issues * per_issue} (deliveries|subscribers)\b", text_of(response.content.decode())
    )


def test_the_issue_page_shows_what_it_covered_and_links_its_deliveries(admin_client):
    make_subscriber()
    comparison = make_comparison(make_tool(name="Alpha"), make_tool(name="Beta"))
    now = timezone.now()
    issue = digest.publish(digest.compose(now - timedelta(days=7), now))

    response = admin_client.get(f"{ISSUES}{issue.pk}/change/")

    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "0 sent, 0 failed, 1 pending, 0 interrupted" in page
    assert f"New comparisons: {comparison.title}" in page
    assert f'href="{DELIVERIES}?issue__id__exact={issue.pk}"' in response.content.decode()
    html = response.content.decode()
    assert 'name="subject"' not in html and "<textarea" not in html  # read-only
    assert 'name="_save"' not in html


def test_the_delivery_list_filters_by_issue_and_status(admin_client):
    issue = make_issue(statuses=[S.SENT, S.SENT])
    failed = Delivery.objects.create(
        issue=issue,
        subscriber=make_subscriber(email="bounce@example.com"),
        status=S.FAILED,
        attempts=2,
        last_error="550 5.1.1 Mailbox unavailable",
    )
    delivery_counts.add(issue.pk, {S.FAILED: 1})

    response = admin_client.get(f"{DELIVERIES}?issue__id__exact={issue.pk}&status__exact=failed")

    page = text_of(response.content.decode())
    assert failed.subscriber.email in page
    assert "550 5.1.1 Mailbox unavailable" in page
    assert "1 delivery" in page


def test_an_editor_sends_a_test_copy_to_themselves_without_a_delivery(client, smtp_server):
    make_subscriber()
    make_comparison(make_tool(name="Alpha"), make_tool(name="Beta"))
    now = timezone.now()
    issue = digest.publish(digest.compose(now - timedelta(days=7), now))
    client.force_login(staff_with("view_issue"))

    response = client.post(
        ISSUES, {"action": "send_test_copy", "_selected_action": [issue.pk]}, follow=True
    )

    assert "Sent a test copy to desk@example.com." in text_of(response.content.decode())
    [(to, message)] = smtp_server.wait_for(1)
    assert to == ["desk@example.com"]
    assert str(message["Subject"]).strip() == f"[Test copy] {issue.subject}"
    assert "Alpha vs Beta" in message.get_body(preferencelist=("plain",)).get_content()
    assert "Alpha vs Beta" in message.get_body(preferencelist=("html",)).get_content()
    assert digest.READER_UNSUBSCRIBE_URL not in message.as_string()
    assert message["List-Unsubscribe"] is None  # the editor is not on the list
    assert Delivery.objects.filter(issue=issue).count() == 1
    assert Delivery.objects.get().status == S.PENDING


def test_the_test_copy_needs_an_email_address_on_the_account(client, smtp_server):
    issue = make_issue()
    editor = staff_with("view_issue")
    editor.email = ""
    editor.save()
    client.force_login(editor)

    response = client.post(
        ISSUES, {"action": "send_test_copy", "_selected_action": [issue.pk]}, follow=True
    )

    assert "Your account has no email address" in text_of(response.content.decode())
    assert smtp_server.messages == []


def test_a_test_copy_of_an_issue_with_a_line_break_in_its_subject_says_why(client, smtp_server):
    issue = make_issue()
    Issue.objects.filter(pk=issue.pk).update(subject="Week 47\r\nBcc: someone@example.net")
    client.force_login(staff_with("view_issue"))

    response = client.post(
        ISSUES, {"action": "send_test_copy", "_selected_action": [issue.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "The test copy could not be built: Header values can't contain newlines" in text_of(
        response.content.decode()
    )
    assert smtp_server.messages == []


def test_staff_without_newsletter_permissions_cannot_see_issues_or_subscribers(client):
    client.force_login(staff_with())

    assert client.get(ISSUES).status_code == 403
    assert client.get(SUBSCRIBERS).status_code == 403


def test_subscribers_are_listed_filtered_by_status_and_searched_by_email(admin_client):
    make_subscriber(email="ada@example.com")
    make_subscriber(email="alan@example.com", status="unsubscribed")
    make_subscriber(email="grace@example.com", status="pending")

    confirmed = text_of(admin_client.get(f"{SUBSCRIBERS}?status__exact=confirmed").content.decode())
    searched = text_of(admin_client.get(f"{SUBSCRIBERS}?q=grace").content.decode())

    assert "ada@example.com" in confirmed
    assert "alan@example.com" not in confirmed and "grace@example.com" not in confirmed
    assert "grace@example.com" in searched and "ada@example.com" not in searched


def test_staff_who_may_only_view_subscribers_cannot_change_them(client):
    subscriber = make_subscriber(email="ada@example.com")
    client.force_login(staff_with("view_subscriber"))
    change = f"{SUBSCRIBERS}{subscriber.pk}/change/"

    page = client.get(change)
    assert page.status_code == 200
    assert "ada@example.com" in text_of(page.content.decode())
    assert 'name="email"' not in page.content.decode()
    assert client.post(change, {"email": "x@example.com", "status": "pending"}).status_code == 403
    assert client.get(f"{SUBSCRIBERS}add/").status_code == 403
    assert client.post(f"{SUBSCRIBERS}{subscriber.pk}/delete/", {"post": "yes"}).status_code == 403
    subscriber.refresh_from_db()
    assert (subscriber.email, subscriber.status) == ("ada@example.com", "confirmed")


def test_selected_subscribers_export_as_csv(client):
    chosen = [
        make_subscriber(email="ada@example.com"),
        make_subscriber(email="=HYPERLINK(1)@example.com", status="pending"),
    ]
    make_subscriber(email="not-chosen@example.com")
    client.force_login(staff_with("view_subscriber"))

    response = client.post(
        SUBSCRIBERS,
        {"action": "export_subscribers_csv", "_selected_action": [s.pk for s in chosen]},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="subscribers.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    assert [row[:2] for row in rows[1:]] == [
        ["ada@example.com", "confirmed"],
        ["'=HYPERLINK(1)@example.com", "pending"],  # not a formula in a spreadsheet
    ]
    created = Subscriber.objects.get(email="ada@example.com").created_at
    assert rows[1][2] == created.isoformat()


@pytest.mark.django_db
def test_an_editor_can_read_issues_and_subscribers_but_not_change_them(client):
    from tests.factories import make_editor, make_subscriber

    subscriber = make_subscriber("reader@example.com")
    client.force_login(make_editor())
    assert client.get("/admin/newsletter/issue/").status_code == 200
    listing = client.get("/admin/newsletter/subscriber/")
    assert listing.status_code == 200
    assert "reader@example.com" in listing.content.decode()
    change = client.post(
        f"/admin/newsletter/subscriber/{subscriber.pk}/change/", {"email": "x@example.com"}
    )
    assert change.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.email == "reader@example.com"
