"""Untrusted text: what devices say is data, never markup or terminal control.

sysName, sysDescr, banners, HTTP headers, TXT records and the like reach the
inventory, the terminal, the journal and spreadsheets. Three rules:

- stored and printed with control characters escaped (``\\x1b``, ``\\u202e``):
  an ESC or OSC sequence from a ``Server:`` header never reaches a terminal,
  a bidi override never reorders what a user reads;
- shown on a terminal as plain :class:`rich.text.Text`, never parsed as rich
  markup (``[link=...]``) and never expanded as emoji codes (a MAC such as
  ``bc:ad:28:cd:de:42`` holds ``:cd:``);
- whitespace controls inside one-line values become spaces.
"""

from __future__ import annotations

import re
from typing import Any

#: C0 and C1 controls, DEL, and Unicode format characters (bidi overrides,
#: zero-width joiners, BOM): anything that changes how a terminal or a reader
#: sees the text rather than adding to it.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
                     r"\ufff9-\ufffb\U000e0000-\U000e007f]")
_WHITESPACE_CONTROLS = re.compile(r"[\t\n\r\x0b\x0c]+")


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape_controls(text: str) -> str:
    """Every control or format character written as an escape; the rest kept."""
    return _UNSAFE.sub(_escape_char, text)


def one_line(value: Any) -> str:
    """A device string as one safe line: whitespace controls become one space,
    other controls are escaped. ``None`` stays an empty string."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return escape_controls(_WHITESPACE_CONTROLS.sub(" ", text))


def cell(value: Any, empty: str = "-", limit: int | None = None) -> Any:
    """A table cell for rich: plain Text (no markup, no emoji), controls escaped."""
    from rich.text import Text

    text = one_line(value) if value is not None and value != "" else empty
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)] + "…"
    return Text(text)


def stored(value: Any) -> Any:
    """A value as the store keeps it: strings as :func:`one_line`, others as they are."""
    return one_line(value) if isinstance(value, str) else value
