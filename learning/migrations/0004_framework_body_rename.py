"""Drop the old rich-text body and give the StreamField its name (same column, no data copied)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("learning", "0003_framework_body_to_streamfield")]

    operations = [
        migrations.RemoveField(model_name="frameworkpage", name="body"),
        migrations.RenameField(model_name="frameworkpage", old_name="body_stream", new_name="body"),
    ]
