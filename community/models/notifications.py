"""Follow and notify: follows, in-app notifications, per-kind settings, digests, the e-mail outbox
and nudge bookkeeping. (Personal API tokens are Wagtail's own ``wagtail.models.APIToken``.)

Every notification is a row per recipient, written by a background task (community/tasks.py) after
the change that caused it was committed. Whether a recipient may see what a notification points to
is asked of the access policy when it is written *and* again whenever it is shown or e-mailed, so a
notification about a post in a community someone has since left shows nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    ANSWER = "answer", _("Een antwoord op je vraag")
    REPLY = "reply", _("Een reactie op je antwoord")
    ACCEPTED = "accepted", _("Je antwoord is geaccepteerd")
    MENTION = "mention", _("Iemand noemt je met @")
    JOIN_REQUEST = "join_request", _("Een aanvraag om lid te worden (facilitatoren)")
    FRAMEWORK_CHANGED = "framework_changed", _("Het kader van een gemeenschap is aangescherpt")
    NEW_PROMPT = "new_prompt", _("Een nieuwe gerichte prikkel")
    NEW_POST = "new_post", _("Een nieuwe vraag of een nieuw verhaal in wat je volgt")
    FOLLOWED_ACTIVITY = "followed_activity", _("Een nieuw antwoord bij een vraag die je volgt")
    UNANSWERED = "unanswered", _("Een vraag blijft onbeantwoord (facilitatoren)")
    ACCEPT_REMINDER = "accept_reminder", _("Herinnering: accepteer een antwoord op je vraag")
    CASE_STORY_CONSENT = "case_story_consent", _("Een verzoek om toestemming voor een casusverhaal")


class Delivery(models.TextChoices):
    """How a notification of one kind reaches a person. Every kind shows in the app as well."""

    IMMEDIATE = "immediate", _("Direct per e-mail")
    DIGEST = "digest", _("In de e-mailsamenvatting")
    OFF = "off", _("Geen e-mail (alleen op de site)")


# Defaults when a person has not chosen: the important kinds by e-mail at once, the rest in the digest.
DEFAULT_DELIVERY = {
    NotificationKind.ANSWER: Delivery.IMMEDIATE,
    NotificationKind.REPLY: Delivery.IMMEDIATE,
    NotificationKind.ACCEPTED: Delivery.IMMEDIATE,
    NotificationKind.MENTION: Delivery.IMMEDIATE,
    NotificationKind.JOIN_REQUEST: Delivery.IMMEDIATE,
    NotificationKind.FRAMEWORK_CHANGED: Delivery.DIGEST,
    NotificationKind.NEW_PROMPT: Delivery.DIGEST,
    NotificationKind.NEW_POST: Delivery.DIGEST,
    NotificationKind.FOLLOWED_ACTIVITY: Delivery.DIGEST,
    NotificationKind.UNANSWERED: Delivery.IMMEDIATE,
    NotificationKind.ACCEPT_REMINDER: Delivery.IMMEDIATE,
    NotificationKind.CASE_STORY_CONSENT: Delivery.IMMEDIATE,
}


class Follow(models.Model):
    """One person follows one thing: a community, a question (any post), a theme or a person.

    Exactly one target is set (a check constraint). ``delivery`` is only used for communities: what
    the member chose when joining (blank: their per-kind setting for new posts applies).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    community = models.ForeignKey(
        "community.CommunityPage", null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    post = models.ForeignKey("community.Post", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="followers")
    theme = models.ForeignKey("community.Theme", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="followers")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="followers")
    delivery = models.CharField(_("bezorging"), max_length=16, choices=Delivery.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    TARGETS = ("community", "post", "theme", "person")

    class Meta:
        verbose_name = _("volgen")
        verbose_name_plural = _("volgen")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(community__isnull=False, post__isnull=True, theme__isnull=True, person__isnull=True)
                    | Q(community__isnull=True, post__isnull=False, theme__isnull=True, person__isnull=True)
                    | Q(community__isnull=True, post__isnull=True, theme__isnull=False, person__isnull=True)
                    | Q(community__isnull=True, post__isnull=True, theme__isnull=True, person__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.CheckConstraint(condition=Q(delivery__in=["", "immediate", "digest", "off"]),
                                   name="follow_delivery_valid"),
            models.UniqueConstraint(fields=["user", "community"], condition=Q(community__isnull=False),
                                    name="follow_unique_community"),
            models.UniqueConstraint(fields=["user", "post"], condition=Q(post__isnull=False),
                                    name="follow_unique_post"),
            models.UniqueConstraint(fields=["user", "theme"], condition=Q(theme__isnull=False),
                                    name="follow_unique_theme"),
            models.UniqueConstraint(fields=["user", "person"], condition=Q(person__isnull=False),
                                    name="follow_unique_person"),
        ]

    def __str__(self):
        return f"{self.user} → {self.target}"

    @property
    def target_kind(self) -> str:
        return next(name for name in self.TARGETS if getattr(self, f"{name}_id"))

    @property
    def target(self):
        return getattr(self, self.target_kind)


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_list(self):
        return self.select_related("actor__profile", "community", "post__community", "answer")


class Notification(models.Model):
    """Something that happened that one person should hear about (the in-app inbox).

    ``delivery`` is resolved from the recipient's settings when the row is written; ``emailed_at``
    is set once the notification went out by e-mail (at once or in a digest), so nothing is e-mailed
    twice. ``title`` and ``url`` carry what the learning app announces (framework, prompt).
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("soort"), max_length=32, choices=NotificationKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    community = models.ForeignKey("community.CommunityPage", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    post = models.ForeignKey("community.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey("community.Answer", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    title = models.CharField(_("titel"), max_length=300, blank=True)
    url = models.CharField(_("adres"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    delivery = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.OFF)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey("community.DigestLog", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="notifications")

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A task that runs twice (a retried worker) never notifies twice.
            models.UniqueConstraint(fields=["recipient", "kind", "answer"], condition=Q(answer__isnull=False),
                                    name="notification_unique_per_answer"),
            models.UniqueConstraint(fields=["recipient", "kind", "post"],
                                    condition=Q(answer__isnull=True, post__isnull=False),
                                    name="notification_unique_per_post"),
            models.CheckConstraint(condition=Q(delivery__in=["immediate", "digest", "off"]),
                                   name="notification_delivery_valid"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["delivery", "emailed_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"


class NotificationSetting(models.Model):
    """A person's choice for one kind of notification (absent: DEFAULT_DELIVERY)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=16, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notificationsetting_unique_kind"),
            models.CheckConstraint(condition=Q(delivery__in=["immediate", "digest", "off"]),
                                   name="notificationsetting_delivery_valid"),
        ]


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Dagelijks")
    WEEKLY = "weekly", _("Wekelijks")
    NEVER = "never", _("Nooit")


class DigestPreference(models.Model):
    """How often a person gets the e-mail digest (absent: weekly). Unsubscribing sets it to never."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference")
    frequency = models.CharField(_("samenvatting per e-mail"), max_length=16, choices=DigestFrequency.choices,
                                 default=DigestFrequency.WEEKLY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(frequency__in=["daily", "weekly", "never"]),
                                   name="digestpreference_frequency_valid"),
        ]


class DigestLog(models.Model):
    """One digest sent to one person for one period. The unique constraint means never the same twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    frequency = models.CharField(max_length=16, choices=DigestFrequency.choices)
    period = models.CharField(max_length=16, help_text="2026-11-23 (daily) or 2026-W48 (weekly)")
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "frequency", "period"], name="digestlog_unique_period"),
        ]

    def __str__(self):
        return f"{self.user} {self.frequency} {self.period}"


class OutboxEmail(models.Model):
    """An e-mail waiting to be sent, being retried, sent, or given up on (never lost silently).

    django-tasks does not retry a failed task, so e-mail goes through this table: a task sends it
    at once, and ``manage.py send_due_mail`` (cron) retries failures with exponential back-off,
    logging every failure and, after the last attempt, marking it failed with the error kept.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Wacht")
        SENDING = "sending", _("Wordt verstuurd")
        SENT = "sent", _("Verstuurd")
        FAILED = "failed", _("Mislukt")

    to = models.EmailField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitgaande e-mail")
        verbose_name_plural = _("uitgaande e-mails")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["pending", "sending", "sent", "failed"]),
                                   name="outboxemail_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to} ({self.status})"


class CommunityNotificationSettings(models.Model):
    """Per community: after how many days an unanswered question is brought to the facilitators."""

    community = models.OneToOneField("community.CommunityPage", on_delete=models.CASCADE,
                                     related_name="notification_settings")
    unanswered_after_days = models.PositiveSmallIntegerField(
        _("onbeantwoorde vragen melden na (dagen)"), default=3,
        help_text=_("0 betekent: niet melden."),
    )

    DEFAULT_UNANSWERED_AFTER_DAYS = 3

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(unanswered_after_days__lte=90), name="communitynotify_days_max"),
        ]


class NudgeLog(models.Model):
    """A nudge about one post was given: each kind of nudge at most once per post."""

    post = models.ForeignKey("community.Post", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "kind"], name="nudgelog_unique")]
