"""The OpenAPI document is valid, every operation documents its errors, and answers them."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from tests.web.conftest import bearer, token_for

PROBLEM = "application/problem+json"
ADMIN_TAGS = {"Interventions", "Deployments", "Users"}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation, item.get("parameters", [])


def _resolve(spec, response):
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        return spec["components"]["responses"][name]
    return response


def _url(path, value):
    return re.sub(r"\{[^}]+\}", value, path)


def test_document_is_valid_openapi_3(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_error_response_is_a_problem_document(spec):
    operations = list(_operations(spec))
    assert len(operations) >= 11
    for path, method, operation, _params in operations:
        errors = {code: r for code, r in operation["responses"].items() if int(code) >= 400}
        assert "401" in errors, (method, path)
        for code, response in errors.items():
            content = _resolve(spec, response)["content"]
            assert list(content) == [PROBLEM], (method, path, code)
        if "{" in path:
            assert "404" in errors, (method, path)
        if "requestBody" in operation:
            assert {"413", "422"} <= set(errors), (method, path)


def _call(client, method, url, **kwargs):
    return getattr(client, method)(url, **kwargs)


def _walk(app, web_engine):
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").json
    return client, spec, list(_operations(spec))


def test_every_operation_answers_401_without_a_token(app, web_engine):
    client, _spec, operations = _walk(app, web_engine)
    for path, method, _operation, _params in operations:
        response = _call(client, method, _url(path, "1"), json={})
        assert response.status_code == 401, (method, path)
        assert response.mimetype == PROBLEM and response.json["code"] == "UNAUTHENTICATED"


def test_every_operation_with_an_id_answers_404_for_an_unknown_one(app, web_engine):
    client, _spec, operations = _walk(app, web_engine)
    secretariat = bearer(token_for(app, "sofie"))
    admin = bearer(token_for(app, "anna"))  # admins' operations answer others 403 first
    for path, method, operation, _params in operations:
        if "{" not in path:
            continue
        unknown = "999999" if "case_id" in path else "00000000-0000-0000-0000-000000000000"
        body = {"data": {}} if "requestBody" in operation else None
        headers = admin if set(operation["tags"]) & ADMIN_TAGS else secretariat
        response = _call(client, method, _url(path, unknown), json=body, headers=headers)
        assert response.status_code == 404, (method, path, response.json)
        assert response.json["code"] == "NOT_FOUND"


def test_every_operation_with_a_body_answers_413_and_422(app, web_engine):
    from tests.web.conftest import start_review

    client, _spec, operations = _walk(app, web_engine)
    clerk = bearer(token_for(app, "carla"))
    admin = bearer(token_for(app, "anna"))
    case, task = start_review(web_engine, "carla")
    values = {"task_id": task, "case_id": str(case), "user_id": "carla"}
    for path, method, operation, _params in operations:
        if "requestBody" not in operation or "{meeting_id}" in path:
            continue  # no meeting in this engine: the agenda's own tests cover it
        url = re.sub(r"\{([^}]+)\}", lambda m: values[m.group(1)], path)
        headers = admin if set(operation["tags"]) & ADMIN_TAGS else clerk
        too_big = _call(
            client,
            method,
            url,
            data="{" + " " * (70 * 1024) + "}",
            headers={**headers, "Content-Type": "application/json"},
        )
        assert too_big.status_code == 413, (method, path)
        assert too_big.json["code"] == "PAYLOAD_TOO_LARGE"
        invalid = _call(client, method, url, json={"unexpected": True}, headers=headers)
        assert invalid.status_code == 422, (method, path, invalid.json)
        assert invalid.json["code"] == "VALIDATION_FAILED"
        if "application/json" in operation["requestBody"]["content"]:
            assert "unexpected" in invalid.json["errors"]


def _bad_value(schema):
    """A value that breaks this parameter's documented schema."""
    if "enum" in schema:
        return "bogus"
    if schema.get("type") == "integer":
        return str(schema.get("minimum", 0) - 1) if "minimum" in schema else "not-a-number"
    if schema.get("type") == "boolean":
        return "maybe"
    if "maxLength" in schema:
        return "x" * (schema["maxLength"] + 1)
    return None


def test_every_query_parameter_answers_422_when_it_breaks_its_schema(app, web_engine):
    from tests.web.conftest import start_review

    client, _spec, operations = _walk(app, web_engine)
    clerk = bearer(token_for(app, "carla"))
    admin = bearer(token_for(app, "anna"))
    case, _task = start_review(web_engine, "carla")
    checked = 0
    for path, method, operation, _params in operations:
        headers = admin if set(operation["tags"]) & ADMIN_TAGS else clerk
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            value = _bad_value(parameter["schema"])
            assert value is not None, (path, parameter)
            assert "422" in operation["responses"], (method, path)
            where = path.replace("{case_id}", str(case)).replace("{user_id}", "carla")
            url = f"{_url(where, '1')}?{parameter['name']}={value}"
            response = _call(client, method, url, headers=headers)
            assert response.status_code == 422, (method, url)
            assert response.json["code"] == "VALIDATION_FAILED"
            assert parameter["name"] in response.json["errors"]
            checked += 1
    assert checked >= 5


def test_docs_are_served_locally(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "http" not in re.sub(
        r"https?://(localhost|www\.w3\.org)", "", page.text.split("<body>")[1]
    )
    for src in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        asset = client.get(src)
        assert asset.status_code == 200, src
        asset.close()
    assert (
        "unsafe-inline"
        not in page.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
