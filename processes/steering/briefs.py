"""Brief of the KPI measurement task: the KPI (what it measures, its target and target date,
its rhythm), the last values with the trend, and the actions that work towards it. The case
view says which measurement is next, or that the target date has passed."""

from __future__ import annotations

from typing import Any

from processes.records.brief import (
    Brief,
    BriefContext,
    Builder,
    Fact,
    Label,
    Section,
    both,
    choice,
    day,
    fact,
    section,
    text,
)
from processes.records.reference import FOCUS_DOMAINS
from processes.records.steering import Kpi
from processes.steering import queries

LAST_VALUES = 5
"""How many of the latest measurements the brief shows."""

_TRENDS: dict[str, tuple[str, str]] = {
    "better": ("in de goede richting", "in the right direction"),
    "worse": ("in de verkeerde richting", "in the wrong direction"),
    "same": ("onveranderd", "unchanged"),
}


def number(value: float | None, unit: str = "") -> Label:
    """12.5 → "12,5 %" in Dutch, "12.5 %" in English (at most two decimals)."""
    if value is None:
        return text(None)
    shown = f"{value:.2f}".rstrip("0").rstrip(".")
    suffix = f"\u00a0{unit}" if unit else ""
    return {"nl": shown.replace(".", ",") + suffix, "en": shown + suffix}


def _kpi(ctx: BriefContext) -> Kpi | None:
    view = ctx.data.get("kpi")
    kpi_id = view.get("id") if isinstance(view, dict) else ctx.data.get("kpi_id")
    if not isinstance(kpi_id, int) or isinstance(kpi_id, bool):
        return None
    return ctx.session.get(Kpi, kpi_id)


def kpi_section(ctx: BriefContext, kpi: Kpi) -> Section:
    months = kpi.measure_every_months
    direction = (
        both("hoger is beter", "higher is better")
        if kpi.higher_is_better
        else both("lager is beter", "lower is better")
    )
    return section(
        ("De KPI", "The KPI"),
        [
            fact(("Naam", "Name"), text(kpi.name)),
            fact(("Focusdomein", "Focus domain"), choice(kpi.focus_domain, FOCUS_DOMAINS)),
            fact(("Beginwaarde", "Baseline"), number(kpi.baseline, kpi.unit))
            if kpi.baseline is not None
            else None,
            fact(("Streefwaarde", "Target"), number(kpi.target, kpi.unit)),
            fact(("Richting", "Direction"), direction),
            fact(("Streefdatum", "Target date"), day(kpi.target_on)),
            fact(
                ("Meten", "Measured"),
                both(f"elke {months} maanden", f"every {months} months")
                if months != 1
                else both("elke maand", "every month"),
            ),
        ],
    )


def values_section(ctx: BriefContext, kpi: Kpi) -> Section:
    found = queries.measurements(ctx.session, kpi.id)
    facts: list[Fact | None] = [
        fact((day(m.measured_on)["nl"], day(m.measured_on)["en"]), number(m.value, kpi.unit))
        for m in reversed(found[-LAST_VALUES:])
    ]
    direction = _TRENDS.get(queries.trend(found, kpi.higher_is_better))
    if direction:
        facts.append(fact(("Trend", "Trend"), both(*direction)))
    return section(
        ("Laatste metingen", "Latest measurements"),
        facts,
        empty=("Nog geen metingen: dit is de eerste.", "No measurements yet: this is the first."),
    )


def actions_section(ctx: BriefContext, kpi: Kpi) -> Section:
    view = queries.kpi_view(ctx.session, kpi.id)
    titles = queries.action_titles(ctx.session, view.action_ids if view else [])
    return section(
        ("Acties voor deze KPI", "Actions for this KPI"),
        [fact(("Actie", "Action"), text(title)) for title in titles.values()],
        empty=("Geen acties gekoppeld.", "No actions linked."),
    )


def _enter_measurement(ctx: BriefContext) -> Brief:
    kpi = _kpi(ctx)
    if kpi is None:
        return Brief((section(("De KPI", "The KPI"), [], empty=("KPI niet gevonden.",
                                                                "KPI not found.")),))  # fmt: skip
    planned = (ctx.data.get("kpi") or {}).get("due_on")
    asked = section(
        ("Gevraagd", "Asked"),
        [fact(("Meting van", "Measurement of"), day(planned))] if planned else [],
    )
    return Brief((kpi_section(ctx, kpi), values_section(ctx, kpi), actions_section(ctx, kpi),
                  asked))  # fmt: skip


BRIEFS: dict[str, Builder] = {"enter_measurement": _enter_measurement}


def case_view(ctx: BriefContext) -> Brief:
    kpi = _kpi(ctx)
    view: Any = ctx.data.get("kpi") or {}
    lines: list[Fact | None] = []
    if kpi is not None:
        lines.append(fact(("KPI", "KPI"), text(kpi.name)))
        if view.get("more") and view.get("due_on"):
            lines.append(fact(("Volgende meting", "Next measurement"), day(view["due_on"])))
        elif view:
            lines.append(
                fact(
                    ("Stand", "Status"),
                    both("De streefdatum is voorbij: geen metingen meer gevraagd.",
                         "The target date has passed: no more measurements asked."),
                )
            )  # fmt: skip
    return Brief((section(("Uitkomst", "Outcome"), lines),))
