"""Charts placed inline in pages: the SVG, its text alternative and the numbers in a table."""

from __future__ import annotations

from django import template

from reports import charts, services

register = template.Library()


@register.inclusion_tag("reports/_figure_round_dartboard.html")
def round_dartboard(results):
    return {"chart": services.round_dartboard_chart(results), "results": results}


@register.inclusion_tag("reports/_figure_comparison.html")
def comparison_dartboard(results):
    return {"chart": services.comparison_dartboard_chart(results), "results": results}


@register.inclusion_tag("reports/_figure_profile.html")
def profile_dartboard(structure, principle_scores, caption="Your dartboard"):
    rows = list(zip(structure.principles, principle_scores, strict=True))
    chart = services.profile_dartboard_chart(structure, principle_scores)
    return {"chart": chart, "rows": rows, "caption": caption, "limits": structure.ring_limits}


@register.inclusion_tag("reports/_figure_statement_bars.html")
def statement_bars(structure, statement_rows, caption="Answers to each statement"):
    return {"chart": services.statement_bars_chart(structure, statement_rows), "caption": caption}


@register.inclusion_tag("reports/_figure_trend.html")
def trend_chart(structure, round_labels, means):
    rows = [(p, means.get(p.number, [])) for p in structure.principles]
    chart = services.trend_chart(structure, round_labels, means)
    return {"chart": chart, "round_labels": round_labels, "rows": rows, "structure": structure}


@register.inclusion_tag("reports/_figure_register_health.html")
def register_health(structure, totals):
    rows = charts.register_health_rows(totals, limits=list(structure.total_limits))
    return {"chart": services.register_health_chart(structure, totals), "count": len(totals), "rows": rows}


@register.inclusion_tag("reports/_figure_partners_differ.html")
def partners_differ_charts(results):
    return {"charts": services.partners_differ_charts(results), "structure": results.structure}
