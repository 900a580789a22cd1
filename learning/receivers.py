"""Signal receivers of the learning app, connected once in LearningConfig.ready().

The community app never imports learning; learning reacts to community's signals and to
Wagtail's page_published. Each receiver hands over to a service.
"""

from __future__ import annotations


def framework_published(sender, instance, revision=None, **kwargs):
    from learning import services

    services.framework_published(framework=instance, revision=revision)


def community_published(sender, instance, **kwargs):
    from learning import services

    services.ensure_facilitator_group(instance)


def case_story_index_published(sender, instance, **kwargs):
    from learning import services

    services.ensure_case_story_workflow(instance)


def membership_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from learning import services

    services.facilitator_membership_changed(membership=instance)


def membership_deleted(sender, instance, **kwargs):
    from learning import services

    services.facilitator_membership_changed(membership=instance, deleted=True)


def post_created(sender, post, request=None, **kwargs):
    from learning import services

    services.post_created_from_request(post=post, request=request)


def forget_post_link(sender, instance, **kwargs):
    """A post's learning link changed: its shared header on the post page is redone."""
    from community import fragments

    fragments.forget_post(instance.post_id)


def forget_post_headers(sender, **kwargs):
    """A prompt's question, a learning goal's title or a framework's path changed: post headers show
    them in their learning links (community/fragments.py)."""
    from community import fragments

    fragments.forget_post_headers()


def connect():
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published

    from community import signals as community_signals
    from community.models import CommunityPage, Membership
    from learning.models import CaseStoryIndexPage, FrameworkPage, LearningGoal, PostLink, Prompt

    page_published.connect(framework_published, sender=FrameworkPage, dispatch_uid="learning_framework_published")
    # After framework_published: its sync renames themes with update(), which sends no signal.
    page_published.connect(forget_post_headers, sender=FrameworkPage, dispatch_uid="learning_post_headers_framework")
    for signal in (post_save, post_delete):
        signal.connect(forget_post_link, sender=PostLink, dispatch_uid=f"learning_post_link_{signal!r}")
        for model in (Prompt, LearningGoal):
            signal.connect(forget_post_headers, sender=model,
                           dispatch_uid=f"learning_post_headers_{model.__name__}_{signal!r}")
    page_published.connect(community_published, sender=CommunityPage, dispatch_uid="learning_community_published")
    page_published.connect(case_story_index_published, sender=CaseStoryIndexPage,
                           dispatch_uid="learning_case_story_index_published")
    post_save.connect(membership_saved, sender=Membership, dispatch_uid="learning_membership_saved")
    post_delete.connect(membership_deleted, sender=Membership, dispatch_uid="learning_membership_deleted")
    community_signals.post_created.connect(post_created, dispatch_uid="learning_post_created")
