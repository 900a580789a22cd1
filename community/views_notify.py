"""Views of find-and-follow in the community app: "have you seen these?", follows, notifications,
notification settings, unsubscribing from e-mail and personal API tokens.

Thin, like community/views.py: parse the request, ask the policy, call a service
(community/services_notify.py), render. Routes under a community are mapped by CommunityPage
(``vragen/suggesties/``, ``vragen/nieuw/``); the others live in site/urls.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import feeds, mailings, policies, search, services_notify, views
from .forms import QuestionForm
from .forms_notify import API_TOKENS_MAX, ApiTokenForm, NotificationSettingsForm
from .models import CommunityPage, Delivery, Membership, NotificationKind, Post, Theme
from .params import parse_id

SUGGESTIONS_SEEN_FIELD = "suggesties_gezien"


# -- "have you seen these?" -------------------------------------------------------------------


def question_suggestions(request, community):
    """``<community>/vragen/suggesties/?q=…``: up to five similar questions the visitor may read.

    An HTML fragment, fetched by static/community/similar-questions.js while a title is typed; the
    same fragment is part of the ask form after a submit, for visitors without JavaScript.
    """
    similar = search.similar_questions(user=request.user, title=request.GET.get("q", ""))
    return TemplateResponse(request, "community/includes/similar_questions.html", {"similar_questions": similar})


def ask(request, community):
    """The ask form (community.views.post_create) with similar questions shown before posting.

    The first valid submit of a title that resembles existing questions shows those questions
    instead of posting; the form then carries ``suggesties_gezien`` and the next submit posts
    (the script sets that field as soon as it has shown suggestions while typing). After a failed
    submit the suggestions for the typed title appear too.
    """
    kind = Post.Kind.QUESTION
    if request.method == "POST" and not request.POST.get(SUGGESTIONS_SEEN_FIELD) and request.user.is_authenticated:
        form = QuestionForm(request.POST, community=community)
        if policies.can_post(request.user, community) and form.is_valid():
            similar = search.similar_questions(user=request.user, title=form.cleaned_data["title"])
            if similar:
                context = views._context(request, community, form=form, kind=kind, post=None)
                context.update(similar_questions=similar, suggestions_seen=True)
                return TemplateResponse(request, "community/post_form.html", context)
    response = views.post_create(request, community, kind)
    context = getattr(response, "context_data", None)
    form = context.get("form") if context else None
    if form is not None and form.is_bound:
        title = form["title"].value() or ""
        context["similar_questions"] = search.similar_questions(user=request.user, title=title)
        context["suggestions_seen"] = bool(context["similar_questions"])
    return response


def join(request, community):
    """Joining (community.views.join) plus how the member wants to hear from the community.

    The join form carries ``meldingen`` (immediate / digest / off / none, see
    community/includes/join_notification_choice.html); the choice becomes a community follow.
    """
    response = views.join(request, community)
    if request.method == "POST" and request.user.is_authenticated:
        membership = Membership.objects.filter(user=request.user, community=community).first()
        if membership is not None and membership.status in (Membership.Status.ACTIVE, Membership.Status.PENDING):
            services_notify.follow_community_on_join(
                user=request.user, community=community, choice=request.POST.get("meldingen", Delivery.DIGEST)
            )
    return response


# -- following -------------------------------------------------------------------------------

FOLLOW_TARGETS = {
    "gemeenschap": lambda pk: CommunityPage.objects.live().filter(pk=pk).first(),
    "bijdrage": lambda pk: Post.objects.select_related("community").filter(pk=pk).first(),
    "thema": lambda pk: Theme.objects.select_related("community").filter(pk=pk).first(),
    "persoon": lambda pk: get_user_model().objects.filter(pk=pk, is_active=True).first(),
}


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
@login_required
def follow(request):
    """Follow or unfollow a community, a post, a theme or a person (POST soort, id, actie, next)."""
    kind, pk = request.POST.get("soort", ""), parse_id(request.POST.get("id"))
    if kind not in FOLLOW_TARGETS or pk is None:
        raise Http404
    target = FOLLOW_TARGETS[kind](pk)
    if target is None:
        raise Http404
    if request.POST.get("actie") == "ontvolgen":
        # Answer as for a missing id unless the user follows it or may see it: the difference between
        # 404 and a redirect would tell an outsider which ids exist in a private community.
        if not (services_notify.is_following(user=request.user, target=target)
                or services_notify.can_follow(request.user, target)):
            raise Http404
        services_notify.unfollow(user=request.user, target=target)
        messages.success(request, _("Je volgt dit niet meer."))
    else:
        try:
            services_notify.follow(user=request.user, target=target)
        except PermissionError:
            raise Http404 from None
        messages.success(request, _("Je volgt dit nu. Je krijgt een melding bij nieuwe activiteit."))
    return redirect(_safe_next(request, reverse("notification_settings")))


# -- notifications ---------------------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 20


@login_required
def notifications(request):
    """The notifications page: newest first, paginated, only what the policy lets the user see now."""
    page = Paginator(services_notify.visible_notifications(request.user).for_list(), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("pagina"))
    items = [(n, services_notify.text_of(n)) for n in page.object_list]
    return TemplateResponse(request, "community/notifications/list.html", {"page_obj": page, "items": items})


@login_required
def notification_open(request, pk):
    """Follow a notification's link: marks it read, then goes where it points (if still visible)."""
    notification = services_notify.visible_notifications(request.user).for_list().filter(pk=pk).first()
    if notification is None:
        raise Http404
    services_notify.mark_read(user=request.user, ids=[notification.pk])
    return redirect(services_notify.url_of(notification))


@require_POST
@login_required
def notification_mark_read(request, pk=None):
    """Mark one notification (``pk``) or all of them read."""
    services_notify.mark_read(user=request.user, ids=None if pk is None else [pk])
    if pk is None:
        messages.success(request, _("Alle meldingen zijn gelezen."))
    return redirect(_safe_next(request, reverse("notifications")))


@login_required
def notification_settings(request):
    """Per kind: immediately / digest / off; the digest frequency; what the user follows; nudges."""
    user = request.user
    facilitated = list(CommunityPage.objects.filter(pk__in=policies.facilitated_community_ids(user)).order_by("title"))
    form = NotificationSettingsForm(
        request.POST or None, deliveries=services_notify.deliveries_of(user),
        digest_frequency=services_notify.digest_frequency_of(user),
        facilitated={c: services_notify.unanswered_after_days(c) for c in facilitated},
    )
    if request.method == "POST" and form.is_valid():
        services_notify.save_settings(user=user, deliveries=form.deliveries(), digest_frequency=form.cleaned_data["digest"])
        for community, days in form.unanswered_days().items():
            services_notify.set_unanswered_after_days(user=user, community=community, days=days)
        messages.success(request, _("Je instellingen voor meldingen zijn opgeslagen."))
        return redirect("notification_settings")
    follows = services_notify.visible_follows(user).select_related(
        "community", "post__community", "theme__community", "person__profile").order_by("-created_at")
    themes = Theme.objects.filter(community__in=policies.readable_communities(user).filter(live=True).values("pk")
                                  ).filter(community_id__in=[cid for cid, m in policies.memberships(user).items()
                                                             if m.is_active]).select_related("community")
    feed_url = request.build_absolute_uri(reverse("notifications_feed", args=[feeds.personal_feed_token(user)]))
    return TemplateResponse(request, "community/notifications/settings.html", {
        "form": form, "follows": follows, "themes": themes, "feed_url": feed_url,
    }, status=400 if request.method == "POST" else 200)


@csrf_exempt  # the signed token authenticates the request (RFC 8058 one-click: a POST from the mail client)
@never_cache
def unsubscribe(request, token):
    """Stop one kind of e-mail without logging in: the link in every e-mail and List-Unsubscribe."""
    try:
        user, scope = mailings.read_unsubscribe_token(token)
    except signing.BadSignature:
        return TemplateResponse(request, "community/notifications/unsubscribe.html", {"invalid": True}, status=400)
    label = _("de e-mailsamenvatting") if scope == mailings.DIGEST_SCOPE else NotificationKind(scope).label
    if request.method == "POST":
        mailings.unsubscribe(user=user, scope=scope)
        return TemplateResponse(request, "community/notifications/unsubscribe.html", {"done": True, "label": label})
    return TemplateResponse(request, "community/notifications/unsubscribe.html", {"label": label})


# -- personal API tokens ---------------------------------------------------------------------


@login_required
def api_tokens(request):
    """``/profiel/api-sleutels/``: create (shown once) and revoke personal tokens for the JSON API."""
    from wagtail.models import APIToken

    tokens = APIToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by("-created")
    form = ApiTokenForm(request.POST or None)
    plaintext = None
    revoke = parse_id(request.POST.get("intrekken")) if request.method == "POST" else None
    if revoke is not None:
        token = tokens.filter(pk=revoke).first()
        if token is not None:
            token.revoke()
            messages.success(request, _("De sleutel ‘%(name)s’ werkt niet meer.") % {"name": token.name})
        return redirect("api_tokens")
    if request.method == "POST" and form.is_valid():
        if tokens.count() >= API_TOKENS_MAX:
            form.add_error("name", _("Je hebt al %(n)d sleutels. Trek er eerst een in.") % {"n": API_TOKENS_MAX})
        else:
            _token, plaintext = APIToken.create_token(user=request.user, name=form.cleaned_data["name"])
            form = ApiTokenForm()
    response = TemplateResponse(request, "community/api_tokens.html", {
        "form": form, "tokens": tokens, "plaintext": plaintext,
    }, status=400 if request.method == "POST" and form.errors else 200)
    add_never_cache_headers(response)
    return response
