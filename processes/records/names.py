"""What the committee's processes, tasks, lanes and other model elements are called, in Dutch
and English.

The models in ``bpmn/`` name every element in Dutch (the source language). :data:`ENGLISH`
translates each of those names, so that a page, a notification or a diagram in English shows
English (a test in ``tests/web/test_plain_language.py`` fails when a model gains a name this
table lacks). :func:`names_of` gives both languages of one name, as the engine's
notifications and the web app's labels take them: ``{"nl": ..., "en": ...}``.

Names that are role ids (lanes) are translated by the web app's role labels, not here.
"""

from __future__ import annotations

ENGLISH: dict[str, str] = {
    # processes and pools
    "Agendering van een onderwerp": "Putting a topic on the agenda",
    "Agendering (Stuurorgaan)": "Agenda admission (steering committee)",
    "Vraag van het Voorzitterscollege": "Question from the College of Chairs",
    "Pas toe of leg uit": "Comply or explain",
    "Stuurorgaan: pas toe of leg uit (per besluit)": (
        "Steering committee: comply or explain (per decision)"
    ),
    "Escalatie naar de Vlaamse Regering": "Escalation to the Flemish Government",
    "Stuurorgaan: escalatie naar de Vlaamse Regering": (
        "Steering committee: escalation to the Flemish Government"
    ),
    "Zitting van het Stuurorgaan": "Meeting of the steering committee",
    "Zitting (Stuurorgaan)": "Meeting (steering committee)",
    "Verplichting van een instantie (pas toe of leg uit)": (
        "An entity's obligation (comply or explain)"
    ),
    "Overheidsinstantie: pas toe of leg uit": "Government entity: comply or explain",
    "Werkgroepopdracht": "Working-group assignment",
    "Stuurorgaan: opdracht aan een werkgroep": "Steering committee: assignment to a working group",
    # KPI measurements (kpi_measurement)
    "KPI-metingen": "KPI measurements",
    "Stuurorgaan: metingen van een KPI": "Steering committee: measurements of a KPI",
    "KPI aangemaakt": "KPI created",
    "Eerste meting plannen": "Plan the first measurement",
    "Nog een meting?": "Another measurement?",
    "Tijd voor een meting": "Time for a measurement",
    "KPI-meting invoeren": "Enter the KPI measurement",
    "Meting vastleggen": "Record the measurement",
    "Streefdatum voorbij": "Target date passed",
    # user tasks
    "Antwoord lezen": "Read the answer",
    "Dossier voorbereiden": "Prepare the dossier",
    "Dossier goedkeuren": "Approve the dossier",
    "Antwoord van de Vlaamse Regering registreren": "Record the Flemish Government's answer",
    "Besluit koppelen": "Link the decision",
    "Agenda ordenen en markeren": "Order and mark the agenda",
    "Behandelingen vastleggen": "Record the treatments",
    "Goedkeuring van de notulen registreren": "Record the approval of the minutes",
    "Laattijdige instantie behandelen": "Handle a late entity",
    "Uitleg beoordelen": "Assess the explanation",
    "Screening bevestigen": "Confirm the screening",
    "Indiening aanpassen of intrekken": "Revise or withdraw the submission",
    "Dossier aanvullen of intrekken": "Complete or withdraw the dossier",
    "Beslissen over agendering": "Decide on the agenda",
    "Weigering lezen": "Read the refusal",
    "Antwoord opstellen": "Draft the answer",
    "Opdracht goedkeuren": "Approve the mandate",
    "Opdracht herwerken": "Rework the mandate",
    "Opdracht aanvaarden": "Accept the mandate",
    "Rapport indienen": "Submit the report",
    "Stand van zaken melden": "Report progress",
    "Laattijdig rapport behandelen": "Handle a late report",
    "Voorstel bundelen": "Bundle the proposal",
    # automatic steps
    "Aanvaarding vastleggen": "Record the acceptance",
    "Agenda afsluiten": "Close the agenda",
    "Agenda publiceren": "Publish the agenda",
    "Antwoord bezorgen": "Deliver the answer",
    "Antwoord vastleggen": "Record the answer",
    "Beoordeling vastleggen": "Record the assessment",
    "Besluiten opslaan en doorgeven": "Store and pass on the decisions",
    "Dossier bewaren": "Keep the dossier",
    "Dossier openen": "Open the dossier",
    "Escalatie starten": "Start the escalation",
    "Escalatie vastleggen": "Record the escalation",
    "Feiten voor de screening verzamelen": "Gather the facts for the screening",
    "Goedkeuring vastleggen": "Record the approval",
    "Herinneren en escaleren": "Remind and escalate",
    "Herwerkte opdracht vastleggen": "Record the reworked mandate",
    "Indiening registreren": "Register the submission",
    "Laattijdig markeren": "Mark as late",
    "Laattijdige instantie agenderen": "Put the late entity on the agenda",
    "Laattijdige opdracht agenderen": "Put the late assignment on the agenda",
    "Niet-aanvaarde uitleg agenderen": "Put the rejected explanation on the agenda",
    "Nieuwe termijn vastleggen": "Record the new term",
    "Nieuwe uiterste datum vastleggen": "Record the new deadline",
    "Notulen afsluiten": "Close the minutes",
    "Op de agenda plaatsen": "Put on the agenda",
    "Opdracht registreren": "Register the mandate",
    "Opvolging van de behandeling plannen": "Plan the follow-up of the treatment",
    "Pas toe of leg uit starten": "Start comply or explain",
    "Rapport laattijdig markeren": "Mark the report as late",
    "Rapport vastleggen": "Record the report",
    "Rapportageritme bepalen": "Set the reporting rhythm",
    "Rapporteren aan het Voorzitterscollege": "Report to the College of Chairs",
    "Screening vastleggen": "Record the screening",
    "Secretariaat herinneren": "Remind the secretariat",
    "Toetsen aan het afsprakenkader": "Check against the admission conditions",
    "Uitstel plannen": "Plan the deferral",
    "Verplichting koppelen": "Link the obligation",
    "Verplichtingen aanmaken": "Create the obligations",
    "Verzending vastleggen": "Record the sending",
    "Voorstel agenderen": "Put the proposal on the agenda",
    "Voortgang vastleggen": "Record the progress",
    "Weigering vastleggen": "Record the refusal",
    "Vraag indienen als onderwerp": "Submit the question as a topic",
    "Wachten op de uitkomst van de behandeling": "Wait for the outcome of the treatment",
    "Werkgroepopdracht starten": "Start the working-group assignment",
    "Zitting aanmaken": "Create the meeting",
    # events
    "Agenda gesloten": "Agenda closed",
    "Agenderingsdeadline": "Agenda deadline",
    "Antwoord laat": "Answer late",
    "Antwoord ontvangen": "Answer received",
    "Behandeld": "Treated",
    "Besluit op te volgen": "Decision to follow up",
    "Elke N weken": "Every N weeks",
    "Escalatie": "Escalation",
    "Escalatie gevraagd": "Escalation requested",
    "Geplaatst": "Placed",
    "Gepubliceerd": "Published",
    "Geëscaleerd": "Escalated",
    "Ingetrokken": "Withdrawn",
    "Laattijdig gemarkeerd": "Marked as late",
    "Niet geagendeerd": "Not on the agenda",
    "Onderwerp ingediend": "Topic submitted",
    "Op de agenda als escalatie": "On the agenda as an escalation",
    "Opdracht voorgesteld": "Mandate proposed",
    "Opvolging gestart": "Follow-up started",
    "Opvolging per instantie gestart": "Follow-up per entity started",
    "Rapport te laat": "Report late",
    "Terug naar het Stuurorgaan": "Back to the steering committee",
    "Terug op de agenda": "Back on the agenda",
    "Toegepast": "Complied",
    "Uiterste datum voorbij": "Deadline passed",
    "Uitkomst laat": "Outcome late",
    "Uitleg aanvaard": "Explanation accepted",
    "Verplichting opgelegd": "Obligation imposed",
    "Voorstel op de agenda": "Proposal on the agenda",
    "Voortgang gemeld": "Progress reported",
    "Vraag beantwoord": "Question answered",
    "Vraag gesteld": "Question asked",
    "Wachten op het antwoord": "Waiting for the answer",
    "Wachten tot de uitsteldatum": "Wait until the deferral date",
    "Zitting": "Meeting",
    "Zitting afgerond": "Meeting finished",
    "Zitting gehouden": "Meeting held",
    "Zitting gepland": "Meeting planned",
    # gateways
    "Aanvaard?": "Accepted?",
    "Besluit gekend?": "Decision known?",
    "Beslissing van de voorzitter": "The chair's decision",
    "Bindende afspraak?": "Binding agreement?",
    "Geplaatst?": "Placed?",
    "Gepubliceerd?": "Published?",
    "Goedgekeurd?": "Approved?",
    "Indiener te informeren?": "Inform the submitter?",
    "Opnieuw indienen?": "Resubmit?",
    "Toegepast?": "Complied?",
    "Toelaatbaar?": "Admissible?",
    "Uitkomst?": "Outcome?",
    "Verlengen?": "Extend?",
    "Volledig?": "Complete?",
    "Vraag van het Voorzitterscollege?": "Question from the College of Chairs?",
    "Wie past aan?": "Who revises?",
    # flows
    "Aanvullen": "Complete",
    "Agenderen": "Put on the agenda",
    "Ander proces": "Other process",
    "Anders": "Otherwise",
    "Beslist of genoteerd": "Decided or noted",
    "Bindend besluit": "Binding decision",
    "Indiener": "Submitter",
    "Intrekken": "Withdraw",
    "Naar een werkgroep": "To a working group",
    "Niet toelaatbaar": "Not admissible",
    "Opnieuw indienen": "Resubmit",
    "Opnieuw ordenen": "Reorder",
    "Toelaatbaar": "Admissible",
    "Uitgesteld": "Deferred",
    "Uitstellen": "Defer",
    "Volledig": "Complete",
    "Vraag": "Question",
    "Weigeren": "Decline",
    "aanvaard": "accepted",
    "agenderen": "put on the agenda",
    "bindende afspraak": "binding agreement",
    "geweigerd": "declined",
    "goedgekeurd": "approved",
    "ja": "yes",
    "leg uit": "explain",
    "nee": "no",
    "niet aanvaard": "not accepted",
    "pas toe": "comply",
    "teruggestuurd": "sent back",
    "verlengen": "extend",
    "weigering of amendement": "refusal or amendment",
}
"""English for every Dutch name in the committee's models."""


def english(name: str) -> str:
    """The English name of a model element's Dutch name (the name itself when unknown)."""
    return ENGLISH.get(name, name)


def in_language(name: str, language: str) -> str:
    """A model element's name in `language` ("nl" or "en")."""
    return english(name) if language == "en" else name


def names_of(name: str) -> dict[str, str]:
    """Both names of one element: ``{"nl": ..., "en": ...}``."""
    return {"nl": name, "en": english(name)}
