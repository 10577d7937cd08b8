"""*Beheer → Onzekere mails*: listed in plain Dutch, resent or closed with a reason, audited."""

from __future__ import annotations

from sqlalchemy import select

from engine.notify.mailer import DeliveryUncertain, Sender
from engine.storage.models import Notification
from tests.test_notifications import notify
from tests.web.conftest import csrf_of, sign_in


class Uncertain:
    def send(self, mail) -> None:
        raise DeliveryUncertain("connection lost after the data was sent")


def _stuck_mail_for_cas(engine) -> int:
    engine.ensure_user("cas", "Cas Contact", email="cas@example.org")
    notify(engine.db, engine.clock, "remind:1", "cas", channels=("email",))
    Sender(engine.db, engine.clock, Uncertain()).deliver_due()
    [mail] = engine.stuck_mail()
    return mail.id


def _status(engine, notification_id: int) -> str:
    with engine.db.read() as session:
        return session.scalar(select(Notification.status).where(Notification.id == notification_id))


def test_only_admins_see_stuck_mail(client, web_engine):
    _stuck_mail_for_cas(web_engine)
    sign_in(client, "carla")
    assert client.get("/beheer/mails").status_code == 403


def test_admin_sees_resends_and_closes_stuck_mail(client, web_engine):
    mail_id = _stuck_mail_for_cas(web_engine)
    sign_in(client, "anna")
    assert "1 wachten op een beslissing" in client.get("/beheer/").text
    page = client.get("/beheer/mails")
    assert "Cas Contact" in page.text and "Herinnering: Goedkeuren (Topic 7)" in page.text
    assert "DeliveryUncertain" not in page.text and "remind:1" not in page.text
    token = csrf_of(page.text)

    refused = client.post(f"/beheer/mails/{mail_id}/afsluiten", data={"csrf_token": token})
    assert refused.status_code == 422 and "Geef een reden" in refused.text
    assert "<title>Fout:" in refused.text
    assert _status(web_engine, mail_id) == "sending"  # nothing changed

    done = client.post(
        f"/beheer/mails/{mail_id}/opnieuw", data={"csrf_token": token}, follow_redirects=True
    )
    assert "opnieuw klaar" in done.text and "Geen onzekere mails." in done.text
    assert _status(web_engine, mail_id) == "pending"
    again = client.post(
        f"/beheer/mails/{mail_id}/afsluiten",
        data={"csrf_token": token, "reden": "dubbel"},
        follow_redirects=True,
    )
    assert "wacht niet meer op een beslissing" in again.text
    assert _status(web_engine, mail_id) == "pending"
    assert client.post("/beheer/mails/999999/opnieuw", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/beheer/mails/{mail_id}/wissen", data={"csrf_token": token}).status_code == 404
