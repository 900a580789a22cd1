"""A private community's framework, prompts and responses never appear for outsiders.

Closed communities show their framework and prompts to everyone, but responses only to members.
"""

import pytest

from learning import services
from tests.factories import FrameworkPageFactory, UserFactory
from tests.learning.builders import ask, body, days, goal, join, prompt, publish

MARKER = "GEHEIM-KADER-XYZ"
PROMPT_ID = "60000000-0000-0000-0000-000000000001"


@pytest.fixture
def secret(community_factory):
    """A private community with a framework, an active prompt and a response by a member."""
    community = community_factory(title="Vertrouwenspersonen", private=True)
    insider = UserFactory(username="insider")
    join(insider, community)
    page = FrameworkPageFactory(parent=community, title=f"Kader {MARKER}")
    publish(page, body(purpose=f"<p>{MARKER}</p>", goals=[goal(f"Doel {MARKER}")],
                       prompts=[prompt(f"Prikkel {MARKER}", days(-1), days(5), id=PROMPT_ID)]))
    post = ask(insider, community, title=f"Reactie {MARKER} op de prikkel")
    services.post_link(post=post, prompt=page.prompts.get())
    page.refresh_from_db()
    return {"community": community, "framework": page, "insider": insider, "post": post}


VISITORS = ["anonymous", "outsider", "facilitator_elsewhere"]


def visitor(role, client, db):
    if role == "outsider":
        client.force_login(UserFactory(username="buitenstaander"))
    elif role == "facilitator_elsewhere":
        from tests.factories import CommunityPageFactory

        other = CommunityPageFactory(title="Elders")
        user = UserFactory(username="elders")
        join(user, other, facilitator=True)
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", VISITORS)
@pytest.mark.parametrize("path", ["", "prikkels/", f"prikkels/{PROMPT_ID}/"])
def test_private_framework_pages_answer_404(client, db, secret, role, path):
    visitor(role, client, db)

    response = client.get(secret["framework"].url + path)

    assert response.status_code == 404
    assert MARKER.encode() not in response.content


@pytest.mark.parametrize("path", ["", "prikkels/", f"prikkels/{PROMPT_ID}/"])
def test_members_of_the_private_community_see_its_framework(client, secret, path):
    client.force_login(secret["insider"])

    response = client.get(secret["framework"].url + path)

    assert response.status_code == 200
    assert MARKER.encode() in response.content


@pytest.mark.parametrize("role", VISITORS)
def test_private_prompts_and_responses_appear_nowhere_public(client, db, secret, community, framework, role):
    visitor(role, client, db)

    for url in ("/", "/gemeenschappen/", community.url, framework.url, "/sitemap.xml", "/casusverhalen/"):
        response = client.get(url)
        assert MARKER.encode() not in response.content, url


def test_private_framework_is_not_in_the_sitemap(client, secret):
    response = client.get("/sitemap.xml")

    assert secret["framework"].url.encode() not in response.content


def test_closed_community_shows_the_prompt_but_not_its_responses_to_outsiders(client, community_factory,
                                                                              outsider):
    closed = community_factory(title="Besloten", closed=True)
    insider = UserFactory(username="lid")
    join(insider, closed)
    page = FrameworkPageFactory(parent=closed)
    publish(page, body(prompts=[prompt("Open prikkel", days(-1), days(5), id=PROMPT_ID)]))
    services.post_link(post=ask(insider, closed, title="Reactie alleen voor leden"), prompt=page.prompts.get())
    client.force_login(outsider)

    response = client.get(f"{page.url}prikkels/{PROMPT_ID}/")

    assert response.status_code == 200
    assert b"Open prikkel" in response.content
    assert b"Reactie alleen voor leden" not in response.content
    assert b"alleen voor leden te lezen" in response.content


def test_a_private_prompt_id_does_not_link_a_post_elsewhere(client, secret, community, member):
    client.force_login(member)

    client.post(f"{community.url}vragen/nieuw/?prikkel={PROMPT_ID}", {"title": "Poging tot koppelen", "body": ""})

    from learning.models import PostLink

    assert not PostLink.objects.filter(post__title="Poging tot koppelen").exists()


@pytest.fixture
def private_document(secret, settings, tmp_path):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    settings.MEDIA_ROOT = tmp_path
    document = Document.objects.create(title="Verslag", file=ContentFile(b"GEHEIM", name="verslag.txt"))
    page = secret["framework"]
    new_body = body(purpose=f"<p>{MARKER}</p>")
    new_body.append({"type": "resources", "id": "resources", "value": [
        {"type": "document", "id": "70000000-0000-0000-0000-000000000001",
         "value": {"title": "Verslag", "document": document.pk, "description": ""}}]})
    publish(page, new_body)
    return document


def test_a_document_used_only_in_a_private_framework_is_404_for_outsiders(client, private_document, outsider):
    client.force_login(outsider)

    response = client.get(private_document.url)

    assert response.status_code == 404


def test_members_download_the_documents_of_their_private_framework(client, private_document, secret):
    client.force_login(secret["insider"])

    response = client.get(private_document.url)

    assert response.status_code == 200


def test_the_community_page_links_its_published_framework_only(client, community, framework, member):
    client.force_login(member)
    assert f'href="{framework.url}"' in client.get(community.url).content.decode()

    framework.unpublish()

    assert f'href="{framework.url}"' not in client.get(community.url).content.decode()
