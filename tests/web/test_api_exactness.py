"""The API does exactly what its document says: 405 with `Allow` (RFC 9110), also on pages and
for TRACE; malformed JSON and missing required bodies answer 400 and the document says so;
every operation has an example."""

from __future__ import annotations

import json
import re

from tests.web.conftest import bearer, token_for

PROBLEM = "application/problem+json"
METHODS = ("get", "post", "put", "patch", "delete")


def _spec(client) -> dict:
    return client.get("/api/v1/openapi.json").json


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation, item


def test_every_405_says_which_methods_the_route_answers(app, client) -> None:
    headers = bearer(token_for(app, "carla"))
    spec = _spec(client)
    checked = 0
    for path, item in spec["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        documented = {m.upper() for m in item if m in METHODS}
        for method in ("TRACE", *(m.upper() for m in METHODS)):
            if method in documented:
                continue
            response = client.open(url, method=method, headers=headers)
            assert response.status_code == 405, (method, path)
            assert response.mimetype == PROBLEM and response.json["code"] == "METHOD_NOT_ALLOWED"
            allowed = {m.strip() for m in response.headers["Allow"].split(",")}
            assert documented <= allowed <= documented | {"HEAD", "OPTIONS"}, (method, path)
            checked += 1
    assert checked > 100
    page = client.open("/taken", method="TRACE")
    assert page.status_code == 405 and page.mimetype == "text/html"
    assert {m.strip() for m in page.headers["Allow"].split(",")} == {"GET", "HEAD", "OPTIONS"}
    post_only = client.get("/afmelden")
    assert post_only.status_code == 405 and "POST" in post_only.headers["Allow"]


def test_malformed_json_answers_400_and_every_body_documents_it(app, client, web_engine) -> None:
    from tests.web.conftest import start_review

    headers = {**bearer(token_for(app, "anna")), "Content-Type": "application/json"}
    case_id, task_id = start_review(web_engine, "carla")
    spec = _spec(client)
    with_body = [(p, m, o) for p, m, o, _i in _operations(spec) if "requestBody" in o]
    assert len(with_body) >= 15
    for path, method, operation in with_body:
        assert "400" in operation["responses"], (method, path)
        if "application/json" not in operation["requestBody"]["content"]:
            continue
        url = path.replace("{case_id}", str(case_id)).replace("{task_id}", task_id)
        url = url.replace("{user_id}", "carla").replace("{meeting_id}", "1")
        response = client.open(url, method=method.upper(), data='{"ids": [1,', headers=headers)
        if "{meeting_id}" in path:
            assert response.status_code == 404  # no such meeting here: 404 first
            continue
        assert response.status_code == 400, (method, path, response.json)
        assert response.mimetype == PROBLEM and response.json["code"] == "BAD_REQUEST"


def test_a_required_body_is_required(app, client, web_engine) -> None:
    carla = bearer(token_for(app, "carla"))
    operation = _spec(client)["paths"]["/api/v1/notifications/read"]["post"]
    assert operation["requestBody"]["required"] is True
    assert {"400", "422"} <= set(operation["responses"])
    for kwargs in ({}, {"data": "", "content_type": "application/json"},
                   {"data": "ids=1", "content_type": "application/x-www-form-urlencoded"}):  # fmt: skip
        response = client.post("/api/v1/notifications/read", headers=carla, **kwargs)
        assert response.status_code == 400, kwargs
        assert response.json["code"] == "BAD_REQUEST"
    marked = client.post("/api/v1/notifications/read", json={}, headers=carla)
    assert marked.status_code == 200  # an empty object still means "all", as documented
    optional = client.post("/api/v1/cases/999999/suspend", headers=bearer(token_for(app, "anna")))
    assert optional.status_code == 404  # its body is optional: no 400 without one


def test_every_operation_has_an_example(client) -> None:
    spec = _spec(client)
    for path, method, operation, item in _operations(spec):
        text = json.dumps([operation, item.get("parameters", [])])
        assert '"example' in text, (method, path)
