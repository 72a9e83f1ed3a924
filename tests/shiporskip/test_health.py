"""/healthz answers 200 "ok" only when the database answers. Failures are tested on
real servers whose database goes away (test_serving.py, test_postgres_serving.py)."""

import pytest


@pytest.mark.django_db
def test_it_answers_ok_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_load_balancers_that_ask_by_ip_address(client, settings):
    settings.ALLOWED_HOSTS = ["shiporskip.example"]
    assert client.get("/", headers={"Host": "10.1.2.3:8000"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "10.1.2.3:8000"}).status_code == 200
