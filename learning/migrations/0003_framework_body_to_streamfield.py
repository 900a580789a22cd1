"""Move each framework's rich-text body into the new StreamField as one free-text section.

Facilitators then split it into typed sections (purpose, goals, themes, ...) in the admin; the
demo content is re-seeded with typed sections. Old revisions keep their HTML and are read as a
free-text section too (learning.blocks.FrameworkBodyBlock.to_python).
"""

import uuid

from django.db import migrations


def forwards(apps, schema_editor):
    FrameworkPage = apps.get_model("learning", "FrameworkPage")
    for page in FrameworkPage.objects.all().only("pk", "body"):
        if page.body and page.body.strip():
            page.body_stream = [{"type": "text", "value": page.body, "id": str(uuid.uuid4())}]
            page.save(update_fields=["body_stream"])


def backwards(apps, schema_editor):
    FrameworkPage = apps.get_model("learning", "FrameworkPage")
    for page in FrameworkPage.objects.all().only("pk", "body_stream"):
        page.body = "".join(str(child.value) for child in page.body_stream if child.block_type == "text")
        page.save(update_fields=["body"])


class Migration(migrations.Migration):

    dependencies = [("learning", "0002_framework_streamfield_and_learning_models")]

    operations = [migrations.RunPython(forwards, backwards)]
