"""REST API: ordering and publishing a meeting's agenda through its task, and the
comply-or-explain register as JSON and as the page's CSV, over the real committee processes."""

from __future__ import annotations

from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.web.conftest import bearer, token_for
from tests.web.test_meetings import answered, frozen, planned

PROBLEM = "application/problem+json"


def _order(s, items: list[dict], user: str = "sara", note: str | None = None):
    body: dict = {"items": items}
    if note is not None:
        body["note"] = note
    return s.app.test_client().post(
        f"/api/v1/meetings/{s.meeting_id}/agenda/order",
        json=body,
        headers=bearer(token_for(s.app, user)),
    )


def test_the_secretariat_orders_and_publishes_the_agenda_through_its_task(
    committee: Committee,
) -> None:
    s = frozen(planned(committee))
    a, b, c = s.topics
    order = [
        {"agenda_item_id": s.items[c], "kind": "information", "public": False},
        {"agenda_item_id": s.items[a], "kind": "decision"},
        {"agenda_item_id": s.items[b], "kind": "discussion"},
    ]
    answer = _order(s, order, note="C is besloten.")
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "published"
    assert [i["topic_case_id"] for i in answer.json["agenda"]] == [c, a, b]
    assert (
        answer.json["agenda"][0] | {"kind": "information", "public": False}
        == (answer.json["agenda"][0])
    )
    task = next(t for t in committee.engine.case_tasks(s.meeting_case)
                if t.element_id == "order_agenda")  # fmt: skip
    assert task.state == "completed" and task.completed_by == "sara"
    again = _order(s, order)
    assert again.status_code == 409 and again.json["code"] == "CONFLICT"


def test_agenda_ordering_refuses_others_wrong_orders_and_unknown_meetings(
    committee: Committee,
) -> None:
    s = planned(committee)
    a, b, c = s.topics
    full = [{"agenda_item_id": s.items[t], "kind": "decision"} for t in (a, b, c)]
    before_freeze = _order(s, full)
    assert before_freeze.status_code == 409  # no task before the agenda deadline
    frozen(s)
    assert _order(s, full, user="mia").status_code == 403  # a member sees, may not order
    assert _order(s, full, user="sofie").status_code == 404  # a submitter does not see it
    missing = _order(s, full[:2])
    assert missing.status_code == 422 and "items" in missing.json["errors"]
    twice = _order(s, [*full, full[0]])
    assert twice.status_code == 422 and "items" in twice.json["errors"]
    bad_kind = _order(s, [{**full[0], "kind": "vote"}, *full[1:]])
    assert bad_kind.status_code == 422 and "items" in bad_kind.json["errors"]
    unknown = s.app.test_client().post(
        "/api/v1/meetings/999999/agenda/order",
        json={"items": full},
        headers=bearer(token_for(s.app, "sara")),
    )
    assert unknown.status_code == 404 and unknown.mimetype == PROBLEM
    assert s.meeting().status != "published"
    assert committee.task(s.meeting_case, "order_agenda").state == "ready"


def test_the_register_as_json_and_as_the_pages_csv(committee: Committee) -> None:
    s = planned(committee)
    answered(s)
    client = s.app.test_client()
    sara = bearer(token_for(s.app, "sara"))
    rows = client.get("/api/v1/register", headers=sara).json
    assert {"dep-omg", "gem-gent"} <= {r["organisation_id"] for r in rows}
    gent = next(r for r in rows if r["organisation_id"] == "gem-gent")
    assert gent["status"] == "explained" and gent["planned_on"] == "2027-01-31"
    assert gent["reason"].startswith("Ons loket")

    api_csv = client.get("/api/v1/register.csv", headers=sara)
    page_csv = s.client("sara").get("/pas-toe-of-leg-uit.csv")
    assert api_csv.status_code == 200 and api_csv.data == page_csv.data
    assert api_csv.headers["Content-Type"] == page_csv.headers["Content-Type"]
    assert api_csv.data.decode("utf-8-sig").count("\r\n") == len(rows) + 1

    only = client.get("/api/v1/register?status=explained", headers=sara).json
    assert {r["status"] for r in only} == {"explained"}
    filtered = client.get("/api/v1/register.csv?status=explained", headers=sara)
    assert filtered.data == s.client("sara").get("/pas-toe-of-leg-uit.csv?status=explained").data
    bad = client.get("/api/v1/register?status=bogus", headers=sara)
    assert bad.status_code == 422 and "status" in bad.json["errors"]

    jan = bearer(token_for(s.app, "jan"))  # gem-gent's contact person: only theirs
    assert {r["organisation_id"] for r in client.get("/api/v1/register", headers=jan).json} == {
        "gem-gent"
    }
    tom = bearer(token_for(s.app, "tom"))  # a submitter: nothing
    assert client.get("/api/v1/register", headers=tom).json == []
