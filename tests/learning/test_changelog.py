""""Kader aangescherpt": one entry per published revision, with the diff against the previous one."""

import pytest

from learning import services
from learning.models import FrameworkChanged, FrameworkFollow
from tests.factories import FrameworkPageFactory
from tests.learning.builders import body, days, goal, prompt, publish, theme

T1, T2 = "10000000-0000-0000-0000-000000000001", "10000000-0000-0000-0000-000000000002"
P1, P2 = "20000000-0000-0000-0000-000000000001", "20000000-0000-0000-0000-000000000002"
G1, G2, G3 = ("30000000-0000-0000-0000-000000000001", "30000000-0000-0000-0000-000000000002",
              "30000000-0000-0000-0000-000000000003")


def first_version():
    return body(
        purpose="<p>Samen leren.</p>",
        goals=[goal("Vroegsignalering", id=G1), goal("Samenwerken", id=G2)],
        themes=[theme("Huisbezoeken", id=T1), theme("Partners", id=T2)],
        boundaries={"in_scope": "De wijk", "escalation": "De privacy-officer"},
        prompts=[prompt("Welk signaal zag je?", days(-10), days(10), id=P1),
                 prompt("Welke partner hielp?", days(-10), days(10), id=P2)],
    )


def second_version():
    return body(
        purpose="<p>Samen leren.</p>",
        goals=[goal("Vroegsignalering", description="Nu met een beschrijving", id=G1),
               goal("Nazorg", id=G3)],                                   # G2 removed, G3 added
        themes=[theme("Huisbezoeken", id=T1), theme("Partners in de wijk", id=T2)],  # T2 renamed
        boundaries={"in_scope": "De wijk", "out_of_scope": "Dossiers", "escalation": "De privacy-officer"},
        prompts=[prompt("Welk signaal zag je?", days(-10), days(20), id=P1)],  # P1 extended, P2 removed
    )


@pytest.fixture
def sharpened(community, facilitator):
    page = FrameworkPageFactory(parent=community)
    publish(page, first_version(), user=facilitator, note="Eerste versie in onderdelen")
    publish(page, second_version(), user=facilitator, note="Nazorg erbij, signaalprikkel verlengd")
    return page


def latest_changes(page):
    entry = FrameworkChanged.objects.filter(framework=page).order_by("-published_at", "-pk").first()
    return entry, {(c["kind"], c["change"], c["label"]): c for c in entry.changes}


def test_every_publish_stores_one_changelog_entry(sharpened):
    # the factory's own publish, then the two in the fixture
    assert FrameworkChanged.objects.filter(framework=sharpened).count() == 3


def test_entry_records_who_and_the_change_note(sharpened, facilitator):
    entry, _changes = latest_changes(sharpened)

    assert entry.user == facilitator
    assert entry.change_note == "Nazorg erbij, signaalprikkel verlengd"


def test_added_goal_is_listed_as_added(sharpened):
    _entry, changes = latest_changes(sharpened)

    assert ("goal", "added", "Nazorg") in changes


def test_removed_goal_and_prompt_are_listed_as_removed(sharpened):
    _entry, changes = latest_changes(sharpened)

    assert ("goal", "removed", "Samenwerken") in changes
    assert ("prompt", "removed", "Welke partner hielp?") in changes


def test_changed_items_name_the_fields_that_changed(sharpened):
    _entry, changes = latest_changes(sharpened)

    assert changes[("goal", "changed", "Vroegsignalering")]["fields"] == ["description"]
    assert changes[("prompt", "changed", "Welk signaal zag je?")]["fields"] == ["end_date"]
    renamed = changes[("theme", "changed", "Partners in de wijk")]
    assert renamed["fields"] == ["name"] and renamed["old_label"] == "Partners"


def test_boundaries_are_compared_field_by_field(sharpened):
    _entry, changes = latest_changes(sharpened)

    assert ("boundary", "added", "out_of_scope") in changes
    assert not any(kind == "boundary" and label == "in_scope" for kind, _c, label in changes)


def test_unchanged_items_are_not_listed(sharpened):
    _entry, changes = latest_changes(sharpened)

    labels = {label for (_kind, _change, label) in changes}
    assert "Huisbezoeken" not in labels
    assert not any(kind == "purpose" for kind, _c, _l in changes)


def test_a_note_left_over_from_the_previous_round_is_not_repeated(sharpened, facilitator):
    publish(sharpened, second_version(), user=facilitator, note="Nazorg erbij, signaalprikkel verlengd")

    entry, _changes = latest_changes(sharpened)
    assert entry.change_note == ""
    assert entry.changes == []


def test_framework_page_shows_the_changelog_with_date_who_note_and_diff(client, sharpened, facilitator):
    response = client.get(sharpened.url)

    text = response.content.decode()
    assert "Kader aangescherpt" in text
    assert "Nazorg erbij, signaalprikkel verlengd" in text
    assert facilitator.profile.name in text
    assert "Leerdoel: Nazorg" in text
    assert "Prikkel: Welke partner hielp?" in text
    assert "(was: Partners)" in text


def test_diff_of_two_snapshots_is_empty_when_nothing_changed():
    from learning.blocks import FrameworkBodyBlock

    value = FrameworkBodyBlock().to_python(first_version())
    snapshot = services.framework_snapshot(value)

    assert services.framework_diff(snapshot, snapshot) == []


def test_member_follows_and_unfollows_a_framework(client, framework, member):
    client.force_login(member)

    client.post(f"{framework.url}volgen/", {"action": "follow"})
    assert FrameworkFollow.objects.filter(framework=framework, user=member).exists()

    client.post(f"{framework.url}volgen/", {"action": "unfollow"})
    assert not FrameworkFollow.objects.filter(framework=framework, user=member).exists()


def test_outsider_cannot_follow_a_private_framework(client, community_factory, outsider):
    private = community_factory(private=True)
    page = FrameworkPageFactory(parent=private)
    client.force_login(outsider)

    response = client.post(f"{page.url}volgen/", {"action": "follow"})

    assert response.status_code == 404
    assert not FrameworkFollow.objects.exists()
