"""factory-boy factories for the test suite: one per model, the defaults make a valid object.

Conventions for adding factories (each app appends its own section below):

- Pages are tree nodes (django-treebeard) and cannot be made with ``objects.create``. Page
  factories subclass ``PageFactory``; pass ``parent=...`` or let ``default_parent()`` find or
  build the parent a real installation has (``home.services.ensure_site_structure``).
- Every user gets a ``Profile`` from a post_save signal (community/signals.py); ``UserFactory``
  fills in that profile instead of creating a second one.
- Unique fields use ``factory.Sequence`` so a factory can be called many times in one test.
"""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from community.models import CommunityPage, Membership, Organisation, Visibility
from home.services import ensure_site_structure
from learning.models import FrameworkPage

PASSWORD = "koffie-met-een-koekje"  # noqa: S105 - test data only


# -- people -----------------------------------------------------------------------------------


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Gemeente Testdorp {n}")
    kind = Organisation.Kind.GEMEENTE


class UserFactory(DjangoModelFactory):
    """A user who can log in: password ``PASSWORD`` and a verified primary e-mail address.

    Profile fields go through the ``profile`` post-generation hook, e.g.
    ``UserFactory(profile__display_name="Fatima", profile__organisation=org, profile__expertise=["wmo"])``.
    """

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@koffietafel.example")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """allauth refuses to log in an unverified address (ACCOUNT_EMAIL_VERIFICATION = "mandatory")."""
        if create and obj.email:
            EmailAddress.objects.update_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if not create:
            return
        profile = obj.profile  # made by the post_save signal
        expertise = kwargs.pop("expertise", None)
        kwargs.setdefault("display_name", obj.username.capitalize())
        for field, value in kwargs.items():
            setattr(profile, field, value)
        profile.save()
        if expertise:
            profile.expertise.set(expertise)


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"beheerder{n}")
    is_staff = True
    is_superuser = True


# -- pages ------------------------------------------------------------------------------------


class PageFactory(DjangoModelFactory):
    """Base of the page factories: saves through ``parent.add_child()`` and publishes a revision.

    ``PageFactory(parent=page)`` places the page; ``live=False`` leaves it an unpublished draft.
    """

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Pagina {n}")
    slug = factory.LazyAttribute(lambda page: slugify(page.title))

    @classmethod
    def default_parent(cls):
        raise NotImplementedError(f"{cls.__name__} needs a parent: pass parent=...")

    @classmethod
    def _build(cls, model_class, *args, parent=None, **kwargs):
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, parent=None, live=True, **kwargs):
        if parent is None:
            parent = cls.default_parent()
        page = parent.add_child(instance=model_class(*args, live=live, **kwargs))
        if live:
            page.save_revision().publish()
            page.refresh_from_db()
        return page


class CommunityPageFactory(PageFactory):
    """An open community under the community index (the only place a community may live)."""

    class Meta:
        model = CommunityPage

    title = factory.Sequence(lambda n: f"Gemeenschap {n}")
    summary = factory.LazyAttribute(lambda page: f"Professionals leren samen over {page.title.lower()}.")
    description = "<p>Een gemeenschap om van elkaar te leren.</p>"
    visibility = Visibility.OPEN

    class Params:
        closed = factory.Trait(visibility=Visibility.CLOSED)
        private = factory.Trait(visibility=Visibility.PRIVATE)

    @classmethod
    def default_parent(cls):
        _home, community_index = ensure_site_structure()
        return community_index


class FrameworkPageFactory(PageFactory):
    """The framework (kader) of a community; by default of a new community."""

    class Meta:
        model = FrameworkPage

    title = factory.Sequence(lambda n: f"Kader {n}")
    slug = "kader"
    body = "<h2>Doel</h2><p>Samen leren wat werkt.</p>"

    @classmethod
    def default_parent(cls):
        return CommunityPageFactory()


# -- memberships ------------------------------------------------------------------------------


class MembershipFactory(DjangoModelFactory):
    """An active member; ``MembershipFactory(facilitator=True)`` or ``(pending=True)`` for the others."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityPageFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE

    class Params:
        facilitator = factory.Trait(role=Membership.Role.FACILITATOR)
        pending = factory.Trait(status=Membership.Status.PENDING)
        declined = factory.Trait(status=Membership.Status.DECLINED)
