"""Forms of Train je Collega, meetups and the dashboards. Errors are Dutch and tied to their field."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CAPACITY_MAX, Feedback, Session

DURATIONS = [(30, _("een half uur")), (45, _("drie kwartier")), (60, _("een uur")), (90, _("anderhalf uur")),
             (120, _("twee uur")), (180, _("drie uur")), (240, _("vier uur")), (480, _("een hele dag"))]

_REQUIRED = {"required": _("Vul dit veld in.")}


class SessionForm(forms.Form):
    """What a host fills in to offer a session (Train je Collega) or organise a meetup."""

    title = forms.CharField(
        label=_("Titel"), min_length=5, max_length=200,
        error_messages={**_REQUIRED, "min_length": _("Maak de titel wat langer: minstens %(limit_value)d tekens."),
                        "max_length": _("Maak de titel korter: maximaal %(limit_value)d tekens.")},
    )
    description = forms.CharField(
        label=_("Beschrijving"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Wat leren deelnemers, voor wie is het bedoeld, wat moeten ze meenemen?"),
        error_messages={**_REQUIRED, "max_length": _("Maak de beschrijving korter: maximaal %(limit_value)d tekens.")},
    )
    format = forms.ChoiceField(label=_("Vorm"), choices=Session.Format.choices, widget=forms.RadioSelect,
                               initial=Session.Format.IN_PERSON, error_messages={"required": _("Kies een vorm.")})
    location = forms.CharField(label=_("Locatie"), max_length=300, required=False,
                               help_text=_("Adres en zaal. Nodig bij een sessie op locatie of hybride."))
    online_url = forms.URLField(
        label=_("Link naar de online sessie"), max_length=500, required=False, assume_scheme="https",
        help_text=_("Nodig bij een online of hybride sessie."),
        error_messages={"invalid": _("Vul een volledige link in, bijvoorbeeld https://…")},
    )
    date = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={**_REQUIRED, "invalid": _("Vul een geldige datum in.")})
    start_time = forms.TimeField(label=_("Begintijd"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                 error_messages={**_REQUIRED, "invalid": _("Vul een geldige tijd in, bijvoorbeeld 10:00.")})
    duration_minutes = forms.TypedChoiceField(label=_("Duur"), choices=DURATIONS, coerce=int, initial=60,
                                              error_messages={"invalid_choice": _("Kies een duur uit de lijst.")})
    capacity = forms.IntegerField(
        label=_("Aantal plaatsen"), min_value=1, max_value=CAPACITY_MAX, initial=12,
        error_messages={**_REQUIRED, "invalid": _("Vul een heel getal in."),
                        "min_value": _("Er moet minstens %(limit_value)s plaats zijn."),
                        "max_value": _("Maximaal %(limit_value)s plaatsen.")},
    )
    audience = forms.ChoiceField(label=_("Wie mag zich aanmelden?"), choices=Session.Audience.choices,
                                 widget=forms.RadioSelect, initial=Session.Audience.ALL,
                                 error_messages={"required": _("Kies wie zich mag aanmelden.")})
    themes = forms.CharField(label=_("Thema's"), max_length=300, required=False,
                             help_text=_("Gescheiden door komma's, bijvoorbeeld: schuldhulp, gespreksvoering"))
    co_hosts = forms.CharField(
        label=_("Samen met"), max_length=300, required=False,
        help_text=_("Gebruikersnamen van collega's die de sessie met je geven, gescheiden door komma's."),
    )

    def __init__(self, *args, edition=None, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.now = now or timezone.now()

    def clean_themes(self):
        themes = [t.strip() for t in self.cleaned_data.get("themes", "").split(",") if t.strip()]
        return ", ".join(dict.fromkeys(themes))

    def clean_co_hosts(self):
        names = [n.strip().lstrip("@") for n in self.cleaned_data.get("co_hosts", "").split(",") if n.strip()]
        if not names:
            return []
        users = list(get_user_model().objects.filter(username__in=names, is_active=True))
        missing = sorted(set(names) - {u.username for u in users})
        if missing:
            raise forms.ValidationError(_("Deze gebruikersnaam kennen we niet: %(names)s.") % {"names": ", ".join(missing)})
        return users

    def clean(self):
        data = super().clean()
        fmt = data.get("format")
        if fmt in (Session.Format.IN_PERSON, Session.Format.HYBRID) and not data.get("location"):
            if "location" not in self.errors:
                self.add_error("location", _("Vul de locatie in: waar komen deelnemers naartoe?"))
        if fmt in (Session.Format.ONLINE, Session.Format.HYBRID) and not data.get("online_url"):
            if "online_url" not in self.errors:
                self.add_error("online_url", _("Vul de link naar de online sessie in."))
        day, time = data.get("date"), data.get("start_time")
        if day and time:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, time), timezone.get_default_timezone())
            if starts_at <= self.now:
                self.add_error("date", _("Kies een datum en tijd in de toekomst."))
            elif self.edition is not None and not (self.edition.starts_on <= day <= self.edition.ends_on):
                self.add_error("date", _("Kies een datum binnen de editie: van %(start)s tot en met %(end)s.") % {
                    "start": self.edition.starts_on.strftime("%d-%m-%Y"), "end": self.edition.ends_on.strftime("%d-%m-%Y")})
            data["starts_at"] = starts_at
        return data

    def session_data(self) -> dict:
        fields = ("title", "description", "format", "location", "online_url", "starts_at", "duration_minutes",
                  "capacity", "audience", "themes")
        return {f: self.cleaned_data[f] for f in fields if f in self.cleaned_data}


def session_edit_form(session: Session, data=None) -> SessionForm:
    """The offer form, filled in with the session as it is (a meetup has no audience to choose)."""
    local = timezone.localtime(session.starts_at)
    initial = {
        "title": session.title, "description": session.description, "format": session.format,
        "location": session.location, "online_url": session.online_url, "date": local.date(),
        "start_time": local.time().replace(second=0, microsecond=0), "duration_minutes": session.duration_minutes,
        "capacity": session.capacity, "audience": session.audience, "themes": session.themes,
        "co_hosts": ", ".join(u.username for u in session.co_hosts.all()),
    }
    form = SessionForm(data, initial=initial, edition=session.edition)
    if session.is_meetup:
        del form.fields["audience"]
    return form


class MeetupForm(SessionForm):
    """A meetup: open registration (no audience choice), optionally part of one of your communities."""

    community = forms.ModelChoiceField(label=_("Gemeenschap"), queryset=None, required=False,
                                       empty_label=_("— geen, een losse bijeenkomst —"),
                                       help_text=_("De bijeenkomst staat dan ook op de pagina van de gemeenschap."))

    field_order = ["community"]

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["audience"]
        self.fields["community"].queryset = communities


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Onderwerp"), max_length=150, error_messages=_REQUIRED)
    body = forms.CharField(label=_("Bericht"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}),
                           error_messages={**_REQUIRED, "max_length": _("Maximaal %(limit_value)d tekens.")})


SCORE_LABELS = [(5, _("5 – heel bruikbaar")), (4, _("4")), (3, _("3")), (2, _("2")), (1, _("1 – niet bruikbaar"))]


class FeedbackForm(forms.Form):
    score = forms.TypedChoiceField(
        label=Feedback._meta.get_field("score").verbose_name.capitalize(), choices=SCORE_LABELS, coerce=int,
        widget=forms.RadioSelect, error_messages={"required": _("Kies een cijfer van 1 tot en met 5.")},
    )
    comment = forms.CharField(label=_("Toelichting"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Wat neem je mee? Alleen de gastheer of gastvrouw leest dit, zonder je naam."))


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Toelichting voor de aanbieder"), max_length=500, required=False)


class PeriodForm(forms.Form):
    """The dashboard's period, from the query string (?van=2027-01-01&tot=2027-03-31)."""

    MAX_DAYS = 2 * 366

    van = forms.DateField(label=_("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 2027-01-31.")})
    tot = forms.DateField(label=_("Tot en met"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 2027-03-31.")})

    def __init__(self, data=None, *, today=None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        end = data.get("tot") or self.today
        start = data.get("van") or end - datetime.timedelta(days=29)
        if start > end:
            self.add_error("van", _("De begindatum ligt na de einddatum."))
        elif (end - start).days > self.MAX_DAYS:
            self.add_error("van", _("Kies een periode van hoogstens twee jaar."))
        elif start.year < 2000 or end.year > self.today.year + 1:
            self.add_error("van" if start.year < 2000 else "tot", _("Kies een datum tussen 2000 en volgend jaar."))
        data["van"], data["tot"] = start, end
        return data

    def dates(self) -> tuple[datetime.date, datetime.date]:
        """The valid period, or the last 30 days when the form is not valid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["van"], self.cleaned_data["tot"]
        return self.today - datetime.timedelta(days=29), self.today
