"""JSON out through orjson: the same values Flask's own provider writes (times as HTTP dates,
UUIDs and decimals as strings, keys sorted), written in C. Text is UTF-8, not \\u escapes."""

from __future__ import annotations

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


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, writing with orjson; reading is the standard library's."""

    _app: Flask  # a weak proxy of the Flask app (the base types it as the sansio App)

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
