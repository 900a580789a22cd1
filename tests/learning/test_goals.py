"""Learning goals at work: what relates to each goal, counted only over posts the viewer may read."""

import pytest

from community import services as community_services
from learning import selectors, services
from learning.models import PostLink
from tests.learning.builders import ask, share


def test_posting_with_a_learning_goal_links_the_post(client, community, learning_goal, member):
    client.force_login(member)

    client.post(f"{community.url}vragen/nieuw/", {"title": "Een vraag bij een leerdoel", "body": "",
                                                  "leren-leerdoel": str(learning_goal.block_id)})

    assert PostLink.objects.get(post__title="Een vraag bij een leerdoel").learning_goal == learning_goal


def test_goal_counts_questions_stories_and_solved_questions(community, framework, learning_goal, member,
                                                            facilitator):
    solved = ask(member, community, title="Een opgeloste vraag bij het doel")
    answer, _ = community_services.answer_create(author=facilitator, post=solved, body="Zo doe je dat.")
    community_services.answer_accept(user=member, post=solved, answer=answer)
    open_question = ask(member, community, title="Een open vraag bij het doel")
    story = share(member, community)
    for post in (solved, open_question, story):
        services.post_link(post=post, learning_goal=learning_goal)

    stats = selectors.goal_stats(framework=framework, user=member)[str(learning_goal.block_id)]

    assert (stats["questions"], stats["stories"], stats["solved"]) == (2, 1, 1)


def test_goal_shows_the_latest_three_newest_first(community, framework, learning_goal, member):
    titles = [f"Vraag nummer {n} bij het doel" for n in range(5)]
    for title in titles:
        services.post_link(post=ask(member, community, title=title), learning_goal=learning_goal)

    stats = selectors.goal_stats(framework=framework, user=member)[str(learning_goal.block_id)]

    assert [p.title for p in stats["latest"]] == titles[::-1][:3]


def test_hidden_posts_do_not_count_for_other_visitors(community, framework, learning_goal, member, facilitator,
                                                      outsider):
    post = ask(member, community, title="Een vraag die verborgen wordt")
    services.post_link(post=post, learning_goal=learning_goal)
    community_services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="Off-topic")

    stats = selectors.goal_stats(framework=framework, user=outsider)

    assert str(learning_goal.block_id) not in stats


def test_framework_page_shows_the_counts_per_goal(client, community, framework, learning_goal, member):
    services.post_link(post=ask(member, community, title="Een vraag voor de telling"), learning_goal=learning_goal)

    response = client.get(framework.url)

    assert b"Een vraag voor de telling" in response.content
    assert response.context["goals"][0]["questions"] == 1


@pytest.mark.parametrize("visibility", ["closed", "private"])
def test_outsiders_see_no_counts_of_closed_or_private_communities(community_factory, outsider, member, visibility):
    from tests.factories import FrameworkPageFactory
    from tests.learning.builders import body, goal, join, publish

    other = community_factory(visibility=visibility)
    join(member, other)
    page = FrameworkPageFactory(parent=other)
    publish(page, body(goals=[goal("Geheim doel", id="50000000-0000-0000-0000-000000000001")]))
    goal_row = page.goals.get()
    services.post_link(post=ask(member, other, title="Een vraag die binnen blijft"), learning_goal=goal_row)

    assert selectors.goal_stats(framework=page, user=outsider) == {}
    assert selectors.goal_stats(framework=page, user=member)[str(goal_row.block_id)]["questions"] == 1
