"""Sections of the search page that apps above verdicts contribute.

"claude vs smolvm" leads to that comparison, which comparisons owns; verdicts
must not import comparisons, so comparisons registers a provider here in its
AppConfig.ready() and the search page asks for its context.
"""

from collections.abc import Callable

from django.http import HttpRequest

# provider(request, query: verdicts.search.SearchQuery) -> extra context for
# verdicts/search.html.
_providers: list[Callable[[HttpRequest, object], dict]] = []


def add_search_page_section(provider: Callable[[HttpRequest, object], dict]) -> None:
    """Register provider(request, query) -> dict of template variables; once each."""
    if provider not in _providers:
        _providers.append(provider)


def search_page_sections(request: HttpRequest, query) -> dict:
    """Every registered provider's context for this query, merged in registration order."""
    context: dict = {}
    for provider in _providers:
        context.update(provider(request, query))
    return context
