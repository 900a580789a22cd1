"""Background work of Train je Collega (django-tasks): every e-mail is sent here, never in a request.

Tasks take ids (their arguments must be JSON) and read the current state, so a sign-up that was
cancelled before the task ran is not told it has a seat.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _when(session) -> str:
    return date_filter(timezone.localtime(session.starts_at), "l j F Y, H:i")


def _signup(signup_id: int, *statuses):
    from .models import SignUp

    signup = SignUp.objects.select_related("session", "user").filter(pk=signup_id).first()
    if signup is None or (statuses and signup.status not in statuses) or not signup.user.email:
        return None
    return signup


def _send(signup, subject: str, body: str) -> None:
    send_mail(subject, body, None, [signup.user.email])


def _footer(session) -> str:
    return _("Alles over de sessie: %(url)s") % {"url": _absolute(session.get_absolute_url())}


@task()
def send_signup_confirmation(*, signup_id: int) -> None:
    signup = _signup(signup_id, "confirmed")
    if signup is None:
        return
    session = signup.session
    _send(signup, _("Je bent aangemeld: %(t)s") % {"t": session.title},
          _("Je hebt een plaats bij “%(t)s” op %(when)s.\n\nKun je toch niet? Meld je dan af, dan "
            "gaat je plaats naar de eerste op de wachtlijst.\n\n%(footer)s")
          % {"t": session.title, "when": _when(session), "footer": _footer(session)})


@task()
def send_promoted(*, signup_id: int) -> None:
    signup = _signup(signup_id, "confirmed")
    if signup is None:
        return
    session = signup.session
    _send(signup, _("Er is een plaats vrijgekomen: %(t)s") % {"t": session.title},
          _("Goed nieuws: er kwam een plaats vrij bij “%(t)s” op %(when)s, en die is nu van jou. "
            "Je stond als eerste op de wachtlijst.\n\nKun je toch niet? Meld je dan af.\n\n%(footer)s")
          % {"t": session.title, "when": _when(session), "footer": _footer(session)})


@task()
def send_session_reminder(*, signup_id: int) -> None:
    signup = _signup(signup_id, "confirmed")
    if signup is None or signup.session.status != "published":
        return
    session = signup.session
    where = session.location if session.shows_location else ""
    if session.shows_online_url:
        where = f"{where}\n{session.online_url}".strip()
    _send(signup, _("Morgen: %(t)s") % {"t": session.title},
          _("Een herinnering: morgen, %(when)s, is “%(t)s”.\n\nWaar: %(where)s\n\n"
            "Kun je toch niet? Meld je dan vandaag nog af, dan kan iemand van de wachtlijst mee.\n\n%(footer)s")
          % {"t": session.title, "when": _when(session), "where": where, "footer": _footer(session)})


@task()
def send_thank_you(*, signup_id: int) -> None:
    signup = _signup(signup_id, "confirmed")
    if signup is None:
        return
    session = signup.session
    from django.urls import reverse

    link = _absolute(reverse("events:feedback", kwargs={"pk": session.pk}))
    _send(signup, _("Bedankt voor je deelname: %(t)s") % {"t": session.title},
          _("Bedankt dat je meedeed aan “%(t)s”.\n\nWil je %(host)s laten weten hoe bruikbaar de sessie "
            "voor je werk was? Het is één vraag:\n%(link)s")
          % {"t": session.title, "host": session.host.profile.name, "link": link})


@task()
def send_participant_message(*, signup_id: int, sender_id: int, subject: str, body: str) -> None:
    signup = _signup(signup_id, "confirmed")
    sender = get_user_model().objects.select_related("profile").filter(pk=sender_id).first()
    if signup is None or sender is None:
        return
    session = signup.session
    _send(signup, f"{session.title}: {subject}",
          _("Bericht van %(who)s over “%(t)s”:\n\n%(body)s\n\n%(footer)s")
          % {"who": sender.profile.name, "t": session.title, "body": body, "footer": _footer(session)})


@task()
def send_session_cancelled(*, signup_id: int) -> None:
    signup = _signup(signup_id)
    if signup is None:
        return
    session = signup.session
    note = f"\n\n{session.review_note}" if session.review_note else ""
    _send(signup, _("Gaat niet door: %(t)s") % {"t": session.title},
          _("Helaas: “%(t)s” op %(when)s gaat niet door.%(note)s")
          % {"t": session.title, "when": _when(session), "note": note})


@task()
def send_session_changed(*, signup_id: int) -> None:
    """The host changed the time or place: the participant gets the new details (as they are now)."""
    signup = _signup(signup_id, "confirmed", "waitlisted")
    if signup is None:
        return
    session = signup.session
    if session.is_cancelled:
        return  # cancelled meanwhile: that e-mail says enough
    place = ", ".join(p for p in (session.location, session.online_url if signup.status == "confirmed" else "") if p)
    _send(signup, _("Gewijzigd: %(t)s") % {"t": session.title},
          _("De gastheer of gastvrouw heeft “%(t)s” gewijzigd.\n\nWanneer: %(when)s (%(minutes)d minuten)\n"
            "Waar: %(place)s\n\nZet de sessie opnieuw in je agenda als de tijd is veranderd. Kun je nu niet "
            "meer? Meld je dan af.\n\n%(footer)s")
          % {"t": session.title, "when": _when(session), "minutes": session.duration_minutes,
             "place": place or "-", "footer": _footer(session)})


@task()
def notify_reviewers(*, session_id: int) -> None:
    """Tell the editors an offered session waits for their review."""
    from django.db.models import Q

    from .models import Session

    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        return
    users = get_user_model().objects.filter(is_active=True).filter(
        Q(is_superuser=True)
        | Q(groups__permissions__codename="change_session", groups__permissions__content_type__app_label="events")
    ).exclude(email="").distinct()
    from django.urls import reverse

    link = _absolute(reverse("events:review"))
    for user in users:
        send_mail(_("Nieuw aanbod om te beoordelen: %(t)s") % {"t": session.title},
                  _("Er is een sessie aangeboden voor %(e)s. Beoordeel hem hier:\n%(link)s")
                  % {"e": session.edition, "link": link}, None, [user.email])


@task()
def notify_host_of_review(*, session_id: int) -> None:
    from .models import Session

    session = Session.objects.select_related("host").filter(pk=session_id).first()
    if session is None or not session.host.email:
        return
    if session.is_published:
        subject = _("Je sessie staat online: %(t)s") % {"t": session.title}
        body = _("De redactie heeft je sessie goedgekeurd. Collega's kunnen zich nu aanmelden.")
    else:
        subject = _("Je sessie is niet geplaatst: %(t)s") % {"t": session.title}
        body = _("De redactie heeft je sessie niet geplaatst.")
        if session.review_note:
            body = f"{body}\n\n{session.review_note}"
    send_mail(subject, f"{body}\n\n{_footer(session)}", None, [session.host.email])


@task()
def send_due_session_mail() -> dict:
    """Reminders for tomorrow's sessions and thank-yous for those that ended (cron or a scheduler)."""
    from . import services

    return {"reminders": services.reminders_send_due(), "thank_yous": services.thank_yous_send_due()}
