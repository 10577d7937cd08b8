"""*Zittingen*: the meetings (upcoming first), a meeting's agenda with ordering for the
secretariat, the meeting pack (printable page and PDF) and the ICS calendar feed.

Who sees what:
- A meeting is visible to whoever may see its ``meeting`` case (webapp/rights.py: the
  secretariat, the chair, members and admins see every one; others only when involved). A
  meeting without a case is visible to that first group only. Anything else answers 404, like a
  meeting that does not exist.
- Ordering the agenda is for whoever may do the meeting case's ready task *Agenda ordenen en
  markeren* (``order_agenda``, lane ``secretariat``). Others who see the meeting get 403.

Ordering goes through the engine. The meeting process has one user task for it, from the agenda
deadline (when the agenda freezes) until publication, and completing it publishes the agenda.
So the up and down buttons change a draft that travels in the form (nothing is stored), and
*Volgorde vastleggen en publiceren* completes ``order_agenda`` with the whole order and the
marks (kind, public); the process's ``publish_agenda`` service applies them and publishes.
Before the freeze and after publication there is no such task and the agenda has no buttons.

The calendar feed (``/zittingen.ics``): see webapp/ics.py for its access rules. Closed
(besloten) items appear in it without their title, because calendars get synchronised to
places outside this application.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from engine import (
    Actor,
    CaseStateError,
    Engine,
    NotFound,
    TaskConflict,
    TaskNotActive,
    ValidationFailed,
)
from engine.running.queries import TaskInfo
from processes.records import dates
from processes.records import queries as records
from processes.records.queries import AgendaEntry, MeetingInfo
from processes.records.reference import AGENDA_KINDS
from webapp import forms, ics, meeting_pack, rights
from webapp.errors import ApiError
from webapp.i18n import localized
from webapp.identity import current_actor, engine, login_required

bp = Blueprint("meetings", __name__)

ORDER_TASK = "order_agenda"
"""The meeting process's user task that orders, marks and (on completion) publishes."""
MEETING_MINUTES = 120
"""How long a meeting lasts in the calendar feed (setting MEETING_DURATION_MINUTES)."""
MOVES = ("op", "neer")


def _me() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


# -- who sees which meeting --------------------------------------------------------------------


def sees_every_meeting(eng: Engine, actor: Actor) -> bool:
    """The secretariat, the chair, members and admins (also as deputy) see every meeting."""
    return any(rights.sees_all(who) for who in rights.acting_actors(eng, actor))


def may_see_meeting(
    eng: Engine, actor: Actor, meeting: MeetingInfo, *, everything: bool | None = None
) -> bool:
    """Whether this user may see the meeting (see the module docstring)."""
    if everything is None:
        everything = sees_every_meeting(eng, actor)
    if everything:
        return True
    return meeting.case_id is not None and rights.may_see_case(eng, actor, meeting.case_id)


def visible_meetings(eng: Engine, actor: Actor, *, status: str | None = None) -> list[MeetingInfo]:
    """The meetings this user may see, by date."""
    with eng.db.read() as session:
        found = records.meetings(session, statuses=[status] if status else None)
    everything = sees_every_meeting(eng, actor)
    return [m for m in found if may_see_meeting(eng, actor, m, everything=everything)]


def visible_meeting(eng: Engine, actor: Actor, meeting_id: int) -> MeetingInfo:
    """The meeting, if this user may see it; NotFound otherwise (same as a missing one)."""
    meeting = None
    if 0 < meeting_id <= rights.MAX_ID:
        with eng.db.read() as session:
            meeting = records.meeting(session, meeting_id)
    if meeting is None or not may_see_meeting(eng, actor, meeting):
        raise NotFound(f"meeting {meeting_id} not found")
    return meeting


def agenda_of(eng: Engine, meeting_id: int) -> list[AgendaEntry]:
    """The meeting's agenda in order (deferred items included, with their status)."""
    with eng.db.read() as session:
        return records.agenda(session, meeting_id)


def order_task(eng: Engine, meeting: MeetingInfo) -> TaskInfo | None:
    """The meeting case's ready *Agenda ordenen en markeren* task, if there is one now."""
    if meeting.case_id is None:
        return None
    for task in eng.case_tasks(meeting.case_id):
        if task.state == "ready" and task.element_id == ORDER_TASK:
            return task
    return None


def today(eng: Engine) -> date:
    return dates.local_date(eng.clock.now())


def _meeting_or_404(meeting_id: int) -> MeetingInfo:
    try:
        return visible_meeting(engine(), _me(), meeting_id)
    except NotFound:
        abort(404)


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    actor = g.get("actor")
    return {"nav_meetings": bool(actor and rights.sees_all(actor))}


# -- the list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedMeeting:
    meeting: MeetingInfo
    items: int


def _listed(eng: Engine, meetings: list[MeetingInfo]) -> list[ListedMeeting]:
    with eng.db.read() as session:
        return [
            ListedMeeting(
                m,
                sum(1 for e in records.agenda(session, m.meeting_id) if e.status != "deferred"),
            )
            for m in meetings
        ]


@bp.get("/zittingen")
@login_required
def index() -> str:
    eng = engine()
    actor = _me()
    meetings = visible_meetings(eng, actor)
    now = today(eng)
    upcoming = [m for m in meetings if m.meeting_date >= now]
    past = sorted(
        (m for m in meetings if m.meeting_date < now),
        key=lambda m: (m.meeting_date, m.meeting_id),
        reverse=True,
    )
    return render_template(
        "meetings/index.html",
        upcoming=_listed(eng, upcoming),
        past=_listed(eng, past),
        feed_url=url_for("meetings.feed", sleutel=ics.feed_key(actor.user_id), _external=True),
        status_label=meeting_pack.meeting_status_label,
        starts_at=meeting_pack.starts_at,
    )


# -- one meeting and its agenda ----------------------------------------------------------------


@dataclass(frozen=True)
class DraftItem:
    """An agenda item in the order being prepared, with its marks."""

    entry: AgendaEntry
    kind: str
    public: bool


def _current_draft(entries: list[AgendaEntry]) -> list[DraftItem]:
    return [DraftItem(e, e.kind, e.public) for e in entries if e.status == "scheduled"]


def _posted_draft(entries: list[AgendaEntry], form: MultiDict[str, str]) -> list[DraftItem] | None:
    """The draft the form carries, or None when it does not match the agenda (changed since)."""
    scheduled = {e.agenda_item_id: e for e in entries if e.status == "scheduled"}
    try:
        ids = [int(value) for value in form.getlist("punt")[: len(scheduled) + 1]]
    except ValueError:
        return None
    if len(ids) != len(scheduled) or set(ids) != set(scheduled):
        return None
    draft = []
    for item_id in ids:
        entry = scheduled[item_id]
        kind = form.get(f"soort-{item_id}", entry.kind)
        draft.append(
            DraftItem(
                entry, kind if kind in AGENDA_KINDS else entry.kind, f"openbaar-{item_id}" in form
            )
        )
    return draft


def move(draft: list[DraftItem], item_id: int, direction: str) -> tuple[list[DraftItem], int]:
    """The draft with one item moved up or down one place; returns it and the new position
    (1-based). Moving the first up or the last down changes nothing."""
    index = next(i for i, item in enumerate(draft) if item.entry.agenda_item_id == item_id)
    target = index - 1 if direction == "op" else index + 1
    if not 0 <= target < len(draft):
        return draft, index + 1
    moved = list(draft)
    moved[index], moved[target] = moved[target], moved[index]
    return moved, target + 1


def _show(
    meeting: MeetingInfo,
    *,
    draft: list[DraftItem] | None = None,
    note: str = "",
    moved: str | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    eng = engine()
    actor = _me()
    entries = agenda_of(eng, meeting.meeting_id)
    task = order_task(eng, meeting)
    can_order = task is not None and rights.may_act(eng, actor, task)
    if can_order and draft is None:
        draft = _current_draft(entries)
    linkable = {
        e.topic_case_id for e in entries if rights.may_see_case(eng, actor, e.topic_case_id)
    }
    page = render_template(
        "meetings/show.html",
        meeting=meeting,
        starts_at=meeting_pack.starts_at(meeting),
        rows=meeting_pack.agenda_rows(eng, actor, entries),
        minutes=meeting_pack.minutes_of(
            eng, meeting, [e for e in entries if e.status != "deferred"]
        ),
        task=task,
        can_order=can_order,
        draft=draft or [],
        note=note,
        moved=moved,
        problems=problems or [],
        linkable=linkable,
        case_visible=meeting.case_id is not None
        and rights.may_see_case(eng, actor, meeting.case_id),
        kinds=[(code, localized(label)) for code, label in AGENDA_KINDS.items()],
        status_label=meeting_pack.meeting_status_label,
        kind_label=meeting_pack.kind_label,
        public_label=meeting_pack.public_label,
    )
    return page, status


@bp.get("/zittingen/<int:meeting_id>")
@login_required
def show(meeting_id: int) -> tuple[str, int]:
    return _show(_meeting_or_404(meeting_id))


def _order_data(draft: list[DraftItem], note: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agenda_order": [
            {"agenda_item_id": d.entry.agenda_item_id, "kind": d.kind, "public": d.public}
            for d in draft
        ]
    }
    if note.strip():
        data["agenda_note"] = note.strip()
    return data


def _publish(
    meeting: MeetingInfo, task: TaskInfo, draft: list[DraftItem], note: str
) -> Response | tuple[str, int]:
    eng = engine()
    try:
        case = eng.complete_task(
            task.id, _order_data(draft, note), rights.actor_for_task(eng, _me(), task)
        )
    except ValidationFailed as error:
        return _show(
            meeting, draft=draft, note=note, problems=forms.messages(error.errors), status=422
        )
    except (TaskConflict, TaskNotActive, CaseStateError):
        flash(
            _("Iemand anders heeft de agenda net vastgelegd, of de zitting laat dit nu niet toe."),
            "warning",
        )
        return redirect(url_for("meetings.show", meeting_id=meeting.meeting_id))
    publication = case.data.get("publication") or {}
    if publication.get("published"):
        flash(_("De agenda is vastgelegd en gepubliceerd voor de leden."), "success")
    else:
        for problem in publication.get("problems") or []:
            flash(localized(problem) or "", "warning")
    return redirect(url_for("meetings.show", meeting_id=meeting.meeting_id))


@bp.post("/zittingen/<int:meeting_id>/agenda")
@login_required
def order(meeting_id: int) -> Response | tuple[str, int]:
    """Move an item up or down in the draft, or publish the draft through the task."""
    eng = engine()
    meeting = _meeting_or_404(meeting_id)
    task = order_task(eng, meeting)
    if task is None:
        raise ApiError(
            409,
            "CONFLICT",
            _(
                "De agenda kan nu niet geordend worden: dat kan vanaf de agenderingsdeadline "
                "tot de agenda gepubliceerd is."
            ),
        )
    if not rights.may_act(eng, _me(), task):
        abort(403)
    entries = agenda_of(eng, meeting_id)
    note = request.form.get("nota", "")[:4000]
    draft = _posted_draft(entries, request.form)
    if draft is None:
        flash(_("De agenda is intussen gewijzigd; dit is de huidige volgorde."), "warning")
        return _show(meeting, note=note, status=409)
    if "publiceer" in request.form:
        return _publish(meeting, task, draft, note)
    item, _sep, direction = request.form.get("verplaats", "").partition(":")
    if not item.isdigit() or direction not in MOVES:
        return _show(meeting, draft=draft, note=note, status=400)
    if int(item) not in {d.entry.agenda_item_id for d in draft}:
        return _show(meeting, draft=draft, note=note, status=400)
    draft, position = move(draft, int(item), direction)
    title = next(d.entry.title for d in draft if d.entry.agenda_item_id == int(item))
    moved = _(
        '"%(title)s" staat nu op plaats %(position)s van %(count)s. Nog niet vastgelegd.',
        title=title,
        position=position,
        count=len(draft),
    )
    return _show(meeting, draft=draft, note=note, moved=moved)


# -- the meeting pack --------------------------------------------------------------------------


def _pack(meeting_id: int) -> meeting_pack.Pack:
    eng = engine()
    meeting = _meeting_or_404(meeting_id)
    return meeting_pack.build_pack(eng, _me(), meeting, agenda_of(eng, meeting_id))


@bp.get("/zittingen/<int:meeting_id>/bundel")
@login_required
def pack(meeting_id: int) -> str:
    return render_template(
        "meetings/pack.html",
        pack=_pack(meeting_id),
        status_label=meeting_pack.meeting_status_label,
        public_label=meeting_pack.public_label,
        size_text=meeting_pack.size_text,
    )


@bp.get("/zittingen/<int:meeting_id>/bundel.pdf")
@login_required
def pack_pdf(meeting_id: int) -> Response:
    found = _pack(meeting_id)
    meeting = found.meeting
    body = meeting_pack.render_pdf(found, time_text=meeting.start_time.strftime("%H:%M"))
    name = f"vergaderbundel-{meeting.meeting_date.isoformat()}-{meeting.meeting_id}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


# -- the calendar feed -------------------------------------------------------------------------


def _description(meeting: MeetingInfo, entries: list[AgendaEntry], link: str) -> str:
    published = meeting.status not in ("planned", "agenda_frozen")
    lines = [_("Agenda") + ":" if published else _("Voorlopige agenda") + ":"]
    shown = [e for e in entries if e.status != "deferred"]
    for number, entry in enumerate(shown, start=1):
        title = entry.title if entry.public else _("Besloten punt")
        lines.append(f"{number}. {title} ({meeting_pack.kind_label(entry.kind)})")
    if not shown:
        lines.append(_("Er staan nog geen punten op de agenda."))
    lines += ["", _("Details en vergaderbundel: %(link)s", link=link)]
    return "\n".join(lines)


def meeting_events(eng: Engine, actor: Actor) -> Iterator[ics.Event]:
    """One calendar event per meeting this user may see."""
    minutes = int(current_app.config.get("MEETING_DURATION_MINUTES") or MEETING_MINUTES)
    for meeting in visible_meetings(eng, actor):
        start = meeting_pack.starts_at(meeting)
        link = url_for("meetings.show", meeting_id=meeting.meeting_id, _external=True)
        yield ics.Event(
            uid=f"zitting-{meeting.meeting_id}@stuurboord",
            start=start,
            end=start + timedelta(minutes=minutes),
            summary=meeting.title,
            location=meeting.location,
            description=_description(meeting, agenda_of(eng, meeting.meeting_id), link),
            url=link,
        )


def _feed_actor() -> Actor | None:
    """The user the feed is for: the personal link's, else the signed-in one."""
    key = request.args.get("sleutel")
    if key is None:
        return current_actor()
    user_id = ics.feed_user(key)
    if user_id is None:
        abort(404)
    try:
        return engine().actor(user_id)
    except NotFound:  # deactivated or removed: the link no longer works
        abort(404)


@bp.get("/zittingen.ics")
def feed() -> Response:
    """The meetings as an iCalendar feed (RFC 5545)."""
    actor = _feed_actor()
    if actor is None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    eng = engine()
    body = ics.calendar(
        meeting_events(eng, actor),
        name=_("Zittingen van het Stuurorgaan"),
        stamp=eng.clock.now(),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="zittingen.ics"'},
    )
