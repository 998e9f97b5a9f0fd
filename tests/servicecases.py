"""Helpers shared by the service tests in tests/web/: the OpenAPI check and request helpers.

Every response the in-process tests receive is also checked against the
OpenAPI document (``checked``): its status is one the operation lists and its
body validates against the schema the document gives for it, so the document
and the service cannot drift apart unnoticed. Exact bodies are asserted in
full, as the command line's tests assert exact messages.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import anyio
import referencing
from jsonschema import Draft202012Validator
from referencing.jsonschema import DRAFT202012
from strategies import VALID

import medplan
from medplan import cli

SCHEMAS = resources.files("medplan.schemas")
OPENAPI_PATH = Path(str(SCHEMAS / "openapi.json"))
OPENAPI = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
OPENAPI_URI = OPENAPI_PATH.as_uri()
EXAMPLE = json.loads(
    (resources.files("medplan") / "examples" / "nerve-root-sleeve-injection.json").read_text(
        encoding="utf-8"
    )
)
PERTH = VALID | {"procedure": VALID["procedure"] | {"timezone": "Perth"}}
PERTH_PROBLEM = "is not an IANA time zone such as Europe/London (got 'Perth')"
SECRET = "a detail only the log may show"  # noqa: S105 - not a password: text that must not leak
NO_NETWORK = "the test tried to use the network"
INCIDENT = r"internal error \(incident [0-9a-f]{12}\): it has been logged; please report it"


def _registry() -> referencing.Registry:
    """The OpenAPI document and the two JSON Schemas, by file URI and by ``$id``: nothing is fetched."""
    registry = referencing.Registry().with_resource(
        OPENAPI_URI, DRAFT202012.create_resource(OPENAPI)
    )
    for name in ("request", "plan"):
        contents = medplan.schema(name)
        resource = DRAFT202012.create_resource(contents)
        uri = (OPENAPI_PATH.parent / f"{name}.schema.json").as_uri()
        registry = registry.with_resources([(uri, resource), (contents["$id"], resource)])
    return registry


REGISTRY = _registry()


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def documented_schema(path: str, method: str, status: int, media: str) -> str | None:
    """The JSON pointer to the schema the document gives a response, or None when it lists no body."""
    responses = OPENAPI["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {path} does not list {status}"
    where = ("paths", path, method.lower(), "responses", str(status))
    response = responses[str(status)]
    if "$ref" in response:
        where = tuple(response["$ref"].removeprefix("#/").split("/"))
        response = OPENAPI["components"]["responses"][where[-1]]
    if "content" not in response:
        return None
    assert media in response["content"], f"{method} {path} {status} does not list {media}"
    return "#/" + _pointer(*where, "content", media, "schema")


def validate(instance: object, pointer: str) -> None:
    """``instance`` is valid against the schema at ``pointer`` in the OpenAPI document."""
    schema = {"$ref": OPENAPI_URI + pointer}
    Draft202012Validator(schema, registry=REGISTRY).validate(instance)


def checked(response, path: str, method: str = "POST"):
    """``response``, after checking that the document lists its status and its body fits the schema given."""
    media = response.headers["content-type"].partition(";")[0]
    path = path.partition("?")[0]
    if response.status_code in {404, 405}:  # any path, any method: documented once, in components
        name = "NotFound" if response.status_code == 404 else "MethodNotAllowed"
        pointer = "#/" + _pointer("components", "responses", name, "content", media, "schema")
    else:
        pointer = documented_schema(path, method, response.status_code, media)
    if pointer is not None and media == "application/x-ndjson":
        item = "#/components/schemas/BatchItem"
        for line in response.text.splitlines():
            validate(json.loads(line), item)
    elif pointer is not None:
        validate(response.json(), pointer)
    return response


def error(kind: str, problem: str, field: str | None = None, message: str | None = None) -> dict:
    """The service's error body."""
    if message is None:
        message = f"{field}: {problem}" if field else problem
    return {"error": {"type": kind, "field": field, "problem": problem, "message": message}}


def post(client, path: str, body: object, **kwargs: Any):
    """POST ``body`` as JSON (bytes as they are) and check the response against the document."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"content-type": "application/json"} | kwargs.pop("headers", {})
    return checked(client.post(path, content=content, headers=headers, **kwargs), path)


def cli_output(argv: list[str], capsys) -> tuple[int, str]:
    """What ``medplan ARGV`` prints on standard output, run in-process, and its exit status."""
    status = cli.main(argv)
    out, _ = capsys.readouterr()
    return status, out


def http_scope(path: str, headers: list[tuple[bytes, bytes]], method: str = "POST") -> dict:
    """The ASGI scope of an HTTP/1.1 call to ``path`` with a JSON body."""
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": method, "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }


def call(app, path: str, headers: list[tuple[bytes, bytes]], chunk: bytes) -> tuple[int, dict, int]:
    """Call the ASGI app directly with a body that never ends; its status, body and the chunks it read."""
    sent: list[dict] = []
    read = 0

    async def receive():
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        sent.append(message)

    anyio.run(app, http_scope(path, headers), receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body), read
