"""Forms of find-and-follow: notification settings and personal API tokens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Delivery, DigestFrequency, NotificationKind

API_TOKENS_MAX = 10

# Kinds only facilitators receive; others do not see them on the settings page.
FACILITATOR_KINDS = {NotificationKind.JOIN_REQUEST, NotificationKind.UNANSWERED}


class NotificationSettingsForm(forms.Form):
    """One radio group per kind of notification, the digest frequency, and per facilitated
    community after how many days unanswered questions are reported."""

    digest = forms.ChoiceField(
        label=_("E-mailsamenvatting"), choices=DigestFrequency.choices, widget=forms.RadioSelect,
        help_text=_("Wat in de samenvatting komt, zie je hierboven per soort melding. Zonder nieuws geen e-mail."),
    )

    def __init__(self, data=None, *, deliveries: dict, digest_frequency: str, facilitated: dict):
        super().__init__(data, initial={"digest": digest_frequency})
        self._facilitated = {}
        kinds = [k for k in NotificationKind if facilitated or k not in FACILITATOR_KINDS]
        for kind in reversed(kinds):
            self.fields = {f"kind_{kind.value}": forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=forms.RadioSelect,
                initial=deliveries.get(kind.value),
            ), **self.fields}
        for community, days in facilitated.items():
            name = f"days_{community.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("%(c)s: meld onbeantwoorde vragen na zoveel dagen") % {"c": community.title},
                min_value=0, max_value=90, initial=days, help_text=_("0 betekent: niet melden."),
            )
            self._facilitated[name] = community

    def deliveries(self) -> dict[str, str]:
        return {name.removeprefix("kind_"): value for name, value in self.cleaned_data.items()
                if name.startswith("kind_")}

    def unanswered_days(self) -> dict:
        return {community: self.cleaned_data[name] for name, community in self._facilitated.items()}


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Waarvoor gebruik je deze sleutel?"), max_length=100,
        help_text=_("Bijvoorbeeld: dashboard van ons team. Zo herken je de sleutel later."),
        error_messages={"required": _("Geef de sleutel een naam.")},
    )
