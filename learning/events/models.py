"""Train je Collega and meetups: editions, sessions, sign-ups, feedback; and the benchmark opt-in.

An edition (e.g. "Train je Collega, voorjaar 2027") is a plain model that editors manage as a
snippet; its public face is an editor-written ``SessionIndexPage``. Sessions and sign-ups are
written by members from the front end, so they are models, not pages. Every invariant the forms
and services enforce is backed by a database constraint (see each ``Meta``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

DURATION_MIN = 15
DURATION_MAX = 8 * 60
CAPACITY_MAX = 1000


class Edition(models.Model):
    """One round of Train je Collega: its period and the organisations taking part."""

    title = models.CharField(_("titel"), max_length=200, help_text=_("Bijvoorbeeld: Train je Collega, voorjaar 2027"))
    starts_on = models.DateField(_("eerste dag"))
    ends_on = models.DateField(_("laatste dag"))
    organisations = models.ManyToManyField(
        "community.Organisation", verbose_name=_("deelnemende organisaties"), blank=True, related_name="editions",
        help_text=_("Leeg: iedereen met een account mag zich aanmelden."),
    )
    open_for_offers = models.BooleanField(
        _("open voor aanbod"), default=True, help_text=_("Collega's kunnen een sessie aanbieden binnen deze editie.")
    )
    review_required = models.BooleanField(
        _("redactie beoordeelt aanbod"), default=False,
        help_text=_("Aangeboden sessies worden pas zichtbaar nadat de redactie ze heeft goedgekeurd."),
    )

    panels = [
        FieldPanel("title"),
        MultiFieldPanel([FieldPanel("starts_on"), FieldPanel("ends_on")], heading=_("Periode")),
        FieldPanel("organisations"),
        FieldPanel("open_for_offers"),
        FieldPanel("review_required"),
    ]

    class Meta:
        verbose_name = _("editie")
        verbose_name_plural = _("edities")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="edition_ends_after_start"),
        ]

    def __str__(self):
        return self.title

    def accepts_offers(self, *, today=None) -> bool:
        """Open for offers until its last day."""
        today = today or timezone.localdate()
        return self.open_for_offers and today <= self.ends_on


class SessionIndexPage(Page):
    """The editor-written introduction of an edition, listing its sessions."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("editie"), null=True, blank=True, on_delete=models.SET_NULL, related_name="index_pages"
    )
    intro = RichTextField(_("introductie"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("edition"), FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("overzicht van sessies (Train je Collega)")

    def get_context(self, request, *args, **kwargs):
        from learning.events import policies, selectors

        context = super().get_context(request, *args, **kwargs)
        context["upcoming"], context["past"] = selectors.edition_sessions(edition=self.edition, user=request.user)
        context["can_offer"] = policies.can_offer_session(request.user, self.edition)
        return context


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        from learning.events import policies

        return policies.visible_sessions(self, user)

    def with_seats(self):
        """Confirmed and waitlisted counts, in the same query (lists show "3 van 12 plaatsen")."""
        return self.annotate(
            confirmed_count=models.Count("signups", filter=Q(signups__status=SignUp.Status.CONFIRMED)),
            waitlist_count=models.Count("signups", filter=Q(signups__status=SignUp.Status.WAITLISTED)),
        )

    def upcoming(self, *, now=None):
        return self.filter(starts_at__gte=now or timezone.now())


class Session(models.Model):
    """A session a colleague gives (training) or an informal meetup, with seats to sign up for."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Train je Collega-sessie")
        MEETUP = "meetup", _("Bijeenkomst")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("Op locatie")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybride: op locatie en online")

    class Audience(models.TextChoices):
        ALL = "all", _("Iedereen van de deelnemende organisaties")
        OWN = "own", _("Alleen collega's van mijn eigen organisatie")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Aangeboden, wacht op beoordeling")
        PUBLISHED = "published", _("Gepubliceerd")
        CANCELLED = "cancelled", _("Geannuleerd")

    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices, default=Kind.TRAINING)
    edition = models.ForeignKey(
        Edition, verbose_name=_("editie"), null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    community = models.ForeignKey(
        "community.CommunityPage", verbose_name=_("gemeenschap"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="meetups", help_text=_("Alleen voor bijeenkomsten: de gemeenschap waar de bijeenkomst bij hoort."),
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beschrijving"), max_length=5000)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gegeven door"), on_delete=models.PROTECT, related_name="hosted_sessions"
    )
    co_hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("samen met"), blank=True, related_name="co_hosted_sessions"
    )
    # The host's organisation when the session was offered: who "gave" it in the benchmark, and
    # whose colleagues may sign up when the audience is the host's own organisation.
    organisation = models.ForeignKey(
        "community.Organisation", verbose_name=_("organisatie"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="sessions",
    )
    format = models.CharField(_("vorm"), max_length=16, choices=Format.choices, default=Format.IN_PERSON)
    location = models.CharField(_("locatie"), max_length=300, blank=True)
    online_url = models.URLField(_("link naar de online sessie"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("begint op"), db_index=True)
    duration_minutes = models.PositiveIntegerField(_("duur in minuten"), default=60)
    capacity = models.PositiveIntegerField(_("aantal plaatsen"), default=12)
    audience = models.CharField(_("voor wie"), max_length=8, choices=Audience.choices, default=Audience.ALL)
    themes = models.CharField(_("thema's"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PUBLISHED,
                              db_index=True)
    review_note = models.CharField(_("toelichting van de redactie"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("aangeboden op"), auto_now_add=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # RFC 5545 SEQUENCE: raised when time, place or status change, so calendars replace the event.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    thank_you_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SessionQuerySet.as_manager()

    panels = [
        FieldPanel("kind"), FieldPanel("edition"), FieldPanel("community"), FieldPanel("title"),
        FieldPanel("description"), FieldPanel("host"), FieldPanel("co_hosts"), FieldPanel("organisation"),
        FieldPanel("format"), FieldPanel("location"), FieldPanel("online_url"), FieldPanel("starts_at"),
        FieldPanel("duration_minutes"), FieldPanel("capacity"), FieldPanel("audience"), FieldPanel("themes"),
        FieldPanel("status"), FieldPanel("review_note"),
    ]

    class Meta:
        verbose_name = _("sessie")
        verbose_name_plural = _("sessies")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["training", "meetup"]), name="session_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=["proposed", "published", "cancelled"]),
                                   name="session_status_valid"),
            models.CheckConstraint(condition=Q(audience__in=["all", "own"]), name="session_audience_valid"),
            # A training belongs to an edition; only a meetup may link to a community.
            models.CheckConstraint(condition=Q(kind="meetup") | Q(edition__isnull=False),
                                   name="session_training_has_edition"),
            models.CheckConstraint(condition=Q(kind="meetup") | Q(community__isnull=True),
                                   name="session_community_only_for_meetups"),
            # Where to go must be known for the chosen format.
            models.CheckConstraint(
                condition=Q(format="in_person", location__gt="")
                | Q(format="online", online_url__gt="")
                | Q(format="hybrid", location__gt="", online_url__gt=""),
                name="session_format_has_place",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1, capacity__lte=CAPACITY_MAX),
                                   name="session_capacity_range"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=DURATION_MIN, duration_minutes__lte=DURATION_MAX),
                                   name="session_duration_range"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:session", kwargs={"pk": self.pk})

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_meetup(self) -> bool:
        return self.kind == self.Kind.MEETUP

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def has_ended(self, *, now=None) -> bool:
        return self.ends_at <= (now or timezone.now())

    def has_started(self, *, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())

    @property
    def theme_list(self) -> list[str]:
        return [t.strip() for t in self.themes.split(",") if t.strip()]

    @property
    def shows_location(self) -> bool:
        return self.format in (self.Format.IN_PERSON, self.Format.HYBRID)

    @property
    def shows_online_url(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)


class SignUp(models.Model):
    """A seat (confirmed) or a place in the queue (waitlisted) for one session.

    ``position`` is the order of arrival within the session (unique per session), so the waiting
    list is promoted first come, first served. A person has at most one active sign-up per session;
    after cancelling they may sign up again (a new row at the back of the queue).
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Aangemeld")
        WAITLISTED = "waitlisted", _("Op de wachtlijst")
        CANCELLED = "cancelled", _("Afgemeld")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_signups")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    position = models.PositiveIntegerField(_("volgorde van aanmelden"))
    created_at = models.DateTimeField(_("aangemeld op"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("van de wachtlijst op"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("afgemeld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["session_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], condition=~Q(status="cancelled"), name="signup_one_active_per_user"
            ),
            models.UniqueConstraint(fields=["session", "position"], name="signup_unique_position"),
            models.CheckConstraint(condition=Q(status__in=["confirmed", "waitlisted", "cancelled"]),
                                   name="signup_status_valid"),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.user} – {self.session} ({self.get_status_display()})"


class Feedback(models.Model):
    """The one-question feedback a participant gives after a session (the host reads it)."""

    SCORES = [(n, str(n)) for n in range(1, 6)]

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("hoe bruikbaar was deze sessie voor je werk?"), choices=SCORES)
    comment = models.TextField(_("toelichting"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["session_id", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="feedback_once_per_session"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="feedback_score_range"),
        ]


class CalendarToken(models.Model):
    """The secret behind a personal agenda feed. Only its SHA-256 is stored, like a password.

    The address is shown once, right after it is made; making a new one replaces (and so revokes)
    the old one.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agenda-link")
        verbose_name_plural = _("agenda-links")


class BenchmarkOptIn(models.Model):
    """An organisation agreed to be shown by name in the organisation benchmark.

    Organisations without a row are shown only together, as "overige". The contact people of an
    organisation that opted in may see the organisation benchmark (you see others by name only
    when you show yourself).
    """

    organisation = models.OneToOneField(
        "community.Organisation", verbose_name=_("organisatie"), on_delete=models.CASCADE,
        related_name="benchmark_opt_in",
    )
    agreed_by = models.CharField(_("toestemming gegeven door"), max_length=200, blank=True)
    agreed_on = models.DateField(_("toestemming gegeven op"), default=timezone.localdate)
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("contactpersonen"), blank=True, related_name="benchmark_opt_ins",
        help_text=_("Zij zien de vergelijking tussen organisaties."),
    )

    panels = [FieldPanel("organisation"), FieldPanel("agreed_by"), FieldPanel("agreed_on"), FieldPanel("contacts")]

    class Meta:
        verbose_name = _("deelname aan de benchmark")
        verbose_name_plural = _("deelnames aan de benchmark")
        ordering = ["organisation__name"]

    def __str__(self):
        return str(self.organisation)
