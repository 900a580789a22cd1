"""Formatting of benchmark figures: shares as percentages, hours with one decimal, gaps as a dash."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value, kind="count"):
    if value is None:
        return "–"
    if kind == "share":
        return f"{round(value * 100)}%"
    if kind == "hours":
        return number_format(value, 1)
    return value
