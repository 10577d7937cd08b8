"""*Beheer* > *Dossiers verplaatsen*: choose, map with selects, dry run, move with a reason;
and the case page's line with the versions a case ran on."""

from __future__ import annotations

import re

from engine import Engine
from tests.web.conftest import csrf_of, sign_in, start_review
from tests.web.test_migration_api import at_approve, deploy_v2
from webapp import admin_migrations

URL = "/beheer/verplaatsen"


def test_only_admins(client, web_engine: Engine) -> None:
    sign_in(client, "carla")
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}?proces=review").status_code == 403


def test_plan_dry_run_and_move(client, web_engine: Engine) -> None:
    at_intake, _ = start_review(web_engine, "carla")
    approving = at_approve(web_engine)
    deploy_v2(web_engine)
    sign_in(client, "anna")
    assert "Dossiers verplaatsen" in client.get("/beheer/").text
    first = client.get(URL)
    assert first.status_code == 200 and '<option value="review">Review</option>' in first.text
    assert client.get(f"{URL}?proces=nope").status_code == 404
    same = client.get(f"{URL}?proces=review&van=2&naar=2")
    assert same.status_code == 422 and "Kies twee verschillende versies." in same.text
    page = client.get(f"{URL}?proces=review&naar=2").text
    # The step without a place is offered a select of the new version's steps, the suggestion
    # chosen; people see names, not ids.
    assert '<label for="plaats-1-1">Approve (taak)</label>' in page
    assert '<option value="approve2" selected>Approve (taak)</option>' in page
    token = csrf_of(page)
    form = {"csrf_token": token, "proces": "review", "naar": "2", "plaats:approve": ""}
    dry = client.post(URL, data={**form, "actie": "proef"})
    assert dry.status_code == 200
    assert "Proefdraaien: er is niets gewijzigd" in dry.text
    assert "1 van 2 dossiers kunnen verplaatst worden, 1 niet." in dry.text
    assert "Het wacht in &#34;Approve&#34;, dat in de nieuwe versie geen plaats heeft." in dry.text
    assert web_engine.case(at_intake).version == 1

    no_reason = client.post(
        URL, data={**form, "plaats:approve": "approve2", "actie": "verplaatsen"}
    )
    assert no_reason.status_code == 422 and "Geef een reden" in no_reason.text
    assert web_engine.case(at_intake).version == 1

    moved = client.post(
        URL,
        data={
            **form,
            "plaats:approve": "approve2",
            "actie": "verplaatsen",
            "reden": "Goedkeuring hernoemd",
        },
    )
    assert moved.status_code == 200
    assert "2 verplaatst, 0 niet mogelijk, 0 mislukt, van 2 dossiers." in moved.text
    assert web_engine.case(approving).version == 2 and web_engine.case(at_intake).version == 2
    trail = [e for e in web_engine.audit_trail(approving) if e.action == "case_migrated"]
    assert trail[0].actor == "anna" and trail[0].reason == "Goedkeuring hernoemd"

    case_page = client.get(f"/dossiers/{approving}").text
    assert "Versies" in case_page
    assert 'href="/beheer/processen/review/1#diagram"' in case_page
    assert 'href="/beheer/processen/review/2#diagram"' in case_page


def test_case_page_versions_line_for_a_case_that_never_moved(client, web_engine: Engine) -> None:
    case_id, _ = start_review(web_engine, "carla")
    sign_in(client, "carla")
    page = client.get(f"/dossiers/{case_id}").text
    assert "Versies" in page and "/beheer/processen/" not in page


def test_the_page_speaks_english_too(client, web_engine: Engine) -> None:
    start_review(web_engine, "carla")
    at_approve(web_engine)
    deploy_v2(web_engine)
    sign_in(client, "anna")
    client.post("/taal", data={"taal": "en", "csrf_token": csrf_of(client.get("/taken").text)})
    page = client.get(f"{URL}?proces=review&naar=2").text
    assert "<h1>Move cases</h1>" in page and "2. Where does each step go?" in page
    assert "No place: cases waiting here stay where they are" in page
    dry = client.post(
        URL, data={"csrf_token": csrf_of(page), "proces": "review", "naar": "2", "actie": "proef"}
    )
    assert "Dry run: nothing was changed" in dry.text
    assert "1 of 2 cases can move, 1 cannot." in dry.text
    assert "which has no place in the new version." in dry.text


def _progress_form(page: str) -> dict[str, str]:
    """The hidden fields of the 'Verder verplaatsen' form on a progress page."""
    form = page.split("data-batch-continue", 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_the_move_goes_in_batches_with_a_progress_bar(
    client, web_engine: Engine, monkeypatch
) -> None:
    monkeypatch.setattr(admin_migrations, "BATCH_SIZE", 2)
    movable = [start_review(web_engine, "carla")[0] for _ in range(5)]
    stays = at_approve(web_engine)  # waits in a step without a place: refused
    deploy_v2(web_engine)
    sign_in(client, "anna")
    token = csrf_of(client.get(f"{URL}?proces=review&naar=2").text)
    form = {"csrf_token": token, "proces": "review", "naar": "2", "plaats:approve": ""}

    def versions() -> list[int]:
        return [web_engine.case(case_id).version for case_id in movable]

    first = client.post(URL, data={**form, "actie": "verplaatsen", "reden": "Nieuwe versie"})
    assert first.status_code == 200, first.text
    assert '<progress id="voortgang-balk" max="5" value="2">' in first.text
    assert "2 van 5 verplaatst" in first.text
    assert "js/migration-batches.js" in first.text and "Verder verplaatsen" in first.text
    assert sorted(versions()) == [1, 1, 1, 2, 2]

    tampered = {
        **_progress_form(first.text),
        "voortgang": "x" + _progress_form(first.text)["voortgang"],
    }
    refused = client.post(URL, data={**tampered, "actie": "verder"})
    assert refused.status_code == 422 and "begin opnieuw" in refused.text
    assert sorted(versions()) == [1, 1, 1, 2, 2]

    second = client.post(URL, data={**_progress_form(first.text), "actie": "verder"})
    assert second.status_code == 200 and "4 van 5 verplaatst" in second.text
    assert sorted(versions()) == [1, 2, 2, 2, 2]

    last = client.post(URL, data={**_progress_form(second.text), "actie": "verder"})
    assert last.status_code == 200 and "data-batch-continue" not in last.text
    assert "5 verplaatst, 1 niet mogelijk, 0 mislukt, van 6 dossiers." in last.text
    for case_id in [*movable, stays]:
        assert f'href="/dossiers/{case_id}"' in last.text
    assert versions() == [2] * 5 and web_engine.case(stays).version == 1
    trail = [e for e in web_engine.audit_trail(movable[4]) if e.action == "case_migrated"]
    assert len(trail) == 1 and trail[0].reason == "Nieuwe versie"
