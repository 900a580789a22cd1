"""Edges of visibility: unpublished communities, Wagtail view restrictions, facilitators' pages."""

from __future__ import annotations

from django.test import Client
from wagtail.models import PageViewRestriction

from tests.community.conftest import answer, ask, join
from tests.factories import FrameworkPageFactory


def test_unpublished_community_and_its_framework_are_gone(client, community, member):
    framework = FrameworkPageFactory(parent=community, title="Kader van de gemeenschap")
    community.unpublish()
    assert client.get(community.url or f"/gemeenschappen/{community.slug}/").status_code == 404
    assert client.get(f"/gemeenschappen/{community.slug}/kader/").status_code == 404
    client.force_login(member)
    assert client.get(f"/gemeenschappen/{community.slug}/kader/").status_code == 404
    sitemap = Client().get("/sitemap.xml").content.decode()
    assert f"/gemeenschappen/{community.slug}/" not in sitemap
    assert framework.title not in sitemap


def test_wagtail_view_restriction_hides_posts_from_every_list(client, community, member, facilitator):
    post = ask(member, community, title="Vraag achter een Wagtail-restrictie")
    PageViewRestriction.objects.create(page=community, restriction_type=PageViewRestriction.LOGIN)
    assert post.title not in client.get("/").content.decode()
    assert community.url not in client.get("/sitemap.xml").content.decode()
    assert community.title not in client.get("/gemeenschappen/").content.decode()


def test_pagination_keeps_filter_and_theme(client, community, member):
    from community.models import Theme

    theme = Theme.objects.create(community=community, name="Vroegsignalering")
    for i in range(25):
        ask(member, community, title=f"Vraag nummer {i} over vroegsignalering", themes=[theme])
    content = client.get(community.url + "?filter=vragen&thema=vroegsignalering").content.decode()
    assert "filter=vragen&amp;thema=vroegsignalering&amp;pagina=2" in content


def test_request_decision_with_bad_input_is_a_clear_400(client, community, facilitator):
    client.force_login(facilitator)
    response = client.post(community.url + "aanvragen/", {"membership": "abc", "decision": "approve"})
    assert response.status_code == 400
    response = client.post(community.url + "aanvragen/", {"membership": "1", "decision": "misschien"})
    assert response.status_code == 400


def test_each_answer_button_has_its_own_name(client, community, member, facilitator):
    post = ask(member, community)
    join_user = facilitator
    answer(join_user, post, body="Eerste")
    client.force_login(member)
    content = client.get(post.get_url()).content.decode()
    assert "Accepteer dit antwoord<span class=\"koffietafel-visually-hidden\">: antwoord van" in content
