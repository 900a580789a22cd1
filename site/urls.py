"""Root URLs. Wagtail serves every page not matched here (it must stay last).

Wagtail's own URLs are used as they are, except its page view: the same view routed through the
route memo (koffietafel.routing), under the same name and pattern."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from community import api as community_api
from community import feeds as community_feeds
from community import sitemaps as community_sitemaps
from community import views as community_views
from community import views_notify as notify_views
from home import views as home_views
from koffietafel import routing
from learning import views as learning_views

urlpatterns = [
    path("beheer/", include(wagtailadmin_urls)),
    path("documenten/", include(wagtaildocs_urls)),
    path("account/", include("allauth.urls")),
    path("profiel/", community_views.profile_edit, name="profile_edit"),
    path("mijn-activiteit/", community_views.my_activity, name="my_activity"),
    path("meldingen/", notify_views.notifications, name="notifications"),
    path("meldingen/alles-gelezen/", notify_views.notification_mark_read, name="notifications_mark_all_read"),
    path("meldingen/instellingen/", notify_views.notification_settings, name="notification_settings"),
    path("meldingen/afmelden/<str:token>/", notify_views.unsubscribe, name="notifications_unsubscribe"),
    path("meldingen/feed/<str:token>/", community_feeds.personal_feed, name="notifications_feed"),
    path("meldingen/<int:pk>/", notify_views.notification_open, name="notification_open"),
    path("meldingen/<int:pk>/gelezen/", notify_views.notification_mark_read, name="notification_mark_read"),
    path("volgen/", notify_views.follow, name="follow"),
    path("profiel/api-sleutels/", notify_views.api_tokens, name="api_tokens"),
    path("uitnodiging/<str:token>/", community_views.invitation, name="invitation"),
    path("toestemming-casusverhaal/<int:pk>/", learning_views.case_story_consent, name="case_story_consent"),
    path("taal/", set_language, name="set_language"),
    path("toegankelijkheid/", home_views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("zoeken/", home_views.search, name="search"),
    path("train-je-collega/", include("learning.events.urls")),
    path("benchmark/", include("learning.events.benchmark_urls")),
    path("sitemap.xml", community_sitemaps.sitemap),
    path("api/v2/", community_api.pages_router.urls),
    path("api/v2/", community_api.api.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    *(pattern for pattern in wagtail_urls.urlpatterns if getattr(pattern, "name", None) != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"),
]
