"""Request ids and logs: every response names its request id, every log line of a
request carries it, and an error shows readers the 500 page, never a traceback."""

import io
import logging
import re
from contextlib import contextmanager

import pytest
from django.test import Client

FAILING_URLS = "tests.shiporskip.urls_for_tests"


@contextmanager
def stdout_log():
    """What the configured stdout handler writes, with its own formatter and filter."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "stdout")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.django_db
def test_it_keeps_the_request_id_the_proxy_sent(client):
    response = client.get("/healthz", headers={"X-Request-ID": "f3b2c1d0-proxy-42"})
    assert response.headers["X-Request-ID"] == "f3b2c1d0-proxy-42"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "offered",
    [None, "", "two words", "forged\nERROR line", "x" * 129, "<script>", "ünïcode"],
)
def test_it_makes_a_new_request_id_when_none_or_an_unsafe_one_is_sent(client, offered):
    headers = {} if offered is None else {"X-Request-ID": offered}
    request_id = client.get("/healthz", headers=headers).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)


@pytest.mark.django_db
def test_each_request_gets_its_own_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    assert client.get("/healthz").headers["X-Request-ID"] != first


@pytest.mark.django_db
@pytest.mark.urls(FAILING_URLS)
def test_an_error_shows_the_500_page_and_logs_one_line_with_the_request_id():
    client = Client(raise_request_exception=False)
    with stdout_log() as log:
        response = client.get("/test-only/fail/", headers={"X-Request-ID": "req-500-check"})
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    for leak in ("Traceback", "ZeroDivisionError", "internal ledger detail", "urls_for_tests"):
        assert leak not in body
    assert response.headers["X-Request-ID"] == "req-500-check"
    lines = log.getvalue().splitlines()
    assert len(lines) == 1
    assert re.search(
        r" ERROR django\.request request_id=req-500-check Internal Server Error: /test-only/fail/",
        lines[0],
    )
    # The traceback is kept for operators, on the same line.
    assert "Traceback" in lines[0]
    assert "ZeroDivisionError: internal ledger detail" in lines[0]


@pytest.mark.django_db
def test_a_404_is_logged_with_its_request_id(client):
    with stdout_log() as log:
        client.get("/compare/nothing-vs-nobody/", headers={"X-Request-ID": "req-404-check"})
    (line,) = log.getvalue().splitlines()
    assert (
        "WARNING django.request request_id=req-404-check Not Found: /compare/nothing-vs-nobody/"
        in line
    )


def test_log_lines_outside_a_request_have_no_id():
    with stdout_log() as log:
        logging.getLogger("django.test").warning("between requests")
    assert "request_id=- between requests" in log.getvalue()
