"""Recount Post.answer_count and Answer.helpful_count once, from the rows.

answer_count used to count every answer row, replies and hidden answers included; it now counts
visible top-level answers (community.models.posts.COUNTED_ANSWERS), which is what the community
list shows as "N antwoorden" and what the "onbeantwoord" filter means. helpful_count could stay
too high after a voter's account was deleted. From now on the services and a signal keep both
exact; this fixes what is already stored.

It lives in home, not community, because it is site data upkeep that must run after all of
community's schema migrations, whichever are added next. Idempotent; the reverse does nothing.
"""

from django.db import migrations
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def recount(apps, schema_editor):
    alias = schema_editor.connection.alias
    Post = apps.get_model("community", "Post")
    Answer = apps.get_model("community", "Answer")
    HelpfulVote = apps.get_model("community", "HelpfulVote")
    answers = (Answer.objects.using(alias).filter(Q(level=0, is_public=True, is_removed=False), post_id=OuterRef("pk"))
               .order_by().values("post_id").annotate(n=Count("pk")).values("n"))
    Post.objects.using(alias).update(answer_count=Coalesce(Subquery(answers), 0))
    votes = (HelpfulVote.objects.using(alias).filter(answer_id=OuterRef("pk"))
             .order_by().values("answer_id").annotate(n=Count("pk")).values("n"))
    Answer.objects.using(alias).update(helpful_count=Coalesce(Subquery(votes), 0))


class Migration(migrations.Migration):

    dependencies = [
        ("home", "0002_remove_wagtail_default_groups"),
        ("community", "0005_notification_kind_case_story_consent"),
    ]

    operations = [
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
