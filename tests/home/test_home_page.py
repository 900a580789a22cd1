"""The home page: community cards and latest activity, correct for each visitor after its card lists were cached."""

from __future__ import annotations

from community import services
from tests.community.conftest import ask, join
from tests.factories import UserFactory


def home_as(client, user, home_page):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(home_page.url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_private_community_shows_only_to_its_members(client, home_page, community_factory, member, outsider):
    secret = community_factory(title="Besloten kring van toezichthouders", private=True)
    join(member, secret)

    assert "Besloten kring van toezichthouders" in home_as(client, member, home_page)
    assert "Besloten kring van toezichthouders" not in home_as(client, outsider, home_page)
    assert "Besloten kring van toezichthouders" not in home_as(client, None, home_page)


def test_member_sees_their_communities_apart_from_the_others(client, home_page, community, member, outsider):
    mine = home_as(client, member, home_page).split('id="join-heading"')[0]
    assert community.title in mine

    not_mine = home_as(client, outsider, home_page).split('id="join-heading"')
    assert community.title not in not_mine[0] and community.title in not_mine[1]


def test_cards_show_the_new_member_count_and_title(client, home_page, community, member, outsider):
    assert "1 lid<" in home_as(client, outsider, home_page)

    join(UserFactory(username="nieuwkomer"), community)
    assert "2 leden<" in home_as(client, outsider, home_page)

    community.title = "Schuldhulp in de buurt"
    community.save_revision().publish()
    assert "Schuldhulp in de buurt" in home_as(client, outsider, home_page)


def test_latest_activity_links_to_the_post_in_its_community(client, home_page, community, member, facilitator):
    post = ask(member, community, title="Wie heeft ervaring met huisbezoeken?")
    page = home_as(client, member, home_page)
    assert f'href="{post.get_url()}">Wie heeft ervaring met huisbezoeken?</a>' in page
    assert f"· {community.title} ·" in page

    services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="dubbel")
    assert "Wie heeft ervaring met huisbezoeken?" not in home_as(client, member, home_page)


def test_latest_activity_shows_a_new_question_and_an_answered_one_first(client, home_page, community, member, facilitator):
    older = ask(member, community, title="Een oudere vraag over de wijk")
    assert "Een oudere vraag over de wijk" in home_as(client, member, home_page)

    ask(facilitator, community, title="Een nieuwe vraag over de wijk")
    page = home_as(client, member, home_page)
    assert page.index("Een nieuwe vraag over de wijk") < page.index("Een oudere vraag over de wijk")

    services.answer_create(author=facilitator, post=older, body="Ja, zeker.")
    page = home_as(client, member, home_page)
    assert page.index("Een oudere vraag over de wijk") < page.index("Een nieuwe vraag over de wijk")


def test_latest_activity_of_a_closed_community_shows_to_members_only(
    client, home_page, community_factory, member, outsider
):
    closed = community_factory(title="Besloten werkplaats", visibility="closed")
    join(member, closed)
    ask(member, closed, title="Een vraag in de besloten werkplaats")

    assert "Een vraag in de besloten werkplaats" in home_as(client, member, home_page)
    assert "Een vraag in de besloten werkplaats" not in home_as(client, outsider, home_page)
    assert "Een vraag in de besloten werkplaats" not in home_as(client, None, home_page)


def test_latest_activity_shows_a_new_author_name(client, home_page, community, member, outsider):
    ask(member, community)
    assert "Marieke de Vries" not in home_as(client, outsider, home_page)

    member.profile.display_name = "Marieke de Vries"
    member.profile.save()

    assert "Marieke de Vries" in home_as(client, outsider, home_page)


# -- the community cards are shared rows (community/selectors.card_rows), kept under the pages generation


def test_cards_link_to_the_new_address_after_the_index_was_renamed(client, home_page, community_index, community,
                                                                   outsider):
    assert f'href="/gemeenschappen/{community.slug}/"' in home_as(client, outsider, home_page)

    community_index.slug = "kringen"
    community_index.save()  # the URLs below it change without a signal of their own

    page = home_as(client, outsider, home_page)
    assert f'href="/kringen/{community.slug}/"' in page and "/gemeenschappen/" + community.slug not in page


def test_cards_link_with_the_full_address_once_there_are_two_sites(client, home_page, community, outsider):
    from wagtail.models import Page, Site

    assert f'href="/gemeenschappen/{community.slug}/"' in home_as(client, outsider, home_page)

    other_root = Page.get_first_root_node().add_child(instance=Page(title="Andere site", slug="andere-site"))
    Site.objects.create(hostname="andere.example", root_page=other_root)

    assert f'href="http://localhost/gemeenschappen/{community.slug}/"' in home_as(client, outsider, home_page)


def test_an_unpublished_community_leaves_the_cards(client, home_page, community_factory, outsider):
    gone = community_factory(title="Werkplaats die stopt")
    assert "Werkplaats die stopt" in home_as(client, outsider, home_page)

    gone.unpublish()

    assert "Werkplaats die stopt" not in home_as(client, outsider, home_page)


def test_a_new_community_shows_on_every_readers_cards(client, home_page, community, member, outsider):
    home_as(client, member, home_page)
    home_as(client, outsider, home_page)

    from tests.factories import CommunityPageFactory

    CommunityPageFactory(parent=community.get_parent(), title="Nieuwe gemeenschap over armoede")

    assert "Nieuwe gemeenschap over armoede" in home_as(client, member, home_page)
    assert "Nieuwe gemeenschap over armoede" in home_as(client, outsider, home_page)


def test_a_community_made_private_leaves_the_cards_of_non_members_only(client, home_page, community, member,
                                                                       outsider):
    assert community.title in home_as(client, member, home_page)
    assert community.title in home_as(client, outsider, home_page)

    community.visibility = "private"
    community.save_revision().publish()

    assert community.title in home_as(client, member, home_page)
    assert community.title not in home_as(client, outsider, home_page)
    assert community.title not in home_as(client, None, home_page)
