"""The framework (kader) of a community and what it sets in motion.

Facilitators edit the framework as one Wagtail page with a StreamField body (learning/blocks.py).
Publishing it copies its goals, themes and prompts into plain rows (``LearningGoal``, ``Prompt``,
``community.Theme``) keyed by the blocks' stable ids: the rows are what posts link to, what lists
count over with SQL, and what survives when a prompt is later removed from the framework.
The page stays the editing surface; the rows are the read model (learning.services.framework_sync).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from learning.blocks import FrameworkBodyBlock


class FrameworkPageForm(WagtailAdminPageForm):
    """The admin form: every new round of edits starts with an empty change note.

    The note is a page field, so it is stored in each revision; without this the previous note
    would be offered again and end up in the changelog twice.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.instance.has_unpublished_changes and "change_note" in self.fields:
            self.initial["change_note"] = ""


class FrameworkPage(RoutablePageMixin, Page):
    """A community's framework, set and sharpened by its facilitators: one per community.

    It is shown to everyone who may see the community (also in closed communities), and hidden
    with the community when that is private.
    """

    body = StreamField(FrameworkBodyBlock(), verbose_name=_("kader"), blank=True)
    change_note = models.CharField(
        _("wat is er aangescherpt?"), max_length=500, blank=True,
        help_text=_("Een zin voor de leden: waarom en wat je veranderde. Verschijnt bij het publiceren in "
                    "‘Kader aangescherpt’ op de kaderpagina."),
    )

    base_form_class = FrameworkPageForm
    content_panels = Page.content_panels + [
        HelpPanel(content=_("<p>Het kader bestaat uit onderdelen: doel, leerdoelen, thema's, grenzen, gerichte "
                            "prikkels en bronnen. Elk onderdeel komt één keer voor. Thema's worden bij het "
                            "publiceren de thema's waaruit leden kiezen.</p>")),
        FieldPanel("body"),
        FieldPanel("change_note"),
    ]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["community.CommunityPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("kader")
        verbose_name_plural = _("kaders")

    def community(self):
        """The community this framework belongs to (its parent), fetched once per instance."""
        if not hasattr(self, "_community"):
            from community.models import CommunityPage

            # The parent's tree path is our own path minus one step: one query, no generic Page.
            self._community = CommunityPage.objects.filter(path=self.path[: -self.steplen]).first()
        return self._community

    def serve(self, request, *args, **kwargs):
        from community import policies

        if not policies.can_view_community(request.user, self.community()):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        from django.contrib.auth.models import AnonymousUser

        from community import policies

        # The sitemap is public: list the framework only where an anonymous visitor may see it
        # (not for a private or an unpublished community).
        if not policies.can_view_community(AnonymousUser(), self.community()):
            return []
        return super().get_sitemap_urls(request)

    def get_context(self, request, *args, **kwargs):
        from learning import selectors

        context = super().get_context(request, *args, **kwargs)
        context["community"] = self.community()
        context.update(selectors.framework_page_context(framework=self, user=request.user, request=request))
        return context

    # -- sections of the body, for templates and services ----------------------------------
    def section(self, name):
        """The value of one section of the body (a framework has each section at most once)."""
        for child in self.body:
            if child.block_type == name:
                return child.value
        return None

    # -- routes (views in learning/views.py) ------------------------------------------------
    @path("")
    def index_route(self, request):
        return self.render(request)

    @path("prikkels/", name="prompts")
    def prompts_route(self, request):
        from learning import views

        return views.prompt_overview(request, self)

    @path("prikkels/<uuid:prompt_id>/", name="prompt")
    def prompt_route(self, request, prompt_id):
        from learning import views

        return views.prompt_detail(request, self, prompt_id)

    @path("volgen/", name="follow")
    def follow_route(self, request):
        from learning import views

        return views.framework_follow(request, self)


# -- the read model: rows copied from the published framework --------------------------------


class SyncedQuerySet(models.QuerySet):
    def current(self):
        """Still in the published framework (not removed by a later revision)."""
        return self.filter(removed_at__isnull=True)


class LearningGoal(models.Model):
    """A learning goal of a published framework; posts link to it (``PostLink``)."""

    framework = models.ForeignKey(FrameworkPage, on_delete=models.CASCADE, related_name="goals")
    community = models.ForeignKey("community.CommunityPage", on_delete=models.CASCADE, related_name="+")
    block_id = models.UUIDField(_("blok-id"))
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beschrijving"), blank=True)
    target_date = models.DateField(_("streefdatum"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = SyncedQuerySet.as_manager()

    class Meta:
        verbose_name = _("leerdoel")
        verbose_name_plural = _("leerdoelen")
        ordering = ["framework_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "block_id"], name="learninggoal_unique_block"),
        ]

    def __str__(self):
        return self.title


class PromptQuerySet(SyncedQuerySet):
    def active_on(self, day: datetime.date):
        return self.current().filter(start_date__lte=day, end_date__gte=day)

    def archived_on(self, day: datetime.date):
        """Prompts that ran and ended, or that were removed after they started: their responses stay."""
        return self.filter(start_date__lte=day).filter(Q(end_date__lt=day) | Q(removed_at__isnull=False))

    def upcoming_on(self, day: datetime.date):
        return self.current().filter(start_date__gt=day)


class Prompt(models.Model):
    """A prompt (gerichte prikkel) of a published framework; members respond with posts."""

    framework = models.ForeignKey(FrameworkPage, on_delete=models.CASCADE, related_name="prompts")
    community = models.ForeignKey("community.CommunityPage", on_delete=models.CASCADE, related_name="+")
    block_id = models.UUIDField(_("blok-id"))
    question = models.TextField(_("vraag of uitdaging"))
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("einddatum"))
    learning_goal = models.ForeignKey(
        LearningGoal, null=True, blank=True, on_delete=models.SET_NULL, related_name="prompts"
    )
    position = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)
    # Set when members were told the prompt started (learning.services.prompts_announce_due).
    announced_at = models.DateTimeField(null=True, blank=True)

    objects = PromptQuerySet.as_manager()

    class Meta:
        verbose_name = _("prikkel")
        verbose_name_plural = _("prikkels")
        ordering = ["framework_id", "start_date", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "block_id"], name="prompt_unique_block"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="prompt_end_after_start"),
        ]
        indexes = [models.Index(fields=["community", "start_date", "end_date"])]

    def __str__(self):
        return self.question[:80]

    def status_on(self, day: datetime.date) -> str:
        if self.removed_at is not None or self.end_date < day:
            return "archived"
        if self.start_date > day:
            return "upcoming"
        return "active"

    @property
    def is_active(self) -> bool:
        return self.status_on(timezone.localdate()) == "active"

    def get_url(self, request=None) -> str:
        return f"{self.framework.get_url(request)}prikkels/{self.block_id}/"


class FrameworkTheme(models.Model):
    """Which community theme a framework's theme block became, so a rename updates it in place."""

    framework = models.ForeignKey(FrameworkPage, on_delete=models.CASCADE, related_name="theme_links")
    block_id = models.UUIDField()
    theme = models.OneToOneField("community.Theme", on_delete=models.CASCADE, related_name="framework_link")
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "block_id"], name="frameworktheme_unique_block"),
        ]


class PostLink(models.Model):
    """What a post responds to: a prompt and/or a learning goal (community.Post knows nothing of it)."""

    post = models.OneToOneField("community.Post", on_delete=models.CASCADE, related_name="learning_link")
    prompt = models.ForeignKey(Prompt, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses")
    learning_goal = models.ForeignKey(
        LearningGoal, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("koppeling aan het kader")
        verbose_name_plural = _("koppelingen aan het kader")
        constraints = [
            models.CheckConstraint(
                condition=Q(prompt__isnull=False) | Q(learning_goal__isnull=False), name="postlink_not_empty"
            ),
        ]


# -- the changelog ---------------------------------------------------------------------------


class FrameworkChanged(models.Model):
    """One publish of a framework: the "kader aangescherpt" entry and the event followers hear of.

    Written when a revision is published (learning.services.framework_published) with the diff
    against the previously published revision, so the changelog is one query to show and the
    notifications engineer has a row per event to send from (``notified_at`` is theirs to set).
    """

    framework = models.ForeignKey(FrameworkPage, on_delete=models.CASCADE, related_name="changes")
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    published_at = models.DateTimeField(_("gepubliceerd op"), db_index=True)
    change_note = models.CharField(_("toelichting"), max_length=500, blank=True)
    changes = models.JSONField(_("wijzigingen"), default=list, blank=True)
    is_first = models.BooleanField(default=False)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kader aangescherpt")
        verbose_name_plural = _("kader aangescherpt")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["framework", "-published_at"])]

    def __str__(self):
        return f"{self.framework_id} @ {self.published_at:%Y-%m-%d %H:%M}"


class FrameworkFollow(models.Model):
    """A member follows a framework and hears when it is sharpened (FrameworkChanged)."""

    framework = models.ForeignKey(FrameworkPage, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="framework_follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("volger van een kader")
        verbose_name_plural = _("volgers van kaders")
        constraints = [models.UniqueConstraint(fields=["framework", "user"], name="frameworkfollow_unique")]


# -- who edits -------------------------------------------------------------------------------


class FacilitatorGroup(models.Model):
    """The Wagtail group of one community's facilitators (edit and publish on its subtree only)."""

    community = models.OneToOneField("community.CommunityPage", on_delete=models.CASCADE,
                                     related_name="facilitator_group")
    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="facilitated_community")

    class Meta:
        verbose_name = _("facilitatorengroep")
        verbose_name_plural = _("facilitatorengroepen")
