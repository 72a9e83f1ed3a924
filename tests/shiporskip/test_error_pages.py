"""404 and 500 pages in the site's design."""

import pytest
from django.test import Client

from tests.html import text_of


@pytest.mark.django_db
def test_an_unknown_url_is_the_designed_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "/static/css/site.css" in html
    assert '<meta name="robots" content="noindex">' in html
    text = text_of(html)
    assert "We could not find that page" in text
    assert "Browse every tool" in text
    assert 'action="/search/"' in html


@pytest.mark.django_db
@pytest.mark.urls("tests.shiporskip.boom_urls")
def test_a_server_error_renders_the_designed_500(settings):
    assert settings.DEBUG is False
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "/static/css/site.css" in html
    text = text_of(html)
    assert "Something went wrong on our side" in text
    assert "Back to the comparisons" in text
    assert "RuntimeError" not in html
