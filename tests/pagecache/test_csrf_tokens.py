"""Our faster CSRF mask makes tokens Django's CSRF check accepts, and only for
the reader's own secret."""

from django.middleware import csrf
from django.test import RequestFactory

from pagecache.csrf import mask_secret, page_csrf_token


def test_django_unmasks_our_tokens_to_the_secret():
    for _ in range(500):
        secret = csrf._get_new_csrf_string()
        token = mask_secret(secret)
        assert len(token) == csrf.CSRF_TOKEN_LENGTH
        assert set(token) <= set(csrf.CSRF_ALLOWED_CHARS)
        assert csrf._unmask_cipher_token(token) == secret
        assert csrf._does_token_match(token, secret)
        assert not csrf._does_token_match(token, csrf._get_new_csrf_string())


def test_each_token_is_masked_afresh():
    secret = csrf._get_new_csrf_string()
    tokens = {mask_secret(secret) for _ in range(200)}
    assert len(tokens) == 200
    # Every position of the mask takes many values: no character is stuck.
    assert all(len({t[i] for t in tokens}) > 40 for i in range(csrf.CSRF_SECRET_LENGTH))


def test_a_reader_without_a_secret_gets_djangos_own_new_one():
    request = RequestFactory().get("/")
    token = page_csrf_token(request)
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"]
    assert csrf._does_token_match(token, request.META["CSRF_COOKIE"])
