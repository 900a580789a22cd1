"""Render a bound field's widget with aria-describedby (help text, error) and aria-invalid set."""

from django import template

register = template.Library()


@register.simple_tag
def accessible_widget(field):
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    attrs = {}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
