"""Template helpers for the site chrome and for accessible form markup.

Form widgets get the NL Design System (Utrecht) class names here rather than in every form class,
so forms from other apps and from django-allauth look and behave the same. Django itself already
adds ``aria-invalid`` and ``aria-describedby`` (help text and errors) to widgets; the field
template renders elements with the ids Django points to (``<id>_helptext``, ``<id>_error``).
None of these helpers touch the database.
"""

from django import forms, template

register = template.Library()

# Widget class -> Utrecht class names; the first match in this order wins (subclasses first).
_WIDGET_CLASSES = (
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input", "utrecht-checkbox--invalid"),
    (forms.RadioSelect, "utrecht-radio-button utrecht-radio-button--html-input", "utrecht-radio-button--invalid"),
    (forms.CheckboxSelectMultiple, "utrecht-checkbox utrecht-checkbox--html-input", "utrecht-checkbox--invalid"),
    (forms.Select, "utrecht-select utrecht-select--html-select", "utrecht-select--invalid"),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea", "utrecht-textarea--invalid"),
    (forms.FileInput, "koffietafel-file-input", ""),
    (forms.widgets.Input, "utrecht-textbox utrecht-textbox--html-input", "utrecht-textbox--invalid"),
)


def _classes_for(widget) -> tuple[str, str]:
    for widget_class, classes, invalid in _WIDGET_CLASSES:
        if isinstance(widget, widget_class):
            return classes, invalid
    return "", ""


@register.simple_tag
def form_widget(bound_field):
    """Render a bound field's widget with Utrecht classes and without a placeholder.

    Placeholders are dropped: the label and help text say what to fill in, and placeholder text
    disappears while typing and is often too light to read (NL Design System advice).
    """
    widget = bound_field.field.widget
    classes, invalid = _classes_for(widget)
    existing = widget.attrs.get("class", "")
    if bound_field.errors and invalid:
        classes = f"{classes} {invalid}"
    attrs = {"class": f"{existing} {classes}".strip()}
    if widget.attrs.get("placeholder"):
        attrs["placeholder"] = False
    if getattr(widget, "input_type", None) == "password":
        attrs["class"] += " utrecht-textbox--password"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def field_kind(bound_field) -> str:
    """'checkbox' for a single checkbox, 'group' for radios/multi-checkboxes, else 'input'."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if bound_field.use_fieldset:
        return "group"
    return "input"


@register.simple_tag
def nav_current(path: str, prefix: str) -> str:
    """Value for aria-current on a main-menu link: 'page' on the page itself, 'true' below it."""
    if path == prefix:
        return "page"
    if prefix != "/" and path.startswith(prefix):
        return "true"
    return ""
