"""The newsletter in the admin: issues with their delivery counts, each delivery,
the subscribers, what they follow and their verified votes. All read-only: issues
are composed and sent by `manage.py send_weekly_digest`, subscribers manage
themselves (and their follows) by email."""

import csv
import smtplib
from itertools import chain

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.mail import get_connection
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from newsletter.delivery import build_message, prepare
from newsletter.models import Delivery, Follow, Issue, Subscriber, VerifiedVote
from shiporskip.lib.admin_dates import with_indexed_dates
from shiporskip.lib.admin_lists import LargeListAdmin
from verdicts.admin import ToolFilter


class ReadOnlyAdmin(LargeListAdmin):
    """Viewable by staff with the view permission; nobody edits through the admin.
    Lists count at most COUNT_CAP rows (shiporskip/lib/admin_lists.py)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _deliveries_link(issue: Issue, status: str, count: int):
    url = reverse("admin:newsletter_delivery_changelist")
    return format_html(
        '<a href="{}?issue__id__exact={}&status__exact={}">{}</a>', url, issue.pk, status, count
    )


@admin.action(description="Send a test copy to me", permissions=["view"])
def send_test_copy(modeladmin, request, queryset):
    email = request.user.email
    if not email:
        modeladmin.message_user(
            request,
            "Your account has no email address: add one to your user to receive test copies.",
            messages.ERROR,
        )
        return
    copies = [build_message(issue, email, unsubscribe_url=None) for issue in queryset]
    try:
        for copy in copies:
            prepare(copy)  # a line break stored in a subject: say so, never a 500
    except ValueError as error:
        modeladmin.message_user(
            request, f"The test copy could not be built: {error}", messages.ERROR
        )
        return
    try:
        get_connection().send_messages(copies)
    except (OSError, smtplib.SMTPException) as error:
        modeladmin.message_user(
            request, f"The test copy could not be sent to {email}: {error}", messages.ERROR
        )
        return
    noun = "a test copy" if len(copies) == 1 else f"test copies of {len(copies)} issues"
    modeladmin.message_user(request, f"Sent {noun} to {email}.", messages.SUCCESS)


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    list_display = ["subject", "created_at", "sent", "failed", "pending", "interrupted"]
    date_hierarchy = "created_at"
    actions = [send_test_copy]
    fields = [
        "subject",
        "created_at",
        "period_since",
        "period_until",
        "deliveries",
        "covered_comparisons",
        "covered_tools",
        "text_body",
    ]
    readonly_fields = fields

    # The counts are columns of the issue (newsletter/delivery_counts.py): the list
    # reads them with the issues, and sorts by them, without counting deliveries.
    @admin.display(description="Sent", ordering="sent_count")
    def sent(self, issue):
        return _deliveries_link(issue, Delivery.Status.SENT, issue.sent_count)

    @admin.display(description="Failed", ordering="failed_count")
    def failed(self, issue):
        return _deliveries_link(issue, Delivery.Status.FAILED, issue.failed_count)

    @admin.display(description="Pending", ordering="pending_count")
    def pending(self, issue):
        return _deliveries_link(issue, Delivery.Status.PENDING, issue.pending_count)

    @admin.display(description="Interrupted", ordering="sending_count")
    def interrupted(self, issue):
        return _deliveries_link(issue, Delivery.Status.SENDING, issue.sending_count)

    @admin.display(description="Deliveries")
    def deliveries(self, issue):
        url = reverse("admin:newsletter_delivery_changelist")
        return format_html(
            "{} sent, {} failed, {} pending, {} interrupted. Not sent: {} unsubscribed, "
            "{} suppressed, {} with nothing followed, {} paused. "
            '<a href="{}?issue__id__exact={}">See every delivery</a>.',
            issue.sent_count,
            issue.failed_count,
            issue.pending_count,
            issue.sending_count,
            issue.cancelled_count,
            issue.suppressed_count,
            issue.skipped_count,
            issue.paused_count,
            url,
            issue.pk,
        )

    @admin.display(description="New comparisons")
    def covered_comparisons(self, issue):
        comparisons = issue.comparisons.with_tools()
        return format_html_join(", ", "{}", ((c.title,) for c in comparisons)) or "None"

    @admin.display(description="Updated verdicts")
    def covered_tools(self, issue):
        return ", ".join(tool.name for tool in issue.changed_tools.all()) or "None"


class IssueFilter(admin.SimpleListFilter):
    """Deliveries of one issue: links to the newest RECENT_ISSUES only (a link per
    issue would grow by one every week for ever), older issues from their own
    row in the issue list, whose counts link here with the same parameter. One
    query, LIMIT RECENT_ISSUES; a second only for an older chosen issue."""

    RECENT_ISSUES = 10
    title = "issue (the newest; older ones from the issue list)"
    # The parameter the issue list's links use (Django's own related-field filter's).
    parameter_name = "issue__id__exact"

    def lookups(self, request, model_admin):
        recent = list(
            Issue.objects.order_by("-created_at", "-pk").values_list("pk", "subject")[
                : self.RECENT_ISSUES
            ]
        )
        chosen = self._chosen()
        if chosen is not None and chosen not in {pk for pk, _ in recent}:
            recent += list(Issue.objects.filter(pk=chosen).values_list("pk", "subject"))
        return [(str(pk), subject) for pk, subject in recent]

    def _chosen(self) -> int | None:
        value = self.value()
        if value is None:
            return None
        if not value.isdigit():
            # The admin answers "invalid parameters" (a redirect with ?e=1), not a 500.
            raise IncorrectLookupParameters(f"Not an issue number: {value!r}")
        return int(value)

    def queryset(self, request, queryset):
        chosen = self._chosen()
        return queryset if chosen is None else queryset.filter(issue_id=chosen)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "subscriber",
        "issue",
        "status",
        "attempts",
        "last_attempt_at",
        "sent_at",
        "last_error",
        "message_id",
    ]
    list_filter = ["status", IssueFilter]
    list_select_related = ["subscriber", "issue"]
    search_fields = ["subscriber__email", "message_id"]


class _Echo:
    """A file that hands back what is written: csv.writer rows for streaming."""

    def write(self, value):
        return value


# A cell starting with one of these is a formula in spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


SUBSCRIBER_CSV_COLUMNS = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]


@admin.action(description="Export selected as CSV", permissions=["view"])
def export_subscribers_csv(modeladmin, request, queryset):
    writer = csv.writer(_Echo())
    records = queryset.values_list(*SUBSCRIBER_CSV_COLUMNS).order_by("pk").iterator()
    lines = chain(
        [writer.writerow(SUBSCRIBER_CSV_COLUMNS)],
        (writer.writerow([_cell(value) for value in record]) for record in records),
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
    return response


class FollowInline(admin.TabularInline):
    """A subscriber's follows on their page: read-only, one query however many."""

    model = Follow
    fields = ["tool", "category", "created_at", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tool", "category")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DateSetFilter(admin.SimpleListFilter):
    """ "Empty" / "Not empty" for a nullable date, with the parameter and words of
    Django's EmptyFieldListFilter (`<field>__isempty=1` or `0`), but asking
    `IS NOT NULL` rather than `NOT (… IS NULL)`: only the former lets SQLite use
    a partial index WHERE <field> IS NOT NULL (Subscriber's subscriber_suppressed
    and subscriber_paused), so the few set rows are found without a scan."""

    field_name = ""

    def __init__(self, request, params, model, model_admin):
        self.parameter_name = f"{self.field_name}__isempty"
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("1", "Empty"), ("0", "Not empty")]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in ("0", "1"):
            raise IncorrectLookupParameters(f"{self.parameter_name} must be 0 or 1, not {value!r}")
        return queryset.filter(**{f"{self.field_name}__isnull": value == "1"})


class SuppressedFilter(DateSetFilter):
    title = "suppressed at"
    field_name = "suppressed_at"


class PausedFilter(DateSetFilter):
    title = "paused at"
    field_name = "paused_at"


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    list_display = [
        "email",
        "status",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "suppressed_at",
        "suppression_reason",
        "soft_bounces",
        "digest_scope",
        "paused_at",
    ]
    # Suppressed: the email service reported a hard bounce or a complaint
    # (newsletter/feedback.py); "Suppressed at: Not empty" lists them all.
    # "Paused at: Not empty" lists the readers who paused the weekly issue.
    list_filter = [
        "status",
        SuppressedFilter,
        "suppression_reason",
        "digest_scope",
        PausedFilter,
    ]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    actions = [export_subscribers_csv]

    def get_queryset(self, request):
        # The dates to drill into, from index seeks instead of a scan of every row.
        return with_indexed_dates(super().get_queryset(request))

    fields = list_display
    readonly_fields = list_display
    inlines = [FollowInline]


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    """Every follow, searchable by address, tool or category. No filter lists the
    tools (10,000 links): search names them, and autocomplete would pick them."""

    list_display = ["subscriber", "tool", "category", "created_at", "confirmed_at"]
    list_select_related = ["subscriber", "tool", "category"]
    # "Confirmed at: Empty" lists follows still waiting for their confirmation mail.
    list_filter = [
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("tool", admin.EmptyFieldListFilter),
        "category",
    ]
    search_fields = ["subscriber__email", "tool__name", "tool__slug", "category__name"]
    autocomplete_fields = ["subscriber", "tool", "category"]
    fields = ["subscriber", "tool", "category", "created_at", "confirmed_at", "confirmation_due_at"]
    readonly_fields = fields


@admin.register(VerifiedVote)
class VerifiedVoteAdmin(ReadOnlyAdmin):
    """Verified readers' votes (newsletter/verified.py): the desk looks, by tool, call
    or address; nobody edits them. The tool is named in a search box (ToolFilter),
    never a link per tool."""

    list_display = ["tool", "call", "subscriber", "tool_tally", "updated_at"]
    list_filter = ["call", ToolFilter]
    list_select_related = ["tool", "subscriber"]
    # One reader's votes by their exact address (any case).
    search_fields = ["=subscriber__email"]
    # Counting every vote row for "N total" is the slow part of a huge list.
    show_full_result_count = False
    fields = ["tool", "call", "subscriber", "created_at", "updated_at"]
    readonly_fields = fields

    @admin.display(description="Tool's verified tally")
    def tool_tally(self, vote):
        return vote.tool.verified.summary
