"""The benchmark pages: a community's health and the organisation comparison.

Who may see them is decided by learning.events.policies (on top of community.policies); anyone
else gets a 404, never a 403, so a private community's existence does not leak through a URL.
Each page offers the same figures as an SVG chart, an accessible table and a CSV download.
"""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import date as date_filter
from django.utils.translation import gettext as _

from community.models import CommunityPage

from . import charts, dashboards, policies
from .forms import PeriodForm


def _period(request):
    form = PeriodForm(request.GET or None)
    start, end = form.dates()
    return form, start, end, dashboards.period_from_dates(start, end)


def _community_or_404(request, slug) -> CommunityPage:
    community = CommunityPage.objects.filter(slug=slug).first()
    if community is None or not policies.can_view_community_dashboard(request.user, community):
        raise Http404
    return community


def index(request):
    communities = list(policies.dashboard_communities(request.user)) if request.user.is_authenticated else []
    can_compare = policies.can_view_organisation_benchmark(request.user)
    if not communities and not can_compare:
        raise Http404
    return render(request, "events/benchmark_index.html", {"communities": communities, "can_compare": can_compare})


def _week_label(day) -> str:
    return date_filter(day, "j b")


def community(request, slug):
    community = _community_or_404(request, slug)
    form, start, end, period = _period(request)
    figures = dashboards.community_dashboard(community, period)
    series = [("questions", _("Vragen")), ("stories", _("Praktijkverhalen")), ("answers", _("Antwoorden"))]
    chart = charts.line_chart(figures.health.weekly, x_key="week", x_format=_week_label, series=series)
    return render(request, "events/benchmark_community.html", {
        "community": community, "form": form, "start": start, "end": end, "figures": figures,
        "health": figures.health, "chart": chart, "series": series,
        "query": request.GET.urlencode(),
    })


def community_csv(request, slug):
    community = _community_or_404(request, slug)
    _form, start, end, period = _period(request)
    figures = dashboards.community_dashboard(community, period)
    health = figures.health
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="benchmark-{community.slug}-{start}-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("cijfer"), _("waarde")])
    writer.writerow([_("periode van"), start.isoformat()])
    writer.writerow([_("periode tot en met"), end.isoformat()])
    for label, value in [
        (_("leden"), health.members),
        (_("actieve leden (30 dagen)"), health.active_members),
        (_("vragen"), health.questions),
        (_("vragen beantwoord"), health.answered),
        (_("vragen opgelost"), health.solved),
        (_("deel beantwoord"), _share(health.share_answered)),
        (_("deel opgelost"), _share(health.share_solved)),
        (_("mediane tijd tot eerste antwoord (uren)"), health.median_first_answer_hours),
        *[(_("praktijkverhalen: %(s)s") % {"s": s}, n) for s, n in health.stories_by_status.items()],
        (_("reacties op prikkels"), figures.prompt_responses),
        (_("leerdoelen met bijdragen"), figures.goals_covered),
        (_("leerdoelen"), figures.goals_total),
    ]:
        writer.writerow([label, "" if value is None else value])
    writer.writerow([])
    writer.writerow([_("week vanaf"), _("vragen"), _("praktijkverhalen"), _("antwoorden")])
    for week in health.weekly:
        writer.writerow([week["week"].isoformat(), week["questions"], week["stories"], week["answers"]])
    return response


def _share(value) -> str:
    return "" if value is None else f"{value:.2f}"


def organisations(request):
    if not policies.can_view_organisation_benchmark(request.user):
        raise Http404
    form, start, end, period = _period(request)
    bench = dashboards.organisation_benchmark(period, viewer=request.user)
    chart_key = request.GET.get("cijfer", "active")
    chartable = dict(dashboards.CHARTABLE)
    if chart_key not in chartable:
        chart_key = "active"
    columns = [*bench.columns, bench.others] if not bench.others.suppressed else list(bench.columns)
    chart = charts.bar_chart([(c.name, getattr(c, chart_key), c.is_own) for c in columns])
    return render(request, "events/benchmark_organisations.html", {
        "form": form, "start": start, "end": end, "bench": bench, "chart": chart,
        "chart_key": chart_key, "chart_label": chartable[chart_key], "chartable": dashboards.CHARTABLE,
        "all_columns": [*bench.columns, bench.others, bench.total], "chart_fields": [("cijfer", chart_key)],
    })


def organisations_csv(request):
    if not policies.can_view_organisation_benchmark(request.user):
        raise Http404
    _form, start, end, period = _period(request)
    bench = dashboards.organisation_benchmark(period, viewer=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="benchmark-organisaties-{start}-{end}.csv"'
    writer = csv.writer(response)
    columns = [*bench.columns, bench.others, bench.total]
    writer.writerow([_("cijfer"), *[c.name for c in columns]])
    for label, kind, values in bench.rows():
        writer.writerow([label, *["" if v is None else (_share(v) if kind == "share" else v) for v in values]])
    return response
