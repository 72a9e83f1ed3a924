"""Fills reader holes in every HTML response, cached or freshly rendered."""

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
            html = fill_reader_holes(request, response.content.decode(response.charset))
            response.content = html.encode(response.charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
