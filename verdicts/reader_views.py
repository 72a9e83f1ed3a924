"""Readers' actions on tools: community votes and the bookmarks page."""

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
from verdicts.visitors import new_visitor_key, remember_visitor, visitor_key

MAX_BOOKMARKS = 100


def _vote_refused(request, status: int, message: str, tool: Tool | None = None):
    if wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return render(
        request, "verdicts/vote_refused.html", {"message": message, "tool": tool}, status=status
    )


@allow_methods("POST", hint="Vote with the ship/skip buttons on a tool card.")
@cross_origin_protected
def vote(request, slug):
    """A reader's ship/skip on a tool: a form post (303 back) or JSON for scripts.

    The 303 goes back to the page at #voted-<call>-<slug>, where CSS :target shows
    "You said …": the page itself is the same for every reader."""
    tool = Tool.objects.published().filter(slug=slug).only("pk", "slug", "name").first()
    if tool is None:
        return _vote_refused(request, 404, "There is no published tool at this address.")
    call = request.POST.get("verdict", "")
    if call not in Call.values:
        return _vote_refused(request, 400, "A vote is either ship or skip.", tool)
    rate = ratelimit.Rate.parse(settings.VOTE_RATE_LIMIT)
    if not ratelimit.hit_address("vote", request, rate):
        message = "Too many votes from your address just now. Please wait a minute and try again."
        return _vote_refused(request, 429, message, tool)

    known_key = visitor_key(request)
    key = known_key or new_visitor_key()
    tally = CommunityVote.objects.cast(tool, key, call)
    if wants_json(request):
        response = JsonResponse(
            {"tool": tool.slug, "your_vote": call, "community": tally.as_dict()}
        )
    else:
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = tool.get_absolute_url()
        response = HttpResponseRedirect(f"{back}#voted-{call}-{tool.slug}")
        response.status_code = 303  # See Other: the browser GETs the page back
    if key != known_key:
        remember_visitor(response, key)
    return response


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
            for tool in Tool.objects.published()
            .filter(slug__in=slugs)
            .with_panel_counts()
            .select_related("category")
        }
        tools = [found[slug] for slug in dict.fromkeys(slugs) if slug in found]
    return render(request, "verdicts/bookmarks.html", {"tools": tools, "asked": bool(slugs)})
