"""The site search's shared match lists (home/search_matches.py): privacy, freshness, the same answers.

A list is ranked once for everyone and narrowed per reader in Python, so these tests check that
(a) the Python form of the policy gives exactly the posts its SQL form gives, for every reader;
(b) a list filled by a more privileged reader shows and counts nothing more to anyone else;
(c) a change reaches the next search of a reader who had a current list (a new, edited, hidden or
deleted post, an accepted answer, a page, an index update finishing);
(d) with and without a shared cache (the policy-filtered queries of home/search.py), a search
shows the same results and counts.
"""

from __future__ import annotations

import re

import pytest
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from community import policies, services
from community.models import CommunityPage, Post
from home import search_matches
from tests.community.conftest import answer, ask, join
from tests.community.test_access_matrix import ROLES, VISIBILITIES, client_for, reads_posts
from tests.find.test_search import client_for as _client
from tests.find.test_search import results_html as _results




def _summary(response) -> tuple:
    """(heading count, {tab: count}, [result titles]) of a search page."""
    html = _results(response)
    heading = re.search(r">(\d+) resulta", html)
    tabs = dict(re.findall(r'>([^<>(]+?) \((\d+)\)</a>', html))
    titles = re.findall(r'<h3 class="post-card__title"><a href="([^"]*)">([^<]*)</a>', html)
    return (heading and heading.group(1)), tabs, titles


@pytest.fixture
def no_shared_cache(settings):
    """Production without REDIS_URL: the fragments cache stores nothing (site/settings/scale_out.py)."""
    settings.CACHES = {**settings.CACHES, "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


# -- (a) the policy in Python agrees with the policy in SQL ----------------------------------


def _everyone(world):
    readers = [None, world.member, world.outsider, world.pending, world.declined, world.other_facilitator, world.staff]
    from django.contrib.auth import get_user_model

    readers += list(get_user_model().objects.filter(username__startswith="fac_"))
    return readers


def test_post_access_in_python_agrees_with_visible_posts_filter(world, community_factory):
    from wagtail.models import PageViewRestriction

    # Hidden posts: the member's own in every community, and one by a facilitator.
    for visibility in VISIBILITIES:
        community = world.communities[visibility]
        own = ask(world.member, community, title=f"Verborgen vraag {visibility}")
        Post.objects.filter(pk=own.pk).update(is_hidden=True)
    Post.objects.filter(pk=world.posts["open"].pk).update(is_hidden=True)
    # An unpublished community and one behind a Wagtail view restriction, with posts of the member.
    unpublished = community_factory(title="Niet gepubliceerd")
    restricted = community_factory(title="Met wachtwoord")
    for place in (unpublished, restricted):
        join(world.member, place)
        ask(world.member, place, title=f"Vraag in {place.title}")
    unpublished.unpublish()
    PageViewRestriction.objects.create(page=restricted, restriction_type="password", password="x")

    rows = list(Post.objects.values_list("pk", "community_id", "is_hidden", "author_id"))
    for reader in _everyone(world):
        if reader is not None:
            policies.forget_memberships(reader)
        expected = set(Post.objects.filter(policies.visible_posts_filter(reader)).values_list("pk", flat=True))
        access = policies.post_access(reader)
        allowed = {pk for pk, community, hidden, author in rows if access.allows(community, hidden, author)}
        assert allowed == expected, reader


# -- (b) a list filled by one reader never shows another more --------------------------------


@pytest.mark.parametrize("first", ["staff", "member"])
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_a_list_filled_by_a_privileged_reader_reveals_nothing(world, first, role, visibility):
    marker = world.markers[visibility]
    client_for(world, first).get("/zoeken/", {"q": marker})  # fills the shared lists
    response = client_for(world, role).get("/zoeken/", {"q": marker})
    html = _results(response)
    expected = 2 if reads_posts(role, visibility) else 0  # the question and its answer
    if visibility == "private" and role in ("member", "staff"):
        expected += 1  # the private community's name holds the marker too
    heading, tabs, _titles = _summary(response)
    assert heading == str(expected)
    listed = "".join(part.split("</ol>", 1)[0] for part in html.split("<ol")[1:])  # the result list only
    assert (marker in listed) == (expected > 0)
    assert (world.posts[visibility].get_url() in html) == reads_posts(role, visibility)
    assert int(tabs.get("Vragen", 0)) == (1 if reads_posts(role, visibility) else 0)
    assert int(tabs.get("Antwoorden", 0)) == (1 if reads_posts(role, visibility) else 0)


def test_a_hidden_post_counts_for_its_author_and_facilitators_only(world):
    from django.contrib.auth import get_user_model

    post = world.posts["open"]
    facilitator = get_user_model().objects.get(username="fac_open")
    services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="Dubbel")
    query = {"q": world.markers["open"], "soort": "vragen"}
    _client(world.staff).get("/zoeken/", query)  # the list, with the hidden post, is shared now
    seen = {}
    for name, user in (("author", world.member), ("facilitator", facilitator), ("outsider", world.outsider),
                       ("other_facilitator", world.other_facilitator), ("anonymous", None), ("staff", world.staff)):
        heading, _tabs, titles = _summary(_client(user).get("/zoeken/", query))
        seen[name] = (heading, len(titles))
    assert seen == {"author": ("1", 1), "facilitator": ("1", 1), "outsider": ("0", 0),
                    "other_facilitator": ("0", 0), "anonymous": ("0", 0), "staff": ("1", 1)}


def test_a_reader_who_leaves_a_community_no_longer_finds_its_posts(world):
    from community.models import Membership

    query = {"q": world.markers["closed"]}
    assert _summary(_client(world.member).get("/zoeken/", query))[0] == "2"
    Membership.objects.filter(user=world.member, community=world.communities["closed"]).delete()
    policies.forget_memberships(world.member)
    assert _summary(_client(world.member).get("/zoeken/", query))[0] == "0"


# -- (c) a change reaches the next search ----------------------------------------------------


@pytest.fixture
def reader(community, member):
    """A second member of the community (not the author of the posts below)."""
    from tests.factories import UserFactory

    user = UserFactory(username="lezer")
    join(user, community)
    return user


def test_a_new_post_is_found_by_the_next_search(client, community, member, reader):
    ask(member, community, title="Vroegsignalering eerste")
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "1"
    ask(member, community, title="Vroegsignalering tweede")
    heading, tabs, titles = _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))
    assert heading == "2" and tabs["Vragen"] == "2"
    assert sorted(title for _url, title in titles) == ["Vroegsignalering eerste", "Vroegsignalering tweede"]


def test_an_edited_post_is_found_by_its_new_words_only(community, member, reader):
    post = ask(member, community, title="Vroegsignalering in de wijk")
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "1"
    assert _summary(_client(reader).get("/zoeken/", {"q": "huisbezoek"}))[0] == "0"
    services.post_edit(editor=member, post=post, title="Huisbezoek in de wijk", body="Over huisbezoeken.")
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "0"
    assert _summary(_client(reader).get("/zoeken/", {"q": "huisbezoek"}))[0] == "1"


def test_a_hidden_post_leaves_the_results_and_counts_of_other_readers(community, member, facilitator, reader):
    post = ask(member, community, title="Vroegsignalering verborgen")
    ask(member, community, title="Vroegsignalering zichtbaar")
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "2"
    services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="Privégegevens")
    heading, tabs, titles = _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))
    assert (heading, tabs["Vragen"]) == ("1", "1")
    assert [title for _url, title in titles] == ["Vroegsignalering zichtbaar"]


def test_a_deleted_post_leaves_the_counts(community, member, reader):
    post = ask(member, community, title="Vroegsignalering weg")
    ask(member, community, title="Vroegsignalering blijft")
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "2"
    services.post_delete(user=member, post=post)
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "1"


def test_an_accepted_answer_moves_the_question_to_solved(community, member, facilitator, reader):
    post = ask(member, community, title="Vroegsignalering opgelost?")
    reply = answer(facilitator, post, body="Zo doe je dat.")
    params = {"q": "vroegsignalering", "status": "opgelost"}
    assert _summary(_client(reader).get("/zoeken/", params))[0] == "0"
    services.answer_accept(user=member, post=post, answer=reply)
    assert _summary(_client(reader).get("/zoeken/", params))[0] == "1"


def test_a_new_answer_is_found_by_the_next_search(community, member, facilitator, reader):
    post = ask(member, community, title="Een vraag")
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "0"
    answer(facilitator, post, body="Over vroegsignalering.")
    heading, tabs, _titles = _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))
    assert (heading, tabs["Antwoorden"]) == ("1", "1")


def test_a_renamed_community_is_found_by_its_new_name(community, member):
    assert _summary(_client(member).get("/zoeken/", {"q": "Vroegsignalering", "soort": "gemeenschappen"}))[0] == "0"
    page = CommunityPage.objects.get(pk=community.pk)
    page.title = "Vroegsignalering Utrecht"
    page.save_revision().publish()
    params = {"q": "Vroegsignalering", "soort": "gemeenschappen"}
    heading, _tabs, titles = _summary(_client(member).get("/zoeken/", params))
    assert heading == "1" and titles[0][1] == "Vroegsignalering Utrecht"


def test_an_index_update_finishing_after_the_change_reaches_the_next_search(community, member, reader):
    """The index is written by a background task, possibly after the post's own commit."""
    from modelsearch.tasks import insert_or_update_object_task

    post = ask(member, community, title="Vroegsignalering oud")
    assert _summary(_client(reader).get("/zoeken/", {"q": "huisbezoek"}))[0] == "0"
    Post.objects.filter(pk=post.pk).update(title="Huisbezoek nieuw")  # no signal: only the task tells
    insert_or_update_object_task.enqueue("community", "post", str(post.pk))
    assert _summary(_client(reader).get("/zoeken/", {"q": "huisbezoek"}))[0] == "1"


def test_a_list_stored_under_another_generation_is_never_used(community, member, reader):
    """A list built while a change committed carries the generation it was built under: it is rebuilt."""
    import hashlib

    from django.core.cache import caches

    ask(member, community, title="Vroegsignalering een")
    _client(reader).get("/zoeken/", {"q": "vroegsignalering"})
    fragments = caches["fragments"]
    key = search_matches.LIST_KEY.format(name="posts", digest=hashlib.sha256(b"vroegsignalering").hexdigest())
    generation, _matches = fragments.get(key)
    empty = search_matches.PostMatches.from_rows([])
    fragments.set(key, (generation, empty))
    search_matches._kept.clear()  # this process's copy, else used first
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "0"  # the list is used
    fragments.set(key, ("an-older-generation", empty))
    search_matches._kept.clear()
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "1"
    search_matches._kept[key] = ("an-older-generation", empty, float("inf"))  # nor a process's copy of another
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "1"


# -- (d) the same answers with and without a shared cache ------------------------------------


def _searches(world):
    community = world.communities["closed"]
    return [
        {"q": "schuldhulp"}, {"q": "schuldhulp", "soort": "vragen"}, {"q": "schuldhulp", "soort": "antwoorden"},
        {"q": "schuldhulp", "status": "onopgelost"}, {"q": "schuldhulp", "gemeenschap": community.pk},
        {"q": "Gemeenschap"}, {"q": "Gemeenschap", "soort": "gemeenschappen"}, {"q": "MARKER"},
    ]


def _all_summaries(world):
    return {
        (role, str(sorted(params.items()))): _summary(client_for(world, role).get("/zoeken/", params))
        for role in ROLES for params in _searches(world)
    }


def test_shared_lists_answer_as_the_policy_filtered_queries(world, settings):
    from django.core.cache import caches

    from tests.factories import FrameworkPageFactory

    FrameworkPageFactory(parent=world.communities["closed"], title="Kader schuldhulp gesloten")
    FrameworkPageFactory(parent=world.communities["private"], title="Kader schuldhulp besloten")
    shared = _all_summaries(world)
    assert search_matches._cache() is not None
    settings.CACHES = {**settings.CACHES, "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert search_matches._cache() is None
    for alias in settings.CACHES:
        caches[alias].clear()
    assert _all_summaries(world) == shared


def test_without_a_shared_cache_nothing_is_stored(no_shared_cache, community, member):
    from community.search import _backend

    ask(member, community, title="Vroegsignalering zonder cache")
    assert not search_matches.usable(_backend())
    assert _summary(_client(member).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "1"


def test_a_result_shown_before_shows_an_edit_and_a_renamed_community(community, member, reader):
    post = ask(member, community, title="Vroegsignalering oude titel")
    _client(reader).get("/zoeken/", {"q": "vroegsignalering"})  # the result is worked out and kept
    services.post_edit(editor=member, post=post, title="Vroegsignalering nieuwe titel")
    page = CommunityPage.objects.get(pk=community.pk)
    page.title = "Hernoemde gemeenschap"
    page.save_revision().publish()
    html = _results(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))
    assert "Vroegsignalering nieuwe titel" in html and "oude titel" not in html
    assert "Hernoemde gemeenschap" in html


def test_a_kept_result_keeps_its_marked_snippet(community, member, reader):
    ask(member, community, title="Een vraag", body="Iets over vroegsignalering & <b>meer</b>.")
    first = _results(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))
    second = _results(_client(member).get("/zoeken/", {"q": "vroegsignalering"}))
    assert "<mark>vroegsignalering</mark>" in first
    assert first == second


# -- the filter form -------------------------------------------------------------------------


class _DjangosOptions(forms.Select):
    """The select as home.search._QuickSelect drew it before: from Django's own option dictionaries."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = [
            format_html('<option value="{}"{}>{}</option>', option["value"],
                        mark_safe(" selected") if option["selected"] else "", option["label"])
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        ]
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]),
                           mark_safe("".join(options)))


@pytest.mark.parametrize("data", [{}, {"soort": "vragen", "status": "opgelost"}, {"gemeenschap": "COMMUNITY"},
                                  {"gemeenschap": "COMMUNITY", "thema": "THEME", "soort": "niets"}])
def test_the_filter_selects_draw_the_same_markup(community_factory, community, member, data):
    """The search form's selects are drawn without Django's option dictionaries (home.search._QuickSelect)."""
    from django.http import QueryDict

    from community.models import Theme
    from home.search import SearchForm

    community_factory(title='Zorg & <Welzijn> "Oost"')
    theme = Theme.objects.create(community=community, name="Jongeren & ouders")
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query[key] = {"COMMUNITY": str(community.pk), "THEME": str(theme.pk)}.get(value, value)
    form = SearchForm(query, user=member)
    form.is_valid()
    for name in ("soort", "gemeenschap", "thema", "status"):
        if name not in form.fields:
            continue
        quick = form[name].as_widget(attrs={"class": "utrecht-select"})
        field = form.fields[name]
        field.widget = _DjangosOptions(choices=field.widget.choices)
        assert quick == form[name].as_widget(attrs={"class": "utrecht-select"}), name
    assert "Zorg &amp; &lt;Welzijn&gt; &quot;Oost&quot;" in str(form["gemeenschap"])


def test_each_language_gets_its_own_results(community, member, facilitator, reader):
    post = ask(member, community, title="Vroegsignalering in twee talen")
    services.answer_accept(user=member, post=post, answer=answer(facilitator, post, body="Zo."))
    client = _client(reader)
    dutch = _results(client.get("/zoeken/", {"q": "vroegsignalering", "soort": "vragen"}))
    client.cookies["django_language"] = "en"
    english = _results(client.get("/zoeken/", {"q": "vroegsignalering", "soort": "vragen"}))
    assert "Opgelost" in dutch and "Opgelost" not in english
    client.cookies["django_language"] = "nl"
    assert _results(client.get("/zoeken/", {"q": "vroegsignalering", "soort": "vragen"})) == dutch


def test_a_process_copy_of_a_list_is_used_only_while_current_and_young(community, member, reader):
    """An index rebuild (manage.py update_index) renews no generation: copies expire as the shared ones."""
    import hashlib
    import time

    ask(member, community, title="Vroegsignalering een")
    _client(reader).get("/zoeken/", {"q": "vroegsignalering"})
    key = search_matches.LIST_KEY.format(name="posts", digest=hashlib.sha256(b"vroegsignalering").hexdigest())
    generation, _matches, _until = search_matches._kept[key]
    empty = search_matches.PostMatches.from_rows([])
    search_matches._kept[key] = (generation, empty, time.monotonic() + 60)
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "0"  # the copy is used
    search_matches._kept[key] = (generation, empty, time.monotonic() - 1)
    assert _summary(_client(reader).get("/zoeken/", {"q": "vroegsignalering"}))[0] == "1"
