"""Test-only URLs: the production ones plus a view that fails on purpose and a
stand-in badge. Tests opt in with @pytest.mark.urls; production never sees them."""

from django.http import HttpResponse
from django.urls import path

from shiporskip.urls import urlpatterns as production_urlpatterns

BADGE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="20" role="img" '
    'aria-label="Ship or Skip: ship"><rect width="120" height="20" fill="#2f6f3e"/>'
    '<text x="60" y="14" fill="#fff" font-family="sans-serif" font-size="11" '
    'text-anchor="middle">ship</text></svg>'
)


def fail(request):
    raise ZeroDivisionError("internal ledger detail that readers must never see")


def badge(request):
    # Served through the whole middleware stack, as the real badges will be.
    return HttpResponse(BADGE_SVG, content_type="image/svg+xml")


urlpatterns = [
    path("test-only/fail/", fail),
    path("test-only/badge.svg", badge),
    *production_urlpatterns,
]
