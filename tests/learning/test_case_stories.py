"""Case stories: public pages, published when a second editor approves, made from consented stories."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from learning import services
from learning.models import CaseStoryConsent, CaseStoryIndexPage, CaseStoryPage
from tests.factories import OrganisationFactory, UserFactory
from tests.learning.builders import join, share


def make_story(index, title="Huisbezoek bij huurachterstand", tags=(), organisations=(), live=True):
    page = CaseStoryPage(title=title, summary=f"Samenvatting van {title}.", live=live,
                         body=[("context", "<p>Aanleiding</p>"), ("lessons", "<p>Lessen</p>")])
    page.tags.set(list(tags))
    page.organisations.set(list(organisations))
    index.add_child(instance=page)
    if live:
        page.save_revision().publish()
    return page


def test_case_story_index_lives_under_the_home_page():
    assert CaseStoryIndexPage.parent_page_types == ["home.HomePage"]
    assert CaseStoryPage.parent_page_types == ["learning.CaseStoryIndexPage"]


def test_index_lists_published_case_stories_only(client, index):
    make_story(index, "Gepubliceerd verhaal")
    make_story(index, "Concept verhaal", live=False)

    response = client.get(index.url)

    assert b"Gepubliceerd verhaal" in response.content
    assert b"Concept verhaal" not in response.content


def test_index_filters_by_theme(client, index):
    make_story(index, "Over vroegsignalering", tags=["Vroegsignalering"])
    make_story(index, "Over taal", tags=["Begrijpelijke taal"])

    response = client.get(index.url, {"thema": "vroegsignalering"})

    assert b"Over vroegsignalering" in response.content
    assert b"Over taal" not in response.content


def test_index_filters_by_organisation(client, index):
    rivierstad = OrganisationFactory(name="Gemeente Rivierstad")
    make_story(index, "Uit Rivierstad", organisations=[rivierstad])
    make_story(index, "Van elders")

    response = client.get(index.url, {"organisatie": str(rivierstad.pk)})

    assert b"Uit Rivierstad" in response.content
    assert b"Van elders" not in response.content


def test_index_is_paginated(client, index):
    for n in range(12):
        make_story(index, f"Casus nummer {n:02d}")

    first = client.get(index.url)
    second = client.get(index.url, {"pagina": 2})

    assert len(first.context["stories"]) == 10
    assert len(second.context["stories"]) == 2


def test_atom_feed_lists_published_case_stories(client, index):
    make_story(index, "Verhaal in de feed")

    response = client.get(f"{index.url}feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert b"<title>Verhaal in de feed</title>" in response.content


def test_index_gets_the_second_editor_workflow(index):
    workflow = index.get_workflow()

    assert workflow is not None and workflow.name == services.CASE_STORY_WORKFLOW
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Redacteuren"]


def test_the_editor_who_submitted_cannot_approve(index, editors):
    writer, _approver = editors
    page = make_story(index, "Ter goedkeuring", live=False)
    page.save_revision(user=writer)
    page.get_workflow().start(page, writer)
    page = CaseStoryPage.objects.get(pk=page.pk)

    task_state = page.current_workflow_task_state
    assert page.current_workflow_task.get_actions(page, writer) == []
    with pytest.raises(PermissionDenied):
        task_state.task.specific.on_action(task_state, writer, "approve")
    assert not CaseStoryPage.objects.get(pk=page.pk).live


def test_a_second_editor_approves_and_the_case_story_is_published(index, editors):
    writer, approver = editors
    page = make_story(index, "Ter goedkeuring", live=False)
    page.save_revision(user=writer)
    page.get_workflow().start(page, writer)
    page = CaseStoryPage.objects.get(pk=page.pk)

    task_state = page.current_workflow_task_state
    assert [name for name, _label, _modal in page.current_workflow_task.get_actions(page, approver)][:2] == [
        "reject", "approve"]
    task_state.task.specific.on_action(task_state, approver, "approve")

    assert CaseStoryPage.objects.get(pk=page.pk).live


def test_editors_cannot_publish_a_case_story_directly_in_the_admin(client, index, editors):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    writer, _approver = editors
    page = make_story(index, "Direct publiceren", live=False)
    client.force_login(writer)
    data = nested_form_data({"title": page.title, "slug": page.slug, "summary": "Samenvatting.",
                             "body": streamfield([]), "author_credit": "", "tags": "",
                             "comments": inline_formset([])})
    data["action-publish"] = "1"

    edit = client.get(f"/beheer/pages/{page.pk}/edit/")
    client.post(f"/beheer/pages/{page.pk}/edit/", data)

    assert b'name="action-publish"' not in edit.content
    assert not CaseStoryPage.objects.get(pk=page.pk).live


# -- from practice story to case story -----------------------------------------------------


def test_story_form_checkbox_records_consent(client, community, member):
    client.force_login(member)

    client.post(f"{community.url}verhalen/nieuw/", {
        "title": "Spreekuur in de supermarkt", "story_status": "geslaagd", "context": "Aanleiding",
        "tried": "Een tafel bij de ingang", "leren-casusverhaal": "on"})

    assert CaseStoryConsent.objects.filter(post__title="Spreekuur in de supermarkt", given_by=member).exists()


def test_without_the_checkbox_there_is_no_consent(client, community, member):
    client.force_login(member)

    client.post(f"{community.url}verhalen/nieuw/", {
        "title": "Spreekuur in de bibliotheek", "story_status": "geslaagd", "context": "Aanleiding",
        "tried": "Een tafel bij de ingang"})

    assert not CaseStoryConsent.objects.exists()


def test_proposing_without_consent_is_refused(index, editors, community, member):
    writer, _approver = editors
    story = share(member, community)

    with pytest.raises(ValidationError, match="geen toestemming"):
        services.case_story_propose(editor=writer, post=story)
    assert not CaseStoryPage.objects.exists()


def test_proposing_a_consented_story_creates_a_draft_crediting_the_author(index, editors, community, member):
    writer, _approver = editors
    story = share(member, community)
    services.case_story_consent_give(user=member, post=story)

    page = services.case_story_propose(editor=writer, post=story)

    page = CaseStoryPage.objects.get(pk=page.pk)
    assert not page.live
    assert page.title == story.title and page.source_post == story
    assert page.author_credit == member.profile.name
    assert [child.block_type for child in page.body][:2] == ["context", "approach"]


def test_only_editors_may_propose(index, community, member, facilitator):
    story = share(member, community)
    services.case_story_consent_give(user=member, post=story)

    with pytest.raises(PermissionDenied):
        services.case_story_propose(editor=facilitator, post=story)


def test_a_private_story_cannot_be_proposed_by_an_editor_who_may_not_read_it(index, editors, community_factory):
    writer, _approver = editors
    private = community_factory(private=True)
    insider = UserFactory(username="insider")
    join(insider, private)
    story = share(insider, private, title="Vertrouwelijk verhaal uit de intervisie")
    services.case_story_consent_give(user=insider, post=story)

    with pytest.raises(PermissionDenied):
        services.case_story_propose(editor=writer, post=story)


def test_a_private_story_never_becomes_public_without_consent(index, editors, community_factory):
    writer, approver = editors
    private = community_factory(private=True)
    insider = UserFactory(username="insider")
    join(insider, private)
    join(writer, private)
    story = share(insider, private, title="Vertrouwelijk verhaal uit de intervisie")

    with pytest.raises(ValidationError):
        services.case_story_propose(editor=writer, post=story)
    page = CaseStoryPage(title="Overgeschreven", summary="Zonder toestemming", source_post=story)
    with pytest.raises(ValidationError, match="toestemming"):
        index.add_child(instance=page)
    assert not CaseStoryPage.objects.exists()


def test_withdrawn_consent_blocks_publishing_the_draft(index, editors, community, member):
    writer, approver = editors
    story = share(member, community)
    services.case_story_consent_give(user=member, post=story)
    page = services.case_story_propose(editor=writer, post=story)

    services.case_story_consent_withdraw(user=member, post=story)

    with pytest.raises(ValidationError):
        CaseStoryPage.objects.get(pk=page.pk).save_revision(user=writer)


def test_author_gives_consent_on_the_consent_page(client, community, member):
    story = share(member, community)
    client.force_login(member)

    assert client.get(f"/toestemming-casusverhaal/{story.pk}/").status_code == 200
    client.post(f"/toestemming-casusverhaal/{story.pk}/", {"action": "give"})

    assert CaseStoryConsent.objects.filter(post=story).exists()


def test_others_cannot_open_the_consent_page(client, community, member, facilitator):
    story = share(member, community)
    client.force_login(facilitator)

    assert client.get(f"/toestemming-casusverhaal/{story.pk}/").status_code == 404


def test_case_story_links_the_source_only_for_those_who_may_read_it(client, index, editors, community_factory):
    writer, approver = editors
    closed = community_factory(closed=True)
    insider = UserFactory(username="insider")
    join(insider, closed)
    story = share(insider, closed, title="Verhaal uit een besloten gemeenschap")
    services.case_story_consent_give(user=insider, post=story)
    join(writer, closed)
    page = services.case_story_propose(editor=writer, post=story)
    page.save_revision(user=writer).publish(user=approver)

    public = client.get(page.url)
    client.force_login(insider)
    inside = client.get(page.url)

    assert public.status_code == 200 and b"Lees het oorspronkelijke verhaal" not in public.content
    assert b"Lees het oorspronkelijke verhaal" in inside.content


def test_editor_list_offers_to_propose_consented_stories(client, index, editors, community, member):
    writer, _approver = editors
    story = share(member, community)
    services.case_story_consent_give(user=member, post=story)
    client.force_login(writer)

    listing = client.get("/beheer/casusverhalen/kandidaten/")
    response = client.post(f"/beheer/casusverhalen/kandidaten/{story.pk}/voorstellen/")

    assert story.title.encode() in listing.content
    page = CaseStoryPage.objects.get(source_post=story)
    assert response["Location"] == f"/beheer/pages/{page.pk}/edit/"


def test_members_cannot_open_the_editor_list(client, community, member):
    client.force_login(member)

    response = client.get("/beheer/casusverhalen/kandidaten/")

    assert response.status_code in (302, 403)


def render_post_links(post, user):
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load learning_tags %}{% post_learning_links post %}").render(
        Context({"request": request, "post": post}))


def test_post_page_tag_offers_editors_to_propose_a_consented_story(index, editors, community, member):
    writer, _approver = editors
    story = share(member, community)
    services.case_story_consent_give(user=member, post=story)

    html = render_post_links(story, writer)

    assert "Voorstellen als casusverhaal" in html
    assert f"/beheer/casusverhalen/kandidaten/{story.pk}/voorstellen/" in html


def test_post_page_tag_offers_the_author_to_give_consent(community, member):
    story = share(member, community)

    html = render_post_links(story, member)

    assert f"/toestemming-casusverhaal/{story.pk}/" in html


def test_post_page_tag_shows_nothing_to_others_for_an_unlinked_post(community, member, outsider):
    story = share(member, community)

    assert render_post_links(story, outsider).strip() == ""


def test_story_page_shows_its_author_the_consent_link(client, community, member):
    story = share(member, community)
    client.force_login(member)

    response = client.get(story.get_url())

    assert response.status_code == 200
    assert f"/toestemming-casusverhaal/{story.pk}/" in response.content.decode()


def test_story_page_shows_other_members_no_consent_link(client, community, member, facilitator):
    story = share(member, community)
    client.force_login(facilitator)

    response = client.get(story.get_url())

    assert response.status_code == 200
    assert f"/toestemming-casusverhaal/{story.pk}/" not in response.content.decode()
