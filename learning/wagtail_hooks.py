"""Wagtail admin hooks of the learning app.

- Case stories are published only through their workflow (a second editor approves): the
  direct "Publish" action is removed and refused for case story pages.
- The page chooser never offers pages of a private community to someone who may not see it.
- A facilitator may edit their community page, but not switch its visibility (that is a site
  decision: making a private community open would publish its members' posts).
- Editors get a list of practice stories they may turn into case stories.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from community import policies as community_policies
from community.models import CommunityPage, Visibility
from learning import admin_views, policies
from learning.models import CaseStoryPage


def _is_case_story(page_or_class) -> bool:
    cls = page_or_class if isinstance(page_or_class, type) else getattr(page_or_class, "specific_class", None)
    return cls is not None and issubclass(cls, CaseStoryPage)


@hooks.register("construct_page_action_menu")
def remove_direct_publish_of_case_stories(menu_items, request, context):
    page = context.get("page")
    page_class = page.specific_class if page is not None else context.get("page_class")
    if page_class is not None and _is_case_story(page_class) and not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


def _refuse_direct_publish(request, page_or_class):
    if request.method == "POST" and "action-publish" in request.POST and _is_case_story(page_or_class) \
            and not request.user.is_superuser:
        messages.error(request, _("Een casusverhaal verschijnt pas als een tweede redacteur het goedkeurt. "
                                  "Kies ‘Ter goedkeuring aanbieden’."))
        return redirect(request.get_full_path())
    return None


@hooks.register("before_edit_page")
def refuse_case_story_publish_on_edit(request, page):
    response = _refuse_direct_publish(request, page)
    if response is not None:
        return response
    return _refuse_visibility_change(request, page)


@hooks.register("before_create_page")
def refuse_case_story_publish_on_create(request, parent_page, page_class):
    return _refuse_direct_publish(request, page_class)


@hooks.register("before_bulk_action")
def refuse_bulk_publish_of_case_stories(request, action_type, objects, action_class_instance):
    if action_type == "publish" and not request.user.is_superuser and any(_is_case_story(o) for o in objects):
        messages.error(request, _("Casusverhalen publiceer je via de goedkeuring door een tweede redacteur."))
        return redirect(reverse("wagtailadmin_explore_root"))
    return None


def _refuse_visibility_change(request, page):
    if request.method != "POST" or page.specific_class is not CommunityPage:
        return None
    if request.user.is_superuser or policies.is_editor(request.user):
        return None
    submitted = request.POST.get("visibility")
    current = CommunityPage.objects.filter(pk=page.pk).values_list("visibility", flat=True).first()
    if submitted is not None and submitted != current:
        messages.error(request, _("De zichtbaarheid van een gemeenschap wijzigt alleen de redactie. Vraag het aan "
                                  "een redacteur."))
        return redirect(request.get_full_path())
    return None


def _hidden_private_paths(user) -> list[str]:
    if user.is_superuser or policies.is_editor(user):
        return []
    member_of = [cid for cid, m in community_policies.memberships(user).items() if m.is_active]
    return list(
        CommunityPage.objects.filter(visibility=Visibility.PRIVATE).exclude(pk__in=member_of)
        .values_list("path", flat=True)
    )


@hooks.register("construct_page_chooser_queryset")
def hide_private_communities_in_chooser(pages, request):
    paths = _hidden_private_paths(request.user)
    if not paths:
        return pages
    condition = Q()
    for tree_path in paths:
        condition |= Q(path__startswith=tree_path)
    return pages.exclude(condition)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("casusverhalen/kandidaten/", admin_views.CaseStoryCandidatesView.as_view(),
             name="learning_case_story_candidates"),
        path("casusverhalen/kandidaten/<int:post_id>/voorstellen/", admin_views.propose,
             name="learning_case_story_propose"),
        path("casusverhalen/kandidaten/<int:post_id>/toestemming/", admin_views.request_consent,
             name="learning_case_story_request_consent"),
    ]


class EditorMenuItem(MenuItem):
    def is_shown(self, request):
        return policies.is_editor(request.user)


@hooks.register("register_admin_menu_item")
def register_case_story_candidates_menu_item():
    return EditorMenuItem(gettext_lazy("Praktijkverhalen"), reverse("learning_case_story_candidates"),
                          icon_name="doc-full", order=250)

