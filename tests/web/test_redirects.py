"""`next` and `terug` only ever lead to a path on this site, whatever trick the value holds."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.web.conftest import PASSWORD, csrf_of, sign_in
from webapp.redirects import same_site_path

# (raw parameter value as it arrives after the query string or form is decoded, why it is bad)
TRICKS = [
    ("/\t/evil.example", "tab: browsers drop it, leaving //evil.example"),
    ("/%09/evil.example", "%09 decodes to a tab"),
    ("/%2509/evil.example", "double-encoded tab"),
    ("/\\evil.example", "backslash: browsers read it as /"),
    ("/%5cevil.example", "%5c decodes to a backslash"),
    ("/%5Cevil.example", "upper-case %5C"),
    ("//evil.example", "scheme-relative URL"),
    ("//evil.example/inbox", "scheme-relative URL with a path"),
    ("/%2F/evil.example", "encoded slash making //"),
    ("/\n/evil.example", "line feed"),
    ("/%0a/evil.example", "%0a decodes to a line feed"),
    ("/%0d/evil.example", "%0d decodes to a carriage return"),
    ("/\r\nSet-Cookie: x=1", "header injection"),
    ("https://evil.example/", "absolute URL"),
    ("http:evil.example", "scheme without slashes"),
    ("javascript:alert(1)", "script URL"),
    ("evil.example", "not a path"),
    (" /inbox", "leading space"),
    ("/\u202e/evil.example", "right-to-left override"),
    ("/\x00/evil.example", "NUL"),
    ("/\uff0f/evil.example", "fullwidth solidus, // after NFKC folding"),
    ("/%ff%fe", "percent-encoding that is not UTF-8"),
    ("/" + "a" * 3000, "absurdly long"),
    ("", "empty"),
]


@pytest.mark.parametrize(("target", "why"), TRICKS, ids=[why for _t, why in TRICKS])
def test_tricks_are_refused(target: str, why: str) -> None:
    assert same_site_path(target) is None, why


@pytest.mark.parametrize(
    "target",
    ["/", "/taken", "/dossiers/12?tab=audit", "/zoeken?q=a%20b&x=http://ok", "/dossiers/é"],
)
def test_same_site_paths_are_kept(target: str) -> None:
    assert same_site_path(target) == target


def test_non_strings_are_refused() -> None:
    assert same_site_path(None) is None
    assert same_site_path(["/taken"]) is None


def _login(client, next_value: str):
    page = client.get("/aanmelden")
    return client.post(
        f"/aanmelden?next={quote(next_value, safe='')}",
        data={"gebruiker": "carla", "wachtwoord": PASSWORD, "csrf_token": csrf_of(page.text)},
    )


def _is_safe_default(response) -> None:
    assert response.status_code in (302, 303), response.status_code
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location and "\t" not in location and "\\" not in location


def test_sign_in_never_leaves_the_site(app) -> None:
    for target, why in TRICKS:
        if "\x00" not in target:
            response = _login(app.test_client(), target)
            assert response.status_code != 500, why
            _is_safe_default(response)


def test_sign_in_follows_a_local_next(client) -> None:
    response = _login(client, "/dossiers/3?tab=audit")
    assert response.headers["Location"] == "/dossiers/3?tab=audit"


def test_issue_urls_verbatim(app) -> None:
    """The exact requests from the report: `/aanmelden?next=/%09/evil.example` and friends."""
    for raw in ("/%09/evil.example", "/%0a/evil.example", "/%0d/evil.example",
                "/%5cevil.example", "//evil.example", "https://evil.example/"):  # fmt: skip
        client = app.test_client()
        page = client.get("/aanmelden")
        response = client.post(
            f"/aanmelden?next={raw}",
            data={"gebruiker": "carla", "wachtwoord": PASSWORD, "csrf_token": csrf_of(page.text)},
        )
        _is_safe_default(response)


def test_language_switch_never_leaves_the_site(client) -> None:
    page = client.get("/aanmelden")
    for target, why in TRICKS:
        response = client.post(
            "/taal", data={"taal": "en", "terug": target, "csrf_token": csrf_of(page.text)}
        )
        assert response.status_code != 500, why
        _is_safe_default(response)


def test_language_switch_goes_back_to_a_local_page(client) -> None:
    page = client.get("/aanmelden")
    response = client.post(
        "/taal", data={"taal": "en", "terug": "/aanmelden?x=1", "csrf_token": csrf_of(page.text)}
    )
    assert response.headers["Location"] == "/aanmelden?x=1"


def test_signed_in_visit_to_sign_in_page_with_bad_next(client) -> None:
    sign_in(client, "carla")
    for target in ("/\t/evil.example", "/%0d/evil.example", "//evil.example"):
        _is_safe_default(client.get(f"/aanmelden?next={quote(target, safe='')}"))
