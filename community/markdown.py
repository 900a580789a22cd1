"""Markdown to safe HTML: markdown renders, nh3 (Ammonia) sanitises. Both stored, HTML shown.

Raw HTML in the input is escaped by nh3's allow-list: only the tags below survive, links keep
http(s)/mailto targets only and get rel="nofollow ugc noopener".
"""

import markdown as md
import nh3

ALLOWED_TAGS = {
    # No headings: members' text sits below the page's own headings and must not break their order.
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "hr", "table", "thead", "tbody", "tr", "th", "td", "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> str:
    if not text or not text.strip():
        return ""
    html = md.markdown(text, extensions=["sane_lists", "fenced_code", "tables"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
