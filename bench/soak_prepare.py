"""bench/soak, step 1: sessions for many members and the targets of the mixed load.

Prints a Lua table (read by bench/soak.lua through SOAK_CONFIG) and writes a JSON file with what
bench/soak_check.py needs afterwards. Runs with the server's settings and database.
"""

from __future__ import annotations

import json
import os
import secrets
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koffietafel.settings.bench")
django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from community.models import Answer, CommunityPage, Membership, Post  # noqa: E402

MEMBERS = int(os.environ.get("SOAK_MEMBERS", "400"))


def lua(value) -> str:
    if isinstance(value, list):
        return "{" + ", ".join(lua(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua(k)}] = {lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))


def main(state_path):
    community = CommunityPage.objects.filter(slug__startswith="bench-", visibility="open").order_by("pk").first()
    long_question = (Post.objects.filter(community=community, kind="question").annotate(rows=Count("answers"))
                     .filter(rows=50).order_by("pk").first())
    answer_posts = list(
        Post.objects.filter(community=community, kind="question", is_hidden=False)
        .exclude(pk=long_question.pk).order_by("pk")[:20]
    )
    vote_answers = list(
        Answer.objects.filter(post=long_question, is_public=True, is_removed=False).values_list("pk", flat=True)
    )
    members = list(
        Membership.objects.filter(community=community, status="active", role="member")
        .order_by("pk").values_list("user_id", flat=True)[:MEMBERS]
    )
    from django.contrib.auth import get_user_model

    cookies = []
    for user in get_user_model().objects.filter(pk__in=members):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    csrf_secret = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret as the token
    reads = [
        "/", community.url, long_question.get_url(), "/zoeken/?q=gemeente",
        *(p.get_url() for p in answer_posts[:5]),
    ]
    config = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_secret": csrf_secret,
        "cookies": cookies,
        "reads": reads,
        "answer_urls": [f"{community.url}bijdragen/{p.pk}/antwoorden/" for p in answer_posts],
        "vote_urls": [f"{community.url}bijdragen/{long_question.pk}/antwoorden/{a}/nuttig/" for a in vote_answers],
        "vote_marker": long_question.get_url(),
    }
    with open(state_path, "w") as fh:
        json.dump({
            "answer_posts": [p.pk for p in answer_posts],
            "vote_answers": vote_answers,
            "members": len(cookies),
            "answers_before": Answer.objects.filter(comment__startswith="Soak-antwoord").count(),
        }, fh)
    print("return " + lua(config))


if __name__ == "__main__":
    main(sys.argv[1])
