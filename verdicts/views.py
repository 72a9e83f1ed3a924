"""Public pages of the verdict domain: a tool and a reviewer."""

from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from comparisons.models import Comparison
from verdicts.models import Persona, Take, Tool


def _tool_for_page(request, slug: str) -> Tool:
    """The tool with its category and takes (with personas): two queries."""
    tools = (
        Tool.objects.visible_to(request.user)
        .select_related("category")
        .prefetch_related(
            Prefetch("takes", queryset=Take.objects.select_related("persona")),
        )
    )
    return get_object_or_404(tools, slug=slug)


def tool_page(request, slug):
    tool = _tool_for_page(request, slug)
    comparisons = (
        Comparison.objects.visible_to(request.user)
        .filter(Q(tool_a=tool) | Q(tool_b=tool))
        .select_related("tool_a", "tool_b")
    )
    return render(request, "verdicts/tool.html", {"tool": tool, "comparisons": comparisons})


def reviewer_page(request, slug):
    persona = get_object_or_404(Persona, slug=slug)
    takes = (
        Take.objects.filter(persona=persona, tool__in=Tool.objects.visible_to(request.user))
        .select_related("tool__category")
        .order_by(F("score").desc(nulls_last=True), "tool__name")
    )
    return render(request, "verdicts/reviewer.html", {"persona": persona, "takes": takes})
