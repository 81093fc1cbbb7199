"""The node's log lines: plain text or one JSON object per line (``LIAISON_LOG_FORMAT``).

``liaison serve`` calls ``configure`` once; nothing else touches the logging
module's global state, so building an app stays free of side effects.

A line is the time (UTC, ISO 8601), level, logger and message, and for a
request (``liaison.api.observe``) its id, method, route template, status and
duration in milliseconds. Every line written while a request is handled
carries that request's id (a context variable, which Starlette copies into
the worker thread of a sync route).

What a line never holds: request or record contents, query strings (a search
is personal data), passwords or tokens. The request line names the route's
template (``/api/v1/records/{record_id}``), never the concrete URL. An
exception's type and stack are logged without its message, because messages
can quote values (a database driver's error quotes the statement's
parameters, which may be a record's contents).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import sys
import traceback
from typing import IO, Any

import orjson

from liaison.settings import Settings

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "liaison_request_id", default=None
)
"""The id of the request being handled, if any (set by the request middleware)."""

FIELDS = ("request_id", "method", "route", "status", "duration_ms", "url")
"""The only extra fields a line may carry; anything else passed as ``extra`` is left out."""

TEXT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class RequestId(logging.Filter):
    """Give every record the current request's id (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


def _exception(exc_info: Any) -> dict[str, Any]:
    kind, _value, tb = exc_info
    return {
        "error": kind.__name__ if kind is not None else None,
        "stack": "".join(traceback.format_tb(tb)).rstrip(),
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the allowed fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line.update(_exception(record.exc_info))
        return orjson.dumps(line).decode()


class TextFormatter(logging.Formatter):
    """The text lines, with the request id and the exception without its message."""

    def __init__(self) -> None:
        super().__init__(TEXT)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        rid = getattr(record, "request_id", None)
        return f"{text} [{rid}]" if rid else text

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's own name
        shown = _exception(ei)
        return f"{shown['error']} (message not logged)\n{shown['stack']}"


def handler(settings: Settings, stream: IO[str] | None = None) -> logging.Handler:
    """A handler that writes the settings' format to ``stream`` (standard error)."""
    out = logging.StreamHandler(stream or sys.stderr)
    out.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    out.addFilter(RequestId())
    return out


def configure(settings: Settings) -> None:
    """Send every log line of the process through one handler in the settings' format:
    Liaison's loggers at ``Settings.log_threshold``, the libraries' at warning and above."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(settings))
    root.setLevel(logging.WARNING)
    logging.getLogger("liaison").setLevel(settings.log_threshold.upper())
