"""Documents are served only to people who may see a page that uses them (/documenten/ door)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from tests.community.conftest import join
from tests.factories import CommunityPageFactory, SuperuserFactory, UserFactory


@pytest.fixture
def document(db):
    doc = Document(title="Notulen intervisie")
    doc.file.save("notulen-intervisie.txt", ContentFile(b"VERTROUWELIJK-DOC"), save=True)
    return doc


def used_by(community_index, document, **kwargs):
    link = f'<p><a linktype="document" id="{document.pk}">notulen</a></p>'
    return CommunityPageFactory(parent=community_index, description=link, **kwargs)


def fetch(client, document):
    return client.get(document.url)


def test_private_community_document_is_hidden_from_outsiders(client, community_index, document):
    private = used_by(community_index, document, title="Privé groep", visibility="private")
    member = UserFactory(username="lid")
    join(member, private)
    assert fetch(client, document).status_code == 404
    client.force_login(UserFactory(username="buiten"))
    assert fetch(client, document).status_code == 404
    client.force_login(member)
    response = fetch(client, document)
    assert response.status_code == 200
    assert b"VERTROUWELIJK-DOC" in b"".join(response.streaming_content) if response.streaming else response.content


def test_open_community_document_is_public(client, community_index, document):
    used_by(community_index, document, title="Open groep")
    assert fetch(client, document).status_code == 200


def test_unused_document_is_for_editors_only(client, site_tree, document):
    assert fetch(client, document).status_code == 404
    client.force_login(SuperuserFactory())
    assert fetch(client, document).status_code == 200
