"""Case stories (casusverhalen): public, editor-published accounts of practice that worked (or not).

They are pages (revisions, workflow, previews) under one index below the home page. A case story
may come from a member's practice story, but only with the author's consent
(``CaseStoryConsent``): that is the one way content from a closed or private community becomes
public. Publishing goes through a workflow in which a second editor approves
(``SecondEditorApprovalTask``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.models.workflows import AbstractGroupApprovalTask
from wagtail.search import index

from learning.blocks import CaseStoryBodyBlock

CASE_STORIES_PER_PAGE = 10


class CaseStoryIndexPage(RoutablePageMixin, Page):
    """All published case stories, filterable by theme and organisation, with an Atom feed."""

    intro = RichTextField(_("introductie"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["learning.CaseStoryPage"]
    max_count = 1

    class Meta:
        verbose_name = _("overzicht van casusverhalen")

    @path("")
    def index_route(self, request):
        from learning import selectors

        listing = selectors.case_story_listing(
            index=self, theme=request.GET.get("thema", ""), organisation=request.GET.get("organisatie", "")
        )
        page_obj = Paginator(listing["stories"], CASE_STORIES_PER_PAGE).get_page(request.GET.get("pagina"))
        filter_query = urlencode({k: v for k, v in (("thema", listing["active_theme"]),
                                                    ("organisatie", listing["active_organisation"] or "")) if v})
        return self.render(request, context_overrides={**listing, "stories": page_obj, "filter_query": filter_query})

    @path("feed/", name="feed")
    def feed_route(self, request):
        from learning.feeds import CaseStoryFeed

        return CaseStoryFeed(self)(request)


class CaseStoryTag(TaggedItemBase):
    """A case story's themes: public labels, apart from the themes of (possibly private) communities."""

    content_object = ParentalKey("learning.CaseStoryPage", on_delete=models.CASCADE, related_name="tagged_items")


class CaseStoryPage(Page):
    """One case story: what was tried where, what helped, what hindered and what was learned."""

    summary = models.TextField(
        _("samenvatting"), max_length=600,
        help_text=_("Twee of drie zinnen. Staat in het overzicht en in de feed."),
    )
    body = StreamField(CaseStoryBodyBlock(), verbose_name=_("verhaal"), blank=True)
    organisations = ParentalManyToManyField(
        "community.Organisation", verbose_name=_("organisaties"), blank=True, related_name="case_stories"
    )
    tags = ClusterTaggableManager(through=CaseStoryTag, verbose_name=_("thema's"), blank=True)
    # Set only by learning.services.case_story_propose (never offered in the admin: a chooser would
    # show titles of posts in communities the editor cannot see).
    source_post = models.ForeignKey(
        "community.Post", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    author_credit = models.CharField(
        _("gebaseerd op het verhaal van"), max_length=200, blank=True,
        help_text=_("De naam van wie het oorspronkelijke praktijkverhaal schreef."),
    )

    content_panels = Page.content_panels + [
        HelpPanel(content=_("<p>Een casusverhaal is openbaar. Een tweede redacteur keurt het goed voordat het "
                            "verschijnt: kies ‘Ter goedkeuring aanbieden’.</p>")),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("organisations", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
        FieldPanel("author_credit"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    parent_page_types = ["learning.CaseStoryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("casusverhaal")
        verbose_name_plural = _("casusverhalen")

    def clean(self):
        super().clean()
        # Content from a member's story never becomes public without the author's consent.
        if self.source_post_id and not CaseStoryConsent.objects.filter(post_id=self.source_post_id).exists():
            raise ValidationError(
                _("De auteur van het oorspronkelijke praktijkverhaal heeft (nog) geen toestemming gegeven voor "
                  "publicatie als casusverhaal. Zonder die toestemming kan dit verhaal niet worden opgeslagen.")
            )

    def get_context(self, request, *args, **kwargs):
        from learning import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.case_story_context(story=self, user=request.user))
        return context


class CaseStoryConsent(models.Model):
    """The author of a practice story agrees it may be published (edited) as a public case story."""

    post = models.OneToOneField("community.Post", on_delete=models.CASCADE, related_name="case_story_consent")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    given_at = models.DateTimeField(_("gegeven op"), auto_now_add=True)

    class Meta:
        verbose_name = _("toestemming voor casusverhaal")
        verbose_name_plural = _("toestemmingen voor casusverhalen")


class CaseStoryConsentRequest(models.Model):
    """An editor asks the author of a practice story for consent (the author answers on the site)."""

    post = models.ForeignKey("community.Post", on_delete=models.CASCADE, related_name="case_story_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verzoek om toestemming")
        verbose_name_plural = _("verzoeken om toestemming")
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=models.Q(answered_at__isnull=True), name="consentrequest_one_open"
            ),
        ]


class SecondEditorApprovalTask(AbstractGroupApprovalTask):
    """A group approval in which the person who submitted cannot approve their own work.

    Wagtail's GroupApprovalTask lets any member of the group approve, including the author;
    "editor writes, a second editor approves" needs the four-eyes rule.
    """

    def _is_requester(self, obj, user) -> bool:
        state = getattr(obj, "current_workflow_state", None)
        return bool(state and user.is_authenticated and state.requested_by_id == user.pk)

    def get_actions(self, obj, user):
        if self._is_requester(obj, user) and not user.is_superuser:
            return []
        return super().get_actions(obj, user)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and user is not None and not user.is_superuser:
            if task_state.workflow_state.requested_by_id == user.pk:
                from django.core.exceptions import PermissionDenied

                raise PermissionDenied(_("Een tweede redacteur moet dit goedkeuren."))
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return super().get_task_states_user_can_moderate(user, **kwargs).exclude(
            workflow_state__requested_by=user
        )

    @classmethod
    def get_description(cls):
        return _("Een redacteur uit de gekozen groepen keurt goed; niet degene die het aanbood.")

    class Meta:
        verbose_name = _("goedkeuring door een tweede redacteur")
        verbose_name_plural = _("goedkeuringen door een tweede redacteur")
