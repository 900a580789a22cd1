"""Who may do what in the learning app. Visibility itself is never decided here.

Whether a community, framework or post may be seen is the community's one access policy
(community/policies.py); these functions add only the learning app's own roles on top of it.
"""

from __future__ import annotations

from community import policies as community_policies

EDITORS_GROUP = "Redacteuren"


def is_editor(user) -> bool:
    """Site-wide editors (the Redacteuren group) and site administrators."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_koffietafel_is_editor", None)
    if cached is None:
        cached = user.groups.filter(name=EDITORS_GROUP).exists()
        user._koffietafel_is_editor = cached
    return cached


def can_view_framework(user, framework) -> bool:
    return community_policies.can_view_community(user, framework.community())


def can_follow(user, framework) -> bool:
    return bool(user is not None and user.is_authenticated and can_view_framework(user, framework))


def can_respond(user, community) -> bool:
    return community_policies.can_post(user, community)


def can_propose_case_story(user, post) -> bool:
    """An editor who may read the practice story (per the access policy) may propose it."""
    return bool(is_editor(user) and post.kind == "story" and community_policies.can_view_post(user, post))


def can_give_consent(user, post) -> bool:
    return bool(user is not None and user.is_authenticated and post.author_id == user.pk and post.kind == "story")
