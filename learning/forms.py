"""Forms of the learning app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from learning.services import FORM_PREFIX


class PostLearningForm(forms.Form):
    """The learning fields on the community's ask/share form (rendered by ``learning_post_fields``).

    Its values are read by learning.services.post_created_from_request when community sends
    post_created; the community form itself knows nothing about them.
    """

    prikkel = forms.CharField(required=False, widget=forms.HiddenInput)
    leerdoel = forms.ChoiceField(
        label=_("Leerdoel"), required=False,
        help_text=_("Bij welk leerdoel van het kader hoort je bijdrage? Zo ziet iedereen wat er per leerdoel "
                    "speelt."),
    )
    casusverhaal = forms.BooleanField(
        label=_("Mijn verhaal mag (bewerkt) worden gepubliceerd als openbaar casusverhaal"), required=False,
        help_text=_("Redacteuren mogen het dan herschrijven tot een openbaar casusverhaal, met jouw naam erbij. "
                    "Je kunt deze toestemming later intrekken."),
    )

    def __init__(self, *args, goals=(), kind="question", prompt=None, **kwargs):
        kwargs.setdefault("prefix", FORM_PREFIX)
        super().__init__(*args, **kwargs)
        if goals:
            self.fields["leerdoel"].choices = [("", _("— geen leerdoel —"))] + [(str(g.block_id), g.title) for g in goals]
        else:
            del self.fields["leerdoel"]
        if kind != "story":
            del self.fields["casusverhaal"]
        if prompt is None:
            del self.fields["prikkel"]
