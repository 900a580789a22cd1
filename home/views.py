"""Static pages of the site chrome."""

from django.views.generic import TemplateView


class AccessibilityStatementView(TemplateView):
    """The accessibility statement that Dutch public sites must publish (toegankelijkheidsverklaring)."""

    template_name = "home/accessibility_statement.html"
