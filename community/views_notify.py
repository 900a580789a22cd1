"""Views of find-and-follow in the community app: "have you seen these?", follows, notifications,
notification settings, unsubscribing from e-mail and personal API tokens.

Thin, like community/views.py: parse the request, ask the policy, call a service
(community/services_notify.py), render. Routes under a community are mapped by CommunityPage
(``vragen/suggesties/``, ``vragen/nieuw/``); the others live in site/urls.py.
"""

from __future__ import annotations

from django.template.response import TemplateResponse

from . import policies, search, views
from .forms import QuestionForm
from .models import Post

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
