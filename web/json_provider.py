"""JSON out through orjson: the same values Flask's own provider writes (times as HTTP dates,
UUIDs and decimals as strings, keys sorted), written in C. Text is UTF-8, not \\u escapes.

JSON in through `read_json`, the standard library's parser with bounds: no request needs JSON
nested deeper than MAX_DEPTH or a number longer than MAX_DIGITS, and either is malformed JSON
(a json.JSONDecodeError, so a 400) instead of a RecursionError or a ValueError (a 500)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import orjson
from flask import Flask
from flask.json.provider import DefaultJSONProvider

if TYPE_CHECKING:
    from werkzeug.sansio.response import Response

# Times and dataclasses go through the provider's `default`, as with the standard encoder;
# UUIDs orjson writes itself, as str() does.
_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_SORT_KEYS
)


MAX_DEPTH = 32
MAX_DIGITS = 100


def _number(text: str) -> int | float:
    if sum(c.isdigit() for c in text) > MAX_DIGITS:
        raise ValueError(f"a number in the body has more than {MAX_DIGITS} digits")
    return float(text) if any(c in text for c in ".eE") else int(text)


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _too_deep(value: Any) -> bool:
    """Whether containers nest deeper than MAX_DEPTH (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return False


def read_json(data: str | bytes) -> Any:
    """Parse a request's JSON; anything malformed or out of bounds is a json.JSONDecodeError
    (whose `doc` is empty only for an empty body, as webargs expects)."""
    try:
        text = data.decode() if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise json.JSONDecodeError("the body is not UTF-8", "?", 0) from None
    deep = f"the JSON nests deeper than {MAX_DEPTH} levels"
    try:
        value = json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_constant)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError(deep, text, 0) from None
    except ValueError as error:
        raise json.JSONDecodeError(str(error), text, 0) from None
    if _too_deep(value):
        raise json.JSONDecodeError(deep, text, 0)
    return value


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, writing with orjson; reading with `read_json`'s bounds."""

    _app: Flask  # a weak proxy of the Flask app (the base types it as the sansio App)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return read_json(s) if not kwargs else super().loads(s, **kwargs)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs:  # indent, separators, a template's `tojson` options: the standard encoder
            return super().dumps(obj, **kwargs)
        return self._encoded(obj).decode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        if self.compact is False or (self.compact is None and self._app.debug):
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self._encoded(obj) + b"\n", mimetype=self.mimetype)

    def _encoded(self, obj: Any) -> bytes:
        try:
            return orjson.dumps(obj, default=self.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            # What orjson refuses (lone surrogates, integers past 64 bits, deep nesting) the
            # standard encoder writes, or refuses with its own error.
            return super().dumps(obj).encode()


def init_app(app: Flask) -> None:
    app.json = OrjsonProvider(app)
