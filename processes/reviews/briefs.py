"""Briefs of the review of a project for the Flemish Government: the project as the register
has it, the government's meeting date and how many days are left, what the register says about
overlap, reuse and partners (on the checks task), the findings and the advice so far, and the
chair's remark when the advice came back."""

from __future__ import annotations

from datetime import date

from processes.records import dates
from processes.records.brief import (
    Brief,
    BriefContext,
    Builder,
    Fact,
    Section,
    both,
    choice,
    day,
    fact,
    section,
    text,
)
from processes.records.reference import Label
from processes.records.steering import (
    ADVICE_VERDICTS,
    PROJECT_STATUSES,
    REVIEW_STATUSES,
    Project,
    ProjectReview,
)
from processes.reviews import queries


def _review(ctx: BriefContext) -> ProjectReview | None:
    return queries.review_of_case(ctx.session, ctx.case_id)


def _project(ctx: BriefContext, review: ProjectReview | None) -> Project | None:
    project_id = review.project_id if review else ctx.data.get("project_id")
    if project_id is None or isinstance(project_id, bool):
        return None
    try:
        return ctx.session.get(Project, int(project_id))
    except (TypeError, ValueError):
        return None


def _joined(labels: tuple[Label, ...] | list[Label]) -> Label:
    if not labels:
        return text(None)
    return {lang: ", ".join(label[lang] for label in labels) for lang in ("nl", "en")}


def _euro(amount: int) -> str:
    return "€ " + f"{amount:,}".replace(",", ".")


def project_section(ctx: BriefContext) -> Section:
    review = _review(ctx)
    project = _project(ctx, review)
    if project is None:
        return section(
            ("Het project", "The project"),
            [],
            empty=(
                "Het project staat niet in het register.",
                "The project is not in the register.",
            ),
        )
    checks = queries.register_checks(ctx.session, project.id)
    return section(
        ("Het project", "The project"),
        [
            fact(("Project", "Project"), text(project.title)),
            fact(("Eigenaar", "Owner"), text(ctx.organisation(project.owner_organisation_id))),
            fact(("Contactpersoon", "Contact"), text(ctx.person(project.owner_user_id)))
            if project.owner_user_id
            else None,
            fact(("Beschrijving", "Description"), text(project.description), long=True)
            if project.description
            else None,
            fact(("Stand", "Status"), choice(project.status, PROJECT_STATUSES)),
            fact(("Focusdomeinen", "Focus domains"), _joined(checks.domains if checks else ())),
            fact(
                ("Gebruikt de bouwstenen", "Uses the building blocks"),
                _joined(checks.uses if checks else ()),
            ),
            fact(
                ("Levert de bouwstenen", "Delivers the building blocks"),
                _joined(checks.delivers if checks else ()),
            ),
            fact(("Budget", "Budget"), text(_euro(project.budget_planned)))
            if project.budget_planned
            else None,
        ],
    )


def _days_left(due: date, today: date) -> Label:
    left = (due - today).days
    if left > 1:
        return both(f"nog {left} dagen", f"{left} days left")
    if left == 1:
        return both("nog 1 dag", "1 day left")
    if left == 0:
        return both("vandaag", "today")
    late = -left
    return both(
        f"{late} {'dag' if late == 1 else 'dagen'} te laat",
        f"{late} {'day' if late == 1 else 'days'} late",
    )


def timing_section(ctx: BriefContext) -> Section:
    review = _review(ctx)
    meeting = review.government_meeting_on if review else None
    due = review.advice_due_on if review else None
    if meeting is None:
        meeting = dates.parse_date(ctx.data.get("government_meeting_on"))
    advice_due = day(due) if due else text(None)
    return section(
        ("De vraag en de termijn", "The question and the deadline"),
        [
            fact(
                ("Vraag aan het Stuurorgaan", "Question to the committee"),
                text(review.question if review else ctx.data.get("question")),
                long=True,
            ),
            fact(
                ("Zitting van de Vlaamse Regering", "Meeting of the Flemish Government"),
                day(meeting),
            ),
            fact(
                ("Advies klaar tegen", "Advice due by"),
                {
                    lang: f"{advice_due[lang]} ({_days_left(due, ctx.today)[lang]})"
                    for lang in ("nl", "en")
                }
                if due
                else advice_due,
            ),
            fact(("Stand van de toetsing", "Review status"), choice(review.status, REVIEW_STATUSES))
            if review
            else None,
        ],
    )


def _shared(item: queries.RelatedProject) -> Label:
    parts: dict[str, list[str]] = {"nl": [], "en": []}
    if item.shared_domains:
        domains = _joined(item.shared_domains)
        parts["nl"].append(f"Dezelfde focusdomeinen: {domains['nl']}.")
        parts["en"].append(f"Same focus domains: {domains['en']}.")
    if item.shared_blocks:
        blocks = [
            {lang: f"{block[lang]} ({how[lang]})" for lang in ("nl", "en")}
            for block, how in item.shared_blocks
        ]
        listed = _joined(blocks)
        parts["nl"].append(f"Dezelfde bouwstenen: {listed['nl']}.")
        parts["en"].append(f"Same building blocks: {listed['en']}.")
    if item.owner.other_government:
        kind = item.owner.kind_label
        parts["nl"].append(f"Andere overheid ({kind['nl'].lower()}).")
        parts["en"].append(f"Another government ({kind['en'].lower()}).")
    if item.vrd2:
        parts["nl"].append("VRD2-project.")
        parts["en"].append("VRD2 project.")
    status = item.status
    parts["nl"].append(f"Stand: {status['nl'].lower()}.")
    parts["en"].append(f"Status: {status['en'].lower()}.")
    return {lang: " ".join(words) for lang, words in parts.items()}


def register_sections(ctx: BriefContext) -> tuple[Section, ...]:
    """What the register says: overlap (Afstemming), reuse (Samenwerking), partners
    (Financiering)."""
    review = _review(ctx)
    project = _project(ctx, review)
    checks = queries.register_checks(ctx.session, project.id) if project else None
    related: list[Fact | None] = []
    reusable: list[Fact | None] = []
    partners: list[Fact | None] = []
    if checks is not None:
        for item in checks.related:
            related.append(
                fact(
                    (f"{item.title} ({item.owner.name})", f"{item.title} ({item.owner.name})"),
                    _shared(item),
                )
            )
        for block in checks.reusable:
            names = ", ".join(f"{title} ({owner})" for _id, title, owner in block.delivered_by)
            used = (
                both(
                    " Dit project zegt al dat het deze bouwsteen gebruikt.",
                    " This project already says it uses this block.",
                )
                if block.already_used
                else both("", "")
            )
            reusable.append(
                fact(
                    (block.block["nl"], block.block["en"]),
                    {
                        "nl": f"Geleverd door {names}.{used['nl']}",
                        "en": f"Delivered by {names}.{used['en']}",
                    },
                )
            )
        for partner in checks.partners:
            domains = _joined(partner.domains)
            projects = ", ".join(partner.projects)
            kind = partner.owner.kind_label
            partners.append(
                fact(
                    (partner.owner.name, partner.owner.name),
                    {
                        "nl": f"{kind['nl']}. Werkt mee aan {projects}, in {domains['nl']}.",
                        "en": f"{kind['en']}. Works on {projects}, in {domains['en']}.",
                    },
                )
            )
    return (
        section(
            ("Afstemming: projecten die overlappen", "Alignment: projects that overlap"),
            related,
            empty=(
                "Geen ander project in het register deelt focusdomeinen of bouwstenen met dit "
                "project.",
                "No other project in the register shares focus domains or building blocks with "
                "this one.",
            ),
        ),
        section(
            (
                "Samenwerking: bouwstenen om te hergebruiken",
                "Cooperation: building blocks to reuse",
            ),
            reusable,
            empty=(
                "Geen ander project levert een bouwsteen die dit project niet zelf levert.",
                "No other project delivers a building block this project does not deliver itself.",
            ),
        ),
        section(
            ("Financiering: mogelijke partners", "Financing: possible partners"),
            partners,
            empty=(
                "Geen andere organisatie werkt aan projecten in dezelfde focusdomeinen.",
                "No other organisation works on projects in the same focus domains.",
            ),
        ),
    )


def findings_section(ctx: BriefContext) -> Section:
    review = _review(ctx)
    facts = []
    if review is not None:
        facts = [
            fact(("Bij de intake", "At intake"), text(review.intake_note), long=True)
            if review.intake_note
            else None,
            fact(
                ("Afstemming: overlap", "Alignment: overlap"),
                text(review.overlap_findings),
                long=True,
            )
            if review.overlap_findings
            else None,
            fact(
                ("Samenwerking: hergebruik", "Cooperation: reuse"),
                text(review.reuse_findings),
                long=True,
            )
            if review.reuse_findings
            else None,
            fact(
                ("Financiering: partners", "Financing: partners"),
                text(review.partner_suggestions),
                long=True,
            )
            if review.partner_suggestions
            else None,
        ]
    return section(
        ("Bevindingen van het secretariaat", "The secretariat's findings"),
        facts,
        empty=("Nog geen bevindingen.", "No findings yet."),
    )


def advice_section(ctx: BriefContext) -> Section:
    review = _review(ctx)
    drafted = review is not None and review.verdict is not None
    return section(
        ("Het advies", "The advice"),
        [
            fact(("Oordeel", "Verdict"), choice(review.verdict, ADVICE_VERDICTS)),
            fact(("Advies", "Advice"), text(review.advice_text), long=True),
            fact(("Opgesteld door", "Drafted by"), text(ctx.person(review.drafted_by))),
        ]
        if drafted and review is not None
        else [],
        empty=("Nog geen advies opgesteld.", "No advice drafted yet."),
    )


def remark_section(ctx: BriefContext) -> Section | None:
    """The chair's remark, when the advice came back (None otherwise: no empty section)."""
    if ctx.data.get("advice_decision") != "send_back":
        return None
    review = _review(ctx)
    remark = (review.chair_remark if review else None) or ctx.data.get("advice_remark")
    return section(
        ("Teruggestuurd door de voorzitter", "Sent back by the chair"),
        [fact(("Opmerking", "Remark"), text(remark), long=True)],
    )


def _brief(*parts: Section | None) -> Brief:
    return Brief(tuple(part for part in parts if part is not None))


def _intake(ctx: BriefContext) -> Brief:
    return _brief(timing_section(ctx), project_section(ctx))


def _checks(ctx: BriefContext) -> Brief:
    return _brief(
        remark_section(ctx),
        timing_section(ctx),
        project_section(ctx),
        *register_sections(ctx),
        findings_section(ctx),
    )


def _draft(ctx: BriefContext) -> Brief:
    return _brief(
        remark_section(ctx),
        timing_section(ctx),
        findings_section(ctx),
        advice_section(ctx),
        project_section(ctx),
    )


def _approve(ctx: BriefContext) -> Brief:
    return _brief(
        advice_section(ctx), timing_section(ctx), findings_section(ctx), project_section(ctx)
    )


BRIEFS: dict[str, Builder] = {
    "intake_review": _intake,
    "check_review": _checks,
    "draft_advice": _draft,
    "approve_advice": _approve,
}


def case_view(ctx: BriefContext) -> Brief:
    review = _review(ctx)
    lines: list[Fact | None] = []
    if review is not None:
        lines.append(fact(("Stand", "Status"), choice(review.status, REVIEW_STATUSES)))
        if review.status == "approved":
            verdict = choice(review.verdict, ADVICE_VERDICTS)
            when = day(review.approved_at)
            lines.append(
                fact(
                    ("Advies", "Advice"),
                    {
                        "nl": f"{verdict['nl']} (goedgekeurd op {when['nl']} door "
                        f"{ctx.person(review.approved_by)}): {review.advice_text}",
                        "en": f"{verdict['en']} (approved on {when['en']} by "
                        f"{ctx.person(review.approved_by)}): {review.advice_text}",
                    },
                    long=True,
                )
            )
        elif review.status == "declined":
            lines.append(
                fact(
                    ("Niet in behandeling genomen", "Not taken up"),
                    text(review.intake_note),
                    long=True,
                )
            )
    project = _project(ctx, review)
    return Brief(
        (
            section(("Uitkomst", "Outcome"), lines),
            section(
                ("Het project", "The project"),
                [fact(("Project", "Project"), text(project.title))] if project else [],
            ),
        )
    )
