"""Views of the community app: thin. They parse the request, ask the policy, call a service, render.

Most are served through CommunityPage routes (URLs stay under the community); the page has
already checked that the visitor may know the community exists (else 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import slug_re
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import fragments, policies, ratelimits, selectors, services
from .forms import AnswerForm, FlagForm, InviteForm, ProfileForm, QuestionForm, ReasonForm, StoryForm
from .models import Answer, Membership, Post, Profile
from .params import parse_id


@login_required
def profile_edit(request):
    profile, _created = Profile.objects.get_or_create(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=profile)
        if form.is_valid():
            form.save()
            messages.success(request, _("Je profiel is opgeslagen."))
            return redirect("profile_edit")
    else:
        form = ProfileForm(instance=profile)
    return render(request, "community/profile_edit.html", {"form": form, "profile": profile})


@login_required
def my_activity(request):
    from django.core.paginator import Paginator

    posts = Paginator(selectors.my_activity(user=request.user), 20).get_page(request.GET.get("pagina"))
    return render(request, "community/my_activity.html", {"posts": posts})


def _context(request, community, **extra):
    return {
        "page": community,
        "self": community,
        "membership": policies.membership_of(request.user, community),
        "can_post": policies.can_post(request.user, community),
        "can_moderate": policies.can_moderate(request.user, community),
        **extra,
    }


class _LoginRequired(Exception):
    pass


def login_guard(view):
    """Anonymous visitors are sent to the login page and come back here afterwards."""

    def wrapped(request, community, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, community, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# -- the community page itself ---------------------------------------------------------------


def _slug_param(value: str) -> str:
    """A slug from the query string, or "" for anything else (found by fuzzing: NUL bytes)."""
    return value if slug_re.match(value or "") else ""



def community_index(request, community):
    context = _context(
        request,
        community,
        can_read_posts=policies.can_read_posts(request.user, community),
        # The framework and the learning parts are a fragment shared by everyone who may post here, or
        # not (community_page.html): the framework is read only when that fragment is not in the cache.
        framework=SimpleLazyObject(lambda: selectors.framework_of(community)),
        pages_generation=selectors.pages_generation(),
        today=timezone.localdate(),
        # Read (and the queryset built: ~0.3 ms) only when the cached fragment is stale.
        facilitators=SimpleLazyObject(lambda: list(selectors.facilitators_of(community))),
        people_generation=selectors.people_generation(),
        filters=selectors.FILTERS,
        active_filter=request.GET.get("filter", "") if request.GET.get("filter", "") in selectors.FILTERS else "",
        active_theme=_slug_param(request.GET.get("thema", "")),
    )
    if context["can_read_posts"]:
        # Page links keep the chosen filter and theme.
        context["posts_query"] = urlencode(
            {k: v for k, v in (("filter", context["active_filter"]), ("thema", context["active_theme"])) if v}
        )
        listing = {
            "user": request.user, "community": community, "filter_key": context["active_filter"],
            "theme_slug": context["active_theme"], "page_number": request.GET.get("pagina"),
        }
        # The list is a fragment shared by viewers who see the same (community_page.html): posts and
        # themes are read only when it is not in the cache.
        context["posts_key"] = selectors.post_list_key(**listing, people=context["people_generation"])
        context["posts"] = SimpleLazyObject(lambda: selectors.community_posts(**listing))
        context["themes"] = SimpleLazyObject(lambda: context["posts"].themes)
    if context["can_moderate"]:
        context["pending_count"] = selectors.pending_requests(community).count()
    if request.user.is_authenticated:  # the follow button's state, from the user's cached follows
        context["follows_page"] = community.pk in selectors.followed_ids(request.user)["community"]
    return TemplateResponse(request, "community/community_page.html", context)


# -- membership ------------------------------------------------------------------------------


@require_POST
@login_guard
def join(request, community):
    if ratelimits.exceeded(request, "join"):
        return ratelimits.too_many(request)
    try:
        membership = services.community_join(user=request.user, community=community)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(community.url)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(community.url)
    if membership.is_active:
        messages.success(request, _("Welkom! Je bent nu lid van %(c)s.") % {"c": community.title})
    else:
        messages.info(request, _("Je aanvraag is verstuurd. Een facilitator beoordeelt hem."))
    return redirect(community.url)


@require_POST
@login_guard
def leave(request, community):
    try:
        services.community_leave(user=request.user, community=community)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(community.url)
    messages.success(request, _("Je bent geen lid meer van %(c)s.") % {"c": community.title})
    if not policies.can_view_community(request.user, community):
        return redirect("/")
    return redirect(community.url)


def members(request, community):
    if not (policies.is_member(request.user, community) or policies.can_moderate(request.user, community)):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    return TemplateResponse(
        request, "community/members.html", _context(request, community, members=selectors.community_members(community))
    )


@login_guard
def requests_and_invites(request, community):
    """Facilitators: pending join requests and invitations by e-mail."""
    if not policies.can_moderate(request.user, community):
        raise Http404
    invite_form = InviteForm()
    invite_link = None
    if request.method == "POST":
        if "membership" in request.POST:
            decision = request.POST.get("decision")
            membership_id = parse_id(request.POST.get("membership"))
            if decision not in ("approve", "decline") or membership_id is None:
                return HttpResponseBadRequest(_("Onbekende beslissing."))
            membership = get_object_or_404(Membership, pk=membership_id, community=community)
            approve = decision == "approve"
            services.join_request_decide(facilitator=request.user, membership=membership, approve=approve)
            messages.success(request, _("Aanvraag goedgekeurd.") if approve else _("Aanvraag afgewezen."))
            return redirect(request.path)
        invite_form = InviteForm(request.POST)
        if ratelimits.exceeded(request, "invite"):
            invite_form.add_error(None, ratelimits.MESSAGE)
        if invite_form.is_valid():
            from .tasks import send_invitation

            token = services.invitation_token(
                community=community, email=invite_form.cleaned_data["email"], inviter=request.user
            )
            invite_link = request.build_absolute_uri(f"/uitnodiging/{token}/")
            send_invitation.enqueue(
                email=invite_form.cleaned_data["email"], link=invite_link, community_title=community.title,
                inviter_name=request.user.profile.name,
            )
            messages.success(request, _("Uitnodiging verstuurd naar %(e)s.") % {"e": invite_form.cleaned_data["email"]})
            invite_form = InviteForm()
    return TemplateResponse(
        request,
        "community/requests.html",
        _context(request, community, requests=selectors.pending_requests(community), invite_form=invite_form,
                 invite_link=invite_link),
    )


def invitation(request, token):
    """Landing page of an invitation link; works before the invitee has an account."""
    try:
        community, email = services.invitation_read(token)
    except ValidationError as exc:
        return render(request, "community/invitation.html", {"error": exc.messages[0]}, status=400)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.invitation_accept(user=request.user, token=token)
        except ValidationError as exc:
            return render(request, "community/invitation.html",
                          {"error": exc.messages[0], "community": community, "email": email}, status=400)
        messages.success(request, _("Welkom! Je bent nu lid van %(c)s.") % {"c": community.title})
        return redirect(community.url)
    return render(request, "community/invitation.html", {"community": community, "email": email})


# -- posts -----------------------------------------------------------------------------------


@login_guard
def post_create(request, community, kind):
    if not policies.can_post(request.user, community):
        messages.error(request, _("Word eerst lid om iets te plaatsen."))
        return redirect(community.url)
    form_class = QuestionForm if kind == Post.Kind.QUESTION else StoryForm
    form = form_class(request.POST or None, community=community)
    limited = ratelimits.exceeded(request, "post")
    if limited:
        form.is_valid()
        form.add_error(None, ratelimits.MESSAGE)
    if request.method == "POST" and not limited and form.is_valid():
        post, created = services.post_create(
            author=request.user, community=community, kind=kind, request=request, **_post_data(form, kind)
        )
        if created:
            messages.success(request, _("Je vraag staat online.") if kind == Post.Kind.QUESTION
                             else _("Je praktijkverhaal staat online."))
        else:
            messages.info(request, _("Dit had je al geplaatst; we hebben het maar één keer opgeslagen."))
        return redirect(post.get_url(request))
    template = "community/post_form.html"
    status = 429 if limited else 400 if request.method == "POST" else 200
    return TemplateResponse(request, template, _context(request, community, form=form, kind=kind, post=None),
                            status=status)


def _post_data(form, kind) -> dict:
    data = form.cleaned_data
    result = {"title": data["title"], "themes": list(data.get("themes") or [])}
    if kind == Post.Kind.QUESTION:
        result["body"] = data.get("body", "")
    else:
        result["story"] = {k: data.get(k, "") for k in ("story_status", *services.STORY_FIELDS)}
        result["organisations"] = list(data.get("organisations") or [])
    return result


def _get_post(request, community, pk, kind=None) -> Post:
    post = selectors.post_for(user=request.user, community=community, pk=pk)
    if post is None:
        _not_found(request, community)
    post.community = community
    return post


def _not_found(request, community):
    if not request.user.is_authenticated and community.visibility != "private":
        raise _LoginRequired
    raise Http404


def post_detail(request, community, pk, slug, kind):
    try:
        post = selectors.post_page_row(user=request.user, community=community, pk=pk) or _not_found(request, community)
    except _LoginRequired:
        return redirect_to_login(request.get_full_path())
    if post.kind != kind or post.slug != slug:
        return HttpResponseRedirect(post.get_url(request))
    return _post_page(request, community, post, AnswerForm())


def _post_page(request, community, post, answer_form, status=200):
    """The post page. ``post`` is selectors.post_page_row's: the texts come with the shared header."""
    context = _context(request, community, post=post, answer_form=answer_form, **_post_perms(request, post))
    context.update(_shared_parts(request, community, post, context))
    return TemplateResponse(request, "community/post_detail.html", context, status=status)


def _shared_parts(request, community, post, perms) -> dict:
    """The post's header (split where the follow buttons go), its thread and the blank answer form,
    shared with every reader who would see the same (community/fragments.py): texts and answers are
    read only when not in the cache. ``perms`` is the page's context (_post_perms, _context)."""
    user = request.user
    activity = selectors.thread_activity(user=user, post=post) if post.did_something else selectors.NO_ACTIVITY
    viewer = (
        user.is_authenticated, perms["can_answer"], perms["can_accept"], perms["can_moderate"],
        user.pk if post.did_something else 0,  # did something here: a copy of their own
    )
    if viewer[-1]:  # their copy shows what they did (a report renews no thread generation)
        viewer += tuple(tuple(sorted(activity[name])) for name in ("own_answer_ids", "voted_ids", "flagged_ids"))
    page_url = community.get_url(request)

    def header():
        shown = selectors.post_header(post_id=post.pk, community=community)
        # Solved and hidden as this view's row says: they are in the key (fragments.post_page_parts).
        shown.accepted_answer_id, shown.is_hidden = post.accepted_answer_id, post.is_hidden
        return render_to_string("community/includes/post_header.html", {"post": shown}, request=request)

    def thread():
        context = {"post": post, "page_url": page_url, "user": user,
                   **selectors.post_thread(user=user, post=post, activity=activity),
                   **{name: perms[name] for name in ("can_answer", "can_accept", "can_moderate")}}
        return render_to_string("community/includes/thread.html", context, request=request)

    def blank_answer_form():
        return render_to_string("community/includes/answer_form.html",
                                {"post": post, "page_url": page_url, "answer_form": answer_form}, request=request)

    renders = {"header": header, "thread": thread}
    answer_form = perms.get("answer_form")
    if perms["can_answer"] and answer_form is not None and not answer_form.is_bound:
        renders["answer_form"] = blank_answer_form
    parts = fragments.post_page_parts(request, post=post, page_url=page_url, viewer=viewer, renders=renders)
    top, _marker, rest = parts["header"].partition(fragments.FOLLOW_BUTTONS_MARKER)
    return {
        "header_top": mark_safe(top), "header_rest": mark_safe(rest),  # noqa: S308 - our own rendered template
        "thread_html": parts["thread"], "answer_form_html": parts.get("answer_form", ""),
    }


def _post_perms(request, post) -> dict:
    user = request.user
    return {
        "can_answer": policies.can_answer(user, post),
        "can_edit": policies.can_edit_post(user, post),
        "can_delete": policies.can_delete_post(user, post),
        "can_accept": policies.can_accept(user, post),
        "now": timezone.now(),
    }


@login_guard
def post_edit(request, community, pk):
    post = _get_post(request, community, pk)
    if not policies.can_edit_post(request.user, post):
        raise Http404
    form_class = QuestionForm if post.is_question else StoryForm
    initial = {"title": post.title, "body": post.body, "themes": list(post.themes.all()),
               "story_status": post.story_status, "context": post.context, "tried": post.tried,
               "building_blocks": post.building_blocks, "obstacles": post.obstacles, "lessons": post.lessons,
               "organisations": list(post.organisations.all())}
    form = form_class(request.POST or None, initial=initial, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(editor=request.user, post=post, **_post_data(form, post.kind))
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Je wijzigingen zijn opgeslagen."))
            return redirect(post.get_url(request))
    return TemplateResponse(request, "community/post_form.html",
                            _context(request, community, form=form, kind=post.kind, post=post),
                            status=400 if request.method == "POST" else 200)


@require_POST
@login_guard
def post_delete(request, community, pk):
    post = _get_post(request, community, pk)
    if not policies.can_edit_post(request.user, post):
        raise Http404
    try:
        services.post_delete(user=request.user, post=post)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(post.get_url(request))
    messages.success(request, _("Je bijdrage is verwijderd."))
    return redirect(community.url)


@require_POST
@login_guard
def post_hide(request, community, pk):
    post = _get_post(request, community, pk)
    if not policies.can_moderate(request.user, community):
        raise Http404
    hide = request.POST.get("action") != "restore"
    form = ReasonForm(request.POST) if hide else None
    if hide and not form.is_valid():
        messages.error(request, _("Geef een reden op, zodat de auteur weet waarom."))
        return redirect(post.get_url(request))
    services.post_set_hidden(moderator=request.user, post=post, hidden=hide,
                             reason=form.cleaned_data["reason"] if hide else "")
    messages.success(request, _("Bijdrage verborgen.") if hide else _("Bijdrage weer zichtbaar."))
    return redirect(post.get_url(request))


# -- answers ---------------------------------------------------------------------------------


@require_POST
@login_guard
def answer_create(request, community, pk):
    form = AnswerForm(request.POST)
    post = selectors.post_page_row(user=request.user, community=community, pk=pk)
    if post is None:
        # The question was deleted (or hidden) while the answer was being written: keep the text.
        form.is_valid()
        form.add_error("body", _("Deze vraag bestaat niet meer; je antwoord is niet geplaatst. "
                                 "Je tekst staat hieronder, zodat je hem kunt bewaren."))
        return TemplateResponse(request, "community/answer_stale.html", _context(request, community, form=form),
                                status=404)
    if not policies.can_answer(request.user, post):
        raise Http404 if not policies.can_read_posts(request.user, community) else PermissionDenied
    limited = ratelimits.exceeded(request, "answer")
    if limited:
        form.is_valid()
        form.add_error(None, ratelimits.MESSAGE)
    if not limited and form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = Answer.objects.filter(pk=form.cleaned_data["parent"], post=post).first()
            if parent is None:
                form.add_error("body", _("Het antwoord waarop je reageert bestaat niet meer. Je tekst staat hieronder."))
        if form.is_valid():
            try:
                answer, created = services.answer_create(
                    author=request.user, post=post, body=form.cleaned_data["body"], parent=parent,
                    ip_address=request.META.get("REMOTE_ADDR"), request=request,
                )
            except ValidationError as exc:
                form.add_error("body", exc.messages[0] + " " + _("Je tekst staat hieronder."))
            else:
                if created:
                    messages.success(request, _("Je antwoord is geplaatst."))
                return redirect(f"{post.get_url(request)}#antwoord-{answer.pk}")
    return _post_page(request, community, post, form, status=429 if limited else 400)


def _get_answer(request, community, pk, answer_id):
    post = _get_post(request, community, pk)
    visible = policies.visible_answers(Answer.objects.filter(post=post), request.user, post)
    answer = visible.filter(pk=answer_id).first()
    if answer is None:
        raise Http404
    return post, answer


@login_guard
def answer_edit(request, community, pk, answer_id):
    post, answer = _get_answer(request, community, pk, answer_id)
    if not policies.can_edit_answer(request.user, answer, post, now=timezone.now()):
        messages.error(request, _("Je kunt je antwoord alleen kort na plaatsen nog bewerken."))
        return redirect(post.get_url(request))
    form = AnswerForm(request.POST or None, initial={"body": answer.comment})
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_edit(editor=request.user, answer=answer, post=post, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error("body", exc.messages[0])
        else:
            messages.success(request, _("Je antwoord is bijgewerkt."))
            return redirect(f"{post.get_url(request)}#antwoord-{answer.pk}")
    return TemplateResponse(request, "community/answer_edit.html",
                            _context(request, community, post=post, answer=answer, form=form),
                            status=400 if request.method == "POST" else 200)


@require_POST
@login_guard
def answer_accept(request, community, pk, answer_id):
    post, answer = _get_answer(request, community, pk, answer_id)
    if not policies.can_accept(request.user, post):
        raise PermissionDenied
    clear = request.POST.get("action") == "clear"
    services.answer_accept(user=request.user, post=post, answer=None if clear else answer)
    messages.success(request, _("Acceptatie ingetrokken.") if clear else _("Antwoord geaccepteerd: de vraag is opgelost."))
    return redirect(f"{post.get_url(request)}#antwoord-{answer.pk}")


@require_POST
@login_guard
def answer_vote(request, community, pk, answer_id):
    post, answer = _get_answer(request, community, pk, answer_id)
    if not policies.can_vote(request.user, answer, post):
        raise PermissionDenied
    if ratelimits.exceeded(request, "vote"):
        return ratelimits.too_many(request)
    services.answer_vote(user=request.user, answer=answer, post=post)
    return redirect(f"{post.get_url(request)}#antwoord-{answer.pk}")


@require_POST
@login_guard
def answer_flag(request, community, pk, answer_id):
    post, answer = _get_answer(request, community, pk, answer_id)
    if not policies.can_flag(request.user, answer, post):
        raise PermissionDenied
    if ratelimits.exceeded(request, "flag"):
        return ratelimits.too_many(request)
    form = FlagForm(request.POST)
    form.is_valid()
    services.answer_flag(user=request.user, answer=answer, post=post, reason=form.cleaned_data.get("reason", ""))
    messages.success(request, _("Bedankt. De facilitatoren kijken ernaar."))
    return redirect(f"{post.get_url(request)}#antwoord-{answer.pk}")


@require_POST
@login_guard
def answer_hide(request, community, pk, answer_id):
    post, answer = _get_answer(request, community, pk, answer_id)
    if not policies.can_moderate(request.user, community):
        raise Http404
    hide = request.POST.get("action") != "restore"
    form = ReasonForm(request.POST) if hide else None
    if hide and not form.is_valid():
        messages.error(request, _("Geef een reden op, zodat de auteur weet waarom."))
        return redirect(post.get_url(request))
    services.answer_set_hidden(moderator=request.user, answer=answer, post=post, hidden=hide,
                               reason=form.cleaned_data["reason"] if hide else "")
    messages.success(request, _("Antwoord verborgen.") if hide else _("Antwoord weer zichtbaar."))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(post.get_url(request))


@login_guard
def moderation(request, community):
    if not policies.can_moderate(request.user, community):
        raise Http404
    hidden_posts = Post.objects.filter(community=community, is_hidden=True).select_related("author__profile", "community")
    return TemplateResponse(
        request, "community/moderation.html",
        _context(request, community, reports=selectors.moderation_queue(community), hidden_posts=hidden_posts),
    )
