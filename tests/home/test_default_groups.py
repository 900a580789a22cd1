"""Wagtail's default "Editors" and "Moderators" groups are gone (home migration 0002).

They had rights on the root page, so anyone added to them could edit every community.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from wagtail.models import GroupPagePermission, Page

from tests.factories import UserFactory

migration = importlib.import_module("home.migrations.0002_remove_wagtail_default_groups")
# The function only needs the connection; SQLite refuses a real schema editor inside a test transaction.
SCHEMA_EDITOR = SimpleNamespace(connection=connection)


def test_a_fresh_database_has_no_wagtail_default_groups(db):
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()


def test_only_our_own_groups_hold_rights_on_the_root_page(db):
    root = Page.get_first_root_node()
    holders = set(GroupPagePermission.objects.filter(page=root).values_list("group__name", flat=True))
    assert holders <= {"Redacteuren"}


def test_the_migration_removes_default_groups_that_come_back_and_can_run_twice(client, community):
    """A restored backup or a manual 'Editors' group with root rights: its members lose the admin."""
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(group=editors, page=Page.get_first_root_node(),
                                           permission=Permission.objects.get(codename=codename))
    user = UserFactory(username="gewoonte")
    user.groups.add(editors)
    client.force_login(user)
    assert client.get(f"/beheer/pages/{community.pk}/edit/").status_code == 200

    migration.remove_wagtail_default_groups(django_apps, SCHEMA_EDITOR)
    migration.remove_wagtail_default_groups(django_apps, SCHEMA_EDITOR)

    assert not Group.objects.filter(name="Editors").exists()
    assert not GroupPagePermission.objects.filter(group_id=editors.pk).exists()
    assert client.get(f"/beheer/pages/{community.pk}/edit/").status_code in (302, 403)


def test_the_migration_leaves_our_groups_alone(db, community):
    redacteuren = Group.objects.create(name="Redacteuren")
    migration.remove_wagtail_default_groups(django_apps, SCHEMA_EDITOR)
    assert Group.objects.filter(pk=redacteuren.pk).exists()
    assert Group.objects.filter(name__startswith="Facilitatoren: ").exists()
