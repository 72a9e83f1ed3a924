"""Fills reader holes in every HTML response, cached or freshly rendered, and
gives pages an ETag so a returning browser gets a 304."""

import hashlib

from django.utils.cache import patch_cache_control, patch_vary_headers

from pagecache.holes import fill_reader_holes


class ReaderHolesMiddleware:
    # Must sit below CsrfViewMiddleware: get_token() here marks the CSRF cookie
    # for sending, and CsrfViewMiddleware's response phase runs after ours.
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and b"<sos-hole" in response.content
        ):
            shared = response.content
            html, personal = fill_reader_holes(request, shared.decode(response.charset))
            response.content = html.encode(response.charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            if request.method in ("GET", "HEAD") and response.status_code == 200:
                digest = hashlib.sha256(shared + personal.encode()).hexdigest()[:32]
                response["ETag"] = f'W/"{digest}"'
            # Per-reader bits inside: browsers may keep it, but must revalidate.
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
        return response
