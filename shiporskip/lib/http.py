"""Small facts about a request that several apps ask."""

from django.http import HttpRequest


def wants_json(request: HttpRequest) -> bool:
    """The client asked for JSON (a script's Accept header), not a page."""
    return "application/json" in request.headers.get("Accept", "")
