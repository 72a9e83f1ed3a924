"""Machine-readable views of a tool: its JSON and its embeddable SVG badge."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from pagecache.decorators import cached_page
from shiporskip.lib.methods import allow_methods
from verdicts.badges import Badge
from verdicts.history import load_take_history
from verdicts.models import Persona, Tool
from verdicts.open_data import open_data_response, tool_payload

BADGE_MAX_AGE = 3600


@cached_page
@allow_methods("GET", "HEAD")
def tool_json(request, slug):
    """Five queries with the page cache's: the tool with its category, its takes
    with personas, their history, the panel's size."""
    tool = get_object_or_404(Tool.objects.visible_to(request.user).with_page_relations(), slug=slug)
    load_take_history([tool])
    return open_data_response(tool_payload(tool, Persona.objects.count()))


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def badge(request, slug):
    """Published tools only, whoever asks: the response is cached publicly."""
    tool = get_object_or_404(
        Tool.objects.published().only("name", "slug", "panel_ship", "panel_skip"), slug=slug
    )
    svg = render_to_string("badges/tool.svg", {"badge": Badge(tool.name, tool.panel)})
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={BADGE_MAX_AGE}"
    # Opened directly, the SVG may load and run nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Access-Control-Allow-Origin"] = "*"
    return response
