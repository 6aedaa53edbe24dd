"""Scoring SNMP identification against hand-labelled recordings.

Sets, never mixed:

- ``tuning``: ``tests/fixtures/snmp/snmpsim/*.json`` (32 snmpsim-data
  recordings the vendor modules / definitions are written against);
- ``opened``: the half of ``tests/fixtures/snmp/heldout/`` that was opened
  for tuning on 2026-11-30 (:func:`opened`: a hash of the device's name, so
  nobody chose which); definitions may be written against these from then on;
- ``heldout``: the rest of ``tests/fixtures/snmp/heldout/*.json``
  (recordings nobody tunes on; labelled from the recording alone, see that
  folder's ``README.md``). Cases marked ``duplicate_of`` (the same device as
  another recording) are reported apart, not in the held-out score, and
  always fall in the same half as the recording they duplicate.

Matching rules (one place, used by the offline and the live scorer):

- a field is scored only where the expected value is not null ("the
  recording holds it"); a value given where null is expected is counted
  apart as ``extra`` (not an error: often a label was conservative);
- compare after normalising: Unicode casefold, runs of whitespace -> one
  space, stripped; for versions (``os_version``, ``firmware``,
  ``kernel_version``) one leading ``v``/``V`` before a digit is dropped
  (``V200R007`` = ``200R007`` is not wanted, so only ``v`` + digit: ``v6.7.2``
  = ``6.7.2``);
- vendors: a legal-form suffix is dropped (``Inc.``, ``Ltd.``, ``Co., Ltd.``,
  ``Corp.``, ``Corporation``, ``LLC``, ``GmbH``, ``AG``, ``S.A.``, ``s.r.o.``):
  ``Cisco Systems, Inc.`` = ``Cisco Systems``; nothing else of a name is;
- true synonyms only, from :data:`ALIASES` (``JUNOS`` = ``Junos`` is
  already case; ``Hewlett-Packard`` = ``HP``, ``Hewlett Packard
  Enterprise`` = ``HPE``, ...): never a family for a product
  (``Windows`` != ``Windows 10``) nor a vendor for its parent company;
- model: equal after normalisation, where the one thing dropped is the
  expected vendor's own name in front (``H3C SR8808-X`` = ``SR8808-X`` when
  the vendor is H3C; how ENTITY-MIB often spells it). Any other longer
  string that contains the expected model (``Catalyst WS-C3750G-12S`` for
  ``WS-C3750G-12S``) is wrong: strict rather than generous, since an
  inventory that prints the longer string is not what a person would type;
- ``windows_eol`` (Windows recordings only): the export has a
  ``legacy/eol`` flag whose title names Windows.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TUNING_DIR = ROOT / "tests" / "fixtures" / "snmp" / "snmpsim"
HELDOUT_DIR = ROOT / "tests" / "fixtures" / "snmp" / "heldout"
#: Real walks Checkmk stored (2026-12-01): scored once before any look, tuning data since.
CHECKMK_DIR = ROOT / "tests" / "fixtures" / "snmp" / "checkmk"
FIELDS = ("vendor", "device_class", "model", "serial", "os_name", "os_version", "firmware")
#: scored only on the cases whose expected file has them
OPTIONAL_FIELDS = ("kernel_version", "windows_eol")
VERSION_FIELDS = {"os_version", "firmware", "kernel_version"}

#: field -> {normalised synonym: normalised canonical}; true synonyms only.
ALIASES: dict[str, dict[str, str]] = {
    "vendor": {
        "hewlett-packard": "hp", "hewlett packard": "hp", "hp inc.": "hp",
        "hewlett packard enterprise": "hpe", "hewlett-packard enterprise": "hpe",
        "cisco systems": "cisco", "cisco systems, inc.": "cisco",
        "juniper networks": "juniper", "juniper networks, inc.": "juniper",
        "american power conversion": "apc", "schneider electric apc": "apc",
        "huawei technologies": "huawei", "huawei technologies co., ltd.": "huawei",
        "mikrotik": "mikrotik", "mikrotikls": "mikrotik",
        "d-link systems": "d-link", "dell emc": "dell emc",
        "palo alto": "palo alto networks",
        "digital china": "digital china networks", "digital china networks limited": "digital china networks",
        "tripp lite": "tripp lite", "tripplite": "tripp lite",
        "cyber power system": "cyberpower", "cyber power systems": "cyberpower", "cyberpower systems": "cyberpower",
        "seiko epson": "epson", "seiko epson corporation": "epson", "seiko epson corp.": "epson",
    },
    "os_name": {
        "junos os": "junos", "cisco ios": "ios", "cisco ios-xe": "ios-xe", "ios xe": "ios-xe",
        "cisco nx-os": "nx-os", "nxos": "nx-os", "mikrotik routeros": "routeros", "vmware esxi": "esxi",
        "synology dsm": "dsm", "qnap qts": "qts", "fortinet fortios": "fortios", "panos": "pan-os",
        "rhel": "red hat enterprise linux", "brocade fabric os": "fabric os", "fos": "fabric os",
    },
}


_LEGAL_FORM = re.compile(r"[,.]?\s+(?:co\.?,?\s*ltd|inc|ltd|limited|corp|corporation|llc|gmbh|ag|s\.?a|s\.?r\.?o)\.?$")


def normalise(name: str, value: Any) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    text = " ".join(text.split())
    if name in VERSION_FIELDS:
        text = re.sub(r"^v(?=\d)", "", text)
    if name == "vendor":
        text = _LEGAL_FORM.sub("", text)
    return ALIASES.get(name, {}).get(text, text) or None


def matches(name: str, expected: Any, given: Any, vendor: Any = None) -> bool:
    if isinstance(expected, bool) or isinstance(given, bool):
        return expected is given
    exp, got = normalise(name, expected), normalise(name, given)
    if name == "model" and vendor and exp and got:
        prefix = (normalise("vendor", vendor) or "") + " "
        exp, got = exp.removeprefix(prefix), got.removeprefix(prefix)
    return exp == got


@dataclass
class Case:
    name: str
    set: str
    spec: dict[str, Any]
    path: Path

    @property
    def expected(self) -> dict[str, Any]:
        return self.spec["expected"]

    @property
    def duplicate_of(self) -> str | None:
        return self.spec.get("duplicate_of")


def shared_candidates() -> list[Path]:
    """Where shared/data may be, in order: ``LAN_COLLECTOR_SHARED_DATA``, beside
    the checkout, beside its parent (a worktree)."""
    given = os.environ.get("LAN_COLLECTOR_SHARED_DATA")
    return ([Path(given)] if given else []) + [ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"]


def recording_path(spec: dict[str, Any], folder: Path) -> Path:
    """A case's recording: beside its expected file, else in the package it
    names (the snmpsim package's own recordings), in shared/data (``shared``),
    else in snmpsim-data."""
    local = folder / spec["recording"]
    if local.exists():
        return local
    if spec.get("shared"):  # kept in shared/data beside the checkout, out of the repository
        folders = shared_candidates()
        found = next((d for d in folders if (d / spec["shared"]).is_dir()), folders[0])  # missing: the scorer says so
        return found / spec["shared"] / spec["recording"]
    if spec.get("package") == "snmpsim":
        import snmpsim

        return Path(snmpsim.__file__).parent / "data" / spec["recording"]
    import snmpsim_data

    return Path(snmpsim_data.__file__).parent / "data" / spec["recording"]


#: Salt of the 2026-11-30 split of the held-out folder (see :func:`opened`).
OPENED_SALT = "opened-2026-11-30:"


def opened(name: str, duplicate_of: str | None = None) -> bool:
    """Whether a held-out folder case was opened for tuning: the first hex
    digit of sha1(salt + device) is 0-7, the device being the recording a
    duplicate duplicates (so a device and its duplicates stay together)."""
    device = duplicate_of.split(" (")[0].strip() if duplicate_of else name  # "<case> (the same ...)"
    key = OPENED_SALT + device
    return hashlib.sha1(key.encode()).hexdigest()[0] in "01234567"


SETS = ("tuning", "opened", "heldout", "checkmk", "all")


def load_cases(which: str) -> list[Case]:
    """``tuning``, ``opened``, ``heldout`` (the still-closed half), ``checkmk`` or ``all``;
    ``heldout-folder`` is every case of the held-out folder, opened or not
    (for the tests that check the folder is well formed, never for scores)."""
    sets = {"tuning": [("tuning", TUNING_DIR)], "opened": [("opened", HELDOUT_DIR)],
            "heldout": [("heldout", HELDOUT_DIR)], "heldout-folder": [("heldout-folder", HELDOUT_DIR)],
            "checkmk": [("checkmk", CHECKMK_DIR)],
            "all": [("tuning", TUNING_DIR), ("opened", HELDOUT_DIR), ("heldout", HELDOUT_DIR)]}[which]
    cases = []
    for label, folder in sets:
        for path in sorted(folder.glob("*.json")):
            if path.name in ("PROVENANCE.json", "SOURCE.json"):
                continue
            spec = json.loads(path.read_text())
            is_open = opened(path.stem, spec.get("duplicate_of"))
            if (label == "opened" and not is_open) or (label == "heldout" and is_open):
                continue
            cases.append(Case(path.stem, label, spec, recording_path(spec, folder)))
    return cases


@dataclass
class Tally:
    right: int = 0
    held: int = 0
    wrong: list[tuple[str, Any, Any]] = field(default_factory=list)
    missing: list[tuple[str, Any]] = field(default_factory=list)
    extra: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.right / self.held if self.held else None


def score(cases: list[Case], results: dict[str, dict[str, Any]], fields: tuple[str, ...] | None = None
          ) -> dict[str, Tally]:
    """Per field: right / expected-non-null, wrong (case, expected, given),
    missing (case, expected), extra (case, given where null was expected)."""
    names = fields or FIELDS + OPTIONAL_FIELDS
    out = {name: Tally() for name in names}
    for case in cases:
        got = results.get(case.name, {})
        for name in names:
            if name not in case.expected:
                continue
            expected, given = case.expected[name], got.get(name)
            tally = out[name]
            if expected is None:
                if given is not None and name not in OPTIONAL_FIELDS:
                    tally.extra.append((case.name, given))
                continue
            tally.held += 1
            if given is None:
                tally.missing.append((case.name, expected))
            elif matches(name, expected, given, case.expected.get("vendor")):
                tally.right += 1
            else:
                tally.wrong.append((case.name, expected, given))
    return out


def table(tallies: dict[str, Tally], details: bool = True) -> str:
    lines = ["| field | right / held | % | wrong | missing | extra |", "|---|---|---|---|---|---|"]
    for name, t in tallies.items():
        if not t.held and not t.extra:
            continue
        pct = f"{t.percent:.0f} %" if t.percent is not None else "-"
        lines.append(f"| {name} | {t.right}/{t.held} | {pct} | {len(t.wrong)} | {len(t.missing)} | {len(t.extra)} |")
    if details:
        for name, t in tallies.items():
            for case, exp, got in t.wrong:
                lines.append(f"  wrong   {name:14} {case}: expected {exp!r}, got {got!r}")
            for case, exp in t.missing:
                lines.append(f"  missing {name:14} {case}: expected {exp!r}")
            for case, got in t.extra:
                lines.append(f"  extra   {name:14} {case}: expected null, got {got!r}")
    return "\n".join(lines)


def offline_result(case: Case) -> dict[str, Any]:
    """What identification gives on the whole recording (a scan reads less:
    offline can overstate, never the published number)."""
    from collector.snmp.identify import identify
    from collector.snmp.walk import load_snmprec
    from collector.snmp.walkfile import load_walk_file

    # snmprec unbounded (two real recordings hold over 2 M values), another walk format (checkmk) as identify reads it
    ident = identify(load_snmprec(case.path) if ".snmprec" in case.path.name else load_walk_file(case.path))
    result: dict[str, Any] = dict(ident.best())
    kernel = [f for f in ident.facts if f.field == "kernel_version"]
    if kernel:
        result["kernel_version"] = str(max(kernel, key=lambda f: f.confidence).value)
    return result


def from_export(record: dict[str, Any]) -> dict[str, Any]:
    """The scored fields of one device of ``lan-collector export --format json``."""
    result = {name: record.get(name) for name in FIELDS + ("kernel_version",)}
    result["windows_eol"] = any(f.get("rule") == "legacy/eol" and "windows" in (f.get("title") or "").lower()
                                for f in record.get("flags") or [])
    return result
