"""The markdown sanitiser: whatever text comes in, no script, event handler or javascript: URL survives."""

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from community.markdown import render

DANGEROUS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>", "<svg onload=alert(1)>", "<iframe src=//evil>",
    "<div style='background:url(javascript:alert(1))'>", "[x](JaVaScRiPt:alert(1))", "<p onclick=x>y</p>",
    "<scr<script>ipt>", "`<script>`", "<a href=\"&#106;avascript:alert(1)\">x</a>", "<body onload=x>",
]

text = st.lists(st.one_of(st.sampled_from(DANGEROUS), st.text(max_size=40)), max_size=12).map("".join)


class TagCollector(HTMLParser):
    """What a browser would see as elements and attributes (escaped text is just text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@settings(max_examples=300, deadline=None)
@given(text)
def test_no_script_no_handlers_no_javascript_urls(source):
    collector = TagCollector()
    collector.feed(render(source))
    for tag, attrs in collector.tags:
        assert tag not in {"script", "iframe", "svg", "img", "style", "body", "div"}
        assert not any(name.startswith("on") for name in attrs), attrs
        assert "style" not in attrs
        for name in ("href", "src", "action"):
            value = re.sub(r"\s", "", (attrs.get(name) or "")).lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), attrs


def test_links_get_nofollow_ugc():
    assert 'rel="nofollow ugc noopener"' in render("[site](https://example.org)")


def test_plain_markdown_still_renders():
    assert render("- een\n- twee") == "<ul>\n<li>een</li>\n<li>twee</li>\n</ul>"
