"""Prompts at work: shown while they run, answered with posts, archived with their responses."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from learning.models import PostLink, Prompt
from tests.learning.builders import ask, body, days, prompt, publish
from tests.learning.conftest import PROMPT_ID


def test_community_page_shows_the_active_prompt_with_its_end_date(client, community, active_prompt):
    response = client.get(community.url)

    text = response.content.decode()
    assert "Lopende prikkels" in text
    assert active_prompt.question in text
    assert f"Loopt tot en met {active_prompt.end_date:%-d}" in text


def test_community_page_links_members_to_respond(client, community, active_prompt, member):
    client.force_login(member)

    response = client.get(community.url)

    assert f"vragen/nieuw/?prikkel={active_prompt.block_id}".encode() in response.content


def test_prompts_that_have_not_started_or_have_ended_are_not_on_the_community_page(client, community, framework):
    publish(framework, body(prompts=[prompt("Nog niet begonnen", days(1), days(9)),
                                     prompt("Al afgelopen", days(-9), days(-1))]))

    response = client.get(community.url)

    assert b"Nog niet begonnen" not in response.content
    assert b"Al afgelopen" not in response.content
    assert b"Lopende prikkels" not in response.content


def test_active_means_today_in_amsterdam(community, framework):
    from learning import selectors

    publish(framework, body(prompts=[prompt("Tot en met 1 maart", datetime.date(2026, 2, 1),
                                            datetime.date(2026, 3, 1))]))
    # 23:30 UTC on 1 March is already 2 March in Amsterdam: the prompt has ended there.
    late = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.timezone.utc)
    with mock.patch.object(timezone, "now", return_value=late):
        assert selectors.active_prompts(community=community) == []
    early = datetime.datetime(2026, 3, 1, 22, 30, tzinfo=datetime.timezone.utc)
    with mock.patch.object(timezone, "now", return_value=early):
        assert [p.question for p in selectors.active_prompts(community=community)] == ["Tot en met 1 maart"]


def test_ask_form_tells_the_member_which_prompt_they_respond_to(client, community, active_prompt, member):
    client.force_login(member)

    response = client.get(f"{community.url}vragen/nieuw/", {"prikkel": str(active_prompt.block_id)})

    assert b"Je reageert op de prikkel:" in response.content
    assert active_prompt.question.encode() in response.content


def test_asking_with_a_prompt_links_the_question_to_the_prompt_and_its_goal(client, community, active_prompt,
                                                                            member):
    client.force_login(member)

    client.post(f"{community.url}vragen/nieuw/?prikkel={active_prompt.block_id}",
                {"title": "Hoe kondig je een huisbezoek aan?", "body": "Tips?"})

    link = PostLink.objects.get(post__title="Hoe kondig je een huisbezoek aan?")
    assert link.prompt == active_prompt
    assert link.learning_goal == active_prompt.learning_goal


def test_the_hidden_prompt_field_links_the_post_too(client, community, active_prompt, member):
    client.force_login(member)

    client.post(f"{community.url}vragen/nieuw/", {"title": "Een vraag via het formulier", "body": "",
                                                  "leren-prikkel": str(active_prompt.block_id)})

    assert PostLink.objects.get(post__title="Een vraag via het formulier").prompt == active_prompt


def test_a_prompt_of_another_community_is_ignored(client, community_factory, community, active_prompt):
    from tests.factories import UserFactory
    from tests.learning.builders import join

    other = community_factory(title="Andere gemeenschap")
    someone = UserFactory(username="someone")
    join(someone, other)
    client.force_login(someone)

    client.post(f"{other.url}vragen/nieuw/?prikkel={active_prompt.block_id}",
                {"title": "Een vraag elders gesteld", "body": ""})

    assert not PostLink.objects.exists()


def test_an_ended_prompt_no_longer_takes_responses(client, community, framework, member):
    publish(framework, body(prompts=[prompt("Al afgelopen", days(-9), days(-1), id=PROMPT_ID)]))
    client.force_login(member)

    client.post(f"{community.url}vragen/nieuw/?prikkel={PROMPT_ID}", {"title": "Te late reactie hier", "body": ""})

    assert not PostLink.objects.exists()


def test_prompt_page_lists_the_responses(client, community, active_prompt, member):
    from learning import services

    post = ask(member, community, title="Wie ziet als eerste een huurachterstand?")
    services.post_link(post=post, prompt=active_prompt)

    response = client.get(active_prompt.get_url())

    assert response.status_code == 200
    assert b"Wie ziet als eerste een huurachterstand?" in response.content


def test_prompt_page_of_an_unknown_prompt_is_404(client, framework):
    response = client.get(f"{framework.url}prikkels/00000000-0000-0000-0000-000000000999/")

    assert response.status_code == 404


def test_ended_prompt_moves_to_the_archive_with_its_responses(client, community, framework, member):
    from learning import services

    prompt_row = Prompt.objects.get(framework=framework)
    post = ask(member, community, title="Een reactie die bewaard blijft")
    services.post_link(post=post, prompt=prompt_row)

    publish(framework, body(prompts=[prompt("Welk signaal zag je het eerst?", days(-20), days(-1), id=PROMPT_ID)]))

    page = client.get(framework.url).content.decode()
    assert "Archief van prikkels" in page
    archive = client.get(f"{framework.url}prikkels/").content.decode()
    assert "Welk signaal zag je het eerst?" in archive.split('id="archief"')[1]
    detail = client.get(prompt_row.get_url()).content.decode()
    assert "Afgelopen prikkel (archief)" in detail and "Een reactie die bewaard blijft" in detail


def test_a_prompt_removed_after_it_ran_stays_in_the_archive(client, framework):
    publish(framework, body())

    archive = client.get(f"{framework.url}prikkels/").content.decode()

    assert "Welk signaal zag je het eerst?" in archive.split('id="archief"')[1]


@pytest.mark.parametrize("kind_url", ["vragen/nieuw/", "verhalen/nieuw/"])
def test_post_form_offers_the_learning_goals(client, community, learning_goal, member, kind_url):
    client.force_login(member)

    response = client.get(f"{community.url}{kind_url}")

    assert b'name="leren-leerdoel"' in response.content
    assert learning_goal.title.encode() in response.content


def test_question_page_shows_the_prompt_it_answers(client, community, member, active_prompt):
    from learning import services

    question = ask(member, community, title="Welk signaal zagen jullie het eerst bij huurachterstand?")
    services.post_link(post=question, prompt=active_prompt)
    client.force_login(member)

    html = client.get(question.get_url()).content.decode()

    assert "Reactie op de prikkel" in html
    assert active_prompt.question in html
    assert f'href="{active_prompt.get_url()}"' in html
    goal = active_prompt.learning_goal  # the prompt's goal comes with it
    assert f'href="{goal.framework.url}#leerdoel-{goal.block_id}"' in html
    assert goal.title in html
