"""Webhooks: CloudEvents written with their cause, signed the Standard Webhooks way, delivered by
the scheduler at least once, retried with back-off, and a dead endpoint switched off."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, update

from engine import Database, Engine, ManualClock, Registry, ValidationFailed
from engine.notify import webhooks
from engine.notify.webhook_addresses import AddressRefused, check, is_public
from engine.notify.webhook_delivery import BACKOFF, STALE_CLAIM, WebhookSender
from engine.people.actors import SYSTEM_ACTOR
from engine.scheduling.scheduler import Scheduler
from engine.storage.models import AuditEntry, Notification
from engine.storage.webhook_tables import WebhookDelivery, WebhookEndpoint
from tests.conftest import BPMN
from tests.helpers import ApproveForm, IntakeForm, StartForm, actor, snapshot

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef01234567").decode()


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST and answers `status`."""

    url: str
    status: int = 204
    received: list[Received] = field(default_factory=list)


@pytest.fixture(name="receiver")
def receiver_fixture() -> Iterator[Receiver]:
    holder: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {key.lower(): value for key, value in self.headers.items()}
            holder[0].received.append(Received(headers, body))
            self.send_response(holder[0].status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder.append(Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks?from=test"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder[0]
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_private(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUURBOORD_WEBHOOK_ALLOW_PRIVATE", "1")


@pytest.fixture
def review(engine: Engine, registry: Registry) -> Engine:
    registry.form("review", "start", StartForm)
    registry.form("review", "intake", IntakeForm)
    registry.form("review", "approve", ApproveForm)
    engine.deploy([BPMN / "review.bpmn"])
    actor(engine, "carla", ("clerk", None))
    actor(engine, "mona", ("manager", None))
    actor(engine, "anna", ("admin", None))
    return engine


def expected_signature(secret: str, headers: dict[str, str], body: bytes) -> str:
    """Standard Webhooks, computed here without the engine's code."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def _deliveries(db: Database) -> list[WebhookDelivery]:
    with db.read() as session:
        rows = session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars()
        return list(rows)


def _complete_intake(engine: Engine) -> tuple[int, str]:
    carla = engine.actor("carla")
    case = engine.start_case("review", {"requester": "carla"}, carla)
    [task] = [t for t in engine.case_tasks(case.id) if t.state == "ready"]
    engine.complete_task(task.id, {"amount": 5}, carla)
    return case.id, task.id


# -- delivery ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("allow_private")
def test_completed_task_reaches_the_receiver_as_a_signed_cloud_event(
    review: Engine, receiver: Receiver, clock: ManualClock
) -> None:
    created = review.webhooks.add(receiver.url, [webhooks.TASK_COMPLETED], SYSTEM_ACTOR, SECRET)
    assert not created.generated and created.secret == SECRET
    case_id, task_id = _complete_intake(review)
    assert receiver.received == []  # nothing leaves inside the transaction

    report = Scheduler(review).run_due()

    assert report.webhooks == 1
    [got] = receiver.received
    event = got.event
    assert event["specversion"] == "1.0"
    assert event["type"] == "be.stuurboord.task.completed"
    assert event["source"] == "urn:stuurboord"
    assert event["subject"] == f"cases/{case_id}/tasks/{task_id}"
    assert event["datacontenttype"] == "application/json"
    assert event["time"] == "2026-03-02T09:00:00Z"
    assert event["data"] == {
        "case_id": case_id, "process_id": "review", "task_id": task_id, "element_id": "intake",
        "task_name": "Intake", "completed_by": "carla",
    }  # fmt: skip
    assert got.headers["webhook-id"] == event["id"]
    assert got.headers["webhook-timestamp"] == str(int(clock.now().timestamp()))
    assert got.headers["content-type"].startswith("application/cloudevents+json")
    assert got.headers["webhook-signature"] == expected_signature(SECRET, got.headers, got.body)
    # A tampered body would not verify.
    assert expected_signature(SECRET, got.headers, got.body + b" ") != got.headers[
        "webhook-signature"
    ]
    [row] = _deliveries(review.db)
    assert (row.status, row.attempts, row.last_status) == ("delivered", 1, 204)
    assert row.delivered_at == clock.now()

    Scheduler(review).run_due()
    assert len(receiver.received) == 1  # delivered once, not again


@pytest.mark.usefixtures("allow_private")
def test_each_endpoint_gets_only_the_types_it_wants(
    review: Engine, receiver: Receiver
) -> None:
    review.webhooks.add(receiver.url, [webhooks.CASE_STARTED, webhooks.CASE_ENDED], SYSTEM_ACTOR)
    carla, mona = review.actor("carla"), review.actor("mona")
    case = review.start_case("review", {"requester": "carla"}, carla)
    [intake] = review.tasks_for(carla)
    review.complete_task(intake.id, {"amount": 5000}, carla)
    [approve] = review.tasks_for(mona)
    review.complete_task(approve.id, {"approved": True}, mona)
    Scheduler(review).run_due()
    types = [got.event["type"] for got in receiver.received]
    assert types == ["be.stuurboord.case.started", "be.stuurboord.case.ended"]
    assert receiver.received[0].event["data"]["started_by"] == "carla"
    assert receiver.received[1].event["data"] == {
        "case_id": case.id, "process_id": "review", "status": "completed"
    }
    ids = {got.headers["webhook-id"] for got in receiver.received}
    assert len(ids) == 2


@pytest.mark.usefixtures("allow_private")
def test_terminated_case_and_incident_are_events(review: Engine, receiver: Receiver) -> None:
    review.webhooks.add(receiver.url, [webhooks.CASE_ENDED, webhooks.INCIDENT_OPENED],
                        SYSTEM_ACTOR)  # fmt: skip
    carla = review.actor("carla")
    case = review.start_case("review", {"requester": "carla"}, carla)
    review.terminate(case.id, review.actor("anna"), "test")
    Scheduler(review).run_due()
    [ended] = [got.event for got in receiver.received]
    assert ended["data"]["status"] == "terminated"
    assert ended["data"]["process_id"] == "review"


@pytest.mark.usefixtures("allow_private")
def test_every_step_reads_the_endpoints_as_they_stand(review: Engine, receiver: Receiver) -> None:
    """A step reads the active endpoints in its own transaction (on PostgreSQL in one round
    trip with its revision claim), also when its case's workflow is cached in the process: an
    endpoint switched on or off between two steps of a case counts from the next step on."""
    anna, carla, mona = review.actor("anna"), review.actor("carla"), review.actor("mona")
    endpoint = review.webhooks.add(receiver.url, [webhooks.TASK_COMPLETED], anna).endpoint
    review.webhooks.set_active(endpoint.id, False, anna)
    case = review.start_case("review", {"requester": "carla"}, carla)
    review.webhooks.set_active(endpoint.id, True, anna)
    [intake] = review.tasks_for(carla)
    review.complete_task(intake.id, {"amount": 5000}, carla)
    review.webhooks.set_active(endpoint.id, False, anna)
    [approve] = review.tasks_for(mona)
    review.complete_task(approve.id, {"approved": True}, mona)
    assert [(row.case_id, row.payload["data"]["task_id"]) for row in _deliveries(review.db)] == [
        (case.id, intake.id)
    ]


def test_nothing_is_written_when_no_endpoint_wants_the_event(review: Engine) -> None:
    _complete_intake(review)
    assert _deliveries(review.db) == []


@pytest.mark.usefixtures("allow_private")
def test_an_event_rolls_back_with_its_cause(
    review: Engine, receiver: Receiver, clock: ManualClock
) -> None:
    review.webhooks.add(receiver.url, [webhooks.TASK_COMPLETED], SYSTEM_ACTOR)
    with pytest.raises(RuntimeError), review.db.write() as session:
        webhooks.emit(session, clock, webhooks.TASK_COMPLETED, subject="x", data={"a": 1})
        raise RuntimeError("the cause failed")
    assert _deliveries(review.db) == []
    with pytest.raises(ValidationFailed):
        carla = review.actor("carla")
        review.start_case("review", {"requester": "carla"}, carla)
        [task] = review.tasks_for(carla)
        review.complete_task(task.id, {"amount": -1}, carla)
    assert _deliveries(review.db) == []


@pytest.mark.usefixtures("allow_private")
def test_a_restart_between_write_and_delivery_loses_no_event(
    db: Database, review: Engine, receiver: Receiver, clock: ManualClock, registry: Registry
) -> None:
    review.webhooks.add(receiver.url, [webhooks.TASK_COMPLETED], SYSTEM_ACTOR, SECRET)
    _complete_intake(review)
    review.db.dispose()  # the process dies before the scheduler ran

    reborn = Engine(Database(db.url), registry, clock)
    try:
        assert Scheduler(reborn).run_due().webhooks == 1
    finally:
        reborn.db.dispose()
    [got] = receiver.received
    assert got.event["type"] == webhooks.TASK_COMPLETED
    assert got.headers["webhook-signature"] == expected_signature(SECRET, got.headers, got.body)


@pytest.mark.usefixtures("allow_private")
def test_a_sender_that_died_mid_post_sends_again_later_with_the_same_id(
    review: Engine, receiver: Receiver, clock: ManualClock
) -> None:
    review.webhooks.add(receiver.url, [webhooks.TASK_COMPLETED], SYSTEM_ACTOR)
    _complete_intake(review)
    with review.db.write() as session:  # as a sender leaves a row it claimed when it dies
        session.execute(update(WebhookDelivery).values(status="sending",
                                                       next_attempt_at=clock.now()))  # fmt: skip
    assert Scheduler(review).run_due().webhooks == 0
    clock.set(clock.now() + STALE_CLAIM)
    assert Scheduler(review).run_due().webhooks == 1
    [row] = _deliveries(review.db)
    assert receiver.received[0].headers["webhook-id"] == row.event_id


@pytest.mark.usefixtures("allow_private")
def test_a_failing_receiver_is_retried_with_back_off_then_switched_off(
    review: Engine, receiver: Receiver, clock: ManualClock
) -> None:
    receiver.status = 500
    endpoint = review.webhooks.add(receiver.url, [webhooks.TASK_COMPLETED], SYSTEM_ACTOR).endpoint
    _complete_intake(review)
    start = clock.now()
    scheduler = Scheduler(review)

    scheduler.run_due()
    attempts_at = [start]
    for step in (*BACKOFF, BACKOFF[-1], BACKOFF[-1], BACKOFF[-1]):
        clock.set(clock.now() + step - timedelta(seconds=1))
        scheduler.run_due()  # not yet due
        assert len(receiver.received) == len(attempts_at)
        clock.advance(seconds=1)
        scheduler.run_due()
        attempts_at.append(clock.now())
    stamps = [int(got.headers["webhook-timestamp"]) for got in receiver.received]
    assert stamps == [int(at.timestamp()) for at in attempts_at]
    assert [at - start for at in attempts_at][:6] == [
        timedelta(0), timedelta(minutes=1), timedelta(minutes=6), timedelta(minutes=36),
        timedelta(hours=2, minutes=36), timedelta(hours=8, minutes=36),
    ]  # fmt: skip
    assert len({got.headers["webhook-id"] for got in receiver.received}) == 1

    # The last attempt came more than a day after the first failure: switched off.
    assert attempts_at[-1] - start >= timedelta(days=1)
    [info] = review.webhooks.endpoints()
    assert not info.active and info.switched_off_by == "scheduler"
    assert info.failing_since == start and info.waiting == 1
    with review.db.read() as session:
        notes = session.execute(
            select(Notification.user_id, Notification.channel, Notification.params).where(
                Notification.template == "webhook_switched_off"
            )
        ).all()
        audited = session.scalars(
            select(AuditEntry.action).where(AuditEntry.action == "webhook_switched_off")
        ).all()
    assert {(user, channel) for user, channel, _ in notes} == {("anna", "inapp")}
    assert notes[0].params["url"] == receiver.url
    assert audited == ["webhook_switched_off"]
    [note] = review.notifications("anna")
    assert receiver.url in note.title

    # Off means off: nothing more goes out, however long we wait.
    clock.advance(days=2)
    scheduler.run_due()
    assert len(receiver.received) == len(attempts_at)

    # The receiver works again; the admin switches the endpoint on: the waiting event goes out.
    receiver.status = 200
    review.webhooks.set_active(endpoint.id, True, review.actor("anna"))
    assert scheduler.run_due().webhooks == 1
    [row] = _deliveries(review.db)
    assert row.status == "delivered" and row.attempts == len(attempts_at) + 1
    assert review.webhooks.endpoints()[0].failing_since is None


@pytest.mark.usefixtures("allow_private")
def test_a_success_ends_the_failing_streak(
    review: Engine, receiver: Receiver, clock: ManualClock
) -> None:
    receiver.status = 503
    review.webhooks.add(receiver.url, [webhooks.TASK_COMPLETED], SYSTEM_ACTOR)
    _complete_intake(review)
    scheduler = Scheduler(review)
    scheduler.run_due()
    assert review.webhooks.endpoints()[0].failing_since == clock.now()
    receiver.status = 200
    clock.set(clock.now() + BACKOFF[0])
    scheduler.run_due()
    [info] = review.webhooks.endpoints()
    assert info.failing_since is None and info.active
    assert info.last_delivered_at == clock.now()


def test_the_scheduler_wakes_for_the_next_webhook_attempt(
    review: Engine, clock: ManualClock
) -> None:
    class Down:
        def __call__(self, *args: object) -> object:
            from engine.notify.webhook_delivery import Answer

            return Answer(None, "ConnectionRefusedError: down")

    sender = WebhookSender(review.db, clock, poster=Down(), allow_private=True)
    admin = review.webhooks
    admin.allow_private = True
    admin.add("http://127.0.0.1:9/x", [webhooks.TASK_COMPLETED], SYSTEM_ACTOR)
    _complete_intake(review)
    scheduler = Scheduler(review, webhook_sender=sender)
    scheduler.run_due()
    [row] = _deliveries(review.db)
    assert row.last_error == "ConnectionRefusedError: down" and row.last_status is None
    assert scheduler.next_wakeup() == clock.now() + BACKOFF[0]


# -- addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fe80::1]/hook",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_private_and_loopback_addresses_are_refused_without_the_setting(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STUURBOORD_WEBHOOK_ALLOW_PRIVATE", raising=False)
    with pytest.raises(AddressRefused) as refused:
        check(url, allow_private=False)
    assert refused.value.reason == "private"
    assert "STUURBOORD_WEBHOOK_ALLOW_PRIVATE" in str(refused.value)


def test_registration_refuses_loopback_and_stores_nothing(
    review: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STUURBOORD_WEBHOOK_ALLOW_PRIVATE", raising=False)
    before = snapshot(review.db)
    with pytest.raises(ValidationFailed) as refused:
        review.webhooks.add("http://127.0.0.1:8000/hook", [webhooks.TASK_COMPLETED], SYSTEM_ACTOR)
    assert refused.value.errors == {"url": ["private"]}
    assert "private or local address" in refused.value.message
    assert snapshot(review.db) == before


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/x", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("https://user:pw@example.org/x", "credentials"),
        ("https:///nohost", "host"),
        ("https://example.org/x y", "characters"),
        ("", "empty"),
        ("https://example.org:99999/", "port"),
        ("https://example.org/#frag", "fragment"),
    ],
)
def test_only_plain_http_urls_are_accepted(url: str, reason: str) -> None:
    with pytest.raises(AddressRefused) as refused:
        check(url, allow_private=True, resolver=lambda host, port: ["93.184.215.14"])
    assert refused.value.reason == reason


def test_a_public_address_passes_and_is_pinned() -> None:
    target = check("https://hooks.example.org/in?x=1", allow_private=False,
                   resolver=lambda host, port: ["93.184.215.14"])  # fmt: skip
    assert (target.host, target.port, target.address, target.path) == (
        "hooks.example.org", 443, "93.184.215.14", "/in?x=1",
    )  # fmt: skip
    assert is_public("2a00:1450:4001:80b::200e") and not is_public("fc00::1")
    with pytest.raises(AddressRefused):  # one inside address among the answers is enough
        check("https://hooks.example.org/", allow_private=False,
              resolver=lambda host, port: ["93.184.215.14", "127.0.0.1"])  # fmt: skip


@pytest.mark.usefixtures("allow_private")
def test_delivery_checks_the_address_again(
    review: Engine, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    review.webhooks.add(receiver.url, [webhooks.TASK_COMPLETED], SYSTEM_ACTOR)
    _complete_intake(review)
    monkeypatch.delenv("STUURBOORD_WEBHOOK_ALLOW_PRIVATE")  # as if the name now pointed inside
    Scheduler(review).run_due()
    assert receiver.received == []
    [row] = _deliveries(review.db)
    assert row.status == "pending" and row.attempts == 1
    assert row.last_error.startswith("refused: the host 127.0.0.1 is on a private")


# -- registration ------------------------------------------------------------------------------


@pytest.mark.usefixtures("allow_private")
def test_registration_checks_types_and_secret(review: Engine) -> None:
    admin = review.webhooks
    with pytest.raises(ValidationFailed) as unknown:
        admin.add("http://127.0.0.1/x", ["be.stuurboord.case.started", "nope"], SYSTEM_ACTOR)
    assert unknown.value.errors == {"events": ["unknown"]}
    assert "unknown event type(s) nope; known: be.stuurboord.case.started" in unknown.value.message
    with pytest.raises(ValidationFailed) as missing:
        admin.add("http://127.0.0.1/x", [], SYSTEM_ACTOR)
    assert missing.value.errors == {"events": ["missing"]}
    for bad in ("s3cret", "whsec_not base64!", "whsec_" + base64.b64encode(b"short").decode()):
        with pytest.raises(ValidationFailed) as invalid:
            admin.add("http://127.0.0.1/x", [webhooks.CASE_STARTED], SYSTEM_ACTOR, bad)
        assert invalid.value.errors == {"secret": ["invalid"]}
    assert admin.endpoints() == []
    with pytest.raises(Exception, match="only an admin"):
        admin.add("http://127.0.0.1/x", [webhooks.CASE_STARTED], review.actor("carla"))

    created = admin.add("http://127.0.0.1/x", [webhooks.CASE_STARTED], review.actor("anna"))
    assert created.generated
    assert len(webhooks.secret_bytes(created.secret)) == webhooks.SECRET_BYTES
    [info] = admin.endpoints()
    assert info.created_by == "anna" and info.last_delivered_at is None
    with review.db.read() as session:
        stored = session.scalar(select(WebhookEndpoint.secret))
        reasons = session.scalars(select(AuditEntry.reason).where(
            AuditEntry.action == "webhook_added")).all()  # fmt: skip
    assert stored == created.secret
    assert created.secret not in reasons[0]


def test_application_event_types_are_offered(engine: Engine, registry: Registry) -> None:
    registry.webhook_event("be.example.thing.done", {"nl": "Ding gedaan", "en": "Thing done"})
    assert list(engine.webhook_event_types())[-1] == "be.example.thing.done"
    with pytest.raises(ValueError):
        registry.webhook_event("be.example.thing.done", {"nl": "x", "en": "x"})


@pytest.mark.usefixtures("allow_private")
def test_switch_off_delete_and_resend(
    review: Engine, receiver: Receiver, clock: ManualClock
) -> None:
    anna = review.actor("anna")
    endpoint = review.webhooks.add(receiver.url, [webhooks.TASK_COMPLETED], anna).endpoint
    review.webhooks.set_active(endpoint.id, False, anna)
    _complete_intake(review)
    assert _deliveries(review.db) == []  # an endpoint that is off gets no new events
    review.webhooks.set_active(endpoint.id, True, anna)
    _complete_intake(review)
    Scheduler(review).run_due()
    [delivery] = review.webhooks.deliveries(endpoint.id)
    assert delivery.status == "delivered"

    clock.advance(minutes=3)
    review.webhooks.resend(endpoint.id, delivery.id, anna)
    Scheduler(review).run_due()
    assert len(receiver.received) == 2
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]
    assert review.webhooks.deliveries(endpoint.id)[0].attempts == 2

    with pytest.raises(Exception, match="not found"):
        review.webhooks.resend(endpoint.id + 1, delivery.id, anna)
    review.webhooks.delete(endpoint.id, anna)
    assert review.webhooks.endpoints() == [] and _deliveries(review.db) == []
    actions = [e.action for e in review.audit_trail() if e.action.startswith("webhook_")]
    assert actions == ["webhook_added", "webhook_switched_off", "webhook_switched_on",
                       "webhook_resent", "webhook_deleted"]  # fmt: skip


def test_signature_matches_the_standard_webhooks_example() -> None:
    """The example from the Standard Webhooks specification's reference implementation."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    sig = webhooks.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert sig == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_cloud_event_time_is_utc_with_z() -> None:
    event = webhooks.cloud_event(
        "be.stuurboord.case.started", subject="cases/1", data={},
        time=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
    )  # fmt: skip
    assert event["time"] == "2026-03-02T10:00:00Z" and len(event["id"]) == 36


@pytest.mark.usefixtures("allow_private")
def test_a_down_endpoint_costs_one_attempt_per_run(
    review: Engine, receiver: Receiver, clock: ManualClock
) -> None:
    receiver.status = 502
    review.webhooks.add(receiver.url, [webhooks.CASE_STARTED], SYSTEM_ACTOR)
    carla = review.actor("carla")
    for _ in range(3):
        review.start_case("review", {"requester": "carla"}, carla)
    scheduler = Scheduler(review)
    scheduler.run_due()
    assert len(receiver.received) == 1
    rows = _deliveries(review.db)
    assert [row.attempts for row in rows] == [1, 0, 0]
    assert {row.next_attempt_at for row in rows} == {clock.now() + BACKOFF[0]}
    assert {row.status for row in rows} == {"pending"}
    receiver.status = 200
    clock.set(clock.now() + BACKOFF[0])
    assert scheduler.run_due().webhooks == 3
    assert len({got.headers["webhook-id"] for got in receiver.received}) == 3


@pytest.mark.usefixtures("allow_private")
def test_a_failing_step_opens_an_incident_event(engine: Engine, receiver: Receiver) -> None:
    engine.deploy([BPMN / "review.bpmn"])  # no forms: the gateway finds no amount and fails
    carla = actor(engine, "carla", ("clerk", None))
    engine.webhooks.add(receiver.url, [webhooks.INCIDENT_OPENED], SYSTEM_ACTOR)
    case = engine.start_case("review", {}, carla)
    [task] = engine.tasks_for(carla)
    assert engine.complete_task(task.id, {}, carla).status == "incident"
    Scheduler(engine).run_due()
    [got] = [r.event for r in receiver.received]
    assert got["type"] == "be.stuurboord.incident.opened"
    assert got["subject"] == f"cases/{case.id}"
    assert got["data"]["kind"] == "engine" and got["data"]["element_id"] == "gw"
    assert got["data"]["case_id"] == case.id and got["data"]["process_id"] == "review"


@pytest.mark.usefixtures("allow_private")
def test_two_senders_never_claim_one_delivery(
    review: Engine, receiver: Receiver, clock: ManualClock
) -> None:
    endpoint = review.webhooks.add(receiver.url, [webhooks.TASK_COMPLETED], SYSTEM_ACTOR).endpoint
    _complete_intake(review)
    first, second = WebhookSender(review.db, clock), WebhookSender(review.db, clock)
    with review.db.write() as session:
        [claimed] = first._claim(session, clock.now())
    with review.db.write() as session:
        assert second._claim(session, clock.now()) == []
    with pytest.raises(Exception, match="being sent right now"):
        review.webhooks.resend(endpoint.id, claimed.id, review.actor("anna"))
    assert second.deliver_due().delivered == 0 and receiver.received == []
