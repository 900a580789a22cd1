"""Fuzzing the learning app's query parameters and form fields: no 500 for any input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.hardening.test_fuzz import FUZZ, texts


@FUZZ
@given(theme=texts, organisation=st.one_of(texts, st.integers()), page=st.one_of(texts, st.integers()))
def test_case_story_index_parameters(client, index, theme, organisation, page):
    response = client.get(index.url, {"thema": theme, "organisatie": organisation, "pagina": page})

    assert response.status_code == 200


@FUZZ
@given(prompt_id=texts, goal_id=texts, consent=texts)
def test_ask_form_learning_fields(client, community, framework, member, prompt_id, goal_id, consent):
    client.force_login(member)

    form = client.get(f"{community.url}vragen/nieuw/", {"prikkel": prompt_id})
    posted = client.post(f"{community.url}vragen/nieuw/", {
        "title": "Een vraag met vreemde velden erbij", "body": "", "leren-prikkel": prompt_id,
        "leren-leerdoel": goal_id, "leren-casusverhaal": consent, "suggesties_gezien": "1"})

    assert form.status_code == 200
    assert posted.status_code < 500


def test_huge_ids_in_urls_are_404_not_500(client, member, community):
    client.force_login(member)

    response = client.get(f"/toestemming-casusverhaal/{10**30}/")

    assert response.status_code == 404
