"""A meeting's agenda as the pages show it, and the meeting pack (vergaderbundel): the
secretariat's accompanying note, the agenda, and per item its dossier summary and documents, as
a printable page and as PDF.

Once the treatments are recorded, the pack and the meeting page also show the minutes
(notulen) as the records hold them: who was present, excused or absent (by name and seat),
whether the quorum was met, and per item its vote (counts, secret or open, outcome, and for an
open vote by seat who voted how).

The PDF is drawn with fpdf2 in the PDF core font Helvetica with WinAnsi (Windows-1252)
encoding: every letter Dutch (and French, German) text uses renders (accented letters, curly
quotes, dashes, the euro sign), and the text stays searchable in the file. A character outside
that set is written as its base letter (ł → l) or, failing that, as `?`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from engine import Actor, Engine, NotFound
from engine.running.queries import DocumentInfo
from processes.meetings import quorum, votes
from processes.records import dates
from processes.records.queries import AgendaEntry, MeetingInfo
from processes.records.reference import AGENDA_KINDS, FOCUS_DOMAINS, OUTCOMES, SEAT_KIND_LABELS
from webapp import rights
from webapp.i18n import day, language, localized
from webapp.wording import vote_counts

PDF_ENCODING = "windows-1252"
NOTE_FIELD = "agenda_note"
"""The meeting case's variable with the secretariat's note (the *Agenda ordenen* form)."""
_NO_DECOMPOSITION = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "\u0131": "i", "Ħ": "H", "ħ": "h"}
"""Letters with a stroke have no Unicode decomposition to their base letter."""


# -- words -------------------------------------------------------------------------------------


def meeting_status_label(status: str) -> str:
    """A meeting's status in the current language."""
    labels = {
        "planned": _("gepland"),
        "agenda_frozen": _("agenda afgesloten"),
        "published": _("agenda gepubliceerd"),
        "held": _("gehouden"),
        "minutes_approved": _("notulen goedgekeurd"),
    }
    return labels.get(status, status)


def kind_label(kind: str) -> str:
    """Ter beslissing / ter bespreking / ter informatie."""
    return localized(AGENDA_KINDS.get(kind)) or kind


def focus_label(code: str | None) -> str | None:
    """A focus domain's name, or None."""
    if not code:
        return None
    return localized(FOCUS_DOMAINS.get(code)) or code


def outcome_label(code: str | None) -> str | None:
    """A treatment outcome in words, or None when not treated yet."""
    if not code:
        return None
    return localized(OUTCOMES.get(code)) or code


def public_label(public: bool) -> str:
    return _("openbaar") if public else _("besloten")


# -- the data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dossier:
    """What the pack shows of a topic case: its summary, question and impact. `case_id` is for
    links only: the pack names a case by its title, never by its number."""

    case_id: int
    title: str
    submitted_by: str | None
    summary: str | None
    question: str | None
    impact: str | None
    documents: tuple[DocumentInfo, ...] = ()


@dataclass(frozen=True)
class VoteView:
    """A vote in words: its counts, secret or open, its outcome, and for an open vote by seat
    who voted how ([("Voor", "Chris Peeters (Voorzitter), ...")])."""

    counts: str
    kind: str
    outcome: str
    by_seat: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return f"{self.counts} ({self.kind})"


@dataclass(frozen=True)
class AttendanceGroup:
    """The people with one attendance status, by name and seat."""

    status: str
    label: str
    people: tuple[str, ...]


@dataclass(frozen=True)
class Minutes:
    """What the records say of a held meeting: attendance, the quorum, the votes."""

    attendance: tuple[AttendanceGroup, ...]
    quorum: str
    quorum_met: bool
    votes: tuple[tuple[int, str, VoteView], ...] = ()
    """(place on the agenda, item title, vote) for each item with a vote."""


@dataclass(frozen=True)
class AgendaRow:
    """One agenda item with its words and (if this user may see it) its dossier."""

    entry: AgendaEntry
    kind: str
    focus: str | None
    outcome: str | None
    dossier: Dossier | None
    vote: VoteView | None = None
    """The vote held on the item, in words (once its treatment is recorded)."""

    @property
    def public(self) -> bool:
        return self.entry.public


@dataclass(frozen=True)
class Pack:
    meeting: MeetingInfo
    starts_at: datetime
    rows: list[AgendaRow]
    note: str | None = None
    """The accompanying note the secretariat wrote when publishing the agenda."""
    quorum: str | None = None
    """How many members must be present to decide, in words."""
    minutes: Minutes | None = None
    """Attendance, quorum and votes, once the treatments are recorded."""


def starts_at(meeting: MeetingInfo) -> datetime:
    """The meeting's start as a UTC instant (its date and time are Brussels wall-clock)."""
    return dates.at_local(meeting.meeting_date, meeting.start_time)


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return (value.strip() or None) if isinstance(value, str) else None


def dossier_of(engine: Engine, actor: Actor, case_id: int) -> Dossier | None:
    """The topic case's summary, if this user may see that case."""
    try:
        case = rights.visible_case(engine, actor, case_id)
    except NotFound:
        return None
    data = case.data
    submitter = data.get("submitted_by")
    return Dossier(
        case_id=case.id,
        title=case.title or _text(data, "title") or "",
        submitted_by=submitter if isinstance(submitter, str) else None,
        summary=_text(data, "summary"),
        question=_text(data, "question"),
        impact=_text(data, "impact"),
        documents=tuple(engine.documents(case.id)),
    )


def agenda_rows(
    engine: Engine, actor: Actor, entries: list[AgendaEntry], *, with_dossiers: bool = False
) -> list[AgendaRow]:
    """The agenda in order, in words; with each dossier when asked (the pack)."""
    return [
        AgendaRow(
            entry=entry,
            kind=kind_label(entry.kind),
            focus=focus_label(entry.focus_domain),
            outcome=outcome_label(entry.outcome),
            dossier=dossier_of(engine, actor, entry.topic_case_id) if with_dossiers else None,
        )
        for entry in entries
    ]


def build_pack(
    engine: Engine, actor: Actor, meeting: MeetingInfo, entries: list[AgendaEntry]
) -> Pack:
    """The meeting pack: the meeting, its agenda (deferred items left out) and the dossiers."""
    shown = [entry for entry in entries if entry.status != "deferred"]
    rows = agenda_rows(engine, actor, shown, with_dossiers=True)
    with engine.db.read() as session:
        held = votes.votes_of(session, [entry.agenda_item_id for entry in shown])
        tally = quorum.count(session, meeting.meeting_date, [])
    rows = [replace(row, vote=vote_view(held.get(row.entry.agenda_item_id))) for row in rows]
    needed = _("%(needed)d van de %(seats)d leden aanwezig", needed=tally.needed, seats=tally.seats)
    return Pack(
        meeting,
        starts_at(meeting),
        rows,
        note=publication_note(engine, meeting),
        quorum=needed if tally.seats else None,
        minutes=minutes_of(engine, meeting, [row.entry for row in rows]),
    )


def person_text(name: str, seat_kind: str | None) -> str:
    """ "Chris Peeters (Voorzitter)"; a person without a seat by name only."""
    seat = localized(SEAT_KIND_LABELS.get(seat_kind or "")) if seat_kind else None
    return f"{name} ({seat})" if seat else name


def vote_view(vote: votes.VoteRecord | None) -> VoteView | None:
    """A vote in words: "2 voor, 1 tegen, 1 onthouding", "geheime stemming", "aangenomen"."""
    if vote is None:
        return None
    counts = vote_counts(vote.count_for, vote.count_against, vote.count_abstain)
    choices = {"for": _("Voor"), "against": _("Tegen"), "abstain": _("Onthouding")}
    by_seat = tuple(
        (label, ", ".join(person_text(c.name, c.seat_kind) for c in vote.voters(code)))
        for code, label in choices.items()
        if vote.voters(code)
    )
    return VoteView(
        counts=counts,
        kind=_("geheime stemming") if vote.secret else _("open stemming"),
        outcome=_("aangenomen") if vote.outcome == "adopted" else _("verworpen"),
        by_seat=() if vote.secret else by_seat,
    )


def minutes_of(engine: Engine, meeting: MeetingInfo, entries: list[AgendaEntry]) -> Minutes | None:
    """Attendance, quorum and votes of a held meeting (None before its attendance is
    recorded, which happens with the treatments)."""
    with engine.db.read() as session:
        attendees = quorum.attendance_of(session, meeting.meeting_id)
        held = votes.votes_of(session, [entry.agenda_item_id for entry in entries])
    tally = quorum.quorum_of(attendees)
    if tally is None:
        return None
    labels = {"present": _("Aanwezig"), "excused": _("Verontschuldigd"), "absent": _("Afwezig")}
    groups = tuple(
        AttendanceGroup(
            status,
            label,
            tuple(person_text(a.name, a.seat_kind) for a in attendees if a.status == status),
        )
        for status, label in labels.items()
    )
    words = dict(present=tally.present, seats=tally.seats, needed=tally.needed)
    said = (
        _("Quorum bereikt: %(present)d van %(seats)d zetels aanwezig", **words)
        if tally.met
        else _(
            "Quorum niet bereikt: %(present)d van %(seats)d zetels aanwezig, %(needed)d nodig",
            **words,
        )
    )
    shown = tuple(
        (number, entry.title, view)
        for number, entry in enumerate(entries, start=1)
        if (view := vote_view(held.get(entry.agenda_item_id))) is not None
    )
    return Minutes(groups, said, tally.met, shown)


def publication_note(engine: Engine, meeting: MeetingInfo) -> str | None:
    """The note the secretariat published the agenda with (None before publication)."""
    if meeting.published_at is None or meeting.case_id is None:
        return None
    try:
        data = engine.case(meeting.case_id).data
    except NotFound:
        return None
    return _text(data, NOTE_FIELD)


def size_text(size: int) -> str:
    """A file size for the pack: "812 B", "14 kB", "2,3 MB"."""
    if size < 1024:
        return _("%(n)d B", n=size)
    if size < 1024 * 1024:
        return _("%(n)s kB", n=f"{size / 1024:.0f}")
    return _("%(n)s MB", n=format_decimal(round(size / (1024 * 1024), 1)))


# -- PDF ---------------------------------------------------------------------------------------


def pdf_text(value: str) -> str:
    """`value` reduced to what the PDF core fonts can show (see the module docstring)."""
    out = []
    for char in value.replace("\r\n", "\n").replace("\t", " "):
        if char == "\n" or _encodable(char):
            out.append(char)
            continue
        if unicodedata.category(char).startswith("C"):
            continue
        base = _NO_DECOMPOSITION.get(char) or "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(base if base and all(_encodable(c) for c in base) else "?")
    return "".join(out)


def _encodable(char: str) -> bool:
    try:
        char.encode(PDF_ENCODING)
    except UnicodeEncodeError:
        return False
    return char >= " " or char == "\n"


class _PackPdf(FPDF):
    """A4 portrait with a footer: the meeting and the page number."""

    def __init__(self, footer: str, page_word: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = PDF_ENCODING
        self.footer_text = pdf_text(footer)
        self.page_word = pdf_text(page_word)
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("helvetica", size=8)
        self.set_text_color(85, 85, 85)
        self.cell(0, 6, f"{self.footer_text} · {self.page_word} {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(29, 29, 27)

    def para(self, text: str, *, size: float = 10.5, style: str = "", height: float = 5.5) -> None:
        self.set_font("helvetica", style=style, size=size)
        self.multi_cell(0, height, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def keep_room(self, millimetres: float) -> None:
        """Start a new page unless this much room is left (no heading alone at the bottom)."""
        if self.get_y() > self.h - self.b_margin - millimetres:
            self.add_page()

    def labelled(self, label: str, text: str | None) -> None:
        if not text:
            return
        self.keep_room(16)
        self.ln(1.5)
        self.para(label, style="B", size=10)
        self.para(text)


def render_pdf(pack: Pack, *, time_text: str) -> bytes:
    """The meeting pack as a PDF document."""
    meeting = pack.meeting
    pdf = _PackPdf(f"Stuurboord · {meeting.title}", _("Pagina"))
    pdf.set_title(pdf_text(meeting.title))
    pdf.set_author("Stuurorgaan Vlaams Informatie- en ICT-beleid")
    pdf.set_creator("Stuurboord")
    pdf.set_lang(language())
    pdf.set_text_color(29, 29, 27)
    pdf.add_page()
    pdf.para(_("Vergaderbundel"), size=11, style="B")
    pdf.para(meeting.title, size=18, style="B", height=9)
    pdf.ln(2)
    facts = [
        (_("Datum"), f"{day(pack.starts_at)}, {time_text}"),
        (_("Locatie"), meeting.location),
        (_("Status"), meeting_status_label(meeting.status)),
    ]
    for label, value in facts:
        pdf.para(f"{label}: {value}")
    if pack.note:
        pdf.ln(3)
        pdf.para(_("Begeleidende nota van het secretariaat"), style="B")
        pdf.para(pack.note)
    if pack.minutes:
        _pdf_minutes(pdf, pack.minutes)
    pdf.ln(4)
    pdf.para(_("Agenda"), size=14, style="B", height=8)
    if not pack.rows:
        pdf.para(_("Er staan nog geen punten op de agenda."))
    for number, row in enumerate(pack.rows, start=1):
        pdf.para(f"{number}. {row.entry.title}", style="B")
        pdf.para(f"{row.kind} · {public_label(row.public)}", size=9.5)
        pdf.ln(1)
    for number, row in enumerate(pack.rows, start=1):
        pdf.ln(6)
        pdf.keep_room(40)
        pdf.para(f"{number}. {row.entry.title}", size=13, style="B", height=7)
        meta = [row.kind, public_label(row.public)]
        if row.focus:
            meta.append(row.focus)
        pdf.para(" · ".join(meta), size=9.5)
        if row.vote:
            _pdf_vote(pdf, row.vote)
        dossier = row.dossier
        if dossier is None:
            pdf.ln(1.5)
            pdf.para(_("Je hebt geen toegang tot het dossier van dit punt."))
            continue
        if dossier.title and dossier.title != row.entry.title:
            pdf.para(f"{_('Dossier')}: {dossier.title}", size=9.5)
        pdf.labelled(_("Samenvatting"), dossier.summary)
        pdf.labelled(_("Vraag of voorstel van beslissing"), dossier.question)
        pdf.labelled(_("Impact"), dossier.impact)
        if dossier.documents:
            pdf.labelled(
                _("Documenten"),
                "\n".join(f"- {d.filename} ({size_text(d.size_bytes)})" for d in dossier.documents),
            )
        else:
            pdf.labelled(_("Documenten"), _("Geen documenten bij dit punt."))
    return bytes(pdf.output())


def _pdf_minutes(pdf: _PackPdf, minutes: Minutes) -> None:
    pdf.ln(4)
    pdf.keep_room(40)
    pdf.para(_("Aanwezigheden en quorum"), size=14, style="B", height=8)
    pdf.para(minutes.quorum)
    for group in minutes.attendance:
        pdf.labelled(group.label, "\n".join(group.people) or _("niemand"))


def _pdf_vote(pdf: _PackPdf, vote: VoteView) -> None:
    pdf.ln(1.5)
    pdf.para(f"{_('Stemming')}: {vote}", style="B", size=10)
    pdf.para(f"{_('Uitslag')}: {vote.outcome}")
    for label, people in vote.by_seat:
        pdf.para(f"{label}: {people}", size=9.5)
