"""Every response carries the security headers: a strict Content-Security-Policy,
nosniff, Referrer-Policy, Permissions-Policy, Cross-Origin-Opener-Policy and
X-Frame-Options, on public pages, the admin and errors alike."""

import pytest

from tests.factories import make_comparison, make_tool
from tests.shiporskip.headers import assert_security_headers


@pytest.mark.django_db
def test_the_comparison_page_carries_every_security_header(client):
    comparison = make_comparison(make_tool(name="Cursor"), make_tool(name="Windsurf"))
    response = client.get(comparison.get_absolute_url())
    assert response.status_code == 200
    assert "Cursor" in response.content.decode()
    assert_security_headers(response.headers)


@pytest.mark.django_db
def test_the_admin_login_carries_every_security_header(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Log in" in response.content.decode()
    assert_security_headers(response.headers)


@pytest.mark.django_db
def test_a_404_carries_every_security_header(client):
    response = client.get("/compare/nothing-vs-nobody/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert_security_headers(response.headers)


@pytest.mark.django_db
def test_the_health_check_carries_every_security_header(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert_security_headers(response.headers)
