"""Accounts: sign-up errors in Dutch at the field, values kept, nothing created; login; language."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from tests.factories import OrganisationFactory, UserFactory

GOOD = {
    "email": "fatima@rivierstad.example",
    "username": "fatima",
    "password1": "koffie-aan-tafel-2026",
    "password2": "koffie-aan-tafel-2026",
    "display_name": "Fatima El Amrani",
    "job_title": "Programmamanager",
}


def error_for(content, field):
    soup = BeautifulSoup(content, "html.parser")
    widget = soup.find(id=f"id_{field}")
    assert widget is not None
    described = widget.get("aria-describedby", "").split()
    errors = [soup.find(id=i) for i in described if i.endswith("error")]
    assert errors and errors[0] is not None, f"no error tied to {field}"
    assert widget.get("aria-invalid") == "true"
    return " ".join(errors[0].get_text(" ").split()).removeprefix("Fout:").strip()


def value_of(content, field):
    widget = BeautifulSoup(content, "html.parser").find(id=f"id_{field}")
    return widget.get("value", "")


@pytest.mark.parametrize(
    "changes, field, expected",
    [
        ({"email": "fatima-at-rivierstad"}, "email", "geldig e-mailadres"),
        ({"password1": "kort", "password2": "kort"}, "password1", "te kort"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1", "alleen cijfers"),
        ({"password2": "iets-anders-2026"}, "password2", "hetzelfde wachtwoord"),
    ],
)
def test_bad_sign_up_shows_dutch_message_at_the_field_and_keeps_values(client, site_tree, changes, field, expected):
    org = OrganisationFactory(name="Gemeente Rivierstad")
    response = client.post("/account/signup/", {**GOOD, "organisation": org.pk, **changes})
    content = response.content.decode()
    assert expected in error_for(content, field).lower() or expected in error_for(content, field)
    assert value_of(content, "display_name") == "Fatima El Amrani"
    assert value_of(content, "job_title") == "Programmamanager"
    assert value_of(content, "username") == "fatima"
    assert value_of(content, "password1") == ""  # passwords are never sent back
    assert not get_user_model().objects.filter(username="fatima").exists()


def test_good_sign_up_creates_account_with_profile_and_asks_to_verify(client, site_tree, mailoutbox):
    org = OrganisationFactory(name="Gemeente Rivierstad")
    response = client.post("/account/signup/", {**GOOD, "organisation": org.pk})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="fatima")
    assert user.profile.display_name == "Fatima El Amrani"
    assert user.profile.organisation == org
    assert len(mailoutbox) == 1 and "fatima@rivierstad.example" in mailoutbox[0].to


def test_login_with_username_or_email(client, site_tree):
    user = UserFactory(username="martijn")
    from tests.factories import PASSWORD

    for login in ("martijn", user.email):
        client.logout()
        response = client.post("/account/login/", {"login": login, "password": PASSWORD})
        assert response.status_code == 302, login
        assert client.session["_auth_user_id"] == str(user.pk)


def test_login_field_says_what_to_type(client, site_tree):
    content = client.get("/account/login/").content.decode()
    label = BeautifulSoup(content, "html.parser").find("label", attrs={"for": "id_login"})
    assert "E-mailadres of gebruikersnaam" in label.get_text()


def test_interface_is_dutch_even_for_an_english_browser(client, site_tree):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="nl"' in content


def test_chosen_english_is_remembered(client, site_tree):
    response = client.post("/taal/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    content = client.get("/").content.decode()
    assert '<html lang="en"' in content


def test_overlong_expertise_tag_gets_a_message_not_an_error_page(client, site_tree):
    """Found by fuzzing: a 101-character tag crashed on PostgreSQL (varchar(100))."""
    user = UserFactory(username="martijn")
    client.force_login(user)
    response = client.post("/profiel/", {"display_name": "Martijn", "expertise": "x" * 101})
    assert response.status_code == 200
    assert "maximaal 50 tekens" in error_for(response.content.decode(), "expertise")
