"""Site-wide views that belong to no single app."""

from django.http import JsonResponse
from django.shortcuts import render

from shiporskip.lib.http import wants_json


def csrf_failure(request, reason=""):
    """403 for a missing or stale CSRF token, in our page design (or JSON)."""
    message = (
        "Your form expired or came from another site, so we did not act on it. "
        "Reload the page and try again."
    )
    if wants_json(request):
        return JsonResponse({"error": message}, status=403)
    return render(request, "403_csrf.html", {"message": message}, status=403)
