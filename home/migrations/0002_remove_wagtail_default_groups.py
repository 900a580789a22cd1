"""Remove Wagtail's default "Editors" and "Moderators" groups.

wagtailcore's initial migrations create them with add/change/publish rights on the root page,
admin access and rights on every image and document. Koffietafel's own groups are "Redacteuren"
(learning.services.ensure_editor_group) and one "Facilitatoren: …" group per community, limited
to that community's subtree; a user added to a default group out of habit could edit every
community, private ones included. Deleting the groups also deletes their page and collection
permissions and memberships (cascade). Idempotent; reversing it restores nothing on purpose.
"""

from django.db import migrations

WAGTAIL_DEFAULT_GROUPS = ("Editors", "Moderators")


def remove_wagtail_default_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=WAGTAIL_DEFAULT_GROUPS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("home", "0001_initial"),
        # Every migration of Wagtail's that creates these groups or gives them permissions.
        ("wagtailcore", "0048_add_default_workflows"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0002_initial_data"),
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0002_initial_data"),
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [
        migrations.RunPython(remove_wagtail_default_groups, migrations.RunPython.noop),
    ]
