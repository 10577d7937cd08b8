"""OpenID Connect sign-in against one configured issuer (optional; off unless configured).

Settings (webapp/config.py): STUURBOORD_OIDC_ISSUER and STUURBOORD_OIDC_CLIENT_ID switch it on;
STUURBOORD_OIDC_CLIENT_SECRET (confidential client), STUURBOORD_OIDC_SCOPES,
STUURBOORD_OIDC_USER_CLAIM (the claim that holds the Stuurboord user id) and
STUURBOORD_OIDC_PROVIDER_NAME (the button label). Without issuer and client id every route here
answers 404 and the sign-in page shows no button.

The flow (authorization code with PKCE S256, `state` and `nonce`):
1. `start()` reads the issuer's discovery document (cached), keeps a fresh `state`, `nonce`
   and PKCE verifier in the signed session cookie and sends the browser to the authorization
   endpoint;
2. `finish()` takes the pending sign-in out of the session (it can be used once), checks
   `state` (and RFC 9207 `iss` when sent), exchanges the code at the token endpoint with the
   verifier, and validates the ID token: signature against the issuer's JWKS (RS/PS/ES
   algorithms the issuer advertises; never `none` or HMAC), `iss`, `aud`, `azp`, `exp`,
   `iat` (60 s leeway), `sub` and `nonce`;
3. the claim named by STUURBOORD_OIDC_USER_CLAIM (from the ID token, else from the userinfo
   endpoint with the same `sub`) must be the id of an existing, active Stuurboord user. Nobody
   is created from outside: admins create users and grant roles. An unknown or inactive user
   gets 403 "Je account is niet gekend in Stuurboord";
4. success goes through `webapp.auth.begin_session`, exactly like a password sign-in (new
   server-side session, rotated secret and CSRF token).

Signing out: `auth.logout` ends the local session as always. When the user signed in here and
the issuer advertises `end_session_endpoint`, the hooks below send the browser on, through
`/afmelden/oidc` (a GET, so the `form-action 'self'` CSP does not block the hop), to that
endpoint with `id_token_hint` and `post_logout_redirect_uri` (the sign-in page).

Every refusal is logged with its reason (logger `webapp.oidc`); the page shows a plain
message and no details.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode, urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from werkzeug.wrappers import Response

from engine import NotFound
from webapp.identity import current_actor, redirect_after_login, safe_next, state

log = logging.getLogger(__name__)

bp = Blueprint("oidc", __name__)

#: Asymmetric signature algorithms accepted for ID tokens (never "none", never HMAC).
SIGNING_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
)  # fmt: skip
LEEWAY_SECONDS = 60
PENDING_SECONDS = 600  # a sign-in must come back from the issuer within ten minutes
HTTP_TIMEOUT_SECONDS = 10
MAX_RESPONSE_BYTES = 1_000_000
DISCOVERY_TTL_SECONDS = 3600
JWKS_TTL_SECONDS = 3600
JWKS_MIN_REFRESH_SECONDS = 60  # an unknown `kid` refetches the keys at most this often
MAX_HINT_LENGTH = 2500  # longer ID tokens are not kept for the logout hint (cookie size)

_PENDING = "oidc_pending"
_ID_TOKEN = "oidc_id_token"
_LOGOUT = "oidc_logout"
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Settings:
    """The OIDC settings of the running app."""

    issuer: str
    client_id: str
    client_secret: str | None
    scopes: str
    user_claim: str
    provider_name: str


class OidcError(Exception):
    """A sign-in that cannot go on. `reason` is for the log; `kind` picks the page's message.

    Kinds: `state` (400), `token` (401), `denied` (401), `unknown` (403), `unavailable` (502).
    """

    STATUS = {"state": 400, "token": 401, "denied": 401, "unknown": 403, "unavailable": 502}

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.reason = kind, reason

    @property
    def status(self) -> int:
        return self.STATUS[self.kind]


def settings() -> Settings | None:
    """The configured issuer and client, or None when OIDC is off."""
    config = current_app.config
    issuer, client_id = config.get("OIDC_ISSUER"), config.get("OIDC_CLIENT_ID")
    if not issuer or not client_id:
        return None
    scopes = str(config.get("OIDC_SCOPES") or "openid email profile").split()
    if "openid" not in scopes:
        scopes.insert(0, "openid")
    return Settings(
        issuer=str(issuer),
        client_id=str(client_id),
        client_secret=config.get("OIDC_CLIENT_SECRET") or None,
        scopes=" ".join(scopes),
        user_claim=str(config.get("OIDC_USER_CLAIM") or "preferred_username"),
        provider_name=str(
            config.get("OIDC_PROVIDER_NAME") or urlsplit(str(issuer)).hostname or issuer
        ),
    )


def enabled() -> bool:
    """Whether OIDC sign-in is configured (issuer and client id)."""
    return settings() is not None


def _settings_or_404() -> Settings:
    config = settings()
    if config is None:
        abort(404)
    return config


# -- talking to the issuer ----------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The issuer's endpoints answer directly; a redirect is treated as an error."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())


def _check_url(url: Any, what: str) -> str:
    """Only https, or plain http to this machine (development and tests)."""
    if not isinstance(url, str):
        raise OidcError("unavailable", f"{what} is missing")
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return url
    raise OidcError("unavailable", f"{what} {url!r} is not an https URL")


def _http_json(
    url: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """GET (or POST `form` to) `url`; the status and the JSON object answered."""
    data = urlencode(form).encode("ascii") if form is not None else None
    all_headers = {"Accept": "application/json", **(headers or {})}
    if data is not None:
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    outgoing = urllib.request.Request(url, data=data, headers=all_headers)
    try:
        with _OPENER.open(outgoing, timeout=HTTP_TIMEOUT_SECONDS) as response:
            status, body = response.status, response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read(MAX_RESPONSE_BYTES + 1)
        error.close()
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        raise OidcError("unavailable", f"{url}: {error}") from error
    if len(body) > MAX_RESPONSE_BYTES:
        raise OidcError("unavailable", f"{url}: answer too large")
    try:
        document = json.loads(body)
    except ValueError as error:
        raise OidcError("unavailable", f"{url}: answered {status} without JSON") from error
    if not isinstance(document, dict):
        raise OidcError("unavailable", f"{url}: answered {status} with no JSON object")
    return status, document


class Provider:
    """One issuer's discovery document and signing keys, fetched when needed and cached.

    Shared by the requests of one app (kept in `WebState.extra`); the lock keeps threads from
    fetching the same document at once.
    """

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None
        self._keys_at = 0.0

    def metadata(self) -> dict[str, Any]:
        """The discovery document (`<issuer>/.well-known/openid-configuration`), checked."""
        with self._lock:
            now = time.monotonic()
            if self._metadata is None or now - self._metadata_at > DISCOVERY_TTL_SECONDS:
                self._metadata = self._discover()
                self._metadata_at = now
            return self._metadata

    def _discover(self) -> dict[str, Any]:
        url = _check_url(self.issuer, "issuer").rstrip("/") + "/.well-known/openid-configuration"
        status, document = _http_json(url)
        if status != 200:
            raise OidcError("unavailable", f"discovery answered {status}")
        if document.get("issuer") != self.issuer:  # OpenID Connect Discovery 1.0, 4.3
            raise OidcError(
                "unavailable", f"discovery names issuer {document.get('issuer')!r}, not ours"
            )
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            _check_url(document.get(name), name)
        for name in ("userinfo_endpoint", "end_session_endpoint"):
            if document.get(name) is not None:
                _check_url(document[name], name)
        return document

    def keys(self, *, refresh: bool = False) -> KeySet:
        """The issuer's public keys; `refresh` refetches them (key rotation), rate-limited."""
        jwks_uri = self.metadata()["jwks_uri"]
        with self._lock:
            now = time.monotonic()
            age = now - self._keys_at
            stale = self._keys is None or age > JWKS_TTL_SECONDS
            if stale or (refresh and age > JWKS_MIN_REFRESH_SECONDS):
                status, document = _http_json(jwks_uri)
                if status != 200 or not isinstance(document.get("keys"), list):
                    raise OidcError("unavailable", f"JWKS answered {status}")
                public = [key for key in document["keys"] if isinstance(key, dict)]
                try:
                    self._keys = KeySet.import_key_set({"keys": public})
                except (JoseError, ValueError, TypeError) as error:
                    raise OidcError("unavailable", f"JWKS unusable: {error}") from error
                self._keys_at = now
            assert self._keys is not None
            return self._keys


def provider(config: Settings) -> Provider:
    """The cached `Provider` for the configured issuer."""
    extra = state().extra
    current = extra.get("oidc_provider")
    if not isinstance(current, Provider) or current.issuer != config.issuer:
        current = Provider(config.issuer)
        extra["oidc_provider"] = current
    return current


# -- the flow -----------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier (RFC 7636, 4.2)."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def _now() -> int:
    return int(state().engine.clock.now().timestamp())


def _refuse(error: OidcError, config: Settings) -> tuple[str, int]:
    """The sign-in page with a plain message; the reason goes to the log only."""
    log.warning("OIDC sign-in refused (%s): %s", error.kind, error.reason)
    provider_name = config.provider_name
    messages = {
        "state": _(
            "De aanmelding via %(provider)s kon niet bevestigd worden (verlopen of al "
            "gebruikt). Probeer het opnieuw.",
            provider=provider_name,
        ),
        "token": _(
            "Het antwoord van %(provider)s was niet geldig. Je bent niet aangemeld.",
            provider=provider_name,
        ),
        "denied": _(
            "%(provider)s heeft de aanmelding geweigerd of afgebroken.", provider=provider_name
        ),
        "unknown": _(
            "Je account is niet gekend in Stuurboord. Vraag een beheerder om je toegang te geven."
        ),
        "unavailable": _(
            "%(provider)s is nu niet bereikbaar. Probeer het later opnieuw of meld je aan met "
            "je wachtwoord.",
            provider=provider_name,
        ),
    }
    page = render_template("login.html", error=messages[error.kind], username="", oidc_enabled=True)
    return page, error.status


@bp.get("/aanmelden/oidc")
def start() -> Response | tuple[str, int]:
    """Send the browser to the issuer with a fresh state, nonce and PKCE challenge."""
    config = _settings_or_404()
    if current_actor() is not None:
        return redirect_after_login()
    try:
        endpoint = provider(config).metadata()["authorization_endpoint"]
    except OidcError as error:
        return _refuse(error, config)
    pending = {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(64),  # 86 unreserved characters (43..128 allowed)
        "redirect_uri": url_for("oidc.finish", _external=True),
        "next": safe_next(request.args.get("next")),
        "at": _now(),
    }
    session[_PENDING] = pending
    query = urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": pending["redirect_uri"],
            "scope": config.scopes,
            "state": pending["state"],
            "nonce": pending["nonce"],
            "code_challenge": pkce_challenge(pending["verifier"]),
            "code_challenge_method": "S256",
        }
    )
    return redirect(f"{endpoint}{'&' if '?' in endpoint else '?'}{query}")


@bp.get("/aanmelden/oidc/terug")
def finish() -> Response | tuple[str, int]:
    """The issuer's answer: check it, and sign the user in as a password sign-in would."""
    config = _settings_or_404()
    pending = session.pop(_PENDING, None)  # whatever happens next, it is used up
    try:
        user_id, id_token = _complete(config, pending)
    except OidcError as error:
        return _refuse(error, config)
    from webapp.auth import begin_session  # auth imports this module

    begin_session(user_id)  # new server-side session: the same rotation as a password sign-in
    if len(id_token) <= MAX_HINT_LENGTH:
        session[_ID_TOKEN] = id_token
    log.info("OIDC sign-in of %s via %s", user_id, config.issuer)
    return redirect(safe_next(pending.get("next")) or url_for("inbox.index"))


def _complete(config: Settings, pending: Any) -> tuple[str, str]:
    """Check the authorization response, redeem the code; the user id and the ID token."""
    if not isinstance(pending, dict) or not isinstance(pending.get("state"), str):
        raise OidcError("state", "no sign-in was pending in this browser")
    if _now() - int(pending.get("at", 0)) > PENDING_SECONDS:
        raise OidcError("state", "the pending sign-in expired")
    answered = request.args.get("state", "")
    if not hmac.compare_digest(answered.encode(), str(pending["state"]).encode()):
        raise OidcError("state", "state does not match")
    if "iss" in request.args and request.args["iss"] != config.issuer:  # RFC 9207
        raise OidcError("state", f"answer from issuer {request.args['iss']!r}")
    if request.args.get("error"):
        raise OidcError(
            "denied",
            f"{request.args.get('error')!r}: {request.args.get('error_description', '')!r}"[:300],
        )
    code = request.args.get("code")
    if not code:
        raise OidcError("state", "no code in the answer")
    issuer = provider(config)
    tokens = _redeem(config, issuer, code, pending)
    id_token = tokens["id_token"]
    claims = _validate(config, issuer, id_token, str(pending["nonce"]))
    user_id = _user_id(config, issuer, claims, tokens.get("access_token"))
    return user_id, id_token


def _redeem(
    config: Settings, issuer: Provider, code: str, pending: dict[str, Any]
) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) at the token endpoint."""
    metadata = issuer.metadata()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": str(pending["redirect_uri"]),
        "code_verifier": str(pending["verifier"]),
    }
    headers: dict[str, str] = {}
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if config.client_secret is None:
        form["client_id"] = config.client_id  # a public client
    elif "client_secret_basic" not in methods and "client_secret_post" in methods:
        form["client_id"], form["client_secret"] = config.client_id, config.client_secret
    else:  # RFC 6749, 2.3.1: both parts form-encoded first
        pair = f"{quote_plus(config.client_id)}:{quote_plus(config.client_secret)}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    status, document = _http_json(metadata["token_endpoint"], form, headers)
    if status != 200:
        raise OidcError("token", f"token endpoint answered {status}: {document.get('error')}")
    if not isinstance(document.get("id_token"), str):
        raise OidcError("token", "token endpoint sent no ID token")
    return document


def _algorithms(metadata: dict[str, Any]) -> list[str]:
    advertised = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    allowed = [name for name in SIGNING_ALGORITHMS if name in advertised]
    if not allowed:
        raise OidcError("token", f"no supported ID token algorithm among {advertised!r}")
    return allowed


def _validate(config: Settings, issuer: Provider, id_token: str, nonce: str) -> dict[str, Any]:
    """The ID token's claims once signature and claims are checked."""
    algorithms = _algorithms(issuer.metadata())
    try:
        try:
            token = jwt.decode(id_token, issuer.keys(), algorithms=algorithms)
        except InvalidKeyIdError:  # the issuer may have rotated its keys
            token = jwt.decode(id_token, issuer.keys(refresh=True), algorithms=algorithms)
        claims: dict[str, Any] = dict(token.claims)
        jwt.JWTClaimsRegistry(
            now=_now(),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": config.issuer},
            aud={"essential": True, "value": config.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(claims)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise OidcError("token", f"ID token refused: {type(error).__name__}: {error}") from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != config.client_id:
        raise OidcError("token", f"ID token azp {azp!r} is not this client")
    return claims


def _user_id(config: Settings, issuer: Provider, claims: dict[str, Any], access_token: Any) -> str:
    """The Stuurboord user the claims name: existing and active, or OidcError `unknown`."""
    if config.user_claim not in claims and isinstance(access_token, str):
        claims = {**_userinfo(issuer, access_token, claims["sub"]), **claims}
    value = claims.get(config.user_claim)
    if not isinstance(value, str) or not value.strip():
        raise OidcError("unknown", f"claim {config.user_claim!r} missing (sub {claims['sub']!r})")
    if config.user_claim == "email" and claims.get("email_verified") is False:
        raise OidcError("unknown", f"email {value!r} is not verified by the issuer")
    try:
        state().engine.actor(value)
    except NotFound:
        raise OidcError("unknown", f"no active Stuurboord user {value!r}") from None
    return value


def _userinfo(issuer: Provider, access_token: str, subject: str) -> dict[str, Any]:
    """Claims from the userinfo endpoint, when the ID token lacks the one we map."""
    endpoint = issuer.metadata().get("userinfo_endpoint")
    if not endpoint:
        return {}
    try:
        status, document = _http_json(endpoint, headers={"Authorization": f"Bearer {access_token}"})
    except OidcError as error:
        log.warning("OIDC userinfo not read: %s", error.reason)
        return {}
    if status != 200 or document.get("sub") != subject:  # OIDC Core 5.3.2
        log.warning("OIDC userinfo ignored (status %s, other subject or none)", status)
        return {}
    return document


# -- signing out and the sign-in page ----------------------------------------------------------


@bp.get("/afmelden/oidc")
def logout() -> Response:
    """After `auth.logout`: on to the issuer's end-session endpoint, when it has one."""
    config = _settings_or_404()
    hint = session.pop(_LOGOUT, None)
    back = url_for("auth.login")
    if not isinstance(hint, str):
        return redirect(back)
    try:
        endpoint = provider(config).metadata().get("end_session_endpoint")
    except OidcError as error:
        log.warning("OIDC end-session skipped: %s", error.reason)
        endpoint = None
    if not endpoint:
        return redirect(back)
    query = urlencode(
        {
            "id_token_hint": hint,
            "post_logout_redirect_uri": url_for("auth.login", _external=True),
            "client_id": config.client_id,
        }
    )
    return redirect(f"{endpoint}{'&' if '?' in endpoint else '?'}{query}")


@bp.before_app_request
def _remember_id_token() -> None:
    """Before `auth.logout` clears the session: keep the ID token for the end-session hint."""
    if request.endpoint == "auth.logout" and enabled():
        g.oidc_id_token = session.get(_ID_TOKEN)


@bp.after_app_request
def _continue_logout(response: Response) -> Response:
    """After a signed-out OIDC user's `auth.logout`: go through `oidc.logout`."""
    hint = g.pop("oidc_id_token", None)
    if hint and request.endpoint == "auth.logout" and response.status_code in (302, 303):
        session[_LOGOUT] = hint
        response.headers["Location"] = url_for("oidc.logout")
    return response


@bp.app_context_processor
def _template_values() -> dict[str, Any]:
    """`oidc_provider`: the button label on the sign-in page (None when OIDC is off)."""
    config = settings()
    return {"oidc_provider": config.provider_name if config else None}
