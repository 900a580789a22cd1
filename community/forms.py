"""Forms of the community app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Profile


class SignupProfileForm(forms.Form):
    """Extra fields on allauth's sign-up form: who you are and where you work."""

    display_name = forms.CharField(
        label=_("Weergavenaam"),
        max_length=100,
        help_text=_("Zo zien collega's je, bijvoorbeeld je voor- en achternaam."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"), queryset=Organisation.objects.all(), required=False, empty_label=_("— kies —")
    )
    job_title = forms.CharField(label=_("Functie"), max_length=150, required=False)

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
