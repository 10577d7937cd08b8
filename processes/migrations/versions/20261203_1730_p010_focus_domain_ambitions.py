# ruff: noqa: RUF001  (the plan's own typographic quotes and dashes, kept as written)
"""The focus domains' ambitions as the strategic plan states them (reference data).

From the annex of the strategic plan (``shared/seeds``): the one-line goal (with its example) of
the non-functional focus domains and the "De ambitie is ..." paragraphs of the functional ones,
in Dutch and in English. The copy of the plan we have is cut short: it holds the goals of the
non-functional domains 7 to 10 and the paragraphs of the functional domains 1 to 3 only. The
other domains get no row here rather than an invented text; the secretariat writes theirs on
the page *Ambities* (``/sturingskader/ambities``).

Revision ID: p010
Revises: p009
Create Date: 2026-12-03 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "p010"
down_revision = "p009"
branch_labels = None
depends_on = None

AMBITIONS: tuple[tuple[str, str, str], ...] = (
    (
        "intergovernmental_cooperation",
        "Een gedragen afsprakenkader scheppen die een aantal principes en richtlijnen voor "
        "interbestuurlijke ICT-projecten vooropstelt. Bijvoorbeeld: inventarisatie van "
        "interbestuurlijke projecten en het opmaken van een reflectiekader voor het ondersteunen, "
        "het begeleiden en delen van goede praktijken met betrekking tot interbestuurlijke "
        "digitaliseringsprojecten.",
        "Create a widely supported framework of agreements that sets out principles and "
        "guidelines for ICT projects between governments. For example: an inventory of "
        "projects between governments and a framework for reflection to support and guide "
        "digitisation projects between governments and to share good practices about them.",
    ),
    (
        "innovation",
        "Innovatieve projecten faciliteren om de werking en digitale dienstverlening te "
        "verbeteren. Bijvoorbeeld: PoCs en samenwerkingen met startups mogelijk maken.",
        "Facilitate innovative projects to improve how the administration works and its "
        "digital services. For example: make proofs of concept and partnerships with start-ups "
        "possible.",
    ),
    (
        "financing",
        "Digitale ambities waarmaken door de juiste financiering van projecten te garanderen. "
        "Bijvoorbeeld: het mogelijks opzetten en het beheren van een digitaliseringsfonds.",
        "Realise digital ambitions by guaranteeing the right financing of projects. For "
        "example: possibly setting up and managing a digitisation fund.",
    ),
    (
        "digital_upskilling",
        "Centrale opleidingen voorzien op alle niveaus om de Vlaamse ambtenaren een basiskennis "
        "IT en digitalisering te geven en hun samenwerking te versterken. Bijvoorbeeld: door een "
        "aanbod van gerichte digitale opleidingen samen te ontwikkelen.",
        "Provide central training at every level to give Flemish civil servants a basic "
        "knowledge of IT and digitisation and to strengthen their cooperation. For example: by "
        "developing an offer of targeted digital training together.",
    ),
    (
        "streamlining_sites_counters",
        "De ambitie is om ervoor te zorgen dat de dienstverleningen door de verschillende "
        "samenwerkende overheidsinstanties in “één loket in de Dorpsstraat” worden aangeboden. "
        "Voor burgers, ondernemingen en verenigingen is het belangrijk om een gestroomlijnd "
        "proces te ervaren en goed geholpen te worden (‘no wrong door’ principe), zonder te "
        "hoeven weten met welke overheidsinstantie ze contact hebben. Een burger, onderneming of "
        "vereniging zou zo idealiter via de website of het e-loket van zijn lokale overheid "
        "toegang moeten kunnen krijgen tot alle administratieve processen die door de Vlaamse, "
        "lokale of federale overheid worden aangeboden.\n\n"
        "Om dit te bereiken zal er ingezet moeten worden op de integratie van de verschillende "
        "bestaande loket-inspanningen. Meer specifiek door te zorgen dat de sites van de "
        "Vlaamse, lokale en federale dienstverleningen inplugbaar zijn in de lokale sites en in "
        "de lokale dienstverleningen. Bovendien zetten we verder in op 1 digitaal gezicht van de "
        "Vlaamse overheid. Hier moet er maximaal gebruik gemaakt worden van de huidige "
        "loketplatformen (Mijn Burgerprofiel en e-loket voor ondernemers) en onderliggende "
        "bouwblokken. Deze loketfunctionaliteiten zullen de referentie en standaard moeten "
        "worden voor digitale dienstverlening naar burgers, bedrijven en verenigingen. Ook zal "
        "het Webplatform hét gemeenschappelijk platform van de Vlaamse overheid worden waar "
        "entiteiten hun doelpubliek beter mee kunnen informeren en begeleiden bij het digitaal "
        "regelen van hun zaken met de overheid.",
        "The ambition is to make sure that the services of the various cooperating government "
        "entities are offered at “one counter in the village street”. For citizens, companies "
        "and associations it matters to experience a streamlined process and to be helped well "
        "(the ‘no wrong door’ principle), without having to know which government entity they "
        "are dealing with. Ideally, a citizen, company or association should thus be able to "
        "reach every administrative process offered by the Flemish, local or federal government "
        "through the website or e-counter of their local government.\n\n"
        "To achieve this, the existing counter efforts will have to be integrated. More "
        "specifically, by making sure that the sites of Flemish, local and federal services can "
        "be plugged into local sites and local services. We also continue to work on one "
        "digital face of the Flemish government. Here the current counter platforms (Mijn "
        "Burgerprofiel and the e-counter for entrepreneurs) and the building blocks beneath "
        "them must be used as much as possible. These counter functions will have to become the "
        "reference and standard for digital services to citizens, companies and associations. "
        "The Web platform will also become the common platform of the Flemish government, with "
        "which entities can better inform their audiences and guide them in arranging their "
        "affairs with the government digitally.",
    ),
    (
        "common_counter_functions",
        "De ambitie is om in te zetten op een samenhangend, coherent geheel van "
        "loketfunctionaliteiten die door de burger als één loket ervaren wordt. Zo worden de "
        "loketfunctionaliteiten inplugbaar gemaakt in de federale en lokale sites en diensten. "
        "Hierbij zal er moeten ingezet worden op diensten met een hoog aantal gebruikers en een "
        "hoge gebruiksfrequentie. Dit zal mogelijk gemaakt worden door bestaande "
        "loketfunctionaliteiten te verbeteren en nieuwe functionaliteiten te ontwikkelen, zoals:"
        "\n\n- Aanmelden\n- Oriënteren / Hulp verkrijgen\n"
        "- Overzichten / Notificaties / Opvolgen dossierstatus\n"
        "- Aanvragen / Starten van een dienstverlening\n- Informeren op maat",
        "The ambition is to work towards a connected, coherent whole of counter functions that "
        "citizens experience as one counter. The counter functions are thus made pluggable into "
        "federal and local sites and services. The focus will have to be on services with many "
        "users and frequent use. This will be made possible by improving existing counter "
        "functions and developing new ones, such as:\n\n- Logging in\n"
        "- Finding one's way / Getting help\n- Overviews / Notifications / Following a case's "
        "status\n- Applying / Starting a service\n- Tailored information",
    ),
    (
        "generic_process_parts",
        "De overheid wordt niet alleen geconfronteerd met steeds veeleisender burgers en "
        "ondernemingen, maar ze moet ook haar interne werking aanpassen aan de nieuwe "
        "uitdagingen. De kwaliteit en snelheid van de dienstverlening moeten steeds beter, "
        "terwijl daarnaast de nadruk onverminderd blijft liggen op kostenefficiëntie, "
        "performantie en transparantie. Deze continue druk verplicht overheidsorganisaties om "
        "fundamentele hervormingen door te voeren en radicale keuzes te maken in de manier "
        "waarop ze georganiseerd zijn en hoe ze intern werken om zo betere diensten aan hun "
        "klanten – burgers, ondernemingen en verenigingen – te kunnen aanbieden.",
        "The government is not only faced with ever more demanding citizens and companies; it "
        "must also adapt its internal workings to the new challenges. The quality and speed of "
        "its services must keep improving, while the emphasis stays undiminished on cost "
        "efficiency, performance and transparency. This constant pressure obliges government "
        "organisations to carry out fundamental reforms and to make radical choices in how they "
        "are organised and how they work internally, so as to offer better services to their "
        "customers – citizens, companies and associations.",
    ),
)

_TABLE = sa.table(
    "focus_domain_ambition",
    sa.column("focus_domain", sa.String),
    sa.column("ambition_nl", sa.Text),
    sa.column("ambition_en", sa.Text),
)


def upgrade() -> None:
    op.bulk_insert(
        _TABLE,
        [
            {"focus_domain": code, "ambition_nl": nl, "ambition_en": en}
            for code, nl, en in AMBITIONS
        ],
    )


def downgrade() -> None:
    op.execute(
        _TABLE.delete().where(_TABLE.c.focus_domain.in_([code for code, _nl, _en in AMBITIONS]))
    )
