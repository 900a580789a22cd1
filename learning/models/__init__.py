"""Learning models, split by concern; import from here."""

from .case_stories import (  # noqa: F401
    CaseStoryConsent,
    CaseStoryConsentRequest,
    CaseStoryIndexPage,
    CaseStoryPage,
    CaseStoryTag,
    SecondEditorApprovalTask,
)
from .framework import (  # noqa: F401
    FacilitatorGroup,
    FrameworkChanged,
    FrameworkFollow,
    FrameworkPage,
    FrameworkTheme,
    LearningGoal,
    PostLink,
    Prompt,
)
