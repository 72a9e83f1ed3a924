"""GET /healthz: 200 "ok" when the database answers `SELECT 1`, 503 otherwise.

It is a middleware rather than a URL so that a load balancer or the container's
HEALTHCHECK can ask by IP address (before the ALLOWED_HOSTS check) over plain HTTP
(SECURE_REDIRECT_EXEMPT lets it past the HTTPS redirect), and no session, CSRF or
page cache ever touches it.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

HEALTH_PATH = "/healthz"

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        # A fresh connection: a persistent one can keep answering from a database
        # file that has gone (SQLite keeps it open), or hide a dead server until
        # the next real request fails. (Inside a transaction, as in tests, the
        # connection must stay.)
        if not connection.in_atomic_block:
            connection.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        logger.error("Health check failed: the database did not answer: %s", error)
        return False


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        if database_answers():
            response = HttpResponse("ok\n", content_type="text/plain")
        else:
            response = HttpResponse("database unavailable\n", content_type="text/plain", status=503)
        add_never_cache_headers(response)
        return response
