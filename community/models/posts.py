"""What members write: posts (questions and practice stories), answers (threaded comments), themes.

These are Django models, not pages: they are high-volume and written from the front end. The
community page serves them through its routes. Counters (answer_count, helpful_count) are kept
by the services in one transaction with the change they count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.models import XtdComment
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

TITLE_MIN = 10
TITLE_MAX = 200
BODY_MAX = 20_000


class Theme(models.Model):
    """A theme posts in a community can carry. The framework (learning app) later sets them."""

    community = models.ForeignKey("community.CommunityPage", on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("naam"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)

    panels = [FieldPanel("community"), FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")
        ordering = ["community_id", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "slug"], name="theme_unique_slug_per_community")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)


class PostQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Posts this user may read: the one rule, from community/policies.py."""
        from community import policies

        return policies.visible_posts(self, user)

    def for_list(self):
        """What a post list shows, without per-row queries, and without the long texts it does not show."""
        return (
            self.select_related("author__profile__organisation", "community")
            .prefetch_related("themes")
            .defer(*Post.LONG_TEXT_FIELDS)
        )


class Post(index.Indexed, models.Model):
    """A question or a practice story in a community."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Vraag")
        STORY = "story", _("Praktijkverhaal")

    class StoryStatus(models.TextChoices):
        ONGOING = "lopend", _("Lopend")
        SUCCEEDED = "geslaagd", _("Geslaagd")
        STOPPED = "gestopt", _("Gestopt")

    community = models.ForeignKey("community.CommunityPage", on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices, default=Kind.QUESTION)
    title = models.CharField(_("titel"), max_length=TITLE_MAX)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    body = models.TextField(_("toelichting"), blank=True, max_length=BODY_MAX)
    body_html = models.TextField(blank=True, editable=False)
    themes = models.ManyToManyField(Theme, verbose_name=_("thema's"), blank=True, related_name="posts")

    # Practice stories: structured, so building blocks and obstacles can be compared.
    story_status = models.CharField(_("status"), max_length=16, choices=StoryStatus.choices, blank=True)
    context = models.TextField(_("aanleiding"), blank=True, max_length=BODY_MAX)
    context_html = models.TextField(blank=True, editable=False)
    tried = models.TextField(_("wat we probeerden"), blank=True, max_length=BODY_MAX)
    tried_html = models.TextField(blank=True, editable=False)
    building_blocks = models.TextField(_("bouwstenen: wat hielp"), blank=True, max_length=BODY_MAX)
    building_blocks_html = models.TextField(blank=True, editable=False)
    obstacles = models.TextField(_("obstakels: wat hinderde"), blank=True, max_length=BODY_MAX)
    obstacles_html = models.TextField(blank=True, editable=False)
    lessons = models.TextField(_("wat we leerden"), blank=True, max_length=BODY_MAX)
    lessons_html = models.TextField(blank=True, editable=False)
    organisations = models.ManyToManyField(
        "community.Organisation", verbose_name=_("betrokken organisaties"), blank=True, related_name="stories"
    )

    created_at = models.DateTimeField(_("geplaatst op"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("bewerkt op"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("laatste activiteit"), auto_now_add=True, db_index=True)
    content_hash = models.CharField(max_length=64, editable=False)

    answer_count = models.PositiveIntegerField(default=0)  # visible top-level answers: COUNTED_ANSWERS
    accepted_answer = models.ForeignKey(
        "community.Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    is_hidden = models.BooleanField(_("verborgen"), default=False)
    hidden_reason = models.CharField(_("reden van verbergen"), max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PostQuerySet.as_manager()

    # Markdown and HTML of the body and story sections: only the post's own page shows them, so
    # lists leave them out (at 20,000 posts they are most of a row's bytes).
    LONG_TEXT_FIELDS = (
        "body", "body_html", "context", "context_html", "tried", "tried_html", "building_blocks",
        "building_blocks_html", "obstacles", "obstacles_html", "lessons", "lessons_html",
    )

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("body"),
        index.SearchField("context"),
        index.SearchField("tried"),
        index.SearchField("building_blocks"),
        index.SearchField("obstacles"),
        index.SearchField("lessons"),
        index.AutocompleteField("title"),
        # Search filters on these with policies.visible_posts_filter (community/search.py).
        index.FilterField("id"),
        index.FilterField("community_id"),
        index.FilterField("kind"),
        index.FilterField("is_hidden"),
        index.FilterField("author_id"),
        index.FilterField("accepted_answer_id"),
    ]

    class Meta:
        verbose_name = _("bijdrage")
        verbose_name_plural = _("bijdragen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The same text posted twice by the same person in the same community is one post.
            models.UniqueConstraint(fields=["author", "community", "content_hash"], name="post_unique_content"),
            models.CheckConstraint(condition=Q(kind__in=["question", "story"]), name="post_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="question", story_status="")
                | Q(kind="story", story_status__in=["lopend", "geslaagd", "gestopt"]),
                name="post_story_status_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "is_hidden", "-created_at"]),
            # Counting what a member may read (not hidden, or their own, per readable community) from
            # the index alone on PostgreSQL (the API's total_count; scale 1: 19 ms seq scan before).
            models.Index(fields=["community", "is_hidden"], include=["author"], name="post_visible_count_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION

    @property
    def is_solved(self) -> bool:
        return self.accepted_answer_id is not None

    @property
    def route_segment(self) -> str:
        return "vragen" if self.is_question else "verhalen"

    def get_url(self, request=None) -> str:
        # Wagtail looks the site root paths up in the cache on every get_url() without a request:
        # a list of 20 posts would make 20 round trips to Redis. The community's URL is kept on
        # the community object instead; lists share one object per community (selectors).
        community = self.community
        base = community.__dict__.get("_koffietafel_url")
        if base is None:
            base = community.__dict__["_koffietafel_url"] = community.get_url(request)
        return self.url_in(base)

    def url_in(self, community_url: str) -> str:
        """The post's URL below its community's URL (for lists that already know that URL)."""
        return f"{community_url}{self.route_segment}/{self.pk}-{self.slug}/"

    def get_absolute_url(self):
        return self.get_url()

    def story_sections(self):
        """(label, html) pairs of a practice story, in reading order, the empty ones left out."""
        pairs = [
            (_("Aanleiding"), self.context_html),
            (_("Wat we probeerden"), self.tried_html),
            (_("Bouwstenen: wat hielp"), self.building_blocks_html),
            (_("Obstakels: wat hinderde"), self.obstacles_html),
            (_("Wat we leerden"), self.lessons_html),
        ]
        return [(label, html) for label, html in pairs if html]


class Answer(XtdComment):
    """An answer or a reply in a post's thread (a django-comments-xtd comment with our extras).

    ``comment`` holds the markdown the author typed; ``body_html`` the sanitised HTML shown.
    """

    # The same target as content_type/object_pk, as a real foreign key: joins and filters by post
    # stay simple and indexed (object_pk is a string column).
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="answers", null=True)
    body_html = models.TextField(blank=True, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    helpful_count = models.PositiveIntegerField(default=0)
    hidden_reason = models.CharField(_("reden van verbergen"), max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")

    @property
    def is_hidden(self) -> bool:
        return not self.is_public or self.is_removed


# What Post.answer_count counts, and what "onbeantwoord" means: visible answers to the question
# itself. Replies (level > 0) are reactions to an answer; hidden answers show to no one but the
# author and moderators.
COUNTED_ANSWERS = Q(level=0, is_public=True, is_removed=False)


class HelpfulVote(models.Model):
    """One member finds one answer helpful. Unique per (answer, user): one vote each."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="helpful_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "user"], name="helpfulvote_unique")]


class AnswerFlag(models.Model):
    """A member reports an answer to the community's facilitators (moderation queue)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reden"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "user"], name="answerflag_unique")]
        ordering = ["created_at", "pk"]


