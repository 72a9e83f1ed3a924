"""The verified-vote page an issue's email links to: /newsletter/vote/<token>/.

GET lists the issue's tools with the reader's current verified vote and a Ship
and a Skip button each; it never votes (mail scanners follow links). POST casts
one vote (newsletter/verified.py) and answers 303 back to the page at
#voted-<call>-<slug>. The page is the reader's own: private, never cached.
"""

from django.conf import settings
from django.core.validators import slug_re
from django.http import HttpResponseRedirect
from django.shortcuts import render

from newsletter import tokens, verified
from newsletter.models import Issue
from shiporskip import ratelimit
from shiporskip.lib.cross_origin import cross_origin_protected
from shiporskip.lib.methods import allow_methods
from verdicts.models import Call

NOT_IN_ISSUE = "That tool is not one of this issue's tools, so there is nothing to vote on here."
NOT_A_CALL = "A vote is either ship or skip."
TOO_MANY = "Too many votes from your address just now. Please wait a minute and try again."


def _refused(request, status: int, heading: str, message: str, *, expired=False):
    context = {"heading": heading, "message": message, "expired": expired}
    return render(request, "newsletter/vote_refused.html", context, status=status)


def _page(request, token, subscriber, issue, message="", status=200):
    """The issue's tools with this reader's votes: one query."""
    context = {
        "subscriber": subscriber,
        "issue": issue,
        "tools": list(verified.issue_tools(issue.pk, subscriber)),
        "token": token,
        "message": message,
    }
    return render(request, "newsletter/vote.html", context, status=status)


@allow_methods("GET", "HEAD", "POST")  # outermost: it sees the view is csrf_exempt
@cross_origin_protected
def vote_page(request, token):
    """Three queries to show, whatever the issue's size (the subscriber, the issue,
    its tools with the reader's votes); a vote adds the tool's look-up, the
    rate-limit counter and cast()'s transaction, then 303s back.

    Answers 400 for a forged, damaged or expired link, 403 for a reader who is
    no longer a confirmed, deliverable subscriber, 400 (above the page) for a
    tool outside the issue or a call other than ship/skip, 429 past
    VOTE_RATE_LIMIT."""
    try:
        subscriber, issue_pk = tokens.subscriber_and_issue_for_vote_token(token)
    except tokens.ExpiredToken:
        return _refused(
            request,
            400,
            "This voting link has expired",
            "Voting links last "
            f"{settings.NEWSLETTER_VOTE_MAX_AGE // 86400} days after their issue. "
            "The next issue brings a fresh one.",
            expired=True,
        )
    except tokens.InvalidToken:
        return _refused(
            request,
            400,
            "This voting link is not valid",
            "It may have been cut short by your email program: copy the whole link from the email.",
        )
    issue = Issue.objects.filter(pk=issue_pk).only("pk", "subject", "created_at").first()
    if issue is None:
        return _refused(
            request, 400, "This voting link is not valid", "Its issue no longer exists."
        )
    if not verified.may_vote(subscriber):
        return _refused(
            request,
            403,
            "Only subscribers can vote here",
            "Verified votes come from confirmed subscribers, and this address is no "
            "longer subscribed (or we can no longer email it), so this link does not "
            "vote. Sign up again to vote from your next issue.",
        )
    if request.method != "POST":
        return _page(request, token, subscriber, issue)

    call = request.POST.get("verdict", "")
    slug = request.POST.get("tool", "")
    if call not in Call.values:
        return _page(request, token, subscriber, issue, NOT_A_CALL, status=400)
    # Only slug-shaped names reach the database (PostgreSQL refuses a NUL byte).
    tool = verified.issue_tools(issue.pk).filter(slug=slug).first() if slug_re.match(slug) else None
    if tool is None:
        return _page(request, token, subscriber, issue, NOT_IN_ISSUE, status=400)
    if not ratelimit.hit_address(
        "verified-vote", request, ratelimit.Rate.parse(settings.VOTE_RATE_LIMIT)
    ):
        return _page(request, token, subscriber, issue, TOO_MANY, status=429)
    verified.cast(subscriber, tool, call)
    response = HttpResponseRedirect(f"{request.path}#voted-{call}-{tool.slug}")
    response.status_code = 303  # See Other: the browser GETs the page back
    return response
