"""Signal receivers of the community app, connected once in CommunityConfig.ready()."""

from django.conf import settings
from django.db.models.signals import post_save


def create_profile(sender, instance, created, raw=False, **kwargs):
    """Every user has a profile, so templates and policies never have to check for one."""
    if created and not raw:
        from .models import Profile

        Profile.objects.get_or_create(user=instance)


def connect():
    post_save.connect(create_profile, sender=settings.AUTH_USER_MODEL, dispatch_uid="community_create_profile")
