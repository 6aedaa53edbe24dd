"""Recog fingerprints (Rapid7, BSD-2-Clause): convert, validate, match.

Recog's patterns are written for Ruby and Java regex engines. They are
converted to Python ``re`` at build time, and a fingerprint is shipped only
if it compiles and every one of its own ``<example>`` strings gives the
expected values; the build reports what it dropped.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET

#: Recog databases used by lan-collector, by their ``matches`` key.
DATABASES = (
    "ssh_banners", "ftp_banners", "telnet_banners", "smtp_banners", "pop_banners", "imap_banners",
    "http_servers", "html_title", "http_wwwauth", "rtsp_servers", "sip_banners", "smb_native_os",
    "smb_native_lm", "snmp_sysdescr", "snmp_sysobjid", "hp_pjl_id", "x509_subjects", "ntp_banners",
    "dns_versionbind", "mdns_device-info_txt", "dhcp_vendor_class", "mysql_banners", "favicons", "x509_issuers",
)
#: Recog's flag names in Ruby's sense: Ruby's "multiline" is Python's DOTALL
#: (and Ruby's ^/$ always match at line breaks: re.M is always on).
FLAGS = {"REG_ICASE": re.I, "REG_DOT_NEWLINE": re.S, "REG_MULTILINE": re.S}
#: Matching never looks past this many characters of hostile input.
MAX_INPUT = 4096
#: Longer texts are matched with a time limit (see :class:`Recog`).
SHORT_INPUT = 64
MATCH_BUDGET = 0.25
_PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")


class ConversionError(ValueError):
    pass


def ruby_to_python(pattern: str) -> str:
    """Rewrite the Ruby/Java-only parts of a Recog pattern for Python ``re``."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "h":
                out.append("[0-9a-fA-F]")
            elif nxt == "z":
                out.append(r"\Z")
            elif nxt == "Z":
                out.append(r"(?=\n?\Z)")
            elif nxt == "G":
                raise ConversionError(r"\G has no Python equivalent")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if pattern.startswith("(?m)", i):
            out.append("(?s)")  # Ruby's inline m is dot-matches-newline
            i += 4
            continue
        if pattern.startswith("(?<", i) and i + 3 < len(pattern) and pattern[i + 3] not in "=!":
            out.append("(?P<")
            i += 3
            continue
        if ch in "+*?}" and i + 1 < len(pattern) and pattern[i + 1] == "+" and (i == 0 or pattern[i - 1] != "\\"):
            raise ConversionError("possessive quantifier")
        out.append(ch)
        i += 1
    return _unnest("".join(out))


#: A repeated group whose whole body is one repeated character class:
#: ``(.+)*``, ``(\S+)+``, ``([^;]*)*``. The ways to split a string between
#: the two repeats grow exponentially when the rest fails to match, so a
#: hostile banner could stall matching for minutes (Recog's NAVIEG SMTP
#: fingerprint ``; (.+)* http`` took 3.5 s on a 90-character line). The
#: same strings match one repeat; the group then captures all of them
#: rather than the last piece (the build keeps a fingerprint only if its
#: own examples still give the expected values).
_NESTED_REPEAT = re.compile(r"\((\?:)?(\.|\\[SsWwDd]|\[(?:\\.|[^\]\\])*\])([+*])\)([+*])")


def _unnest(pattern: str) -> str:
    def one(m: re.Match[str]) -> str:
        both_plus = m.group(3) == "+" and m.group(4) == "+"
        return f"({m.group(1) or ''}{m.group(2)}{'+' if both_plus else '*'})"
    return _NESTED_REPEAT.sub(one, pattern)


def _example_text(el: Any) -> str:
    text = el.text or ""
    if el.get("_encoding") == "base64":
        return base64.b64decode(text).decode("latin-1")
    return text


def parse_database(path: Path) -> tuple[dict[str, Any], list[str]]:
    """One Recog XML file -> (database dict, list of dropped-fingerprint reasons)."""
    root = SafeET.parse(path).getroot()
    db: dict[str, Any] = {
        "file": path.name,
        "matches": root.get("matches"),
        "protocol": root.get("protocol"),
        "fingerprints": [],
    }
    dropped: list[str] = []
    for fp in root.iter("fingerprint"):
        raw = fp.get("pattern") or ""
        description = (fp.findtext("description") or "").strip()
        # Ruby, Recog's reference engine, anchors ^ and $ at every line.
        flags = re.M
        for name in filter(None, (fp.get("flags") or "").split(",")):
            flags |= FLAGS.get(name.strip(), 0)
        if "(?i)" in raw[1:]:
            # Python only takes global flags at the start
            raw, flags = raw.replace("(?i)", ""), flags | re.I
        try:
            pattern = ruby_to_python(raw)
            compiled = re.compile(pattern, flags)
        except (ConversionError, re.error) as exc:
            dropped.append(f"{path.name}: {description or raw[:40]}: {exc}")
            continue
        params = [[int(p.get("pos", "0")), p.get("name"), p.get("value")] for p in fp.iter("param")]
        examples: list[tuple[str, dict[str, str]]] = []
        for ex in fp.iter("example"):
            expected = {k: v for k, v in ex.attrib.items() if not k.startswith("_")}
            examples.append((_example_text(ex), expected))
        entry: dict[str, Any] = {"p": pattern, "f": flags, "d": description, "params": params,
                                 "ex": [list(e) for e in examples]}
        failures = [text for text, expected in examples
                    if not _expected_ok(apply(compiled, entry, text), expected)]
        if failures:
            dropped.append(f"{path.name}: {description or raw[:40]}: example does not match in Python: "
                           f"{failures[0][:60]!r}")
            continue
        db["fingerprints"].append(entry)
    return db, dropped


def _expected_ok(result: dict[str, str] | None, expected: dict[str, str]) -> bool:
    # an expected empty value means the capture is empty: no value is reported for it
    return result is not None and all(result.get(k, "") == v for k, v in expected.items())


def apply(compiled: re.Pattern[str], entry: dict[str, Any], text: str) -> dict[str, str] | None:
    return values_of(compiled.search(text[:MAX_INPUT]), entry)


def values_of(m: Any, entry: dict[str, Any]) -> dict[str, str] | None:
    """A fingerprint's values from its regex match (None: no match)."""
    if m is None:
        return None
    values: dict[str, str] = {}
    for pos, name, value in entry["params"]:
        if pos == 0:
            if value is not None:
                values[name] = value
        else:
            try:
                group = m.group(pos)
            except IndexError:
                continue
            if group is not None and group != "":
                values[name] = group
    for name, value in list(values.items()):
        if "{" in value:
            missing = [k for k in _PLACEHOLDER.findall(value) if k not in values]
            if missing:
                del values[name]  # a template with nothing to fill in says nothing
            else:
                values[name] = _PLACEHOLDER.sub(lambda mm: values[mm.group(1)], value)
    return values


@dataclass(frozen=True)
class Match:
    values: dict[str, str]
    description: str
    database: str


class Recog:
    """Compiled fingerprints by database name (e.g. ``ssh_banners``).

    Some of Recog's patterns backtrack polynomially, or worse, on strings built
    against them (``Samsung ([^;\\s]+)...([^;\\s]+)\\s?.*?;.*Engine`` takes 0.7 ms
    on 64 characters, 1.4 s on 512, minutes on 4,096; found by fuzzing). A text
    up to ``SHORT_INPUT`` characters is matched with ``re`` (fast, and its worst
    case there is small); a longer one with the ``regex`` module, whose
    searches take a timeout: one ``match()`` of it stops after ``MATCH_BUDGET``
    seconds and identifies nothing, rather than stalling the scan.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self._dbs = data["databases"]
        self._compiled: dict[str, list[tuple[re.Pattern[str], dict[str, Any]]]] = {}
        self._guarded: dict[str, list[Any]] = {}

    def _fingerprints(self, db: str) -> list[tuple[re.Pattern[str], dict[str, Any]]]:
        if db not in self._compiled:
            if db not in self._dbs:
                raise KeyError(f"no Recog database {db!r}")
            self._compiled[db] = [(re.compile(fp["p"], fp["f"]), fp) for fp in self._dbs[db]["fingerprints"]]
        return self._compiled[db]

    def _timed(self, db: str) -> list[Any]:
        """The same patterns compiled by ``regex`` (only for databases that see long texts)."""
        if db not in self._guarded:
            import regex

            self._guarded[db] = [regex.compile(fp["p"], fp["f"]) for fp in self._dbs[db]["fingerprints"]]
        return self._guarded[db]

    def match(self, db: str, text: str) -> Match | None:
        """The first fingerprint of ``db`` that matches ``text`` (Recog's rule)."""
        text = text[:MAX_INPUT]
        if len(text) <= SHORT_INPUT:
            for compiled, fp in self._fingerprints(db):
                values = values_of(compiled.search(text), fp)
                if values is not None:
                    return Match(values, fp["d"], db)
            return None
        pairs = list(zip(self._fingerprints(db), self._timed(db)))  # compiled before the clock starts
        deadline = time.monotonic() + MATCH_BUDGET
        for (_compiled, fp), timed in pairs:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                values = values_of(timed.search(text, timeout=left), fp)
            except TimeoutError:
                return None  # a text built to stall matching identifies nothing
            if values is not None:
                return Match(values, fp["d"], db)
        return None

    def examples(self, db: str) -> Iterator[tuple[str, dict[str, str], str]]:
        for fp in self._dbs[db]["fingerprints"]:
            for text, expected in fp["ex"]:
                yield text, expected, fp["d"]

    def constants(self, db: str) -> Iterator[dict[str, str]]:
        """Each fingerprint's fixed values (``hw.vendor``, ``hw.device``, ...)."""
        for fp in self._dbs.get(db, {}).get("fingerprints", ()):
            yield {name: value for pos, name, value in fp.get("params", ()) if pos == 0 and value}

    @property
    def databases(self) -> list[str]:
        return sorted(self._dbs)


@lru_cache(maxsize=1)
def recog() -> Recog:
    from collector.refdata import load_json

    return Recog(load_json("recog.json"))
