"""Briefs of the working-group assignment: every task shows the mandate (question, focus
domain, deliverable, due date, working group, the topic it comes from) and what the previous
step said: the chair's comment, the working group's reason, the latest status, the report."""

from __future__ import annotations

from sqlalchemy import select

from processes.records.brief import (
    Brief,
    BriefContext,
    Builder,
    Section,
    both,
    choice,
    day,
    fact,
    section,
    started_from,
    text,
)
from processes.records.followup import STATUS_LABELS, Mandate
from processes.records.reference import FOCUS_DOMAINS


def _mandate(ctx: BriefContext) -> Mandate | None:
    return (
        ctx.session.execute(
            select(Mandate).where(Mandate.case_id == ctx.case_id).order_by(Mandate.id.desc())
        )
        .scalars()
        .first()
    )


def mandate_section(ctx: BriefContext) -> Section:
    mandate = _mandate(ctx)
    if mandate is None:
        return section(
            ("De opdracht", "The mandate"),
            [],
            empty=("De opdracht is nog niet vastgelegd.", "No mandate recorded yet."),
        )
    weeks = mandate.status_every_weeks
    return section(
        ("De opdracht", "The mandate"),
        [
            fact(("Werkgroep", "Working group"), text(ctx.working_group(mandate.working_group_id))),
            fact(("Vraag", "Question"), text(mandate.question), long=True),
            fact(("Focusdomein", "Focus domain"), choice(mandate.focus_domain, FOCUS_DOMAINS)),
            fact(("Op te leveren", "Deliverable"), text(mandate.deliverable), long=True),
            fact(("Uiterste datum", "Due date"), day(mandate.due_date)),
            fact(
                ("Stand van zaken", "Status updates"),
                both(f"elke {weeks} weken", f"every {weeks} weeks"),
            )
            if weeks
            else None,
            fact(("Status", "Status"), choice(mandate.status, STATUS_LABELS)),
            ctx.case_link(("Onderwerp", "Topic"), mandate.topic_case_id),
        ],
    )


def _progress_section(ctx: BriefContext) -> Section:
    mandate = _mandate(ctx)
    facts = []
    if mandate is not None and mandate.last_status_note:
        facts = [
            fact(
                ("Laatste stand van zaken", "Latest status"),
                text(mandate.last_status_note),
                long=True,
            ),
            fact(("Gemeld op", "Reported on"), day(mandate.last_status_at)),
            fact(("Aantal meldingen", "Updates so far"), text(mandate.status_updates)),
        ]
    return section(
        ("Voortgang", "Progress"),
        facts,
        empty=("Nog geen stand van zaken gemeld.", "No status update yet."),
    )


def _report_section(ctx: BriefContext) -> Section:
    mandate = _mandate(ctx)
    report = mandate.report if mandate is not None else None
    return section(
        ("Het rapport van de werkgroep", "The working group's report"),
        [
            fact(("Rapport", "Report"), text(report), long=True),
            fact(
                ("Aanbevelingen", "Recommendations"),
                text(ctx.data.get("recommendations")),
                long=True,
            )
            if ctx.data.get("recommendations")
            else None,
            fact(("Ingediend op", "Submitted on"), day(mandate.reported_at)) if mandate else None,
        ]
        if report
        else [],
        empty=("Nog geen rapport.", "No report yet."),
    )


def _remarks(ctx: BriefContext) -> Section:
    data = ctx.data
    return section(
        ("Wat de vorige stap zei", "What the previous step said"),
        [
            fact(
                ("Opmerking van de voorzitter", "The chair's comment"),
                text(data.get("approval_comment")),
                long=True,
            )
            if data.get("approval") == "send_back" and data.get("approval_comment")
            else None,
            fact(
                ("Reden van de werkgroep", "The working group's reason"),
                text(data.get("acceptance_comment")),
                long=True,
            )
            if data.get("acceptance") == "decline" and data.get("acceptance_comment")
            else None,
        ],
        empty=("Geen opmerkingen.", "No comments."),
    )


def _only_mandate(ctx: BriefContext) -> Brief:
    return Brief((mandate_section(ctx),))


def _revise(ctx: BriefContext) -> Brief:
    return Brief((_remarks(ctx), mandate_section(ctx)))


def _with_progress(ctx: BriefContext) -> Brief:
    return Brief((mandate_section(ctx), _progress_section(ctx)))


def _bundle(ctx: BriefContext) -> Brief:
    return Brief((_report_section(ctx), mandate_section(ctx)))


BRIEFS: dict[str, Builder] = {
    "approve_mandate": _only_mandate,
    "revise_mandate": _revise,
    "accept_mandate": _only_mandate,
    "submit_report": _with_progress,
    "status_update": _with_progress,
    "handle_late_report": _with_progress,
    "bundle_proposal": _bundle,
}


# -- the case view ----------------------------------------------------------------------------

_STAGES: dict[str, tuple[str, str]] = {
    "proposed": ("Wacht op de goedkeuring van de voorzitter.", "Waiting for the chair's approval."),
    "approved": ("Goedgekeurd; wacht op de aanvaarding door de werkgroep.",
                 "Approved; waiting for the working group to accept."),
    "accepted": ("De werkgroep werkt aan haar rapport.", "The working group works on its report."),
    "reporting": ("De werkgroep werkt aan haar rapport.", "The working group works on its report."),
    "reported": ("Rapport ingediend; het secretariaat bundelt het tot een voorstel.",
                 "Report submitted; the secretariat bundles it into a proposal."),
    "bundled": ("Gebundeld tot een voorstel voor het Stuurorgaan.",
                "Bundled into a proposal for the committee."),
    "late": ("Het rapport is te laat.", "The report is late."),
}  # fmt: skip


def case_view(ctx: BriefContext) -> Brief:
    mandate = _mandate(ctx)
    lines = []
    if mandate is not None:
        group = ctx.working_group(mandate.working_group_id)
        due = day(mandate.due_date)
        lines.append(fact(("Opdracht", "Mandate"),
                          both(f"{group}, rapport tegen {due['nl']}.",
                               f"{group}, report due {due['en']}.")))  # fmt: skip
        stage = _STAGES.get(mandate.status)
        if stage:
            lines.append(fact(("Stand", "Status"), both(*stage)))
    proposals = started_from(ctx, "topic")
    links = [ctx.case_link(("Onderwerp", "Topic"), mandate.topic_case_id if mandate else None)]
    links += [ctx.case_link(("Terug op de agenda", "Back on the agenda"), p.id) for p in proposals]
    return Brief(
        (
            section(("Uitkomst", "Outcome"), lines),
            section(("Verwante dossiers", "Related cases"), links),
        )
    )
