"""What the security headers of every response must say, checked by several tests."""


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    return directives


def assert_security_headers(headers) -> None:
    """`headers`: any mapping with case-insensitive .get (Django's or http.client's)."""
    csp = headers.get("Content-Security-Policy")
    assert csp, "no Content-Security-Policy"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    directives = csp_directives(csp)
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") == "same-origin"
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin"
    assert headers.get("X-Frame-Options") == "DENY"
    permissions = headers.get("Permissions-Policy")
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions
    # Badges must load as <img> on other sites: nothing may forbid cross-origin use.
    assert headers.get("Cross-Origin-Resource-Policy") is None
    assert headers.get("Cross-Origin-Embedder-Policy") is None
