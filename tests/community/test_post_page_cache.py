"""The post page's shared parts (community/fragments.py): the header above the thread and the blank answer form.

Each test first makes one reader render (and so store) the shared parts, then changes something or
lets someone else read the page, and checks what that person sees: never stale, never someone else's.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from community import services, services_notify
from community.models import Organisation, Profile, Theme
from tests.community.conftest import answer, ask
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def colleague(community):
    """A second ordinary member, who did nothing on the post yet."""
    return MembershipFactory(user=UserFactory(username="colleague"), community=community).user


@pytest.fixture
def question(community, member, facilitator):
    theme = Theme.objects.create(community=community, name="Vroegsignalering", slug="vroegsignalering")
    post = ask(member, community, title="Hoe bereik je inwoners die hun post niet openen?", body="Eerste toelichting.",
               themes=[theme])
    answer(facilitator, post, body="Ga langs met de wijkagent.")
    return post


def view(user, post, *, client=None, status=200):
    client = client or Client()
    if user is not None:
        client.force_login(user)
    response = client.get(post.get_url())
    assert response.status_code == status
    return response.content.decode()


def header_of(html):
    """The article above the thread: the shared header and the reader's own controls in it."""
    return html[html.index('<article class="post"'):html.index("</article>")]


def test_an_edit_shows_to_a_reader_who_had_the_header_cached(question, member, colleague):
    assert "Eerste toelichting." in view(colleague, question)

    services.post_edit(editor=member, post=question, title="Hoe bereik je inwoners die brieven laten liggen?",
                       body="Nieuwe toelichting.", themes=list(question.themes.all()))

    html = view(colleague, question)
    assert "Nieuwe toelichting." in html and "Eerste toelichting." not in html
    assert "brieven laten liggen" in header_of(html)


def test_a_hidden_post_is_gone_for_readers_at_once_and_shows_why_to_its_author(question, member, facilitator,
                                                                                colleague):
    view(colleague, question)
    view(member, question)

    services.post_set_hidden(moderator=facilitator, post=question, hidden=True, reason="Bevat een adres")

    view(colleague, question, status=404)
    assert "Bevat een adres" in header_of(view(member, question))
    assert "Bevat een adres" in header_of(view(facilitator, question))

    services.post_set_hidden(moderator=facilitator, post=question, hidden=False)

    assert "Bevat een adres" not in view(member, question)
    assert "Eerste toelichting." in view(colleague, question)


def test_an_accepted_answer_marks_the_question_solved_for_every_reader(question, member, colleague):
    assert "Opgelost" not in header_of(view(colleague, question))

    services.answer_accept(user=member, post=question, answer=question.answers.get())
    assert "Opgelost" in header_of(view(colleague, question))

    services.answer_accept(user=member, post=question, answer=None)
    assert "Opgelost" not in header_of(view(colleague, question))


def test_changed_themes_and_a_renamed_theme_show(question, colleague, community):
    view(colleague, question)
    other = Theme.objects.create(community=community, name="Huisbezoek", slug="huisbezoek")
    question.themes.add(other)
    assert '<li class="tag">Huisbezoek</li><li class="tag">Vroegsignalering</li>' in header_of(view(colleague, question))

    other.posts.remove(question)  # from the theme's side
    assert "Huisbezoek" not in header_of(view(colleague, question))

    theme = question.themes.get()
    theme.name = "Vroeg signaleren"
    theme.save()
    assert "Vroeg signaleren" in header_of(view(colleague, question))


def test_a_new_display_name_and_organisation_of_the_author_show(question, member, colleague):
    view(colleague, question)
    profile = Profile.objects.get(user=member)
    profile.display_name = "Marieke van de Wijk"
    profile.organisation = Organisation.objects.create(name="Gemeente Utrecht")
    profile.save()

    assert "Marieke van de Wijk, Gemeente Utrecht" in header_of(view(colleague, question))


def test_the_follow_buttons_show_each_reader_their_own_state(question, colleague, community):
    third = MembershipFactory(user=UserFactory(username="third"), community=community).user
    services_notify.follow(user=colleague, target=question)
    services_notify.follow(user=colleague, target=question.author)

    assert header_of(view(colleague, question)).count("Niet meer volgen") == 2
    third_header = header_of(view(third, question))
    assert "Niet meer volgen" not in third_header and third_header.count(">Volgen<") == 2
    assert header_of(view(colleague, question)).count("Niet meer volgen") == 2


def test_only_the_author_gets_edit_and_delete_and_only_facilitators_the_hide_form(question, member, facilitator,
                                                                                 colleague):
    services.answer_set_hidden(moderator=facilitator, answer=question.answers.get(), post=question, hidden=True,
                               reason="Dubbel")  # no visible answers: the author may delete
    edit = f"/bijdragen/{question.pk}/bewerken/"
    assert edit in header_of(view(member, question))
    assert f"/bijdragen/{question.pk}/verwijderen/" in header_of(view(member, question))
    assert f"/bijdragen/{question.pk}/verbergen/" in header_of(view(facilitator, question))

    html = header_of(view(colleague, question))
    assert edit not in html and "/verwijderen/" not in html and "/verbergen/" not in html


CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_the_shared_answer_form_carries_the_readers_own_csrf_token(question, colleague, community):
    third = MembershipFactory(user=UserFactory(username="third"), community=community).user
    view(third, question)  # third's copy of the blank form, with third's token, is what gets stored
    client = Client(enforce_csrf_checks=True)
    html = view(colleague, question, client=client)
    form = html[html.index('<section aria-labelledby="answer-form-heading"'):]
    token = CSRF_VALUE.search(form).group(1)

    response = client.post(f"{community.url}bijdragen/{question.pk}/antwoorden/",
                           {"csrfmiddlewaretoken": token, "body": "Met een kaartje in de bus."})

    assert response.status_code == 302  # a token of someone else's session would be a 403
    assert question.answers.filter(user=colleague).exists()


def test_readers_who_may_not_answer_get_no_answer_form(question, colleague, outsider):
    view(colleague, question)

    assert 'id="answer-form-heading"' not in view(outsider, question)
    assert "Word lid van deze gemeenschap om te antwoorden." in view(outsider, question)


def test_an_answer_that_fails_keeps_its_text_in_the_form(question, colleague, community):
    view(colleague, question)  # the blank form is stored
    client = Client()
    client.force_login(colleague)

    response = client.post(f"{community.url}bijdragen/{question.pk}/antwoorden/", {"body": "   ", "parent": "999999"})

    assert response.status_code == 400
    assert "Schrijf eerst je antwoord." in response.content.decode()


def test_a_story_shows_its_sections_and_organisations_and_their_changes(community, member, colleague):
    story, _created = services.post_create(
        author=member, community=community, kind="story", title="Spreekuur in de supermarkt",
        story={"story_status": "geslaagd", "context": "Inwoners kwamen niet.", "tried": "Een tafel bij de kassa."},
        organisations=[Organisation.objects.create(name="Buurtteam Oost")],
    )
    food_bank = Organisation.objects.create(name="Voedselbank")
    assert "Buurtteam Oost" in header_of(view(colleague, story))

    story.organisations.add(food_bank)

    html = header_of(view(colleague, story))
    assert "Buurtteam Oost, Voedselbank" in html and "Een tafel bij de kassa." in html


def test_a_copy_made_while_an_accept_committed_is_not_shown_after_the_accept_is_withdrawn(question, member,
                                                                                           colleague, community, rf):
    """The view reads the post row before the generations; the header shows solved as that row says."""
    from django.contrib.sessions.backends.cache import SessionStore

    from community import selectors, views

    stale_row = selectors.post_page_row(user=colleague, community=community, pk=question.pk)  # not solved yet ...
    services.answer_accept(user=member, post=question, answer=question.answers.get())  # ... then the accept
    request = rf.get(question.get_url())
    request.user, request.session = colleague, SessionStore()
    views._shared_parts(request, community, stale_row, {"can_answer": True, "can_accept": False,
                                                        "can_moderate": False})  # stored from the new row
    services.answer_accept(user=member, post=question, answer=None)

    assert "Opgelost" not in header_of(view(colleague, question))
