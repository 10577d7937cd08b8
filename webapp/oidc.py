"""OpenID Connect sign-in: the extension point (not yet wired to an identity provider).

Configuration (see webapp/config.py): STUURBOORD_OIDC_ISSUER, STUURBOORD_OIDC_CLIENT_ID,
STUURBOORD_OIDC_CLIENT_SECRET. When the issuer is set, the sign-in page shows a button that
leads to `auth.oidc_start`.

What a provider must do (authorization-code flow with PKCE, for example with Authlib's
`authlib.integrations.flask_client.OAuth`):
1. `start()`: redirect to the issuer's authorization endpoint with `state`, `nonce` and a PKCE
   challenge kept in the session;
2. `finish()`: check `state`, exchange the code at the token endpoint, check the ID token's
   `iss`, `aud`, `exp` and `nonce`, and map a claim (e.g. `preferred_username`) to an
   *existing, active* Stuurboord user (no accounts are made from outside);
3. call `webapp.auth.begin_session(user_id)` and redirect as a password sign-in does.
Until a provider is installed, both routes answer 501 with a clear page.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app

bp = Blueprint("oidc", __name__)


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


@bp.get("/aanmelden/oidc")
def start() -> None:
    abort(501)


@bp.get("/aanmelden/oidc/terug")
def finish() -> None:
    abort(501)
