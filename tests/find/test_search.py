"""The site search (/zoeken/) and "have you seen these?": backends, bad queries, filters, snippets.

Who sees what is tested door by door in test_access_matrix_find.py; this module tests the search
itself with one open community (tests/conftest.py) and posts made through the real services.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.search.backends import get_search_backend

from community import search
from community.models import Post
from tests.community.conftest import answer, ask, join


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def results_html(response) -> str:
    """Only the results part of the page (the form above echoes the query)."""
    html = response.content.decode()
    return html.split('id="results-heading"', 1)[-1].split("</main>", 1)[0] if 'id="results-heading"' in html else ""


# -- backends --------------------------------------------------------------------------------


def test_sqlite_uses_the_database_backend_with_fts(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite pass only")
    assert type(get_search_backend()).__name__ == "SQLiteSearchBackend"


@pytest.mark.postgres
def test_postgres_uses_the_dutch_text_configuration(db):
    backend = get_search_backend()
    assert type(backend).__name__ == "PostgresSearchBackend"
    assert backend.config == "dutch"


@pytest.mark.postgres
def test_postgres_search_filters_on_the_indexed_title_body_expression(db):
    """Wagtail filters on ``title || body``; community/0006 indexes exactly that, or every entry is read."""
    results = get_search_backend().search("schuldeiser", Post.objects.all(), operator="and")
    sql, _params = results.get_queryset().query.sql_with_params()
    assert '("wagtailsearch_indexentry"."title" || "wagtailsearch_indexentry"."body") @@' in sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'koffietafel_indexentry_title_body_gin'")
        (indexdef,) = cursor.fetchone()
    assert "USING gin (((title || body)))" in indexdef


@pytest.mark.postgres
def test_dutch_stemming_finds_gemeente_when_searching_gemeenten(community, member):
    post = ask(member, community, title="Hoe werkt de gemeente samen met de schuldeiser?")
    found = list(search.search_posts("gemeenten", user=member))
    assert post in found


def test_search_finds_a_question_by_a_word_in_its_body(community, member):
    post = ask(member, community, title="Wie heeft ervaring met budgetcoaching?", body="Vooral bij jongeren en studenten.")
    assert post in list(search.search_posts("studenten", user=member))


def test_search_finds_an_answer_by_its_text(community, member, facilitator):
    post = ask(member, community)
    reply = answer(facilitator, post, body="Probeer de vroegsignalering via de woningcorporatie.")
    found = list(search.search_answers("woningcorporatie", user=member))
    assert [a.pk for a in found] == [reply.pk]


def test_a_hidden_answer_is_not_found(community, member, facilitator):
    from community import services

    post = ask(member, community)
    reply = answer(facilitator, post, body="Een antwoord over de woningcorporatie.")
    services.answer_set_hidden(moderator=facilitator, answer=reply, post=post, hidden=True, reason="off-topic")
    assert list(search.search_answers("woningcorporatie", user=facilitator)) == []


def test_a_deleted_answer_leaves_the_index(community, member, facilitator):
    from community.models import Answer
    from wagtail.search.models import IndexEntry

    post = ask(member, community)
    reply = answer(facilitator, post, body="Weg ermee, woningcorporatie.")
    Answer.objects.filter(pk=reply.pk).delete()  # queryset delete sends post_delete per object
    assert not IndexEntry.objects.filter(object_id=str(reply.pk), content_type__model="answer").exists()


# -- bad queries -----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_gets_a_helpful_page(client, community, query):
    response = client.get("/zoeken/", {"q": query})
    assert response.status_code == 200
    assert "Waar ben je naar op zoek?" in response.content.decode()


@pytest.mark.parametrize("query", ["?!", "*", '"', "(((", "&;", "@#$%^&*()", "-- ;", "…‘’“”"])
def test_punctuation_only_query_gets_a_helpful_page(client, community, query):
    response = client.get("/zoeken/", {"q": query})
    assert response.status_code == 200
    assert "alleen uit leestekens" in response.content.decode()


@pytest.mark.parametrize("query", ['budget" OR "1"="1', "budget AND NOT", "NEAR(budget", "budget*", "x" * 5000])
def test_fts_syntax_and_huge_queries_do_not_break_the_page(client, community, member, query):
    ask(member, community, title="Budget voor de wijk, hoe verdelen?")
    response = client.get("/zoeken/", {"q": query})
    assert response.status_code == 200


def test_invalid_filters_are_ignored(client, community, member):
    ask(member, community, title="Budget voor de wijk, hoe verdelen?")
    response = client.get("/zoeken/", {"q": "budget", "gemeenschap": "abc", "thema": "9" * 30, "soort": "niets",
                                       "status": "x", "pagina": "-3"})
    assert response.status_code == 200
    assert "Budget voor de wijk" in results_html(response)


# -- filters, pagination, snippets -----------------------------------------------------------


def test_filter_by_type_shows_only_that_type(client, community, member, facilitator):
    post = ask(member, community, title="Vraag over vroegsignalering in de wijk")
    answer(facilitator, post, body="Antwoord over vroegsignalering.")
    html = results_html(client.get("/zoeken/", {"q": "vroegsignalering", "soort": "antwoorden"}))
    assert "Antwoord op: Vraag over vroegsignalering" in html
    assert f'href="{post.get_url()}"' not in html


def test_filter_by_community(client, community_factory, community, member):
    other = community_factory(title="Wonen en zorg")
    from tests.community.conftest import join

    join(member, other)
    here = ask(member, community, title="Vroegsignalering bij huurachterstand")
    there = ask(member, other, title="Vroegsignalering bij zorgkosten")
    html = results_html(client.get("/zoeken/", {"q": "vroegsignalering", "gemeenschap": other.pk}))
    assert there.title in html
    assert here.title not in html


def test_filter_by_theme(client, community, member):
    from community.models import Theme

    theme = Theme.objects.create(community=community, name="Jongeren")
    tagged = ask(member, community, title="Vroegsignalering bij jongeren", themes=[theme])
    untagged = ask(member, community, title="Vroegsignalering bij ouderen")
    html = results_html(client.get("/zoeken/", {"q": "vroegsignalering", "gemeenschap": community.pk,
                                                "thema": theme.pk}))
    assert tagged.title in html
    assert untagged.title not in html


@pytest.mark.parametrize(("status", "shows_solved"), [("opgelost", True), ("onopgelost", False)])
def test_filter_solved_and_unsolved(client, community, member, facilitator, status, shows_solved):
    from community import services

    solved = ask(member, community, title="Vroegsignalering: wie belt als eerste?")
    services.answer_accept(user=member, post=solved, answer=answer(facilitator, solved))
    open_ = ask(member, community, title="Vroegsignalering: wie betaalt de koffie?")
    html = results_html(client.get("/zoeken/", {"q": "vroegsignalering", "status": status}))
    assert (solved.title in html) == shows_solved
    assert (open_.title in html) == (not shows_solved)


def test_results_are_paginated(client, community, member):
    for n in range(25):
        ask(member, community, title=f"Vroegsignalering in wijk nummer {n}", body=f"tekst {n}")
    first = results_html(client.get("/zoeken/", {"q": "vroegsignalering", "soort": "vragen"}))
    second = results_html(client.get("/zoeken/", {"q": "vroegsignalering", "soort": "vragen", "pagina": 2}))
    assert first.count('class="post-card"') == 20
    assert second.count('class="post-card"') == 5
    assert "Pagina 1 van 2" in first


def test_all_types_list_is_paginated_too(client, community, member):
    for n in range(25):
        ask(member, community, title=f"Vroegsignalering in wijk nummer {n}", body=f"tekst {n}")
    second = results_html(client.get("/zoeken/", {"q": "vroegsignalering", "pagina": 2}))
    assert second.count('class="post-card"') == 5


def test_snippet_marks_the_terms_and_escapes_the_text():
    html = search.highlight("Wij gebruiken <script>alert(1)</script> bij schuldhulp & preventie", "schuldhulp script")
    assert "<script>" not in html
    assert "&lt;<mark>script</mark>&gt;" in html
    assert "<mark>schuldhulp</mark>" in html
    assert "&amp;" in html


def test_snippet_never_marks_inside_an_entity():
    html = search.highlight("koffie & thee", "amp")
    assert html == "koffie &amp; thee"


def test_snippet_marks_plural_and_singular():
    assert "<mark>gemeente</mark>" in search.highlight("De gemeente belt.", "gemeenten")


def test_snippet_is_cut_around_the_first_match():
    text = "aanloop " * 100 + "het woord vroegsignalering staat hier" + " uitloop" * 100
    html = search.highlight(text, "vroegsignalering", length=120)
    assert html.startswith("…")
    assert "<mark>vroegsignalering</mark>" in html
    assert len(html) < 200


def test_search_page_shows_highlighted_snippet(client, community, member):
    ask(member, community, title="Wie weet iets van de Wet gemeentelijke schuldhulpverlening?",
        body="We zoeken ervaringen met **vroegsignalering** & huisbezoeken.")
    html = results_html(client.get("/zoeken/", {"q": "huisbezoeken"}))
    assert "<mark>huisbezoeken</mark>" in html
    assert "&amp;" in html


# -- have you seen these? --------------------------------------------------------------------


def test_similar_questions_ignore_stop_words(community, member):
    ask(member, community, title="Hoe bereiken jullie inwoners met geldzorgen?")
    ask(member, community, title="Hoe gaan jullie om met de kerstdrukte?")
    similar = search.similar_questions(user=member, title="Inwoners met geldzorgen: hoe vind je ze?")
    assert [p.title for p in similar] == ["Hoe bereiken jullie inwoners met geldzorgen?"]


def test_similar_questions_are_at_most_five(community, member):
    for n in range(8):
        ask(member, community, title=f"Geldzorgen bij inwoners, variant {n}")
    assert len(search.similar_questions(user=member, title="geldzorgen inwoners")) == 5


def test_similar_questions_leave_out_stories(community, member):
    from community import services

    services.post_create(author=member, community=community, kind=Post.Kind.STORY, title="Geldzorgen aanpakken",
                         story={"context": "x", "tried": "y"})
    assert search.similar_questions(user=member, title="geldzorgen aanpakken") == []


def test_suggestion_endpoint_returns_a_fragment(community, member):
    ask(member, community, title="Hoe bereiken jullie inwoners met geldzorgen?")
    response = client_for(member).get(community.url + "vragen/suggesties/", {"q": "inwoners geldzorgen"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Heb je deze vragen al gezien?" in html
    assert "<html" not in html


def test_suggestion_endpoint_with_nothing_similar_is_empty(community, member):
    response = client_for(member).get(community.url + "vragen/suggesties/", {"q": "???"})
    assert response.content.decode().strip() == ""


def test_first_submit_without_js_shows_similar_questions_instead_of_posting(community, member):
    ask(member, community, title="Hoe bereiken jullie inwoners met geldzorgen?")
    before = Post.objects.count()
    response = client_for(member).post(community.url + "vragen/nieuw/",
                                       {"title": "Inwoners met geldzorgen bereiken, hoe?", "body": ""})
    assert response.status_code == 200
    assert Post.objects.count() == before
    html = response.content.decode()
    assert "Heb je deze vragen al gezien?" in html
    assert 'name="suggesties_gezien" value="1"' in html


def test_second_submit_posts_the_question(community, member):
    ask(member, community, title="Hoe bereiken jullie inwoners met geldzorgen?")
    response = client_for(member).post(community.url + "vragen/nieuw/",
                                       {"title": "Inwoners met geldzorgen bereiken, hoe?", "body": "",
                                        "suggesties_gezien": "1"})
    assert response.status_code == 302
    assert Post.objects.filter(title="Inwoners met geldzorgen bereiken, hoe?").exists()


def test_a_question_without_similar_ones_posts_at_once(community, member):
    response = client_for(member).post(community.url + "vragen/nieuw/",
                                       {"title": "Een compleet nieuw onderwerp vandaag", "body": ""})
    assert response.status_code == 302


def test_failed_submit_shows_similar_questions(community, member):
    ask(member, community, title="Hoe bereiken jullie inwoners met geldzorgen?")
    response = client_for(member).post(community.url + "vragen/nieuw/",
                                       {"title": "inwoners met geldzorgen " * 10, "body": ""})  # too long
    assert response.status_code == 400
    assert "Heb je deze vragen al gezien?" in response.content.decode()


def test_ask_form_loads_the_script_without_inline_code(community, member):
    html = client_for(member).get(community.url + "vragen/nieuw/").content.decode()
    assert 'src="/static/community/similar-questions.js"' in html
    assert 'data-url="' + community.url + 'vragen/suggesties/"' in html


# -- query budget ----------------------------------------------------------------------------


def _queries(client, path, params):
    """Queries of one request right after every cache was cleared (cold), as bench/prepare.py counts."""
    client.get(path, params)  # what a process fills once and keeps outside the cache (content types)
    for alias in settings.CACHES:
        caches[alias].clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# At most this many queries per search page, cold (the benchmark's goal is 15 on PostgreSQL). SQLite
# adds two for its planner statistics check (community.search._ensure_sqlite_statistics) on a small index.
SEARCH_QUERY_BUDGET = 15


def _every_type_matches(community_factory, community, member, facilitator, start, stop):
    """Questions, stories, answers, communities, frameworks and case stories all matching "vroegsignalering"."""
    from community import services
    from learning import services as learning_services
    from learning.models import CaseStoryPage
    from tests.factories import FrameworkPageFactory

    for i in range(start, stop):
        place = community_factory(title=f"Vroegsignalering in regio {i}")
        FrameworkPageFactory(parent=place, title=f"Kader vroegsignalering {i}", slug=f"kader-{i}")
        post = ask(member, community, title=f"Vroegsignalering vraag {i}")
        answer(facilitator, post, body=f"Over vroegsignalering, antwoord {i}")
        services.post_create(author=member, community=community, kind="story", title=f"Vroegsignalering verhaal {i}",
                             story={"story_status": "gestopt", "context": "c", "tried": "t"})
        index = learning_services.ensure_case_story_index(community.get_parent().get_parent())
        page = CaseStoryPage(title=f"Vroegsignalering casus {i}", summary="Samenvatting.",
                             body=[("context", "<p>Aanleiding</p>")])
        index.add_child(instance=page)
        page.save_revision().publish()


@pytest.mark.parametrize("role", ["anonymous", "member"])
@pytest.mark.parametrize("params", [
    {"q": "vroegsignalering"},
    {"q": "vroegsignalering", "soort": "vragen"},
    {"q": "vroegsignalering", "soort": "antwoorden"},
    {"q": "vroegsignalering", "status": "onopgelost"},
    {"q": "vroegsignalering", "gemeenschap": "COMMUNITY"},
    {"q": "niets-te-vinden"},
])
def test_search_page_query_count_does_not_grow_with_data(community_factory, community, member, facilitator, params,
                                                         role):
    client = client_for(member if role == "member" else None)
    other = community_factory(title="Wonen en zorg")
    join(member, other)
    params = {key: (community.pk if value == "COMMUNITY" else value) for key, value in params.items()}
    _every_type_matches(community_factory, community, member, facilitator, 0, 2)
    small = _queries(client, "/zoeken/", params)
    _every_type_matches(community_factory, community, member, facilitator, 2, 23)  # more than a page of each
    large = _queries(client, "/zoeken/", params)
    assert small == large
    extra = 2 if connection.vendor == "sqlite" else 0
    assert large <= SEARCH_QUERY_BUDGET + extra


# With the shared match lists current (home/search_matches.py), a search runs no ranking query: the
# session, the user, their memberships, the page's posts and answers, the header's two.
SEARCH_WARM_QUERY_BUDGET = 8


def _warm_queries(client, path, params):
    client.get(path, params)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["anonymous", "member"])
@pytest.mark.parametrize("params", [
    {"q": "vroegsignalering"},
    {"q": "vroegsignalering", "soort": "antwoorden"},
    {"q": "vroegsignalering", "status": "onopgelost"},
    {"q": "vroegsignalering", "gemeenschap": "COMMUNITY"},
])
def test_search_page_warm_query_count_does_not_grow_with_data(community_factory, community, member, facilitator,
                                                              params, role):
    client = client_for(member if role == "member" else None)
    params = {key: (community.pk if value == "COMMUNITY" else value) for key, value in params.items()}
    _every_type_matches(community_factory, community, member, facilitator, 0, 2)
    small = _warm_queries(client, "/zoeken/", params)
    _every_type_matches(community_factory, community, member, facilitator, 2, 23)
    large = _warm_queries(client, "/zoeken/", params)
    assert small == large
    assert large <= SEARCH_WARM_QUERY_BUDGET


def test_search_page_query_count_with_a_theme_filter(community, member, facilitator):
    from community.models import Theme

    client = client_for(member)
    theme = Theme.objects.create(community=community, name="Jongeren")
    params = {"q": "vroegsignalering", "gemeenschap": community.pk, "thema": theme.pk}
    answer(facilitator, ask(member, community, title="Vroegsignalering variant 0", themes=[theme]), body="vroegsignalering")
    small = _queries(client, "/zoeken/", params)
    for n in range(1, 30):
        answer(facilitator, ask(member, community, title=f"Vroegsignalering variant {n}", themes=[theme]),
               body="vroegsignalering")
    large = _queries(client, "/zoeken/", params)
    assert large == small
    assert large <= SEARCH_QUERY_BUDGET + (2 if connection.vendor == "sqlite" else 0)


# -- counts, pages and the result list -------------------------------------------------------


def _tabs(response) -> dict:
    import re

    html = results_html(response)
    return dict(re.findall(r'aria-label="Soort resultaat".*?</nav>', html, re.S) and re.findall(
        r'<a class="utrecht-link utrecht-link--html-a" href="[^"]*"(?: aria-current="page")?>([^<(]+) \((\d+)\)</a>',
        html.split('aria-label="Soort resultaat"', 1)[1].split("</nav>", 1)[0],
    ))


def test_counts_cover_every_match_not_just_the_first_page(client, community, member, facilitator):
    from community import services

    for n in range(23):
        ask(member, community, title=f"Vroegsignalering vraag {n}")
    for n in range(3):
        services.post_create(author=member, community=community, kind="story", title=f"Vroegsignalering verhaal {n}",
                             story={"story_status": "gestopt", "context": "c", "tried": "t"})
    answer(facilitator, Post.objects.filter(title="Vroegsignalering vraag 0").get(), body="Over vroegsignalering")
    response = client.get("/zoeken/", {"q": "vroegsignalering"})
    tabs = {label.strip(): int(n) for label, n in _tabs(response).items() if n != "0"}
    assert tabs == {"Alles": 27, "Vragen": 23, "Praktijkverhalen": 3, "Antwoorden": 1}
    assert "27 resultaten voor" in response.content.decode()
    assert results_html(response).count('class="post-card"') == 20
    only_questions = client.get("/zoeken/", {"q": "vroegsignalering", "soort": "vragen", "pagina": 2})
    assert {label.strip(): int(n) for label, n in _tabs(only_questions).items()} == {"Alles": 23, "Vragen": 23}
    assert results_html(only_questions).count('class="post-card"') == 3


def test_counts_leave_out_what_the_searcher_may_not_read(community_factory, member):
    private = community_factory(title="Besloten kring", visibility="private")
    join(member, private)
    ask(member, private, title="Vroegsignalering achter gesloten deuren")
    assert "0 resultaten" in Client().get("/zoeken/", {"q": "vroegsignalering"}).content.decode()
    assert "1 resultaat voor" in client_for(member).get("/zoeken/", {"q": "vroegsignalering"}).content.decode()


@pytest.mark.parametrize("page", ["99", "-3", "abc"])
def test_a_page_number_out_of_range_shows_a_real_page(client, community, member, page):
    for n in range(25):
        ask(member, community, title=f"Vroegsignalering in wijk nummer {n}")
    html = results_html(client.get("/zoeken/", {"q": "vroegsignalering", "soort": "vragen", "pagina": page}))
    expected = 20 if page == "abc" else 5  # Django's paginator: not a number is page 1, out of range the last
    assert html.count('class="post-card"') == expected


def test_questions_and_stories_are_ranked_together_in_the_all_list(client, community, member):
    """One model, one index: the more relevant post comes first, whichever kind it is."""
    from community import services

    ask(member, community, title="Een vraag over de wijk", body="Ook iets over vroegsignalering.")
    services.post_create(author=member, community=community, kind="story", title="Vroegsignalering werkt",
                         story={"story_status": "gestopt", "context": "Vroegsignalering, vroegsignalering.",
                                "tried": "Vroegsignalering."})
    html = results_html(client.get("/zoeken/", {"q": "vroegsignalering"}))
    assert html.index("Vroegsignalering werkt") < html.index("Een vraag over de wijk")


def test_a_framework_result_names_its_community(client, community, member):
    from tests.factories import FrameworkPageFactory

    FrameworkPageFactory(parent=community, title="Kader voor vroegsignalering")
    html = results_html(client.get("/zoeken/", {"q": "vroegsignalering", "soort": "kaders"}))
    assert "Kader voor vroegsignalering" in html
    assert f"Kaders · {community.title}" in html


def test_the_community_filter_keeps_the_chosen_community_selected(community_factory, community, member):
    closed = community_factory(title="Gesloten kring", visibility="private")
    html = client_for(member).get("/zoeken/", {"q": "x", "gemeenschap": community.pk}).content.decode()
    select = html.split('name="gemeenschap"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{community.pk}" selected>{community.title}</option>' in select
    assert closed.title not in select


def test_counts_are_right_on_backends_that_count_separately(monkeypatch, client, community, member, facilitator):
    """Elasticsearch/OpenSearch load only the page's rows, so their counts come from count queries."""
    from community import services
    from home import search as site_search

    monkeypatch.setattr(site_search, "_counts_come_with_rows", lambda backend: False)
    for n in range(22):
        ask(member, community, title=f"Vroegsignalering vraag {n}")
    services.post_create(author=member, community=community, kind="story", title="Vroegsignalering verhaal",
                         story={"story_status": "gestopt", "context": "c", "tried": "t"})
    response = client.get("/zoeken/", {"q": "vroegsignalering"})
    assert {label.strip(): int(n) for label, n in _tabs(response).items() if n != "0"} == {
        "Alles": 23, "Vragen": 22, "Praktijkverhalen": 1}
    last = client.get("/zoeken/", {"q": "vroegsignalering", "soort": "vragen", "pagina": 9})
    assert results_html(last).count('class="post-card"') == 2


def test_search_and_api_work_when_nothing_is_readable(community_factory, member):
    """The policy's condition is an empty list of community ids then (an empty IN on every backend)."""
    private = community_factory(title="Alleen voor leden", visibility="private")
    join(member, private)
    ask(member, private, title="Een geheime vraag over schuldhulp")
    response = Client().get("/zoeken/", {"q": "schuldhulp"})
    assert response.status_code == 200
    assert "geheime" not in response.content.decode()
    response = Client().get("/api/v2/posts/")
    assert response.status_code == 200 and response.json()["meta"]["total_count"] == 0
