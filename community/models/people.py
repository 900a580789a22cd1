"""People: organisations they work for, their profile, and their membership of communities."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Organisation(index.Indexed, models.Model):
    """Where a professional works: a municipality, province, central government body or partner."""

    class Kind(models.TextChoices):
        GEMEENTE = "gemeente", _("Gemeente")
        PROVINCIE = "provincie", _("Provincie")
        RIJK = "rijk", _("Rijksoverheid")
        UITVOERINGSORGANISATIE = "uitvoeringsorganisatie", _("Uitvoeringsorganisatie")
        PARTNER = "partner", _("Partner")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=32, choices=Kind.choices, default=Kind.GEMEENTE)

    panels = [FieldPanel("name"), FieldPanel("kind")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self):
        return self.name


class ExpertiseTag(TaggedItemBase):
    """Through model for a profile's expertise tags (taggit)."""

    content_object = models.ForeignKey("community.Profile", on_delete=models.CASCADE, related_name="tagged_expertise")

    class Meta:
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise")


class Profile(models.Model):
    """What colleagues see of a person: name, organisation, role and expertise.

    Kept apart from the user model so accounts (allauth) and the public face stay separate.
    Created for every user by a post_save signal (see community/signals.py).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("weergavenaam"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
    )
    job_title = models.CharField(_("functie"), max_length=150, blank=True)
    expertise = TaggableManager(
        verbose_name=_("expertise"),
        through=ExpertiseTag,
        blank=True,
        help_text=_("Onderwerpen waar je collega's mee kunt helpen, gescheiden door komma's."),
    )

    class Meta:
        verbose_name = _("profiel")
        verbose_name_plural = _("profielen")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_username()


class Membership(models.Model):
    """A person's place in a community: role (member or facilitator) and status.

    Facilitators are memberships with the facilitator role: one source of truth for who belongs
    where, which the access policy (community/policies.py) reads.
    """

    class Role(models.TextChoices):
        MEMBER = "member", _("Lid")
        FACILITATOR = "facilitator", _("Facilitator")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Actief")
        PENDING = "pending", _("Aangevraagd")
        DECLINED = "declined", _("Afgewezen")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey(
        "community.CommunityPage", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rol"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    panels = [FieldPanel("user"), FieldPanel("community"), FieldPanel("role"), FieldPanel("status")]

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["community_id", "-role", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="membership_unique_user_community"),
            models.CheckConstraint(
                condition=models.Q(role__in=["member", "facilitator"]), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "pending", "declined"]), name="membership_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["community", "status", "role"])]

    def __str__(self):
        return f"{self.user} – {self.community} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class UsedInvitation(models.Model):
    """An invitation link that has let someone in: each link works once.

    Invitation links are signed tokens (community.services.invitation_token) valid for two weeks;
    without this record a member who left or was removed could walk back in with the same link.
    """

    nonce = models.CharField(max_length=64, unique=True)
    community = models.ForeignKey("community.CommunityPage", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gebruikte uitnodiging")
        verbose_name_plural = _("gebruikte uitnodigingen")
