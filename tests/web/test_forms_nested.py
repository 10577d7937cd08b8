"""Lists of sub-forms in the generated forms (webapp/forms.py, macros.html): one fieldset per
entry, inputs named ``<list>-<index>-<field>``, read back into a list of dicts, errors on the
right input and in the summary, *Nog een rij* without JavaScript, entries prepared per agenda
item for the meeting's *Behandelingen vastleggen* and *Agenda ordenen en markeren*.


The first part needs no database: a bare Flask app with the web app's templates and i18n.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template_string, session
from flask.testing import FlaskClient
from lxml import html as lxml_html
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from werkzeug.datastructures import MultiDict

from engine import Engine
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.web.conftest import csrf_of, sign_in
from tests.web.test_meetings import at, frozen, planned, published
from webapp import forms, i18n
from webapp.forms import Seed, add_entry, error_tree, fields_for, read_form

TEMPLATES = Path(forms.__file__).parent / "templates"


# -- a small schema ----------------------------------------------------------------------------


class StepForm(Schema):
    """One step of a plan."""

    ref = fields.Integer(
        required=True, validate=validate.Range(min=1), metadata={"label": "Referentie"}
    )
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(["yes", "no", "later"]),
        metadata={
            "label": {"nl": "Uitkomst", "en": "Outcome"},
            "help": {"nl": "Wat er met de stap gebeurt.", "en": "What happens to the step."},
            "choices": {
                "yes": {"nl": "Ja", "en": "Yes"},
                "no": {"nl": "Nee", "en": "No"},
                "later": {"nl": "Later", "en": "Later"},
            },
        },
    )
    note = fields.String(
        load_default="", validate=validate.Length(max=500), metadata={"label": "Nota"}
    )
    urgent = fields.Boolean(load_default=False, metadata={"label": "Dringend"})
    codes = fields.List(fields.String(), load_default=list, metadata={"label": "Codes"})

    @validates_schema
    def _note_when_later(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("outcome") == "later" and not data.get("note"):
            raise ValidationError({"note": ["Verplicht bij later. / Required when later."]})


class PlanForm(Schema):
    """A form with a free list of sub-forms next to plain fields."""

    title = fields.String(required=True, metadata={"label": "Titel"})
    steps = fields.List(
        fields.Nested(StepForm),
        required=True,
        validate=validate.Length(max=3),
        metadata={"label": {"nl": "Stappen", "en": "Steps"}},
    )
    colours = fields.List(
        fields.String(validate=validate.OneOf(["red", "blue"])),
        load_default=list,
        metadata={"label": "Kleuren", "choices": {"red": "Rood", "blue": "Blauw"}},
    )
    numbers = fields.List(fields.Integer(), load_default=list, metadata={"label": "Getallen"})


@pytest.fixture
def bare() -> Iterator[Flask]:
    """A Flask app with the web app's templates and languages, and no database."""
    app = Flask("forms-test", template_folder=str(TEMPLATES))
    app.config["SECRET_KEY"] = "test only"
    i18n.init_app(app)
    app.jinja_env.globals["csrf_token"] = lambda: "token"
    yield app


@pytest.fixture
def dutch(bare: Flask) -> Iterator[Flask]:
    with bare.test_request_context("/"):
        yield bare


def render(form_fields: list[forms.FormField]) -> lxml_html.HtmlElement:
    """The fields as the task and start pages render them, with the error summary."""
    page = render_template_string(
        '{% from "macros.html" import render_field, error_summary %}'
        "<div>{{ error_summary(fields, []) }}<form>"
        '{% for f in fields %}{{ render_field(f, "/verstuur") }}{% endfor %}</form></div>',
        fields=form_fields,
    )
    return lxml_html.fromstring(page)


def posted(pairs: list[tuple[str, str]]) -> MultiDict[str, str]:
    return MultiDict(pairs)


def one_step(
    index: int, ref: str, outcome: str = "", note: str = "", codes: str = ""
) -> list[tuple[str, str]]:
    """The inputs of one entry of `PlanForm.steps` as a browser posts them."""
    prefix = f"steps-{index}-"
    pairs = [(prefix + "ref", ref), (prefix + "note", note), (prefix + "codes", codes)]
    if outcome:
        pairs.append((prefix + "outcome", outcome))
    return pairs


# -- describing and rendering ------------------------------------------------------------------


def test_a_list_of_sub_forms_is_a_fieldset_per_entry_with_labelled_inputs(dutch: Flask) -> None:
    described = {f.name: f for f in fields_for(PlanForm)}
    steps = described["steps"]
    assert steps.kind == "entries" and steps.can_add and len(steps.entries) == 1
    assert described["colours"].kind == "checkboxes" and described["numbers"].kind == "lines"
    entry = steps.entries[0]
    assert entry.legend == "Rij 1"
    kinds = {f.name: f.kind for f in entry.fields}
    assert kinds == {
        "steps-0-ref": "integer",
        "steps-0-outcome": "radio",
        "steps-0-note": "textarea",
        "steps-0-urgent": "checkbox",
        "steps-0-codes": "lines",
    }

    page = render(fields_for(PlanForm))
    (outer,) = page.xpath("//fieldset[contains(@class, 'entries')]")
    assert outer.xpath("./legend")[0].text_content().strip() == "Stappen"
    (inner,) = outer.xpath("./fieldset[contains(@class, 'entry')]")
    assert inner.get("id") == "f-steps-0"
    assert inner.xpath("./legend")[0].text_content().strip() == "Rij 1"
    assert outer.xpath(".//input[@type='hidden'][@name='steps-rijen']/@value") == ["1"]
    for control in inner.xpath(".//input[not(@type='hidden')] | .//textarea | .//select"):
        if control.get("type") == "radio":  # labelled by the label around it
            assert control.getparent().tag == "label"
            continue
        assert page.xpath(f"//label[@for='{control.get('id')}']"), control.get("name")
    radios = inner.xpath(".//fieldset[legend[@id='f-steps-0-outcome']]//input[@type='radio']")
    assert [r.get("value") for r in radios] == ["yes", "no", "later"]
    assert (
        inner.xpath(".//p[@id='f-steps-0-outcome-help']")[0].text == "Wat er met de stap gebeurt."
    )
    (more,) = outer.xpath(".//button[@name='_rij_erbij']")
    assert more.text_content().strip() == "Nog een rij" and more.get("value") == "steps"
    assert more.get("formaction") == "/verstuur#f-steps-1"


def test_the_words_follow_the_language(bare: Flask) -> None:
    with bare.test_request_context("/"):
        session["lang"] = "en"
        page = render(fields_for(PlanForm))
    assert page.xpath("//fieldset[@id='f-steps-0']/legend")[0].text_content() == "Row 1"
    assert page.xpath("//button[@name='_rij_erbij']")[0].text_content().strip() == "Add a row"
    assert "Outcome" in page.xpath("//legend[@id='f-steps-0-outcome']")[0].text_content()
    assert "Empty rows are not saved." in page.text_content()


# -- reading the posted form -------------------------------------------------------------------


def test_posted_entries_come_back_as_a_list_of_dicts_that_the_schema_loads(dutch: Flask) -> None:
    form = posted(
        [
            ("title", "Plan"),
            ("steps-rijen", "3"),
            *one_step(0, "7", "yes"),
            ("steps-0-urgent", "on"),
            *one_step(1, "", ""),  # left empty: dropped
            *one_step(2, "9", "later", "Na de zomer", "a-1\r\n\r\n b-2 "),
            ("colours", "red"),
            ("colours", "blue"),
            ("numbers", "3\n4"),
        ]
    )
    data = read_form(PlanForm, form)
    assert data == {
        "title": "Plan",
        "steps": [
            {"ref": 7, "outcome": "yes", "urgent": True},
            {"ref": 9, "outcome": "later", "note": "Na de zomer", "urgent": False,
             "codes": ["a-1", "b-2"]},
        ],
        "colours": ["red", "blue"],
        "numbers": [3, 4],
    }  # fmt: skip
    loaded = PlanForm().load(data)
    assert loaded["steps"][0] == {"ref": 7, "outcome": "yes", "urgent": True, "note": "",
                                  "codes": []}  # fmt: skip


def test_empty_lists_of_sub_forms(dutch: Flask) -> None:
    # every entry left empty: the list is left out, so a required list says so
    data = read_form(PlanForm, posted([("title", "x"), ("steps-rijen", "1"), *one_step(0, "")]))
    assert "steps" not in data
    with pytest.raises(ValidationError) as error:
        PlanForm().load(data)
    assert error.value.normalized_messages() == {"steps": ["Missing data for required field."]}
    # a form that showed no entries at all gives an empty list; one without the list, nothing
    assert read_form(PlanForm, posted([("steps-rijen", "0")]))["steps"] == []
    assert "steps" not in read_form(PlanForm, posted([("title", "x")]))
    # a silly count is not followed, nor indexes past the limit
    assert "steps" not in read_form(PlanForm, posted([("steps-rijen", "99999999")]))
    far = read_form(PlanForm, posted([*one_step(forms.MAX_ENTRIES, "1", "yes"), *one_step(2, "2")]))
    assert far["steps"] == [{"ref": 2, "urgent": False}]


def test_add_a_row_keeps_what_was_typed_and_shows_one_more_entry(dutch: Flask) -> None:
    form = posted(
        [("title", "Plan"), ("steps-rijen", "1"), *one_step(0, ""), ("_rij_erbij", "steps")]
    )
    shown = read_form(PlanForm, form, keep_blank=True)
    assert add_entry(PlanForm, shown, "steps")
    assert len(shown["steps"]) == 2
    page = render(fields_for(PlanForm, shown))
    assert [e.get("id") for e in page.xpath("//fieldset[contains(@class, 'entry')]")] == [
        "f-steps-0",
        "f-steps-1",
    ]
    assert page.xpath("//input[@name='title']/@value") == ["Plan"]
    # at most three (the list's Length): the button goes once there are three
    assert add_entry(PlanForm, shown, "steps")
    assert not add_entry(PlanForm, shown, "steps")
    assert not fields_for(PlanForm, shown)[1].can_add
    assert not render(fields_for(PlanForm, shown)).xpath("//button[@name='_rij_erbij']")
    # unknown lists, plain fields and seeded lists get nothing
    assert not add_entry(PlanForm, shown, "colours")
    assert not add_entry(PlanForm, shown, "nothing")
    assert not add_entry(PlanForm, {"steps": []}, "steps", fixed={"steps": []})


# -- errors ------------------------------------------------------------------------------------


def _errors_of(data: dict[str, Any]) -> dict[Any, Any]:
    with pytest.raises(ValidationError) as error:
        PlanForm().load(data)
    return error.value.normalized_messages()


def test_errors_land_on_the_input_of_their_entry_and_in_the_summary(dutch: Flask) -> None:
    data = {
        "title": "Plan",
        "steps": [{"ref": 1, "outcome": "yes"}, {"ref": 0, "outcome": "later"}],
    }
    errors = _errors_of(data)
    assert errors == {"steps": {1: {"ref": ["Must be greater than or equal to 1."]}}}
    described = fields_for(PlanForm, data, errors)
    second = described[1].entries[1]
    assert [f.errors for f in second.fields if f.key == "ref"] == [["Geef minstens 1."]]
    assert described[1].problems == [
        forms.Problem(
            "f-steps-1-ref", "Stappen \u203a Rij 2 \u203a Referentie", ["Geef minstens 1."]
        )
    ]
    page = render(described)
    ref = page.xpath("//input[@id='f-steps-1-ref']")[0]
    assert ref.get("aria-invalid") == "true" and ref.get("value") == "0"
    assert "f-steps-1-ref-error" in ref.get("aria-describedby")
    assert page.xpath("//p[@id='f-steps-1-ref-error']")[0].text == "Geef minstens 1."
    (link,) = page.xpath("//div[@class='error-summary']//a")
    assert link.get("href") == "#f-steps-1-ref"
    assert link.text_content() == "Stappen \u203a Rij 2 \u203a Referentie: Geef minstens 1."
    assert not page.xpath("//input[@id='f-steps-0-ref'][@aria-invalid]")


def test_schema_level_errors_of_an_entry_and_dotted_keys(dutch: Flask) -> None:
    data = {"title": "Plan", "steps": [{"ref": 2, "outcome": "later"}]}
    errors = _errors_of(data)
    assert errors == {"steps": {0: {"note": ["Verplicht bij later. / Required when later."]}}}
    dotted = {"steps.0.note": ["Verplicht bij later. / Required when later."]}
    as_json = {"steps": {"0": {"note": ["Verplicht bij later. / Required when later."]}}}
    assert error_tree(dotted) == error_tree(as_json) == errors
    for given in (errors, dotted, as_json):
        note = fields_for(PlanForm, data, given)[1].entries[0].fields[2]
        assert note.name == "steps-0-note" and note.errors == ["Verplicht bij later."]
        assert forms.form_errors(given, fields_for(PlanForm, data, given)) == []
    # an entry's own messages (and keys no input has) go on the entry's fieldset
    odd = {"steps": {0: {"_schema": ["Stap klopt niet."], "extra": ["Unknown field."]}}}
    entry = fields_for(PlanForm, data, odd)[1].entries[0]
    assert entry.errors == ["Stap klopt niet.", "extra: Onbekend veld."]
    page = render(fields_for(PlanForm, data, odd))
    fieldset = page.xpath("//fieldset[@id='f-steps-0']")[0]
    assert fieldset.get("aria-describedby") == "f-steps-0-error"
    assert page.xpath("//div[@class='error-summary']//a/@href") == ["#f-steps-0-legend"]
    # the list's own messages go on the list
    whole = {"steps": ["Ten hoogste 3. / At most 3."]}
    steps = fields_for(PlanForm, data, whole)[1]
    assert steps.errors == ["Ten hoogste 3."] and steps.problems[0].anchor == "f-steps"


# -- entries the page prepares -----------------------------------------------------------------


SEEDS = {
    "steps": [
        Seed("Punt 1: Eerste", fixed={"ref": 11}),
        Seed("Punt 2: Tweede", fixed={"ref": 12}, values={"outcome": "no", "urgent": True}),
    ]
}


def test_seeded_entries_have_their_legend_hidden_fixed_values_and_no_add_button(
    dutch: Flask,
) -> None:
    steps = fields_for(PlanForm, seeds=SEEDS)[1]
    assert not steps.can_add
    assert [e.legend for e in steps.entries] == ["Punt 1: Eerste", "Punt 2: Tweede"]
    page = render(fields_for(PlanForm, seeds=SEEDS))
    assert not page.xpath("//button[@name='_rij_erbij']")
    assert not page.xpath("//*[@id='f-steps-0-ref']")  # not editable
    assert page.xpath("//input[@type='hidden'][@name='steps-1-ref']/@value") == ["12"]
    assert page.xpath("//input[@name='steps-1-outcome'][@checked]/@value") == ["no"]
    assert page.xpath("//input[@name='steps-1-urgent'][@checked]")
    group = page.xpath("//fieldset[legend='Punt 2: Tweede']")
    assert group and group[0].get("id") == "f-steps-1"
    # posted back: the hidden values keep even an untouched entry (so it must be filled in)
    form = posted([("steps-rijen", "2"), ("steps-0-ref", "11"), ("steps-0-note", ""),
                   ("steps-1-ref", "12"), ("steps-1-outcome", "no")])  # fmt: skip
    data = read_form(PlanForm, form)
    assert data["steps"] == [{"ref": 11, "urgent": False}, {"ref": 12, "outcome": "no",
                                                            "urgent": False}]  # fmt: skip
    errors = {"steps": {0: {"outcome": ["Missing data for required field."]}, 1: {"ref": ["x"]}}}
    shown = fields_for(PlanForm, data, errors, SEEDS)[1]
    assert [e.legend for e in shown.entries] == ["Punt 1: Eerste", "Punt 2: Tweede"]
    assert shown.entries[0].fields[1].errors == ["Dit veld is verplicht."]
    assert shown.entries[1].errors == ["Referentie: x"]  # on the entry: its input is hidden


def test_seeds_match_posted_entries_by_their_fixed_values(dutch: Flask) -> None:
    data = {"steps": [{"ref": 12, "outcome": "yes"}]}
    steps = fields_for(PlanForm, data, seeds=SEEDS)[1]
    assert [e.legend for e in steps.entries] == ["Punt 2: Tweede", "Punt 1: Eerste"]
    assert steps.entries[0].fields[1].value == "yes"
    stray = fields_for(PlanForm, {"steps": [{"ref": 99}]}, seeds=SEEDS)[1]
    assert [e.legend for e in stray.entries] == ["Rij 1", "Punt 1: Eerste", "Punt 2: Tweede"]
    assert not stray.entries[0].fields[0].hidden


# -- the meeting's tasks through the pages -----------------------------------------------------


def _task_id(committee: Committee, case_id: int, element_id: str) -> str:
    return committee.task(case_id, element_id).id


def _treatment_form(html: str) -> dict[str, list[str]]:
    page = lxml_html.fromstring(html)
    form = page.xpath("//form[contains(@class, 'task-form')]")[0]
    fields_: dict[str, list[str]] = {}
    for control in form.xpath(".//input | .//textarea"):
        kind = control.get("type")
        if kind in ("radio", "checkbox") and control.get("checked") is None:
            continue
        if kind == "submit":
            continue
        if control.tag == "textarea":
            value = control.text or ""
        else:  # a checkbox without a value sends "on"
            value = control.get("value", "on" if kind == "checkbox" else "")
        fields_.setdefault(control.get("name"), []).append(value)
    return fields_


def test_record_treatments_shows_one_entry_per_agenda_item_and_stores_them(
    committee: Committee,
) -> None:
    s = published(planned(committee))
    committee.advance_to(at(s.times()["starts_at"]) + timedelta(minutes=1))
    task_id = _task_id(committee, s.meeting_case, "record_treatments")
    sara = s.client("sara")
    page = sara.get(f"/taken/{task_id}")
    assert page.status_code == 200
    tree = lxml_html.fromstring(page.text)
    legends = [e.text_content() for e in tree.xpath("//fieldset[contains(@class, 'entry')]/legend")]
    assert legends == [
        "Agendapunt 1: A: aanmeldplatform",
        "Agendapunt 2: B: datastandaarden",
        "Agendapunt 3: C: budget VRD2",
    ]
    assert not tree.xpath("//button[@name='_rij_erbij']")
    a, b, c = (s.items[t] for t in s.topics)
    form = _treatment_form(page.text)
    assert form["treatments-rijen"] == ["3"]
    assert [form[f"treatments-{i}-agenda_item_id"] for i in range(3)] == [[str(a)], [str(b)],
                                                                          [str(c)]]  # fmt: skip

    # decided without the decision text: 422, the message on that item's textarea
    form.update({"treatments-0-outcome": ["decided"], "treatments-1-outcome": ["noted"],
                 "treatments-2-outcome": ["noted"], "attendance": ["chris", "mia"]})  # fmt: skip
    refused = sara.post(f"/taken/{task_id}", data=form)
    assert refused.status_code == 422
    tree = lxml_html.fromstring(refused.text)
    text = tree.xpath("//textarea[@id='f-treatments-0-decision_text']")[0]
    assert text.get("aria-invalid") == "true"
    assert tree.xpath("//div[@class='error-summary']//a/@href") == ["#f-treatments-0-decision_text"]
    assert tree.xpath("//input[@name='treatments-0-outcome'][@checked]/@value") == ["decided"]

    # an unknown entity code: refused on the form before anything is stored (tests/web/
    # test_pickers.py has the task coming back when the step after it fails anyway)
    form = _treatment_form(refused.text)
    form.update({"treatments-0-decision_text": ["Alle entiteiten doen mee."],
                 "treatments-0-binding": ["on"], "treatments-0-deadline": ["31-12-2026"],
                 "treatments-0-bound_entities": ["dep-omg", "nergens"]})  # fmt: skip
    back = sara.post(f"/taken/{task_id}", data=form)
    assert back.status_code == 422
    assert "Onbekende overheidsinstantie: nergens." in back.text
    assert committee.task(s.meeting_case, "record_treatments").id == task_id

    form["treatments-0-bound_entities"] = ["dep-omg", "gem-gent"]
    form["csrf_token"] = [csrf_of(back.text)]
    done = sara.post(f"/taken/{task_id}", data=form)
    assert done.status_code == 302 and f"/dossiers/{s.meeting_case}" in done.headers["Location"]
    result = committee.case(s.meeting_case).data["treatment_result"]
    assert result["stored"] is True
    assert [t["outcome"] for t in result["treatments"]] == ["decided", "noted", "noted"]
    assert committee.case(s.topics[0]).data["outcome"]["entities"] == ["dep-omg", "gem-gent"]


def test_the_order_agenda_task_page_offers_each_item_with_its_marks(committee: Committee) -> None:
    s = frozen(planned(committee))
    task_id = _task_id(committee, s.meeting_case, "order_agenda")
    sara = s.client("sara")
    page = sara.get(f"/taken/{task_id}")
    form = _treatment_form(page.text)
    assert form["agenda_order-rijen"] == ["3"]
    assert form["agenda_order-0-kind"] == ["decision"]
    assert form["agenda_order-0-public"] == ["on"]
    form["agenda_order-2-kind"] = ["information"]
    del form["agenda_order-2-public"]
    done = sara.post(f"/taken/{task_id}", data=form)
    assert done.status_code == 302
    assert committee.case(s.meeting_case).data["publication"]["published"] is True
    last = next(e for e in s.agenda() if e.topic_case_id == s.topics[2])
    assert (last.kind, last.public) == ("information", False)


# -- a nested form on a task of the review model, through the page ------------------------------


class NestedIntakeForm(Schema):
    """The review model's intake with a list of sub-forms."""

    amount = fields.Integer(required=True)
    steps = fields.List(fields.Nested(StepForm), load_default=list, metadata={"label": "Stappen"})


@pytest.fixture
def nested_intake(web_engine: Engine) -> Engine:
    web_engine.registry.forms[("review", "intake")] = NestedIntakeForm  # instead of IntakeForm
    return web_engine


def test_add_a_row_on_a_task_page_completes_nothing(
    nested_intake: Engine, client: FlaskClient
) -> None:
    case = nested_intake.start_case(
        "review", {"requester": "carla"}, nested_intake.actor("carla"), title="Review"
    )
    task = next(t for t in nested_intake.case_tasks(case.id) if t.state == "ready")
    sign_in(client, "carla")
    page = client.get(f"/taken/{task.id}").text
    # Enter in a text input uses the first submit button: one that completes, not "Nog een rij"
    first = lxml_html.fromstring(page).xpath("//form[contains(@class, 'task-form')]//button")[0]
    assert first.get("name") is None and first.get("aria-hidden") == "true"
    data = {"csrf_token": csrf_of(page), "amount": "5", "steps-rijen": "1",
            "steps-0-ref": "3", "steps-0-outcome": "yes", "_rij_erbij": "steps"}  # fmt: skip
    more = client.post(f"/taken/{task.id}", data=data)
    assert more.status_code == 200
    assert nested_intake.task(task.id).state == "ready"
    tree = lxml_html.fromstring(more.text)
    assert [e.get("id") for e in tree.xpath("//fieldset[contains(@class, 'entry')]")] == [
        "f-steps-0",
        "f-steps-1",
    ]
    assert tree.xpath("//input[@name='steps-0-ref']/@value") == ["3"]
    assert tree.xpath("//button[@name='_rij_erbij']/@formaction") == [f"/taken/{task.id}#f-steps-2"]
    form = _treatment_form(more.text)
    form["steps-1-ref"] = ["4"]
    form["steps-1-outcome"] = ["no"]
    done = client.post(f"/taken/{task.id}", data=form)
    assert done.status_code == 302
    stored = nested_intake.case(case.id).data["steps"]
    assert [(st["ref"], st["outcome"]) for st in stored] == [(3, "yes"), (4, "no")]
