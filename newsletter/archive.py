"""The public archive of sent issues: /newsletter/ (the sign-up and every sent
issue, newest first, by pages) and /newsletter/issues/<number>/ (one issue).

An issue page is cut from the stored HTML body, between the markers
templates/emails/weekly_digest.html puts around what every reader got: the
header and the footer, with the reader's own lead and links, stay out. Issues
stored before the markers existed show their text body instead, up to its
signature. Only sent issues (Issue.sent_at) are public; any other number is 404.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe

from comparisons.models import TOOL_FIELDS, Comparison
from newsletter.forms import SubscribeForm
from newsletter.models import Issue
from newsletter.personal import (
    READER_LEAD,
    READER_UNSUBSCRIBE_URL,
    SHARED_TEXT_END,
    SHARED_TEXT_START,
)
from pagecache.decorators import cached_page
from shiporskip.lib.methods import allow_methods
from verdicts.models import Tool

ISSUES_PER_PAGE = 20
# What a covered comparison shows of each tool: its name, linked by slug.
NAMES = ("name", "slug")
START_MARKER = "<!--archive:start-->"
END_MARKER = "<!--archive:end-->"
# The text body's signature line (RFC 3676 "-- "), above the reader's own links.
SIGNATURE = "\n-- \n"


def shared_html(issue: Issue) -> str | None:
    """The part of the issue's HTML body every reader got alike, or None when the
    body predates the markers. Ours, rendered with autoescape: safe to show."""
    start = issue.html_body.find(START_MARKER)
    end = issue.html_body.find(END_MARKER)
    if start < 0 or end < start:
        return None
    fragment = issue.html_body[start + len(START_MARKER) : end]
    return fragment if READER_UNSUBSCRIBE_URL not in fragment else None


def shared_text(issue: Issue) -> str:
    """The text body up to its signature: the reader's lead and links left out."""
    text, _, _ = issue.text_body.partition(SIGNATURE)
    for placeholder in (READER_UNSUBSCRIBE_URL, READER_LEAD, SHARED_TEXT_START, SHARED_TEXT_END):
        text = text.replace(placeholder, "")
    return text.strip()


@cached_page(uses_votes=False, query=["page"])
@allow_methods("GET", "HEAD")
def archive(request):
    """Every sent issue, newest first: two queries (count, page)."""
    issues = Issue.objects.sent().only("pk", "subject", "sent_at")
    # get_page() forgives a bad or too-large ?page=: readers land on a real page.
    page = Paginator(issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "newsletter/archive.html", {"page": page, "form": SubscribeForm()})


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def issue(request, number: int):
    """One sent issue and everything it covered: three queries."""
    found = Issue.objects.sent().filter(pk=number).first()
    if found is None:
        raise Http404("No sent issue has this number.")
    html = shared_html(found)
    context = {
        "issue": found,
        "shared_html": mark_safe(html) if html is not None else None,  # noqa: S308 - see shared_html
        "shared_text": shared_text(found) if html is None else "",
        "covered_comparisons": list(
            Comparison.objects.published()
            .filter(newsletter_issues=found)
            .with_tools()
            .only(*TOOL_FIELDS, *(f"{tool}__{name}" for tool in TOOL_FIELDS for name in NAMES))
            .order_by("-published_at", "-pk")
        ),
        "covered_tools": list(
            Tool.objects.published()
            .filter(newsletter_issues=found)
            .only("name", "slug")
            .order_by("name")
        ),
    }
    return render(request, "newsletter/issue.html", context)
