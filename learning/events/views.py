"""Views of Train je Collega and meetups: thin. Parse the request, ask the policy, call a service, render.

A session the visitor may not see answers 404 (a meetup of a private community must not leak
its existence); an action the visitor may not take answers 403 or a message.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.params import parse_id

from . import calendar, policies, selectors, services
from .forms import FeedbackForm, MeetupForm, MessageForm, ReviewForm, SessionForm, session_edit_form
from .models import CalendarToken, Edition, Session, SignUp


def _session_or_404(request, pk) -> Session:
    session = selectors.session_detail(pk)
    if session is None or not policies.can_view_session(request.user, session):
        raise Http404
    return session


def _managed_session_or_404(request, pk) -> Session:
    session = _session_or_404(request, pk)
    if not policies.can_manage(request.user, session):
        raise Http404
    return session


def overview(request):
    kind = request.GET.get("soort", "")
    return render(request, "events/overview.html", {
        "sessions": selectors.upcoming_sessions(user=request.user, page_number=request.GET.get("pagina"), kind=kind),
        "kind": kind if kind in Session.Kind.values else "",
        "editions": [e for e in Edition.objects.prefetch_related("index_pages") if e.accepts_offers()][:10],
        "can_review": policies.can_review(request.user),
    })


def session_detail(request, pk):
    session = _session_or_404(request, pk)
    signup = services.active_signup(user=request.user, session=session)
    waitlist_place = None
    if signup is not None and signup.status == SignUp.Status.WAITLISTED:
        waitlist_place = session.signups.filter(status=SignUp.Status.WAITLISTED, position__lte=signup.position).count()
    now = timezone.now()
    return render(request, "events/session_detail.html", {
        "session": session,
        "signup": signup,
        "waitlist_place": waitlist_place,
        "free_seats": max(session.capacity - session.confirmed_count, 0),
        "can_sign_up": policies.can_sign_up(request.user, session, now=now),
        "audience_allows": policies.audience_allows(request.user, session) if request.user.is_authenticated else True,
        "can_manage": policies.can_manage(request.user, session),
        "can_give_feedback": policies.can_give_feedback(request.user, session, signup, now=now),
        "has_ended": session.has_ended(now=now),
        "has_started": session.has_started(now=now),
        "index_page": session.edition.index_pages.live().first() if session.edition_id else None,
    })


@require_POST
@login_required
def signup_create(request, pk):
    session = _session_or_404(request, pk)
    try:
        signup = services.signup_create(user=request.user, session=session)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(session)
    if signup.status == SignUp.Status.CONFIRMED:
        messages.success(request, _("Je bent aangemeld. Je krijgt een bevestiging per e-mail."))
    else:
        messages.info(request, _("De sessie is vol: je staat op de wachtlijst. Komt er een plaats vrij, dan krijg je "
                                 "die automatisch en hoor je het per e-mail."))
    return redirect(session)


@require_POST
@login_required
def signup_cancel(request, pk):
    session = _session_or_404(request, pk)
    result = services.signup_cancel(user=request.user, session=session)
    if result.cancelled is not None:
        messages.success(request, _("Je bent afgemeld."))
    return redirect(session)


def session_ics(request, pk):
    session = _session_or_404(request, pk)
    if session.status == Session.Status.PROPOSED:
        raise Http404
    body = calendar.session_ics(session, url=request.build_absolute_uri(session.get_absolute_url()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sessie-{session.pk}.ics"'
    return response


# -- the host's side -------------------------------------------------------------------------


@login_required
def participants(request, pk):
    session = _managed_session_or_404(request, pk)
    return render(request, "events/participants.html", {
        "session": session,
        "signups": selectors.participants(session),
        "feedback": selectors.feedback_summary(session),
    })


def _csv_cell(value) -> str:
    """Plain text in a spreadsheet: a leading =, +, - or @ would start a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def participants_csv(request, pk):
    session = _managed_session_or_404(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deelnemers-sessie-{session.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("naam"), _("organisatie"), _("e-mailadres"), _("status"), _("volgorde"), _("aangemeld op")])
    for signup in selectors.participants(session):
        profile = signup.user.profile
        writer.writerow([_csv_cell(v) for v in (
            profile.name, profile.organisation or "", signup.user.email, signup.get_status_display(), signup.position,
            timezone.localtime(signup.created_at).strftime("%Y-%m-%d %H:%M"),
        )])
    return response


@login_required
def participants_message(request, pk):
    session = _managed_session_or_404(request, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = services.participants_message(sender=request.user, session=session, **form.cleaned_data)
        messages.success(request, _("Je bericht gaat naar %(n)d deelnemer(s).") % {"n": count})
        return redirect("events:participants", pk=session.pk)
    return render(request, "events/message_form.html", {"session": session, "form": form})


@login_required
def session_cancel(request, pk):
    session = _managed_session_or_404(request, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.session_cancel(user=request.user, session=session, note=form.cleaned_data["note"])
        messages.success(request, _("De sessie is geannuleerd. Iedereen die zich had aangemeld krijgt bericht."))
        return redirect(session)
    return render(request, "events/session_cancel.html", {"session": session, "form": form})


# -- after the session -----------------------------------------------------------------------


@login_required
def feedback(request, pk):
    session = _session_or_404(request, pk)
    signup = SignUp.objects.filter(session=session, user=request.user, status=SignUp.Status.CONFIRMED).first()
    if not policies.can_give_feedback(request.user, session, signup):
        raise Http404
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.feedback_give(user=request.user, session=session, **form.cleaned_data)
        messages.success(request, _("Dank je wel voor je feedback!"))
        return redirect(session)
    return render(request, "events/feedback_form.html", {"session": session, "form": form})


# -- offering, reviewing ---------------------------------------------------------------------


@login_required
def session_offer(request, edition_id):
    edition = get_object_or_404(Edition, pk=edition_id)
    if not policies.can_offer_session(request.user, edition):
        raise Http404
    form = SessionForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_offer(host=request.user, edition=edition, data=form.session_data(),
                                             co_hosts=form.cleaned_data["co_hosts"])
        except ValidationError as exc:
            _attach(form, exc)
        else:
            if session.status == Session.Status.PROPOSED:
                messages.success(request, _("Dank je wel! De redactie bekijkt je aanbod; je hoort het als de sessie "
                                            "online staat."))
            else:
                messages.success(request, _("Je sessie staat online. Collega's kunnen zich nu aanmelden."))
            return redirect(session)
    return render(request, "events/session_form.html", {"form": form, "edition": edition})


@login_required
def session_edit(request, pk):
    """The host changes an upcoming session; participants hear of a new time or place."""
    session = _managed_session_or_404(request, pk)
    if session.is_cancelled or session.has_started():
        messages.error(request, _("Een geannuleerde of begonnen sessie kun je niet meer wijzigen."))
        return redirect(session)
    form = session_edit_form(session, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(user=request.user, session=session, data=form.session_data(),
                                    co_hosts=form.cleaned_data["co_hosts"])
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("De sessie is bijgewerkt. Bij een nieuwe tijd of plaats krijgen de "
                                        "deelnemers bericht."))
            return redirect(session)
    return render(request, "events/session_form.html", {"form": form, "edition": session.edition,
                                                         "meetup": session.is_meetup, "editing": session})


@login_required
def meetup_create(request):
    communities = policies.meetup_communities(request.user)
    form = MeetupForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.meetup_create(host=request.user, data=form.session_data(),
                                             community=form.cleaned_data.get("community"),
                                             co_hosts=form.cleaned_data["co_hosts"])
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Je bijeenkomst staat online."))
            return redirect(session)
    return render(request, "events/session_form.html", {"form": form, "meetup": True})


def _attach(form, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for name, messages_ in errors.items():
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


@login_required
def review(request):
    if not policies.can_review(request.user):
        raise Http404
    if request.method == "POST":
        session_id = parse_id(request.POST.get("sessie"))
        if session_id is None:
            raise Http404
        session = get_object_or_404(Session, pk=session_id)
        form = ReviewForm(request.POST)
        if form.is_valid():
            approve = request.POST.get("besluit") == "goedkeuren"
            services.session_review(reviewer=request.user, session=session, approve=approve,
                                    note=form.cleaned_data["note"])
            messages.success(request, _("“%(t)s” is gepubliceerd.") % {"t": session.title} if approve
                             else _("“%(t)s” is afgewezen.") % {"t": session.title})
        return redirect("events:review")
    return render(request, "events/review.html", {"sessions": selectors.proposed_sessions(), "form": ReviewForm()})


# -- my agenda -------------------------------------------------------------------------------


@login_required
def my_agenda(request):
    context = {
        "signups": selectors.my_signups(user=request.user),
        "hosted": selectors.my_hosted(user=request.user),
        "token": CalendarToken.objects.filter(user=request.user).first(),
        "feed_url": None,
    }
    if request.method == "POST":
        token = services.calendar_token_create(user=request.user)
        # Shown once: only its hash is stored (a GET after this cannot show it again).
        context["feed_url"] = request.build_absolute_uri(reverse("events:agenda_feed", kwargs={"token": token}))
        context["token"] = CalendarToken.objects.filter(user=request.user).first()
    return render(request, "events/my_agenda.html", context)


def agenda_feed(request, token):
    user = services.calendar_token_user(token)
    if user is None:
        raise Http404
    sessions = selectors.agenda_sessions(user=user)
    body = calendar.agenda_ics(
        sessions, name=_("Koffietafel: mijn sessies"),
        url_for=lambda s: request.build_absolute_uri(s.get_absolute_url()),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
