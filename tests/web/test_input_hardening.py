"""Input that parses but must not be kept: absurd JSON numbers and lone surrogates get a 422,
control characters and bidi overrides in text fields a field error. Nothing is stored."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from engine import Engine, ManualClock, Registry
from processes.records.formkit import StrictForm, Text, codes_list, plain_text, text
from tests.helpers import ApproveForm, IntakeForm
from tests.web.conftest import BPMN, USERS, bearer, csrf_of, sign_in, token_for
from webapp.jsonbody import refusal


class KitStart(StrictForm):
    requester = text(("Aanvrager", "Requester"), 100, required=True)
    title = text(("Titel", "Title"), 200)
    note = text(("Nota", "Note"), 2000)
    summary = Text(max_length=4000, required=False)
    codes = codes_list(("Codes", "Codes"))


@pytest.fixture
def web_engine(web_db, clock: ManualClock) -> Engine:
    """The review model with a start form built from the field kit."""
    registry = Registry()
    registry.form("review", "start", KitStart)
    registry.form("review", "intake", IntakeForm)
    registry.form("review", "approve", ApproveForm)
    engine = Engine(web_db, registry, clock)
    engine.deploy([BPMN / "review.bpmn"])
    for user_id, (name, grants) in USERS.items():
        engine.ensure_user(user_id, name, grants=grants)
    return engine


# -- JSON bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"data": {"amount": ' + "9" * 5000 + "}}", "(5000 digits) is out of range"),
        ('{"data": {"amount": -' + "1" * 20 + "}}", "(20 digits) is out of range"),
        ('{"data": {"amount": 1e999999}}', "the number 1e999999 is out of range"),
        ('{"data": {"amount": -1.5E400}}', "is out of range"),
        ('{"data": {"amount": 0.' + "1" * 200 + "}}", "has 202 characters"),
        ('{"data": {"amount": NaN}}', "NaN is not a JSON number"),
        ('{"data": {"amount": -Infinity}}', "-Infinity is not a JSON number"),
        ('{"title": "a\\ud800b"}', "lone surrogate \\ud800"),
        ('{"data": {"list": ["ok", "\\udfff"]}}', "data.list[1] holds a lone surrogate \\udfff"),
        ('{"data": {"x\\ud83d": 1}}', "a key in data holds a lone surrogate"),
    ],
)
def test_refusal_names_the_value_and_where(body: str, expected: str) -> None:
    problem = refusal(body)
    assert problem is not None and expected in problem, problem


@pytest.mark.parametrize(
    "body",
    [
        '{"data": {"amount": 9223372036854775807, "f": 1.5e300, "g": 1e-999999}}',
        '{"title": "emoji \\ud83d\\ude00 and \\u00e9"}',
        "not json at all",
        "[1, 2, 3]",
    ],
)
def test_sound_or_unparseable_bodies_are_left_alone(body: str) -> None:
    assert refusal(body) is None


def _post_json(app, path: str, body: str, user: str = "carla"):
    return app.test_client().post(
        path,
        data=body.encode("utf-8", "surrogatepass"),
        headers={**bearer(token_for(app, user)), "Content-Type": "application/json"},
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("9" * 5000, "the integer 99999999999999999999… (5000 digits) is out of range"),
        ("1e999999", "the number 1e999999 is out of range"),
        ("Infinity", "Infinity is not a JSON number"),
    ],
)
def test_absurd_numbers_get_a_precise_422(app, web_engine: Engine, amount: str, message) -> None:
    body = '{"process_id": "review", "data": {"requester": "carla", "amount": ' + amount + "}}"
    response = _post_json(app, "/api/v1/cases", body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "VALIDATION_FAILED"
    assert message in response.json["detail"] and "(at data.amount)" in response.json["detail"]
    assert response.json["errors"] == {"_body": [response.json["detail"]]}
    assert web_engine.list_cases() == []


def test_lone_surrogate_gets_a_422_and_a_pair_is_fine(app, web_engine: Engine) -> None:
    bad = '{"process_id": "review", "title": "x\\ud800", "data": {"requester": "carla"}}'
    response = _post_json(app, "/api/v1/cases", bad)
    assert response.status_code == 422
    assert "the text at title holds a lone surrogate \\ud800" in response.json["detail"]
    raw = _post_json(app, "/api/v1/cases", bad.replace("\\ud800", "\ud800"))
    assert raw.status_code in (400, 422) and raw.mimetype == "application/problem+json"
    assert web_engine.list_cases() == []
    good = '{"process_id": "review", "title": "x \\ud83d\\ude00", "data": {"requester": "carla"}}'
    created = _post_json(app, "/api/v1/cases", good)
    assert created.status_code == 201, created.json
    assert created.json["title"] == "x \U0001f600"


def test_every_api_write_is_guarded(app, web_engine: Engine) -> None:
    response = _post_json(app, "/api/v1/signals", '{"name": "go", "data": {"n": 1e999}}', "anna")
    assert response.status_code == 422 and "(at data.n)" in response.json["detail"]


def test_anonymous_bad_body_is_still_a_401(app) -> None:
    response = app.test_client().post(
        "/api/v1/cases", data='{"x": 1e999}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401


# -- control characters in text fields ----------------------------------------------------------

REFUSED = {
    "\x1b": "U+001B",  # ESC
    "\x07": "U+0007",  # BEL
    "\x00": "U+0000",  # NUL
    "\x7f": "U+007F",  # DEL
    "\x85": "U+0085",  # NEL (C1)
    "\u202e": "U+202E",  # RLO
    "\u202d": "U+202D",  # LRO
    "\u2066": "U+2066",  # LRI
    "\u2069": "U+2069",  # PDI
    "\u2028": "U+2028",  # line separator
}


@pytest.mark.parametrize(("char", "code"), REFUSED.items(), ids=REFUSED.values())
def test_control_and_bidi_characters_are_refused_everywhere(char: str, code: str) -> None:
    for field in ("title", "note", "summary"):
        with pytest.raises(ValidationError) as error:
            KitStart().load({"requester": "carla", field: f"plain {char}text"})
        [message] = error.value.messages[field]
        assert f"Het teken {code} mag niet" in message and f"Character {code} is not" in message
    with pytest.raises(ValidationError) as error:
        KitStart().load({"requester": "carla", "codes": ["ok", f"a{char}"]})
    assert error.value.messages == {"codes": {1: [message]}}


@pytest.mark.parametrize(("char", "code"), [("\n", "U+000A"), ("\t", "U+0009"), ("\r", "U+000D")])
def test_line_breaks_and_tabs_only_in_multi_line_text(char: str, code: str) -> None:
    loaded = KitStart().load(
        {"requester": "carla", "note": f"one{char}two", "summary": f"a{char}b"}
    )
    assert loaded["note"] == f"one{char}two" and loaded["summary"] == f"a{char}b"
    with pytest.raises(ValidationError) as error:
        KitStart().load({"requester": f"car{char}la", "title": f"a{char}b"})
    assert set(error.value.messages) == {"requester", "title"}
    assert f"single line: no line break or tab ({code})" in error.value.messages["title"][0]


def test_ordinary_text_passes() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # joined with ZWJ
    value = f"Élan, naïve café \u2013 東京 {family} \u05e9\u05dc\u05d5\u05dd"
    assert KitStart().load({"requester": "carla", "title": value})["title"] == value
    plain_text(multi_line=True)("line one\r\nline two\ttabbed")


def test_textarea_widget_makes_short_text_multi_line() -> None:
    class Short(StrictForm):
        lines = Text(max_length=100, metadata={"widget": "textarea"})

    assert Short().load({"lines": "a\nb"}) == {"lines": "a\nb"}


def test_web_form_shows_a_field_error_and_stores_nothing(client, web_engine: Engine) -> None:
    sign_in(client, "carla")
    page = client.get("/dossiers/nieuw/review")
    response = client.post(
        "/dossiers/nieuw/review",
        data={
            "requester": "carla",
            "title": "Invoice \u202egpj.exe",
            "note": "first line\r\nsecond\tline",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 422
    assert "Het teken U+202E mag niet in een tekst" in response.text
    assert "\u202e" not in response.text.replace('value="Invoice \u202egpj.exe"', "")
    assert web_engine.list_cases() == []
    fine = client.post(
        "/dossiers/nieuw/review",
        data={
            "requester": "carla",
            "title": "Invoice",
            "note": "first line\r\nsecond\tline",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert fine.status_code == 302
    [case] = web_engine.list_cases()
    assert case.data["note"] == "first line\nsecond\tline"  # the web form keeps \n only


def test_api_gets_a_field_error_for_an_escape(app, web_engine: Engine) -> None:
    body = '{"process_id": "review", "data": {"requester": "carla", "title": "\\u001b[31mred"}}'
    response = _post_json(app, "/api/v1/cases", body)
    assert response.status_code == 422
    assert "U+001B" in response.json["errors"]["title"][0]
    assert web_engine.list_cases() == []
