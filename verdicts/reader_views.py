"""Readers' actions on tools: community votes (cast, changed, withdrawn) and the bookmarks page."""

from django.conf import settings
from django.core.validators import slug_re
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from pagecache.decorators import cached_page
from shiporskip import ratelimit
from shiporskip.lib.cross_origin import cross_origin_protected
from shiporskip.lib.http import wants_json
from shiporskip.lib.methods import allow_methods
from verdicts.models import Call, CommunityVote, Tool
from verdicts.verdict import panel_reader_gap_label
from verdicts.visitors import new_visitor_key, remember_visitor, visitor_key

MAX_BOOKMARKS = 100


def _vote_refused(request, status: int, message: str, tool: Tool | None = None):
    if wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return render(
        request, "verdicts/vote_refused.html", {"message": message, "tool": tool}, status=status
    )


def _voted_tool(request, slug):
    """The published tool a vote form names: (tool, None), or (None, the 404)."""
    tool = (
        Tool.objects.published()
        .filter(slug=slug)
        .only("pk", "slug", "name", "panel_ship", "panel_skip")  # the stored panel
        .first()
    )
    if tool is None:
        return None, _vote_refused(request, 404, "There is no published tool at this address.")
    return tool, None


def _over_rate_limit(request, tool):
    """None, or the 429 once the address spent VOTE_RATE_LIMIT: casting and
    withdrawing count against the same limit."""
    rate = ratelimit.Rate.parse(settings.VOTE_RATE_LIMIT)
    if ratelimit.hit_address("vote", request, rate):
        return None
    message = "Too many votes from your address just now. Please wait a minute and try again."
    return _vote_refused(request, 429, message, tool)


def _back_to_page(request, tool, fragment: str):
    """303 See Other to the page the form was on (or the tool's), at #fragment,
    which CSS :target draws: the page itself is the same for every reader."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = tool.get_absolute_url()
    response = HttpResponseRedirect(f"{back}#{fragment}")
    response.status_code = 303  # See Other: the browser GETs the page back
    return response


@allow_methods("POST", hint="Vote with the ship/skip buttons on a tool card.")
@cross_origin_protected
def vote(request, slug):
    """A reader's ship/skip on a tool: a form post (303 back) or JSON for scripts.

    The 303 goes back to the page at #voted-<call>-<slug>, where CSS :target shows
    "You said …". The JSON is {"tool": slug, "your_vote": call, "community":
    CommunityTally.as_dict()}."""
    tool, refused = _voted_tool(request, slug)
    if refused:
        return refused
    call = request.POST.get("verdict", "")
    if call not in Call.values:
        return _vote_refused(request, 400, "A vote is either ship or skip.", tool)
    refused = _over_rate_limit(request, tool)
    if refused:
        return refused

    known_key = visitor_key(request)
    key = known_key or new_visitor_key()
    tally = CommunityVote.objects.cast(tool, key, call)
    if wants_json(request):
        response = JsonResponse(_vote_answer(tool, call, tally))
    else:
        response = _back_to_page(request, tool, f"voted-{call}-{tool.slug}")
    if key != known_key:
        remember_visitor(response, key)
    return response


def _vote_answer(tool, call, tally) -> dict:
    """The JSON a script gets after a vote or a withdrawal: every figure the page
    shows for the tool that readers' votes move, worded by verdicts/verdict.py."""
    return {
        "tool": tool.slug,
        "your_vote": call,
        "community": tally.as_dict(),
        "readers_vs_panel": panel_reader_gap_label(tool.panel, tally),
    }


@allow_methods("POST", hint="Withdraw your vote with the button under a tool's vote.")
@cross_origin_protected
def withdraw_vote(request, slug):
    """Take back a reader's vote on a tool: a form post (303 back to the page at
    #withdrawn-<slug>) or JSON for scripts ({"tool": slug, "your_vote": null,
    "community": CommunityTally.as_dict()}). Without a vote (or a visitor
    cookie) there is nothing to take back and the tally is answered unchanged;
    no cookie is ever set here."""
    tool, refused = _voted_tool(request, slug)
    if refused:
        return refused
    refused = _over_rate_limit(request, tool)
    if refused:
        return refused
    key = visitor_key(request)
    if key:
        tally = CommunityVote.objects.withdraw(tool, key)
    else:
        tally = (
            Tool.objects.filter(pk=tool.pk)
            .only("community_ship_votes", "community_skip_votes")[0]
            .community
        )
    if wants_json(request):
        return JsonResponse(_vote_answer(tool, None, tally))
    return _back_to_page(request, tool, f"withdrawn-{tool.slug}")


@cached_page(query=["tools"])
@allow_methods("GET", "HEAD")
def bookmarks_page(request):
    """Saved tools live in the reader's browser; the script asks for them by slug.
    Only slug-shaped names reach the database (PostgreSQL refuses a NUL byte)."""
    slugs = [s for s in request.GET.get("tools", "").split(",") if slug_re.match(s)]
    slugs = slugs[:MAX_BOOKMARKS]
    tools = []
    if slugs:
        found = {
            tool.slug: tool
            for tool in Tool.objects.published().filter(slug__in=slugs).select_related("category")
        }
        tools = [found[slug] for slug in dict.fromkeys(slugs) if slug in found]
    return render(request, "verdicts/bookmarks.html", {"tools": tools, "asked": bool(slugs)})
