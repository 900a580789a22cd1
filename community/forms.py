"""Forms of the community app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Profile


class HoneypotInput(forms.TextInput):
    """A text box no person sees or hears (``hidden``), which form-filling bots tend to fill in."""

    is_hidden = True  # rendered with the form's hidden fields, without label

    def __init__(self):
        super().__init__(attrs={"hidden": "", "autocomplete": "off", "tabindex": "-1"})


class HoneypotMixin(forms.Form):
    """Refuses a submission whose invisible ``website`` field was filled in."""

    website = forms.CharField(required=False, widget=HoneypotInput, label=_("Laat dit veld leeg"))

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(
                _("Je aanmelding kon niet worden verwerkt. Probeer het opnieuw of neem contact met ons op.")
            )
        return ""


class SignupProfileForm(HoneypotMixin, forms.Form):
    """Extra fields on allauth's sign-up form: who you are and where you work."""

    display_name = forms.CharField(
        label=_("Weergavenaam"),
        max_length=100,
        help_text=_("Zo zien collega's je, bijvoorbeeld je voor- en achternaam."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"), queryset=Organisation.objects.all(), required=False, empty_label=_("— kies —"),
        widget=forms.Select(attrs={"autocomplete": "organization"}),
    )
    job_title = forms.CharField(
        label=_("Functie"), max_length=150, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )

    def signup(self, request, user):
        """Called by allauth after the user is saved (in the same transaction)."""
        profile, _created = Profile.objects.get_or_create(user=user)
        profile.display_name = self.cleaned_data["display_name"]
        profile.organisation = self.cleaned_data.get("organisation")
        profile.job_title = self.cleaned_data.get("job_title", "")
        profile.save()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "organisation", "job_title", "expertise"]
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.Select(attrs={"autocomplete": "organization"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }

    MAX_TAGS = 20
    MAX_TAG_LENGTH = 50

    def clean_expertise(self):
        """Tags must fit the tag table (100 characters) and stay readable; say so in Dutch."""
        tags = self.cleaned_data.get("expertise") or []
        if len(tags) > self.MAX_TAGS:
            raise forms.ValidationError(
                _("Kies maximaal %(n)d onderwerpen (nu %(count)d).") % {"n": self.MAX_TAGS, "count": len(tags)}
            )
        too_long = [t for t in tags if len(t) > self.MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Een onderwerp mag maximaal %(n)d tekens hebben: kort “%(tag)s” in.")
                % {"n": self.MAX_TAG_LENGTH, "tag": too_long[0][:60]}
            )
        return tags


# -- posts and answers -----------------------------------------------------------------------

from .models import Post, Theme  # noqa: E402
from .models.posts import BODY_MAX, TITLE_MAX, TITLE_MIN  # noqa: E402

_BODY_ERRORS = {
    "max_length": _("Je tekst is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d). Kort hem in."),
}


def _body_field(label, *, required=False, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=help_text,
        error_messages={**_BODY_ERRORS, "required": _("Vul dit veld in.")},
        strip=False,
    )


class ThemeChoiceMixin:
    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        themes = Theme.objects.filter(community=community) if community is not None else Theme.objects.none()
        self.fields["themes"].queryset = themes
        if not themes.exists():
            del self.fields["themes"]


class QuestionForm(ThemeChoiceMixin, forms.Form):
    title = forms.CharField(
        label=_("Je vraag in één zin"),
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        help_text=_("Tussen de %(min)d en %(max)d tekens. Bijvoorbeeld: Hoe bereiken jullie inwoners die geen post openen?")
        % {"min": TITLE_MIN, "max": TITLE_MAX},
        error_messages={
            "required": _("Geef je vraag een titel."),
            "min_length": _("De titel is te kort: minstens %(limit_value)d tekens (nu %(show_value)d)."),
            "max_length": _("De titel is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."),
        },
    )
    body = _body_field(
        _("Toelichting"), help_text=_("Wat heb je al geprobeerd, wat is de context? Je kunt Markdown gebruiken.")
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thema's"), queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < TITLE_MIN:
            raise forms.ValidationError(_("De titel is te kort: minstens %(min)d tekens.") % {"min": TITLE_MIN})
        return title


class StoryForm(QuestionForm):
    title = forms.CharField(
        label=_("Titel van je verhaal"),
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        error_messages=QuestionForm.base_fields["title"].error_messages,
    )
    story_status = forms.ChoiceField(
        label=_("Hoe staat het ervoor?"), choices=Post.StoryStatus.choices, initial=Post.StoryStatus.ONGOING,
        widget=forms.RadioSelect,
        help_text=_("Ook een gestopt initiatief is waardevol: juist daar leren collega's van."),
    )
    context = _body_field(_("Aanleiding"), required=True, help_text=_("Welk vraagstuk speelde er?"))
    tried = _body_field(_("Wat we probeerden"), required=True)
    building_blocks = _body_field(_("Bouwstenen: wat hielp"))
    obstacles = _body_field(_("Obstakels: wat hinderde"))
    lessons = _body_field(_("Wat we leerden"))
    organisations = forms.ModelMultipleChoiceField(
        label=_("Betrokken organisaties"), queryset=Organisation.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["title", "story_status", "context", "tried", "building_blocks", "obstacles", "lessons",
                   "themes", "organisations"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["body"]


class AnswerForm(forms.Form):
    body = _body_field(_("Je antwoord"), required=True, help_text=_("Je kunt Markdown gebruiken."))
    # Bounded: an oversized id must be a form error, not a database overflow (found by fuzzing).
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Schrijf eerst je antwoord."))
        return body


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Geef een reden op, zodat de auteur weet waarom.")},
    )


class FlagForm(forms.Form):
    reason = forms.CharField(label=_("Wat is er mis met dit antwoord?"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mailadres van de collega"),
                             error_messages={"invalid": _("Vul een geldig e-mailadres in, zoals naam@gemeente.nl.")})
