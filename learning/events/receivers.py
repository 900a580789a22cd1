"""Signal receivers of learning.events, connected once in EventsConfig.ready().

The header's menu shows "Benchmark" from a cached answer (selectors.benchmark_in_menu); whatever
could change who may open a dashboard starts a new cache version (superusers are not cached).
Any session saved or deleted renews the sessions generation (the community page's meetups).
"""

from __future__ import annotations


def connect():
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.signals import page_published, page_unpublished

    from community.models import CommunityPage, Membership

    from .models import BenchmarkOptIn, Session
    from .selectors import forget_benchmark_menu, forget_sessions

    for signal in (post_save, post_delete):
        for model in (Membership, BenchmarkOptIn):
            signal.connect(forget_benchmark_menu, sender=model,
                           dispatch_uid=f"events_benchmark_menu_{model.__name__}_{signal!r}")
    m2m_changed.connect(forget_benchmark_menu, sender=BenchmarkOptIn.contacts.through,
                        dispatch_uid="events_benchmark_menu_contacts")
    for signal in (page_published, page_unpublished):
        signal.connect(forget_benchmark_menu, sender=CommunityPage, dispatch_uid=f"events_benchmark_menu_{signal!r}")
    # The community page's shared list of upcoming meetups (selectors.community_meetups_html).
    for signal in (post_save, post_delete):
        signal.connect(forget_sessions, sender=Session, dispatch_uid=f"events_sessions_{signal!r}")
