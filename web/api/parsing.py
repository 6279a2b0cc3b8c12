"""How the API reads a request's arguments (webargs under flask-smorest), with two rules of its
own for every operation:

* the body is read by `read_json`: JSON nested deeper, or with longer numbers, than any request
  needs is malformed — 400, with the reason;
* no text in a body, a query or a form — value or key, however deep — may hold a control
  character (but tab and line breaks) or a lone surrogate: 422, naming each field, before any
  schema or command sees it. The rule is the kernel's (`kernel.checks.unprintable`), the one
  the commands themselves apply to free text.

Every blueprint of the API is this module's `Blueprint`, so every schema is read this way.

A rule over several fields that a schema checks itself (`validates_schema`) is declared in the
document too, where JSON Schema can say it: the schema's `Meta.json_schema` (e.g. a `oneOf` of
`required` lists, "name the household by address or by id") is added to its component by
`SchemaRules`, so a generated client and a fuzzer know it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn

import flask
import flask_smorest
import marshmallow as ma
from apispec import BasePlugin
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from kernel.checks import TEXT_PATTERN, unprintable, unprintable_message
from web.json_provider import read_json

# Where text comes from the client (headers and cookies are read by werkzeug as Latin-1).
CHECKED = frozenset({"json", "query", "querystring", "form", "json_or_form"})


def text_errors(data: Any) -> dict[Any, Any]:
    """webargs-shaped errors ({"household": {"building": [...]}}, a list's items by index) for
    every key or text value that holds a character no text may hold."""
    errors: dict[Any, Any] = {}
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            character = unprintable(node)
            if character is not None:
                _put(errors, path, unprintable_message(_name(path), character))
        elif isinstance(node, Mapping):
            for key, value in node.items():
                character = unprintable(str(key))
                if character is None:
                    stack.append((value, (*path, key)))
                else:  # named as an escaped string; what it holds does not matter any more
                    _put(errors, (*path, ascii(key)), unprintable_message("a key", character))
        elif isinstance(node, list | tuple):
            stack.extend((value, (*path, index)) for index, value in enumerate(node))
    return errors


def _name(path: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in path) or "body"


def _put(errors: dict[Any, Any], path: tuple[Any, ...], message: str) -> None:
    if not path:
        errors.setdefault("_schema", []).append(message)
        return
    target = errors
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target.setdefault(path[-1], []).append(message)


class NeedsParser(FlaskParser):
    """webargs' Flask parser with the bounded JSON reader and the text rule above."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        return read_json(req.get_data(cache=True))

    def _handle_invalid_json_error(
        self,
        error: json.JSONDecodeError | UnicodeDecodeError,
        req: flask.Request,
        *args: Any,
        **kwargs: Any,
    ) -> NoReturn:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "the body is not UTF-8"
        abort(400, exc=error, messages={"json": [reason]})

    def pre_load(
        self,
        location_data: Mapping[str, Any],
        *,
        schema: ma.Schema,
        req: flask.Request,
        location: str,
    ) -> Mapping[str, Any]:
        if location in CHECKED:
            errors = text_errors(location_data)
            if errors:
                raise ma.ValidationError(errors)
        return location_data


def text_pattern(
    converter: Any, field: ma.fields.Field[Any], ret: dict[str, Any]
) -> dict[str, Any]:
    """An apispec attribute function: every text field and parameter the API reads declares
    the rule in the OpenAPI document, as the pattern its text must match."""
    if isinstance(field, ma.fields.String) and not field.dump_only and "pattern" not in ret:
        return {"pattern": TEXT_PATTERN}
    return {}


def document(api: flask_smorest.Api) -> None:
    """Declare the text rule in the API's OpenAPI document."""
    api.ma_plugin.converter.add_attribute_function(text_pattern)


class SchemaRules(BasePlugin):
    """Adds a schema's `Meta.json_schema` to its component in the OpenAPI document."""

    def schema_helper(
        self, name: str, definition: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any] | None:
        schema = kwargs.get("schema")
        meta = getattr(schema, "Meta", None)
        rules = getattr(meta, "json_schema", None)
        # Beside the properties, as the one member of an allOf: a generated client
        # (openapi-python-client) still reads the properties as a model, where a top-level
        # oneOf would make the whole body `Any`.
        return {"allOf": [dict(rules)]} if rules else None


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, reading its arguments with NeedsParser."""

    ARGUMENTS_PARSER = NeedsParser()
