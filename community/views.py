"""Views of the community app: thin, they parse, ask the policy, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .models import Profile


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
