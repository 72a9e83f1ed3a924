"""Control, line-break and invisible formatting characters in every text field
of the verdict desk's forms: never a 500, neither from the admin nor from any
public page, feed or text output afterwards, and nothing unwanted stored."""

import itertools

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparisons.models import Comparison
from shiporskip.lib.text_fields import OneLineMixin
from shiporskip.lib.text_rules import first_unwanted
from tests.admin_forms import admin_form
from tests.factories import make_editor
from verdicts.models import Category, Persona, Take, Tool

BAD = [
    "\x00", "\x07", "\t", "\n", "\x0b", "\x0c", "\r", "\r\n", "\x1b", "\x7f", "\x85",
    "\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u202a", "\u202e", "\u2028",
    "\u2029", "\u2060", "\u2066", "\u2069", "\ufeff", "Name\r\nBcc: someone@example.net",
]  # fmt: skip

# Each form with the text fields fuzzed and valid values for the rest.
FORMS = {
    "tool": (
        "/admin/verdicts/tool/add/",
        ["name", "slug", "tagline", "logo_initial", "description", "pricing", "website"],
        {"name": "Fuzzed {n}", "tagline": "T", "description": "D", "entry_tier": "free"},
    ),
    "category": (
        "/admin/verdicts/category/add/",
        ["name", "slug", "description"],
        {"name": "C {n}"},
    ),
    "persona": (
        "/admin/verdicts/persona/add/",
        ["name", "slug", "motto", "lens", "excited_by", "tired_of"],
        {
            "name": "P {n}",
            "position": "{n}",
            "motto": "M",
            "lens": "L",
            "excited_by": "E",
            "tired_of": "T",
        },
    ),
    "tool with takes": (
        "/admin/verdicts/tool/1/change/",
        ["name", "tagline", "takes-0-body", "takes-0-reviewed_version"],
        {},
    ),
    "take": ("/admin/verdicts/take/1/change/", ["body", "reviewed_version"], {}),
    "comparison": ("/admin/comparisons/comparison/{pk}/change/", ["intro"], {}),
}
NUMBERS = itertools.count(100)
READER_URLS = [
    "/",
    "/feeds/comparisons/",
    "/llms.txt",
    "/llms/tools.txt",
    "/llms/comparisons.txt",
    "/sitemap.xml",
    "/sitemaps/tools-1.xml",
    "/tools/",
    "/compare/",
]

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(BAD),
        st.characters(categories=["Cc", "Cf", "Zl", "Zp"]),
        st.text(alphabet="abc <>&-#[]", max_size=4),
    ),
    min_size=1,
    max_size=6,
).map("".join)


@pytest.fixture
def editor(db):
    # One per test: the examples of a test share its database rows.
    return make_editor()


def assert_nothing_unwanted_stored():
    for model in (Category, Tool, Persona, Take, Comparison):
        one_line = [f for f in model._meta.concrete_fields if isinstance(f, OneLineMixin)]
        for row in model.objects.all():
            for field in one_line:
                assert first_unwanted(getattr(row, field.attname)) is None, (row, field.name)


@pytest.mark.django_db
@pytest.mark.parametrize("form_name", FORMS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_admin_form_answers_500_to_unwanted_characters(seeded, editor, form_name, data):
    url, text_fields, valid = FORMS[form_name]
    url = url.format(pk=Comparison.objects.order_by("pk").values_list("pk", flat=True)[0])
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    # Fresh names and positions, so a save is not refused for a clash alone.
    n = next(NUMBERS)
    valid = {name: value.format(n=n) for name, value in valid.items()}
    fuzzed = data.draw(
        st.dictionaries(st.sampled_from(text_fields), hostile_text, min_size=1, max_size=3)
    )
    fields = {**admin_form(client, url), **valid, **fuzzed, "_save": "Save"}
    response = client.post(url, fields)
    assert response.status_code in (200, 302), (form_name, fuzzed, response.status_code)
    assert_nothing_unwanted_stored()
    for reader_url in READER_URLS:
        answer = Client(raise_request_exception=False).get(reader_url)
        assert answer.status_code == 200, (reader_url, fuzzed, answer.status_code)


def test_every_form_is_fuzzed():
    # A guard against an empty parametrisation collecting nothing.
    assert set(FORMS) == {"tool", "category", "persona", "tool with takes", "take", "comparison"}
