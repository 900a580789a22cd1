"""Pages of the site chrome, and the site search."""

from django.template.response import TemplateResponse
from django.views.generic import TemplateView

from home import search as site_search


class AccessibilityStatementView(TemplateView):
    """The accessibility statement that Dutch public sites must publish (toegankelijkheidsverklaring)."""

    template_name = "home/accessibility_statement.html"


def search(request):
    """The site search (/zoeken/?q=…): every result through the access policy (home/search.py)."""
    form = site_search.SearchForm(request.GET, user=request.user)
    outcome = site_search.run(form=form, user=request.user, request=request, page_number=request.GET.get("pagina"))
    params = request.GET.copy()
    params.pop("pagina", None)
    type_params = params.copy()
    type_params.pop("soort", None)
    return TemplateResponse(request, "home/search.html", {
        "form": form,
        "outcome": outcome,
        "query_string": params.urlencode(),
        "type_query_string": type_params.urlencode(),
    })
