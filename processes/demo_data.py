"""The demo committee's data: organisations, people, working groups and the texts of the cases
:mod:`processes.demo` walks through. Names are fictional; the composition follows the seed's
annex (see /work/shared/domain.md): a chair, one member per policy domain, three local members
(one province, two municipalities), Facilitair Bedrijf, Informatie Vlaanderen, two external
innovators, two ministers' representatives and three internal digitalisation experts.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

Grant = tuple[str, str | None]

POLICY_DOMAINS: tuple[str, ...] = (
    "Kanselarij en Bestuur",
    "Buitenlandse Zaken",
    "Financiën en Begroting",
    "Economie, Wetenschap en Innovatie",
    "Onderwijs en Vorming",
    "Welzijn, Volksgezondheid en Gezin",
    "Cultuur, Jeugd en Media",
    "Werk en Sociale Economie",
    "Landbouw en Visserij",
    "Omgeving",
    "Mobiliteit en Openbare Werken",
)

KB, BUZA, FB, EWI, OV, WVG, CJM, WSE, LV, OMG, MOW = POLICY_DOMAINS

ORGANISATIONS: tuple[tuple[str, str, str, str | None], ...] = (
    # (id, name, kind, policy domain)
    ("dep-kb", "Departement Kanselarij en Bestuur", "department", KB),
    ("dep-buza", "Departement Buitenlandse Zaken", "department", BUZA),
    ("dep-fb", "Departement Financiën en Begroting", "department", FB),
    ("dep-ewi", "Departement Economie, Wetenschap en Innovatie", "department", EWI),
    ("dep-ov", "Departement Onderwijs en Vorming", "department", OV),
    ("dep-wvg", "Departement Welzijn, Volksgezondheid en Gezin", "department", WVG),
    ("dep-cjm", "Departement Cultuur, Jeugd en Media", "department", CJM),
    ("dep-wse", "Departement Werk en Sociale Economie", "department", WSE),
    ("dep-lv", "Departement Landbouw en Visserij", "department", LV),
    ("dep-omg", "Departement Omgeving", "department", OMG),
    ("dep-mow", "Departement Mobiliteit en Openbare Werken", "department", MOW),
    ("ag-iv", "Agentschap Informatie Vlaanderen", "agency", KB),
    ("ag-fb", "Agentschap Facilitair Bedrijf", "agency", KB),
    ("ag-vlaio", "Agentschap Innoveren en Ondernemen", "agency", EWI),
    ("ag-vdab", "VDAB", "agency", WSE),
    ("ag-awv", "Agentschap Wegen en Verkeer", "agency", MOW),
    ("ag-opgroeien", "Opgroeien regie", "agency", WVG),
    ("prov-antw", "Provincie Antwerpen", "province", None),
    ("gem-gent", "Stad Gent", "municipality", None),
    ("gem-leuven", "Stad Leuven", "municipality", None),
    ("gem-kortrijk", "Stad Kortrijk", "municipality", None),
    ("kab-info", "Kabinet van de minister bevoegd voor het informatiebeleid", "other", None),
    ("kab-ict", "Kabinet van de minister bevoegd voor het ICT-beleid", "other", None),
    ("ext-kennis", "Kenniscentrum Digitale Overheid (extern)", "other", None),
    ("ext-govtech", "GovTech Vlaanderen (extern)", "other", None),
)

MEMBER: Grant = ("member", None)
LIAISON: Grant = ("government_liaison", None)


def _wg(group: str, chair: bool = False) -> tuple[Grant, ...]:
    """The grants of a working group's member (and chair)."""
    member: Grant = ("wg_member", group)
    return (("wg_chair", group), member) if chair else (member,)


Seat = tuple[str, str | None] | None
"""(seat kind, policy domain) of a committee member, or None."""

PEOPLE: tuple[tuple[str, str, str, str, tuple[Grant, ...], Seat], ...] = (
    # (user id, name, organisation, function, grants, committee seat)
    ("voorzitter", "Hilde Verstraeten", "dep-kb", "Voorzitter van het Stuurorgaan",
     (("chair", None), MEMBER), ("chair", None)),
    ("lid.kb", "Bart Vandenbroucke", "dep-kb", "Secretaris-generaal", (MEMBER,),
     ("policy_domain", KB)),
    ("lid.buza", "Annelies De Wit", "dep-buza", "Afdelingshoofd", (MEMBER,),
     ("policy_domain", BUZA)),
    ("lid.financien", "Koen Desmet", "dep-fb", "Secretaris-generaal", (MEMBER,),
     ("policy_domain", FB)),
    ("lid.ewi", "Sofie Van Damme", "dep-ewi", "Afdelingshoofd", (MEMBER,),
     ("policy_domain", EWI)),
    ("lid.onderwijs", "Pieter Claeys", "dep-ov", "Secretaris-generaal", (MEMBER,),
     ("policy_domain", OV)),
    ("lid.wvg", "Els Vermeulen", "dep-wvg", "Afdelingshoofd", (MEMBER,), ("policy_domain", WVG)),
    ("lid.cjm", "Jonas Martens", "dep-cjm", "Afdelingshoofd", (MEMBER,), ("policy_domain", CJM)),
    ("lid.werk", "Nathalie Goossens", "dep-wse", "Secretaris-generaal", (MEMBER,),
     ("policy_domain", WSE)),
    ("lid.landbouw", "Dirk Van Hecke", "dep-lv", "Afdelingshoofd", (MEMBER,),
     ("policy_domain", LV)),
    ("lid.omgeving", "Katrien Lambrecht", "dep-omg", "Secretaris-generaal", (MEMBER,),
     ("policy_domain", OMG)),
    ("lid.mow", "Tom Verhaegen", "dep-mow", "Afdelingshoofd", (MEMBER,), ("policy_domain", MOW)),
    ("lid.provincie", "Griet Wouters", "prov-antw", "Provinciegriffier", (MEMBER,),
     ("local", None)),
    ("lid.gent", "Youssef El Idrissi", "gem-gent", "Algemeen directeur", (MEMBER,),
     ("local", None)),
    ("lid.leuven", "Marijke Peeters", "gem-leuven", "Algemeen directeur", (MEMBER,),
     ("local", None)),
    ("lid.facilitair", "Stefaan Bogaert", "ag-fb", "Administrateur-generaal", (MEMBER,),
     ("facilitair_bedrijf", None)),
    ("lid.iv", "Veerle Dewulf", "ag-iv", "Administrateur-generaal", (MEMBER,),
     ("informatie_vlaanderen", None)),
    ("innovator.kennis", "Lotte Hermans", "ext-kennis", "Onderzoeker digitale overheid",
     (MEMBER,), ("innovator", None)),
    ("innovator.govtech", "Arne Cools", "ext-govtech", "Oprichter", (MEMBER,),
     ("innovator", None)),
    ("kabinet.info", "Sarah Mertens", "kab-info", "Adviseur informatiebeleid",
     (MEMBER, LIAISON), ("minister_representative", None)),
    ("kabinet.ict", "Wouter Jacobs", "kab-ict", "Adviseur ICT-beleid", (MEMBER, LIAISON),
     ("minister_representative", None)),
    ("expert.vdab", "Ilse Maes", "ag-vdab", "Digitaliseringsverantwoordelijke",
     (MEMBER, *_wg("wg-data")), ("digitalisation_expert", None)),
    ("expert.awv", "Frederik Coppens", "ag-awv", "Digitaliseringsverantwoordelijke",
     (MEMBER, *_wg("wg-cyber")), ("digitalisation_expert", None)),
    ("expert.opgroeien", "Hanne De Backer", "ag-opgroeien", "Digitaliseringsverantwoordelijke",
     (MEMBER, *_wg("wg-loketten")), ("digitalisation_expert", None)),
    ("secretariaat", "Sam De Clercq", "ag-iv", "Stuurorgaan team",
     (("secretariat", None),), None),
    ("secretariaat2", "Lien Verlinden", "ag-iv", "Stuurorgaan team",
     (("secretariat", None),), None),
    ("beheerder", "Bea Van Acker", "ag-iv", "Functioneel beheerder", (("admin", None),), None),
    ("indiener", "Ines Vandenberghe", "dep-omg", "Projectleider digitalisering",
     (("submitter", None),), None),
    ("indiener.gent", "Kristof Dhondt", "gem-gent", "Informatiemanager",
     (("submitter", None),), None),
    ("indiener.vlaio", "Emma Willems", "ag-vlaio", "Productmanager e-loket",
     (("submitter", None),), None),
    ("contact.omgeving", "Rik Smets", "dep-omg", "Contactpersoon Stuurorgaan",
     (("entity_contact", "dep-omg"),), None),
    ("contact.wvg", "Leen Dubois", "dep-wvg", "Contactpersoon Stuurorgaan",
     (("entity_contact", "dep-wvg"),), None),
    ("contact.gent", "Jan Vermeersch", "gem-gent", "Contactpersoon Stuurorgaan",
     (("entity_contact", "gem-gent"),), None),
    ("contact.leuven", "Ann Janssens", "gem-leuven", "Contactpersoon Stuurorgaan",
     (("entity_contact", "gem-leuven"),), None),
    ("wg.data", "Michiel Declercq", "ag-iv", "Voorzitter werkgroep Data",
     _wg("wg-data", chair=True), None),
    ("wg.cyber", "Evelien Segers", "dep-kb", "Voorzitter werkgroep Cybersecurity",
     _wg("wg-cyber", chair=True), None),
    ("wg.loketten", "Ruben Aerts", "gem-kortrijk", "Voorzitter werkgroep Digitale loketten",
     _wg("wg-loketten", chair=True), None),
    ("wg.lid", "Charlotte Pauwels", "dep-wse", "Data-architect",
     (*_wg("wg-data"), *_wg("wg-loketten")), None),
    ("college", "Marc Van Laere", "dep-kb", "Secretariaat Voorzitterscollege",
     (("college_liaison", None),), None),
)  # fmt: skip

ENGLISH_SPEAKING: tuple[str, ...] = ("innovator.govtech",)
"""Users who read the interface and their notifications in English."""

MAIL_DOMAINS: dict[str, str] = {
    "dep-kb": "kanselarij.example",
    "dep-buza": "buitenland.example",
    "dep-fb": "financien.example",
    "dep-ewi": "ewi.example",
    "dep-ov": "onderwijs.example",
    "dep-wvg": "wvg.example",
    "dep-cjm": "cjm.example",
    "dep-wse": "werk.example",
    "dep-lv": "landbouw.example",
    "dep-omg": "omgeving.example",
    "dep-mow": "mow.example",
    "ag-iv": "informatievlaanderen.example",
    "ag-fb": "facilitair.example",
    "ag-vlaio": "vlaio.example",
    "ag-vdab": "vdab.example",
    "ag-awv": "wegenenverkeer.example",
    "ag-opgroeien": "opgroeien.example",
    "prov-antw": "provincieantwerpen.example",
    "gem-gent": "stad.gent.example",
    "gem-leuven": "leuven.example",
    "gem-kortrijk": "kortrijk.example",
    "kab-info": "kabinet-informatie.example",
    "kab-ict": "kabinet-ict.example",
    "ext-kennis": "kenniscentrum.example",
    "ext-govtech": "govtech.example",
}
"""Example mail domains (RFC 2606 ``.example``: no mail ever leaves for them)."""


def email_of(name: str, organisation: str) -> str:
    """A demo person's example address: "Ines Vandenberghe", dep-omg →
    ines.vandenberghe@omgeving.example."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = ".".join(part for part in re.split(r"[^a-z0-9]+", plain.lower()) if part)
    return f"{local}@{MAIL_DOMAINS.get(organisation, 'vlaanderen.example')}"


WORKING_GROUPS: tuple[tuple[str, str, str, str], ...] = (
    # (id, name, focus domain, chair); members are the holders of wg_member for the group
    ("wg-data", "Werkgroep Data", "data", "wg.data"),
    ("wg-cyber", "Werkgroep Cybersecurity", "cybersecurity", "wg.cyber"),
    ("wg-loketten", "Werkgroep Digitale loketten", "common_counter_functions", "wg.loketten"),
)

ATTENDANCE: tuple[str, ...] = tuple(
    user_id for user_id, *_rest, seat in PEOPLE if seat is not None and user_id not in
    ("lid.buza", "lid.landbouw", "innovator.govtech")
)  # fmt: skip
"""Who was present at the past meeting: the committee minus three excused members."""

BOUND_ENTITIES: tuple[str, ...] = ("dep-omg", "dep-wvg", "gem-gent", "gem-leuven")
"""The entities the past meeting's binding decision applies to (one per follow-up state)."""

# -- topics ------------------------------------------------------------------------------------


def _topic(
    title: str,
    summary: str,
    question: str,
    impact: str,
    entities: tuple[str, ...],
    focus: tuple[str, ...] = (),
    vrd2: tuple[str, ...] = (),
    *,
    kind: str = "topic",
    reuses: bool = False,
    creates: bool = False,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "title": title,
        "summary": summary,
        "question": question,
        "impact": impact,
        "affected_entities": list(entities),
        "focus_domains": list(focus),
        "vrd2_priorities": list(vrd2),
        "reuses_generic_components": reuses,
        "creates_generic_components": creates,
    }


TOPICS: dict[str, dict[str, Any]] = {
    # On the past meeting's agenda.
    "burgerprofiel": _topic(
        "Mijn Burgerprofiel als standaard voor de status van dossiers",
        "Burgers zoeken de stand van hun aanvragen, attesten en betalingen op tientallen sites. "
        "Mijn Burgerprofiel toont alles op één plek, maar slechts een deel van de entiteiten "
        "levert er de status van hun dossiers aan.",
        "Het Stuurorgaan beslist dat elke entiteit de status van haar dossiers voor burgers in "
        "Mijn Burgerprofiel toont.",
        "Eén overzicht voor de burger. Per entiteit een koppeling met de dossierstatusdienst, "
        "geraamd op 20 tot 40 mensdagen.",
        ("dep-omg", "dep-wvg", "gem-gent", "gem-leuven"),
        ("common_counter_functions",),
        ("mijn_burgerprofiel",),
        reuses=True,
    ),
    "oslo": _topic(
        "Gemeenschappelijke datastandaarden (OSLO) voor lokale besturen",
        "Lokale besturen wisselen gegevens met de Vlaamse overheid uit in telkens andere "
        "formaten. Elke nieuwe uitwisseling wordt opnieuw ontworpen.",
        "Welke OSLO-standaarden worden verplicht bij nieuwe uitwisselingen tussen lokale en "
        "Vlaamse besturen?",
        "Minder maatwerk per koppeling; lokale besturen en leveranciers bouwen één keer.",
        ("gem-gent", "gem-leuven", "prov-antw", "dep-kb"),
        ("data", "intergovernmental_cooperation"),
        ("lblod",),
        creates=True,
    ),
    "cyberbudget": _topic(
        "Financiering van een basispakket cybersecurity voor lokale besturen",
        "Na de ransomware-aanvallen op enkele gemeenten vragen lokale besturen een "
        "gemeenschappelijk basispakket: monitoring, back-ups buiten het netwerk en oefeningen.",
        "Het Stuurorgaan vraagt de Vlaamse Regering het basispakket voor alle lokale besturen "
        "te financieren.",
        "Geraamd op 4,2 miljoen euro per jaar; minder risico op uitval van lokale dienstverlening.",
        ("gem-gent", "gem-leuven", "gem-kortrijk", "prov-antw"),
        ("cybersecurity", "financing"),
        creates=True,
    ),
    "cloud": _topic(
        "Afsprakenkader voor het gebruik van publieke cloudtoepassingen",
        "Entiteiten nemen elk apart cloudtoepassingen in gebruik, met verschillende afspraken "
        "over gegevensopslag, exit en beveiliging.",
        "Het Stuurorgaan keurt een gemeenschappelijk afsprakenkader voor cloudgebruik goed.",
        "Eén set contractvoorwaarden en een checklist; minder juridisch werk per aankoop.",
        ("ag-fb", "ag-iv", "dep-kb", "dep-wse"),
        ("digital_instruments", "privacy"),
        reuses=True,
    ),
    "handtekening": _topic(
        "Digitale handtekening in de subsidieloketten",
        "Aanvragers van subsidies ondertekenen nog vaak op papier of met een ingescande "
        "handtekening. Een gemeenschappelijke ondertekeningsdienst kan dat oplossen.",
        "Het Stuurorgaan beslist dat subsidieloketten de gemeenschappelijke "
        "ondertekeningsdienst gebruiken.",
        "Volledig digitale aanvragen; elk loket moet de dienst integreren.",
        ("ag-vlaio", "dep-cjm", "dep-lv"),
        ("common_counter_functions", "generic_process_parts"),
        ("generic_counter_functions",),
        reuses=True,
    ),
    # On the upcoming meeting's agenda.
    "baseline": _topic(
        "Minimale cybersecuritymaatregelen (baseline) voor alle entiteiten",
        "De werkgroep Cybersecurity stelde een lijst van twaalf minimale maatregelen op. Niet "
        "elke entiteit kent of volgt ze.",
        "Het Stuurorgaan bespreekt de baseline en de manier waarop entiteiten rapporteren.",
        "Vergelijkbaar beveiligingsniveau; jaarlijkse zelfevaluatie per entiteit.",
        ("dep-kb", "ag-iv", "gem-gent", "gem-leuven"),
        ("cybersecurity",),
    ),
    "meldingen": _topic(
        "Overstap naar de gemeenschappelijke meldingendienst is niet haalbaar voor lokale besturen",
        "De overstap is gepland tegen het einde van dit kwartaal, maar de leveranciers van de "
        "lokale besturen leveren hun aanpassing pas een half jaar later.",
        "Het Stuurorgaan beslist over een nieuwe planning voor de lokale besturen.",
        "Zonder nieuwe planning vallen meldingen aan burgers tijdelijk weg.",
        ("gem-gent", "gem-kortrijk", "ag-iv"),
        ("common_counter_functions",),
        ("generic_counter_functions",),
        kind="escalation",
    ),
    # Elsewhere in the admission.
    "ondernemers": _topic(
        "Eén aanmeldingsflow voor ondernemers in het e-loket",
        "Ondernemers melden zich voor elke dienst apart aan en vullen telkens dezelfde "
        "bedrijfsgegevens in.",
        "Het Stuurorgaan beslist dat diensten voor ondernemers de aanmeldingsflow van het "
        "e-loket voor ondernemers hergebruiken.",
        "Minder invulwerk voor ondernemers; vier diensten passen hun aanmelding aan.",
        ("ag-vlaio", "dep-ewi", "dep-wse"),
        ("common_counter_functions",),
        ("e_loket_ondernemers",),
        reuses=True,
    ),
    "financien": _topic(
        "Gedeeld dashboard van de lokale financiën",
        "Lokale besturen rapporteren hun financiële cijfers via de digitale rapportering; de "
        "gegevens worden nog nauwelijks hergebruikt.",
        "Het Stuurorgaan vraagt een gedeeld dashboard op basis van de bestaande rapportering.",
        "Beleidsinformatie voor Vlaamse en lokale besturen zonder extra rapportering.",
        ("gem-gent", "gem-leuven", "dep-kb"),
        ("data_driven_policy",),
        ("lblod",),
    ),
    "vaardigheden": _topic(
        "Opleidingstraject digitale vaardigheden voor loketmedewerkers",
        "Loketmedewerkers helpen burgers steeds vaker met digitale aanvragen, zonder opleiding.",
        "",
        "",
        ("gem-gent", "gem-kortrijk"),
        ("digital_upskilling",),
    ),
    "huisstijl": _topic(
        "Nieuwe huisstijl voor de subsidiebrieven",
        "De brieven van ons agentschap krijgen een nieuwe huisstijl.",
        "Het Stuurorgaan neemt kennis van de nieuwe brieven.",
        "Geen impact buiten het agentschap.",
        ("ag-vlaio",),
    ),
    "videoconferentie": _topic(
        "Eigen videoconferentieplatform voor het departement",
        "Het departement wil een eigen platform voor videovergaderingen aankopen.",
        "Het Stuurorgaan keurt de aankoop goed.",
        "Aankoop van 120.000 euro; ook andere entiteiten zouden het kunnen gebruiken.",
        ("dep-omg", "dep-mow"),
        ("digital_instruments",),
    ),
    "ai_assistent": _topic(
        "Proefproject met een AI-assistent voor vragen van burgers",
        "De stad wil met een AI-assistent de eenvoudige vragen aan het contactcenter "
        "beantwoorden en het resultaat met andere besturen delen.",
        "Het Stuurorgaan steunt een gezamenlijk proefproject met Informatie Vlaanderen.",
        "Snellere antwoorden; vragen over privacy en aansprakelijkheid moeten eerst beantwoord.",
        ("gem-gent", "ag-iv"),
        ("innovation", "service_strategy"),
        creates=True,
    ),
}

COLLEGE_QUESTION: dict[str, Any] = {
    "title": "Stand van zaken van Mijn Burgerprofiel bij de lokale besturen",
    "question": "Hoeveel lokale besturen tonen de status van hun dossiers al in Mijn "
    "Burgerprofiel, en wat houdt de andere tegen?",
    "summary": "Het Voorzitterscollege wil de adoptie kennen voor de begrotingsopmaak.",
    "impact": "Input voor de begrotingsopmaak van volgend jaar.",
    "affected_entities": ["gem-gent", "gem-leuven", "gem-kortrijk"],
    "vrd2_priorities": ["mijn_burgerprofiel"],
}

COLLEGE_ANSWER = (
    "Van de 300 lokale besturen tonen er 182 de status van hun dossiers in Mijn Burgerprofiel. "
    "De andere wachten vooral op hun softwareleverancier. Het Stuurorgaan besliste in dezelfde "
    "zitting dat elke entiteit de status van haar dossiers in Mijn Burgerprofiel toont; de "
    "opvolging loopt via pas toe of leg uit."
)

# -- texts of the follow-up -------------------------------------------------------------------

DECISION_TEXT = (
    "Elke entiteit toont de status van haar dossiers voor burgers in Mijn Burgerprofiel. De "
    "gebonden entiteiten passen dit toe of leggen uit tegen de uiterste datum."
)
CLOUD_DECISION = (
    "Het Stuurorgaan keurt het afsprakenkader voor cloudgebruik goed als aanbeveling voor alle "
    "entiteiten; de werkgroep Cybersecurity houdt het actueel."
)
WG_QUESTION = (
    "Welke OSLO-standaarden worden verplicht bij nieuwe uitwisselingen tussen lokale en "
    "Vlaamse besturen, en welke overgangstermijn is haalbaar?"
)
WG_DELIVERABLE = "Rapport met een lijst van verplichte standaarden en een voorstel van afspraken."
WG_STATUS = (
    "Inventaris van de uitwisselingen tussen lokale besturen en de Vlaamse overheid klaar: "
    "48 gegevensstromen, waarvan 31 al een OSLO-standaard hebben. Drie leveranciers bevraagd."
)
ESCALATION_SUMMARY = (
    "Het Stuurorgaan steunt een basispakket cybersecurity voor alle lokale besturen, maar kan "
    "de financiering niet zelf toekennen."
)
ESCALATION_DECISION = (
    "De Vlaamse Regering financiert het basispakket cybersecurity voor lokale besturen vanaf "
    "volgend jaar."
)
DOSSIER_BACKGROUND = (
    "Kostenraming: 4,2 miljoen euro per jaar voor 300 besturen (monitoring 2,1 miljoen, "
    "back-ups 1,5 miljoen, oefeningen 0,6 miljoen). Lokale besturen dragen de personeelskosten."
)

COMPLIED = {
    "what_done": "Het Omgevingsloket toont de status van alle vergunningsaanvragen in Mijn "
    "Burgerprofiel.",
    "evidence": "Releasenota Omgevingsloket 2.14, hoofdstuk 'Koppeling Mijn Burgerprofiel'",
}
EXPLAINED_WVG = {
    "reason": "Het zorgloket draait op een contract dat pas volgend jaar afloopt; een koppeling "
    "op het huidige platform kost meer dan de vervanging.",
    "risks": "Burgers zien de status van zorgdossiers nog een jaar alleen in het zorgloket.",
    "mitigation": "Mijn Burgerprofiel verwijst naar het zorgloket; het lastenboek van het nieuwe "
    "platform vraagt de koppeling.",
}
EXPLAINED_GENT = {
    "reason": "De stad vervangt dit jaar haar dossierbeheersysteem; een koppeling op het oude "
    "systeem is verloren werk.",
    "risks": "De status van stedelijke dossiers blijft enkele maanden buiten Mijn Burgerprofiel.",
    "mitigation": "Het nieuwe systeem wordt meteen gekoppeld; tot dan staat een link naar het "
    "stedelijke e-loket in Mijn Burgerprofiel.",
}

# -- what people enter in the forms -----------------------------------------------------------

COLLEGE_NOTE = {"follow_up_note": "Dank u; het Voorzitterscollege bespreekt het antwoord."}
DOSSIER = {
    "title": TOPICS["cyberbudget"]["title"],
    "summary": ESCALATION_SUMMARY,
    "decision_needed": ESCALATION_DECISION,
}
SENT_BACK = {
    "dossier_decision": "send_back",
    "dossier_comment": "Voeg de kostenraming en de verdeling tussen Vlaanderen en de lokale "
    "besturen toe.",
}
REVISED_DOSSIER = {**DOSSIER, "background": DOSSIER_BACKGROUND}
ACCEPTANCE = {
    "acceptance": "accept",
    "acceptance_comment": "Aanvaard; eerste stand van zaken binnen vier weken.",
}
STATUS_UPDATE = {"progress": WG_STATUS, "on_track": True}
ACCEPTED = {
    "verdict": "accepted",
    "assessment_note": "Aanvaard: de koppeling staat in het lastenboek van het nieuwe platform; "
    "opvolgen bij de gunning.",
}
DECLINED = {
    "chair_decision": "decline",
    "chair_reason": "Er bestaat al een raamcontract via het Facilitair Bedrijf; dit hoort niet "
    "op het Stuurorgaan.",
}
ACKNOWLEDGED = {"submitter_reaction": "Begrepen, we bekijken het raamcontract."}
DEFERRED = {
    "chair_decision": "defer",
    "chair_reason": "Eerst het advies van de werkgroep Data over gegevensgebruik afwachten.",
}
MINUTES_APPROVAL = {
    "minutes_reference": "Notulen goedgekeurd via schriftelijke procedure; geen opmerkingen "
    "binnen de termijn van vijf werkdagen.",
    "minutes_corrections": "Bij het punt over het afsprakenkader voor cloudgebruik: de "
    "werkgroep Cybersecurity houdt het kader actueel, niet de werkgroep Data.",
}
NOT_ADMISSIBLE_NOTE = (
    "Dit raakt alleen uw agentschap en geen prioriteit van het strategisch plan. Vul de "
    "transversale impact aan of trek het onderwerp in."
)
