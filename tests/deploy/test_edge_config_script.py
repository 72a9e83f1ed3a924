"""bin/edge-config: what differs per machine goes in, a bad value stops it with one line."""

import pytest

from tests.shiporskip.processes import run


def test_it_fills_in_the_machine_and_leaves_nginx_variables_alone(tmp_path):
    result = run(
        ["bin/edge-config"],
        HOST="::1",
        PORT="9000",
        STATIC_ROOT=str(tmp_path / "static"),
        EDGE_DIR=str(tmp_path / "edge"),
        EDGE_USER="www-data",
    )
    assert result.returncode == 0, result.stderr
    conf = result.stdout
    assert "listen [::1]:9000;" in conf
    assert "server 127.0.0.1:9001;" in conf  # gunicorn on PORT+1, loopback only
    assert f"alias {tmp_path / 'static'}/;" in conf
    assert f"proxy_cache_path {tmp_path / 'edge' / 'cache'} " in conf
    assert "user www-data;" in conf
    assert "proxy_cache_key $scheme$host$request_uri;" in conf
    assert "{{" not in conf
    assert (tmp_path / "edge").is_dir()


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"PORT": "eighty"}, "port 'eighty' is not a number"),
        ({"EDGE_UPSTREAM": "gunicorn"}, "EDGE_UPSTREAM='gunicorn' is not host:port"),
        ({"EDGE_CACHE_MAX_SIZE": "lots"}, "EDGE_CACHE_MAX_SIZE='lots' is not a size"),
        ({"STATIC_ROOT": "/srv/a dir"}, "has a space"),
        ({"EDGE_USER": "root; evil"}, "is not a user name"),
    ],
)
def test_a_bad_value_stops_it_with_one_line(tmp_path, variables, message):
    result = run(["bin/edge-config"], EDGE_DIR=str(tmp_path / "edge"), **variables)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Configuration error: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
