"""Sections of a tool's page that apps above verdicts contribute.

The tool page shows the tool's comparisons and "compare with" links, which
comparisons owns; verdicts must not import comparisons, so comparisons registers
a provider here in its AppConfig.ready() and the page asks for its context.
"""

from collections.abc import Callable

from django.http import HttpRequest

# provider(request, tool) -> extra template context for verdicts/tool.html.
_providers: list[Callable[[HttpRequest, object], dict]] = []


def add_tool_page_section(provider: Callable[[HttpRequest, object], dict]) -> None:
    """Register provider(request, tool) -> dict of template variables; once each."""
    if provider not in _providers:
        _providers.append(provider)


def tool_page_sections(request: HttpRequest, tool) -> dict:
    """Every registered provider's context for this tool, merged in registration order."""
    context: dict = {}
    for provider in _providers:
        context.update(provider(request, tool))
    return context
