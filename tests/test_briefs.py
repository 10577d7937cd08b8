"""Every user task in bpmn/ has a brief, and the briefs say what a person needs, in words people
read: names instead of ids, Dutch dates, labels instead of codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lxml import etree

from processes import build_registry
from processes.records.brief import CASE_VIEW, Brief, BriefContext, day
from tests.processes_fixtures import BPMN_DIR, Committee, committee_fixture  # noqa: F401
from tests.test_process_topic import topic_data

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def user_tasks(folder: Path) -> set[tuple[str, str]]:
    """(process id, task id) of every user and manual task in the models."""
    found = set()
    for path in sorted(folder.glob("*.bpmn")):
        root = etree.parse(str(path)).getroot()
        for process in root.iter(f"{BPMN}process"):
            for kind in ("userTask", "manualTask"):
                for task in process.iter(f"{BPMN}{kind}"):
                    found.add((process.get("id"), task.get("id")))
    return found


def test_every_user_task_in_the_models_has_a_brief() -> None:
    registry = build_registry()
    tasks = user_tasks(BPMN_DIR)
    assert len(tasks) >= 20
    missing = sorted(f"{p}/{t}" for p, t in tasks if registry.brief_for(p, t) is None)
    assert missing == [], f"user tasks without a brief: {missing}"
    extra = sorted(
        f"{p}/{t}" for p, t in registry.briefs if (p, t) not in tasks and t != CASE_VIEW
    )
    assert extra == [], f"briefs for tasks no model has: {extra}"


def test_a_model_with_a_new_user_task_is_caught(tmp_path: Path) -> None:
    source = (BPMN_DIR / "topic.bpmn").read_text(encoding="utf-8")
    (tmp_path / "topic.bpmn").write_text(
        source.replace('<bpmn:userTask id="acknowledge_decline"',
                       '<bpmn:userTask id="acknowledge_decline_again"'),
        encoding="utf-8",
    )  # fmt: skip
    registry = build_registry()
    missing = [t for p, t in user_tasks(tmp_path) if registry.brief_for(p, t) is None]
    assert missing == ["acknowledge_decline_again"]


def test_dates_read_as_people_write_them() -> None:
    assert day("2026-12-24") == {"nl": "24 december 2026", "en": "24 December 2026"}
    assert day(date(2027, 1, 5)) == {"nl": "5 januari 2027", "en": "5 January 2027"}
    assert day(None) == {"nl": "—", "en": "—"}


def brief_of(committee: Committee, case_id: int, element_id: str) -> dict[str, dict[str, str]]:
    """The brief in Dutch as {section: {label: value}} (verdicts as 'voldaan: ...')."""
    eng = committee.engine
    case = eng.case(case_id)
    builder = eng.registry.brief_for(case.process_id, element_id)
    with eng.db.read() as session:
        brief = builder(
            BriefContext(session, case_id, case.process_id, element_id, case.data,
                         committee.today(), eng.display_names(),
                         lambda other: getattr(eng.cases([other]).get(other), "title", None))
        )  # fmt: skip
    assert isinstance(brief, Brief)
    shown = brief.localized("nl")
    result: dict[str, dict[str, str]] = {}
    for section in shown["sections"]:
        facts = {}
        for f in section["facts"]:
            mark = {True: "voldaan: ", False: "niet voldaan: ", None: ""}[f["verdict"]]
            facts[f["label"]] = mark + f["value"]
        result[section["label"]] = facts
    return result


def test_screening_shows_the_dossier_and_every_condition_with_its_verdict(
    committee: Committee,
) -> None:
    _meeting_case, meeting_id = committee.plan_meeting(date(2026, 3, 26))
    case = committee.start(
        "topic", topic_data(title="Eén loket", target_meeting_id=meeting_id), "sofie"
    )
    brief = brief_of(committee, case.id, "confirm_screening")
    screening = brief["Screening"]
    assert screening["Oordeel van de regels"] == "Toelaatbaar"
    assert screening["Transversaal"].startswith("voldaan: ")
    assert "Stad Gent" in screening["Transversaal"] and "gem-gent" not in screening["Transversaal"]
    assert screening["Tijdig ingediend voor de gewenste zitting"] == (
        "voldaan: Ingediend op 2 maart 2026, vóór de agenderingsdeadline van de zitting van "
        "26 maart 2026 (16 maart 2026)."
    )
    dossier = brief["Het dossier"]
    assert dossier["Titel"] == "Eén loket"
    assert dossier["Ingediend door"] == committee.engine.display_names()["sofie"]
    assert (
        dossier["Gewenste zitting"] == "zitting van 26 maart 2026 (agenda sluit op 16 maart 2026)"
    )


def test_the_chair_sees_the_dossier_the_verdict_and_the_meetings_to_choose_from(
    committee: Committee,
) -> None:
    committee.plan_meeting(date(2026, 3, 26))
    committee.plan_meeting(date(2026, 4, 30))
    case = committee.start("topic", topic_data(), "sofie")
    committee.complete(case.id, "confirm_screening", {}, "sara")
    brief = brief_of(committee, case.id, "chair_decision")
    assert brief["Screening"]["Oordeel van de regels"] == "Toelaatbaar"
    assert brief["Het dossier"]["Focusdomeinen"] == "Gemeenschappelijke loketfunctionaliteiten"
    assert brief["Het dossier"]["VRD2-prioriteiten"] == "Mijn Burgerprofiel"
    assert brief["Zittingen die nog onderwerpen aannemen"] == {
        "Zitting van 26 maart 2026": "agenda sluit op 16 maart 2026",
        "Zitting van 30 april 2026": "agenda sluit op 20 april 2026",
    }


def test_revising_shows_the_failed_conditions_and_the_secretariats_note(
    committee: Committee,
) -> None:
    case = committee.start("topic", topic_data(impact="", focus_domains=[], vrd2_priorities=[]),
                           "sofie")  # fmt: skip
    committee.complete(
        case.id, "confirm_screening", {"screening_note": "Vul de impact aan."}, "sara"
    )
    brief = brief_of(committee, case.id, "revise_submission")
    failed = brief["Niet voldaan"]
    assert set(failed) == {"Dient een prioriteit van het strategisch plan", "Dossier volledig"}
    assert failed["Dossier volledig"].startswith("niet voldaan: Het dossier is onvolledig")
    assert brief["Nota van het secretariaat"] == {"Nota": "Vul de impact aan."}


def test_comply_or_explain_shows_the_decision_and_assessing_shows_the_explanation(
    committee: Committee,
) -> None:
    from tests.test_process_comply import entity_case, followup_data, with_contacts

    with_contacts(committee)
    committee.start("comply_or_explain", followup_data(committee, entities=["dep-wvg"]), "sara")
    case_id = entity_case(committee, "dep-wvg")
    brief = brief_of(committee, case_id, "answer_obligation")["Het besluit"]
    assert brief["Tekst van het besluit"] == followup_data(committee)["decision_text"]
    assert brief["Uiterste datum"] == "30 april 2026"
    assert brief["Bindend"].startswith("ja")
    assert brief["Voor"] == "Departement Welzijn, Volksgezondheid en Gezin"
    committee.complete(
        case_id,
        "answer_obligation",
        {"response": "explain", "reason": "Het contract loopt tot 2027.",
         "risks": "Twee aanmeldingen.", "mitigation": "Een doorverwijzing.",
         "planned_on": "2027-01-31"},
        "lien",
    )  # fmt: skip
    answer = brief_of(committee, case_id, "assess_explanation")["Het antwoord van de instantie"]
    assert answer["Antwoord"] == "Leg uit"
    assert answer["Waarom (nog) niet"] == "Het contract loopt tot 2027."
    assert answer["Toegepast tegen"] == "31 januari 2027"
    assert answer["Gegeven door"] == "Lien"


def test_the_working_group_report_task_shows_the_mandate(committee: Committee) -> None:
    from tests.test_process_workgroup import approved_and_accepted

    case_id = approved_and_accepted(committee)
    mandate = brief_of(committee, case_id, "submit_report")["De opdracht"]
    assert mandate["Werkgroep"] == "Werkgroep Data"
    assert mandate["Focusdomein"] == "Data"
    assert mandate["Uiterste datum"] == "3 april 2026"
    assert mandate["Vraag"].startswith("Hoe kunnen besturen basisgegevens delen")
