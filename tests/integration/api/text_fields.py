"""Every text field of every operation, as the served OpenAPI document declares them, and a
plausible body for each operation with one of its text fields replaced — for the tests of what
a client may put in text (tests/integration/api/test_hostile_input.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient

# Values the seeded world knows, by property name; other properties get one the schema allows.
KNOWN = {
    "category": "emergency",
    "block": "B3",
    "building": "15号楼",
    "urgency": "high",
    "assignee": "leader3",
    "username": "leader3",
    "description": "独居老人摔倒",
    "text": "上门看望",
    "member": "王秀英",
    "name": "新的联建单位",
    "webhook_url": "https://hooks.example/needs",
}


@dataclass(frozen=True)
class TextField:
    """One string in one operation's request body: `path` leads to it (an int: a list's item)."""

    method: str
    route: str
    schema: dict[str, Any]
    path: tuple[str | int, ...]

    @property
    def name(self) -> str:
        return ".".join(str(part) for part in self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.route} {self.name}"


def text_fields(document: dict[str, Any]) -> list[TextField]:
    """Each operation's request body's string properties, nested objects and lists included."""
    found: list[TextField] = []
    for route, operations in document["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            schema = _resolved(document, operation["requestBody"]["content"]["application/json"])
            for path in _strings(document, schema, ()):
                found.append(TextField(method.upper(), route, schema, path))
    return found


def _resolved(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    schema = node.get("schema", node)
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return dict(schema)


def _strings(
    document: dict[str, Any], schema: dict[str, Any], path: tuple[str | int, ...]
) -> list[tuple[str | int, ...]]:
    schema = _resolved(document, schema)
    kind = schema.get("type")
    alternatives = [_resolved(document, a) for a in schema.get("oneOf", schema.get("anyOf", []))]
    if schema.get("readOnly"):
        return []
    if kind == "string" or any(a.get("type") == "string" for a in alternatives):
        return [path]
    if kind == "array":
        return _strings(document, schema["items"], (*path, 0))
    found: list[tuple[str | int, ...]] = []
    for name, inner in schema.get("properties", {}).items():
        found.extend(_strings(document, inner, (*path, name)))
    return found


def plausible(document: dict[str, Any], schema: dict[str, Any], ids: dict[str, str]) -> Any:
    """A value the schema allows, with the seeded world's names and ids where it asks for one."""
    schema = _resolved(document, schema)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            name: _value(document, name, inner, ids)
            for name, inner in schema.get("properties", {}).items()
            if (name in schema.get("required", ()) or name in KNOWN or name in ids)
            and not _resolved(document, inner).get("readOnly")
        }
    return _value(document, "", schema, ids)


def _value(document: dict[str, Any], name: str, schema: dict[str, Any], ids: dict[str, str]) -> Any:
    schema = _resolved(document, schema)
    kind = schema.get("type")
    if name in ids:
        return ids[name]
    if name in KNOWN:
        return KNOWN[name]
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        return plausible(document, schema, ids)
    if kind == "array":
        return [_value(document, "", schema["items"], ids)]
    if kind == "integer":
        return 1
    if kind == "boolean":
        return True
    if schema.get("format") == "date-time":
        return datetime.now(UTC).isoformat()
    if schema.get("format") == "date":
        return datetime.now(UTC).date().isoformat()
    return "说明"


def with_text(body: Any, path: tuple[str | int, ...], value: str) -> Any:
    """The body with the string at `path` replaced by `value` (lists become one-item lists)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        return [with_text(body[0] if isinstance(body, list) and body else {}, rest, value)]
    base = dict(body) if isinstance(body, dict) else {}
    base[head] = with_text(base.get(head), rest, value)
    return base


def served_document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json)
