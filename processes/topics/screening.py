"""The admission screening as it is kept with the case: per condition, met or not, and why.

The rules live in ``bpmn/admission.dmn`` (the committee edits them there). The decision table
writes one output per condition (``admission_priority`` ... ``"met"``/``"not_met"``), the rule
that matched (``admission_rule``) and the verdict (``admission_verdict``). This module turns
those outputs, with the facts of the dossier, into a record a person can read: which
conditions failed and what exactly is missing, in Dutch and English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from processes.records import dates
from processes.records.reference import FOCUS_DOMAINS, VRD2_PRIORITIES, Label

CONDITIONS: dict[str, Label] = {
    "priority": {
        "nl": "Dient een prioriteit van het strategisch plan",
        "en": "Serves a priority of the strategic plan",
    },
    "transversal": {"nl": "Transversaal", "en": "Transversal"},
    "complete": {"nl": "Dossier volledig", "en": "Dossier complete"},
    "on_time": {
        "nl": "Tijdig ingediend voor de gewenste zitting",
        "en": "Submitted before the target meeting's agenda deadline",
    },
}
VERDICTS = ("admissible", "not_admissible")
RESULTS = ("met", "not_met")

_DOSSIER_PARTS: dict[str, Label] = {
    "summary": {"nl": "samenvattende nota", "en": "summary note"},
    "question": {"nl": "vraag of voorstel tot besluit", "en": "question or proposed decision"},
    "impact": {"nl": "impact", "en": "impact"},
}


class ScreeningIncomplete(ValueError):
    """The decision table left an output unset or gave an unknown value."""


def dmn_outputs(data: Mapping[str, Any]) -> tuple[str, str, dict[str, bool]]:
    """(rule, verdict, {condition: met}) from the decision table's outputs in the case data."""
    rule, verdict = data.get("admission_rule"), data.get("admission_verdict")
    results = {name: data.get(f"admission_{name}") for name in CONDITIONS}
    problems = [
        f"admission_{name}={value!r}" for name, value in results.items() if value not in RESULTS
    ]
    if verdict not in VERDICTS:
        problems.append(f"admission_verdict={verdict!r}")
    if not isinstance(rule, str) or not rule:
        problems.append(f"admission_rule={rule!r}")
    if problems:
        raise ScreeningIncomplete(
            "the admission decision table gave no usable result: " + ", ".join(problems)
        )
    met = {name: value == "met" for name, value in results.items()}
    return rule, verdict, met


def explain(condition: str, met: bool, facts: Mapping[str, Any]) -> Label:
    """Why a condition is met or not, from the screening facts (the normalised dossier plus
    what the service task looked up: see ``topics/screening_facts``)."""
    if condition == "priority":
        return _priority(met, facts)
    if condition == "transversal":
        return _transversal(met, facts, facts)
    if condition == "complete":
        return _complete(met, facts)
    if condition == "on_time":
        return _on_time(met, facts)
    raise KeyError(condition)


def _labels(codes: list[str], table: Mapping[str, Label], language: str) -> str:
    return ", ".join(table[code][language] if code in table else code for code in codes)


def _priority(met: bool, data: Mapping[str, Any]) -> Label:
    domains = list(data.get("focus_domains") or [])
    vrd2 = list(data.get("vrd2_priorities") or [])
    if not met:
        return {
            "nl": "Er is geen focusdomein van het strategisch plan en geen VRD2-prioriteit "
            "opgegeven.",
            "en": "No focus domain of the strategic plan and no VRD2 priority was given.",
        }
    parts_nl, parts_en = [], []
    if domains:
        parts_nl.append("focusdomeinen: " + _labels(domains, FOCUS_DOMAINS, "nl"))
        parts_en.append("focus domains: " + _labels(domains, FOCUS_DOMAINS, "en"))
    if vrd2:
        parts_nl.append("VRD2: " + _labels(vrd2, VRD2_PRIORITIES, "nl"))
        parts_en.append("VRD2: " + _labels(vrd2, VRD2_PRIORITIES, "en"))
    return {"nl": "; ".join(parts_nl) + ".", "en": "; ".join(parts_en) + "."}


def _transversal(met: bool, data: Mapping[str, Any], facts: Mapping[str, Any]) -> Label:
    known = list(facts.get("known_entities") or [])
    unknown = list(facts.get("unknown_entities") or [])
    reuses = bool(data.get("reuses_generic_components"))
    creates = bool(data.get("creates_generic_components"))
    nl = f"Betrokken gekende overheidsinstanties: {len(known)}"
    en = f"Known entities affected: {len(known)}"
    if known:
        names = list(facts.get("known_entity_names") or known)
        nl += f" ({', '.join(names)})"
        en += f" ({', '.join(names)})"
    nl += f"; hergebruikt generieke componenten: {'ja' if reuses else 'nee'}"
    en += f"; reuses generic components: {'yes' if reuses else 'no'}"
    nl += f"; kan generieke componenten opleveren: {'ja' if creates else 'nee'}."
    en += f"; could yield generic components: {'yes' if creates else 'no'}."
    if unknown:
        nl += f" Onbekende codes genegeerd: {', '.join(unknown)}."
        en += f" Unknown codes ignored: {', '.join(unknown)}."
    if not met:
        nl = "Het onderwerp is niet transversaal. " + nl
        en = "The topic is not transversal. " + en
    return {"nl": nl, "en": en}


def _complete(met: bool, data: Mapping[str, Any]) -> Label:
    missing = [part for part in _DOSSIER_PARTS if not str(data.get(part) or "").strip()]
    if met or not missing:
        return {
            "nl": "Samenvattende nota, vraag of voorstel tot besluit en impact zijn ingevuld.",
            "en": "Summary note, question or proposed decision and impact are filled in.",
        }
    return {
        "nl": "Het dossier is onvolledig; ontbreekt: "
        + ", ".join(_DOSSIER_PARTS[p]["nl"] for p in missing)
        + ".",
        "en": "The dossier is incomplete; missing: "
        + ", ".join(_DOSSIER_PARTS[p]["en"] for p in missing)
        + ".",
    }


def _on_time(met: bool, facts: Mapping[str, Any]) -> Label:
    reason = facts.get("reason")
    meeting = facts.get("meeting_id")
    received = facts.get("received_on")
    deadline = facts.get("agenda_deadline")
    if reason == "no_target_meeting":
        return {
            "nl": "Geen gewenste zitting opgegeven; de voorzitter kiest de zitting.",
            "en": "No target meeting given; the chair chooses the meeting.",
        }
    if reason == "unknown_meeting":
        return {
            "nl": f"Zitting {meeting} bestaat niet.",
            "en": f"Meeting {meeting} does not exist.",
        }
    if reason == "agenda_closed":
        return {
            "nl": f"De agenda van zitting {meeting} is al afgesloten.",
            "en": f"The agenda of meeting {meeting} is already closed.",
        }
    got, due, held = _days(received), _days(deadline), _days(facts.get("meeting_date"))
    if met:
        return {
            "nl": f"Ingediend op {got[0]}, vóór de agenderingsdeadline van {due[0]} van de "
            f"zitting van {held[0]}.",
            "en": f"Submitted on {got[1]}, before the agenda deadline of {due[1]} of the meeting "
            f"of {held[1]}.",
        }
    return {
        "nl": f"Ingediend op {got[0]}, na de agenderingsdeadline van {due[0]} van de zitting "
        f"van {held[0]}. Kies een latere zitting.",
        "en": f"Submitted on {got[1]}, after the agenda deadline of {due[1]} of the meeting of "
        f"{held[1]}. Choose a later meeting.",
    }


def _days(value: Any) -> tuple[str, str]:
    """An ISO date from the facts in Dutch and English ("?" when there is none)."""
    day = dates.parse_date(value) if value else None
    return (dates.format_nl(day), dates.format_en(day)) if day else ("?", "?")


def build(data: Mapping[str, Any], screened_at: str) -> dict[str, Any]:
    """The screening record kept with the case (variable ``screening``)."""
    rule, verdict, met = dmn_outputs(data)
    previous: Mapping[str, Any] = data.get("screening") or {}
    facts: Mapping[str, Any] = data.get("screening_facts") or {}
    conditions = [
        {
            "id": name,
            "met": met[name],
            "label": dict(CONDITIONS[name]),
            "explanation": explain(name, met[name], facts),
        }
        for name in CONDITIONS
    ]
    failed = [c for c in conditions if not c["met"]]
    if failed:
        summary = {
            language: ("Niet toelaatbaar. " if language == "nl" else "Not admissible. ")
            + " ".join(f"{c['label'][language]}: {c['explanation'][language]}" for c in failed)
            for language in ("nl", "en")
        }
    else:
        summary = {
            "nl": "Toelaatbaar: alle voorwaarden van het afsprakenkader zijn voldaan.",
            "en": "Admissible: every condition of the admission rules is met.",
        }
    return {
        "round": int(previous.get("round", 0)) + 1,
        "verdict": verdict,
        "rule": rule,
        "screened_at": screened_at,
        "conditions": conditions,
        "failed": [c["id"] for c in failed],
        "summary": summary,
        "inputs": {
            **{name: met[name] for name in CONDITIONS},
            "focus_domains": list(facts.get("focus_domains") or []),
            "vrd2_priorities": list(facts.get("vrd2_priorities") or []),
            "affected_entities": list(facts.get("affected_entities") or []),
            "known_entities": list(facts.get("known_entities") or []),
            "reuses_generic_components": bool(facts.get("reuses_generic_components")),
            "creates_generic_components": bool(facts.get("creates_generic_components")),
            "summary_given": bool(str(facts.get("summary") or "").strip()),
            "question_given": bool(str(facts.get("question") or "").strip()),
            "impact_given": bool(str(facts.get("impact") or "").strip()),
            "target_meeting_id": facts.get("meeting_id"),
            "agenda_deadline": facts.get("agenda_deadline"),
            "received_on": facts.get("received_on"),
        },
    }
