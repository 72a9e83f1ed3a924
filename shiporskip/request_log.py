"""Request ids and the one-line log format.

Every request gets an id: the proxy's X-Request-ID when it is a sane token, a new
one otherwise. It is on the request (`request.request_id`), on the response header
and, through a context variable, on every log line written while the request runs,
so an access-log line and an error line of the same request can be matched.
"""

import contextvars
import logging
import re
import uuid

REQUEST_ID_HEADER = "X-Request-ID"

# A token a proxy would send (uuid, hex, ULID...): nothing that could forge a log line.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

current_request_id = contextvars.ContextVar("current_request_id", default="-")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request)."""

    def filter(self, record):
        # Django logs 4xx responses after the middleware has returned, but hands the
        # request to the record.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True


class OneLineFormatter(logging.Formatter):
    """One record, one line: a traceback is kept but its newlines are escaped, so
    log collectors that split on lines never tear an error apart."""

    def format(self, record):
        return super().format(record).replace("\r", "").replace("\n", "\\n")
