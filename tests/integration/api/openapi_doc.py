"""Reading the served OpenAPI document in tests: its operations, and what a reference names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

API = "/api/v1"
OPENAPI = f"{API}/openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for every operation the document serves."""
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def resolved(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """The node a `$ref` points at (followed until it is no reference; a described one is
    `allOf` the reference alone), or the node itself."""
    while "$ref" in node or len(node.get("allOf", [])) == 1:
        if "$ref" not in node:
            node = node["allOf"][0]
            continue
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def schema_name(reference: dict[str, Any]) -> str | None:
    """The component a schema reference names ({"$ref": "#/components/schemas/Error"})."""
    ref = reference.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def body_schema(document: dict[str, Any], response: dict[str, Any]) -> str | None:
    """The name of the JSON body's schema a response declares, if it declares one."""
    content = resolved(document, response).get("content", {})
    return schema_name(content.get("application/json", {}).get("schema", {}))


def parameter_names(document: dict[str, Any], operation: dict[str, Any], where: str) -> set[str]:
    """The names of the operation's parameters in `where` (header, query)."""
    found = (resolved(document, p) for p in operation.get("parameters", []))
    return {p["name"] for p in found if p["in"] == where}
