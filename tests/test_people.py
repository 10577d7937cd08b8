"""Users, roles, deputies, case visibility helpers and the diagram state, via the facade."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Engine, Forbidden, NotFound, ValidationFailed
from tests.conftest import BPMN
from tests.helpers import ApproveForm, IntakeForm, StartForm, actor


@pytest.fixture
def review(engine: Engine, registry) -> Engine:
    registry.form("review", "start", StartForm)
    registry.form("review", "intake", IntakeForm)
    registry.form("review", "approve", ApproveForm)
    engine.deploy([BPMN / "review.bpmn"])
    return engine


def test_grant_revoke_and_deactivate_are_admin_only_and_audited(review: Engine) -> None:
    admin = actor(review, "ada", ("admin", None))
    carla = actor(review, "carla", ("clerk", None))
    with pytest.raises(Forbidden):
        review.grant("carla", "manager", None, carla)
    review.grant("carla", "manager", None, admin)
    assert review.actor("carla").holds("manager")
    assert review.revoke("carla", "manager", None, admin) is True
    assert review.revoke("carla", "manager", None, admin) is False
    assert not review.actor("carla").holds("manager")
    review.set_user_active("carla", False, admin)
    with pytest.raises(NotFound):
        review.actor("carla")
    [info] = [u for u in review.users() if u.id == "carla"]
    assert info.active is False and info.grants == (("clerk", None),)
    actions = [e.action for e in review.audit_trail()]
    assert {"role_granted", "role_revoked", "user_deactivated"} <= set(actions)


def test_deputy_acts_for_the_principal_and_the_audit_says_so(review: Engine, clock) -> None:
    carla = actor(review, "carla", ("clerk", None))
    actor(review, "dirk")  # no roles of his own
    review.start_case("review", {"requester": "carla"}, carla)
    with pytest.raises(ValidationFailed, match="own deputy"):
        review.set_deputy("carla", "carla", clock.now(), clock.now() + timedelta(days=1), carla)
    with pytest.raises(Forbidden):
        review.set_deputy(
            "carla", "dirk", clock.now(), clock.now() + timedelta(days=1), review.actor("dirk")
        )
    review.set_deputy("carla", "dirk", clock.now(), clock.now() + timedelta(days=7), carla)
    assert review.principals_of("dirk") == ["carla"]
    dirk_for_carla = review.acting_for("dirk", "carla")
    [task] = review.tasks_for(dirk_for_carla)
    review.complete_task(task.id, {"amount": 10}, dirk_for_carla)
    [entry] = [e for e in review.audit_trail() if e.action == "task_completed"]
    assert (entry.actor, entry.on_behalf_of) == ("dirk", "carla")
    # The archive task is assigned to carla (the requester): her deputy may do it too.
    [archive] = review.tasks_for(dirk_for_carla)
    assert archive.assignee == "carla"
    clock.advance(days=8)
    assert review.principals_of("dirk") == []
    with pytest.raises(Forbidden, match="not a deputy"):
        review.acting_for("dirk", "carla")


def test_principals_of_counts_the_period_start_but_not_its_end(review: Engine, clock) -> None:
    """principals_of is a prebuilt statement with `now` twice: starts <= now < ends, each
    principal once, by id."""
    for name in ("zoe", "carla", "bert", "dirk"):
        actor(review, name)
    ada = actor(review, "ada", ("admin", None))
    soon, later = clock.now() + timedelta(days=1), clock.now() + timedelta(days=3)
    review.set_deputy("zoe", "dirk", clock.now(), later, ada)
    review.set_deputy("carla", "dirk", clock.now(), soon, ada)
    review.set_deputy("bert", "dirk", soon, later, ada)
    review.set_deputy("carla", "dirk", soon, later, ada)
    assert review.principals_of("dirk") == ["carla", "zoe"]
    assert review.principals_of("zoe") == []
    clock.advance(days=1)  # exactly `soon`: carla's first period ended, the second began
    assert review.principals_of("dirk") == ["bert", "carla", "zoe"]
    clock.advance(days=2)  # exactly `later`: every period ended
    assert review.principals_of("dirk") == []


def test_list_cases_and_involvement(review: Engine) -> None:
    carla = actor(review, "carla", ("clerk", None))
    mona = actor(review, "mona", ("manager", None))
    first = review.start_case("review", {"requester": "carla"}, carla)
    second = review.start_case("review", {"requester": "carla"}, carla)
    [intake, _] = sorted(review.tasks_for(carla), key=lambda t: t.case_id)
    review.complete_task(intake.id, {"amount": 5000}, carla)
    assert [c.id for c in review.list_cases()] == [second.id, first.id]
    assert [c.id for c in review.list_cases(involving="mona")] == []
    [approve] = review.tasks_for(mona)
    review.complete_task(approve.id, {"approved": True}, mona)
    assert [c.id for c in review.list_cases(involving="mona")] == [first.id]
    assert review.case_involves(first.id, "mona") and not review.case_involves(second.id, "mona")
    assert [c.id for c in review.list_cases(status="completed")] == [first.id]


def test_list_cases_visible_to_pages_newest_first(review: Engine, clock) -> None:
    """Cases an actor started, has or had a task in, may act on through a role, or those of
    whom they deputise for: newest first, paged, the same with or without other filters."""
    carla = actor(review, "carla", ("clerk", None))
    mona = actor(review, "mona", ("manager", None))
    dora = actor(review, "dora")
    cases = [review.start_case("review", {"requester": "carla"}, carla) for _ in range(5)]
    for case in cases[:3]:
        [intake] = [t for t in review.case_tasks(case.id) if t.state == "ready"]
        review.complete_task(intake.id, {"amount": 5000}, carla)  # approve: mona's role
    [approve, *_] = sorted(review.tasks_for(mona), key=lambda t: t.case_id)
    review.complete_task(approve.id, {"approved": True}, mona)
    newest = sorted((case.id for case in cases), reverse=True)
    by_mona = [c for c in newest if c in {case.id for case in cases[:3]}]
    assert [c.id for c in review.list_cases(visible_to=[mona])] == by_mona
    assert [c.id for c in review.list_cases(visible_to=[mona], limit=1, offset=1)] == by_mona[1:2]
    assert [c.id for c in review.list_cases(visible_to=[carla], limit=2, offset=1)] == newest[1:3]
    assert [c.id for c in review.list_cases(visible_to=[dora])] == []
    now = clock.now()
    review.set_deputy("mona", "dora", now - timedelta(days=1), now + timedelta(days=1), mona)
    as_deputy = review.acting_for("dora", "mona")
    assert [c.id for c in review.list_cases(visible_to=[dora, as_deputy])] == by_mona
    texts = review.list_cases(visible_to=[mona], text="carla", limit=2, offset=1)
    assert [c.id for c in texts] == by_mona[1:3]


def test_display_names_of_some_users_or_all(review: Engine) -> None:
    actor(review, "carla", ("clerk", None))
    actor(review, "mona", ("manager", None))
    everyone = review.display_names()
    assert {"carla", "mona"} <= everyone.keys()
    assert review.display_names(["mona", "nobody", "mona"]) == {"mona": everyone["mona"]}
    assert review.display_names({"carla", "mona"}) == {k: everyone[k] for k in ("carla", "mona")}
    assert review.display_names([]) == {}


def test_cases_by_id_takes_any_number_of_ids(review: Engine) -> None:
    """More ids than psycopg's limit for a prepared statement's parameters, missing ones too."""
    carla = actor(review, "carla", ("clerk", None))
    started = [review.start_case("review", {"requester": "carla"}, carla) for _ in range(60)]
    ids = [case.id for case in started]
    found = review.cases([*ids, max(ids) + 1000], data_keys=["requester"])
    assert sorted(found) == sorted(ids)
    assert all(found[i].data == {"requester": "carla"} for i in ids)
    assert review.cases(ids[:1]) == {ids[0]: review.case(ids[0])}
    assert review.cases([]) == {}


def test_diagram_state_marks_completed_active_and_failing_elements(review: Engine) -> None:
    carla = actor(review, "carla", ("clerk", None))
    case = review.start_case("review", {"requester": "carla"}, carla)
    state = review.diagram_state(case.id)
    assert state.active == ("intake",) and "start" in state.completed
    assert "<bpmn:process" in state.source_xml and state.version == 1
    [intake] = review.tasks_for(carla)
    review.complete_task(intake.id, {"amount": 5000}, carla)
    state = review.diagram_state(case.id)
    assert {"start", "intake", "gw"} <= set(state.completed)
    assert state.active == ("approve",) and state.incidents == ()
    with pytest.raises(NotFound):
        review.diagram_state(999)


def test_preferences_language_and_digest_are_audited_and_checked(review: Engine) -> None:
    carla = actor(review, "carla", ("clerk", None))
    review.set_preferences("carla", language="en", notify_mode="digest", actor=carla)
    info = review.user("carla")
    assert info is not None and (info.language, info.notify_mode) == ("en", "digest")
    with pytest.raises(ValidationFailed) as caught:
        review.set_preferences("carla", language="fr", notify_mode="hourly", actor=carla)
    assert set(caught.value.errors) == {"language", "notify_mode"}
    with pytest.raises(Forbidden):
        review.set_preferences("carla", language="nl", actor=actor(review, "otto"))
    [entry] = [e for e in review.audit_trail() if e.action == "preferences_changed"]
    assert entry.changes == {
        "language": {"before": "nl", "after": "en"},
        "notify_mode": {"before": "immediate", "after": "digest"},
    }
