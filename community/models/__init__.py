"""Community models, split by concern; import from here."""

from .pages import CommunityIndexPage, CommunityPage, Visibility  # noqa: F401
from .people import ExpertiseTag, Membership, Organisation, Profile, UsedInvitation  # noqa: F401
from .posts import Answer, AnswerFlag, HelpfulVote, Post, Theme  # noqa: F401
from .search import SearchableAnswer  # noqa: F401
from .notifications import (  # noqa: F401
    CommunityNotificationSettings,
    Delivery,
    DigestFrequency,
    DigestLog,
    DigestPreference,
    Follow,
    Notification,
    NotificationKind,
    NotificationSetting,
    NudgeLog,
    OutboxEmail,
)
