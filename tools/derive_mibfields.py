"""Derive the *MIB field table* (``collector/snmp/mibfields.json``) from a
collection of vendor MIBs: for each enterprise number, the scalar objects
whose MIB name says they hold the device's serial number, model, firmware or
software version (``upsBasicIdentModel``, ``snwlSysSerialNumber``,
``mtxrFirmwareVersion``, ...).

    python tools/derive_mibfields.py \
        --source netdisco/netdisco-mibs <commit> <checkout> \
        --source cisco-kusanagi/mibs.snmplabs.com <commit> <checkout>/asn1 \
        [--out collector/snmp/mibfields.json]

The sources used: netdisco/netdisco-mibs (vendors' public MIBs kept for
Netdisco; ``EXTRAS/`` left out) and the snmplabs MIB archive (a crawl of
public MIBs from http://mibs.snmplabs.com/asn1/, kept on GitHub as
cisco-kusanagi/mibs.snmplabs.com). Observium's and LibreNMS's own MIBs are
never read.

The table lets identification read a vendor's identity objects on a product
line no definition describes (see ``collector/snmp/mibfields.py``): it is
knowledge of what the maker's own MIB calls each object, nothing fitted to a
recording. Only object names, OIDs and syntax are kept (facts); no MIB text
is copied.

The parser is deliberately small: SMIv1/v2 ``OBJECT-TYPE``, ``OBJECT
IDENTIFIER``, ``MODULE-IDENTITY`` / ``OBJECT-IDENTITY`` assignments and
``IMPORTS``, enough to resolve every object to its OID and tell scalars from
table columns. Modules that do not parse are skipped and counted.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout: its collector
from collector.snmp.generic import STANDARDS_PENS  # noqa: E402

#: Well-known roots every MIB builds on.
ROOTS = {
    "ccitt": "0", "iso": "1", "joint-iso-ccitt": "2", "org": "1.3", "dod": "1.3.6", "internet": "1.3.6.1",
    "directory": "1.3.6.1.1", "mgmt": "1.3.6.1.2", "mib-2": "1.3.6.1.2.1", "experimental": "1.3.6.1.3",
    "private": "1.3.6.1.4", "enterprises": "1.3.6.1.4.1", "security": "1.3.6.1.5", "snmpV2": "1.3.6.1.6",
    "transmission": "1.3.6.1.2.1.10", "snmpModules": "1.3.6.1.6.3", "zeroDotZero": "0.0",
}

_STRING_OR_COMMENT = re.compile(r'"[^"]*"|--.*?(?:--|$)', re.M)
_MODULE = re.compile(r"([A-Za-z][\w-]*)\s+DEFINITIONS\s*(?:[A-Z ]*?)::=\s*BEGIN(.*?)(?<![\w-])END(?![\w-])", re.S)
_IMPORTS = re.compile(r"\bIMPORTS\b(.*?);", re.S)
_FROM = re.compile(r"(.*?)\bFROM\s+([A-Za-z][\w-]*)", re.S)
_ASSIGN = re.compile(
    r"(?<![\w-])([a-z][\w-]*)\s+(OBJECT-TYPE|OBJECT\s+IDENTIFIER|MODULE-IDENTITY|OBJECT-IDENTITY)\b(.*?)"
    r"::=\s*\{([^}]*)\}", re.S)
_SYNTAX = re.compile(r"\bSYNTAX\s+(SEQUENCE\s+OF\s+[\w-]+|OCTET\s+STRING|OBJECT\s+IDENTIFIER|BITS|[A-Z][\w-]*)")
_ACCESS = re.compile(r"\b(?:MAX-)?ACCESS\s+([\w-]+)")
_ROWTYPE = re.compile(r"(?<![\w-])([A-Z][\w-]*)\s*::=\s*SEQUENCE\s*\{", re.S)
_TC = re.compile(r"(?<![\w-])([A-Z][\w-]*)\s*::=\s*(?:TEXTUAL-CONVENTION\b.*?\bSYNTAX\s+)?"
                 r"(OCTET\s+STRING|INTEGER|Integer32|Unsigned32|Gauge32|Counter32|Counter64|TimeTicks|IpAddress|"
                 r"OBJECT\s+IDENTIFIER|BITS|[A-Z][\w-]*)", re.S)
#: Objects a GET never returns (a trap's varbinds are accessible-for-notify).
_UNREAD = ("not-accessible", "accessible-for-notify")
#: The parts of an OID value: "parent", "name(3)" or "3".
_COMPONENT = re.compile(r"[a-zA-Z][\w-]*\s*\(\s*\d+\s*\)|[a-zA-Z][\w-]*|\d+")

#: Base syntaxes that never hold a name or a version string.
NOT_TEXT = {"INTEGER", "Integer32", "Unsigned32", "Gauge32", "Gauge", "Counter32", "Counter", "Counter64",
            "TimeTicks", "IpAddress", "OBJECT IDENTIFIER", "BITS", "TruthValue", "RowStatus", "TimeStamp",
            "TimeInterval", "StorageType", "Opaque", "NetworkAddress", "InterfaceIndex", "PhysAddress",
            "MacAddress", "AutonomousType", "VariablePointer", "RowPointer", "DateAndTime", "TestAndIncr",
            "InetAddressType", "InetAddress", "SnmpEngineID", "Float", "Timeout"}
TEXT = {"OCTET STRING", "DisplayString", "SnmpAdminString", "OwnerString", "Utf8String", "DisplayString255",
        "LongDisplayString"}


@dataclass
class Obj:
    name: str
    module: str
    parent: str
    subids: list[str]
    kind: str                      # OBJECT-TYPE, OBJECT IDENTIFIER, ...
    syntax: str = ""
    access: str = ""
    oid: str | None = None


@dataclass
class Module:
    name: str
    path: str
    objects: dict[str, Obj] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)   # name -> module
    rowtypes: set[str] = field(default_factory=set)
    tcs: dict[str, str] = field(default_factory=dict)        # type name -> base


def _clean(text: str) -> str:
    """Strings emptied and comments dropped in one left-to-right pass (a
    quote inside a comment, or "--" inside a description, is not the other)."""
    return _STRING_OR_COMMENT.sub(lambda m: '""' if m.group(0).startswith('"') else " ", text)


def parse_mib_text(text: str, path: str = "") -> list[Module]:
    """The modules in one MIB file (assignments and imports only)."""
    modules = []
    for m in _MODULE.finditer(_clean(text)):
        mod = Module(m.group(1), path)
        body = m.group(2)
        imp = _IMPORTS.search(body)
        if imp:
            for names, source in _FROM.findall(imp.group(1)):
                for name in re.split(r"[\s,]+", names.strip()):
                    if name:
                        mod.imports[name] = source
        mod.rowtypes = set(_ROWTYPE.findall(body))
        for name, base in _TC.findall(body):
            if name not in mod.rowtypes:
                mod.tcs[name] = re.sub(r"\s+", " ", base)
        for name, kind, rest, value in _ASSIGN.findall(body):
            comps = _COMPONENT.findall(value)
            parent, subids = None, []
            for i, c in enumerate(comps):
                num = re.search(r"\((\s*\d+)\s*\)", c)
                if i == 0 and not c.isdigit():
                    parent = c if not num else None
                    if num:  # "iso(1) org(3) ..."
                        subids.append(num.group(1).strip())
                        parent = ""
                elif c.isdigit():
                    subids.append(c)
                elif num:
                    subids.append(num.group(1).strip())
            if parent is None or not subids:
                continue
            kind = re.sub(r"\s+", " ", kind)
            obj = Obj(name, mod.name, parent, subids, kind)
            if kind == "OBJECT-TYPE":
                s = _SYNTAX.search(rest)
                a = _ACCESS.search(rest)
                obj.syntax = re.sub(r"\s+", " ", s.group(1)) if s else ""
                obj.access = a.group(1) if a else ""
            mod.objects.setdefault(name, obj)
        modules.append(mod)
    return modules


class Tree:
    """Every parsed module, with OIDs resolved across imports."""

    def __init__(self, modules: Iterable[Module]) -> None:
        self.modules: dict[str, Module] = {}
        for mod in modules:
            # the first file wins on a duplicate module name (collections keep old copies)
            self.modules.setdefault(mod.name, mod)
        self.by_name: dict[str, list[Obj]] = {}
        for mod in self.modules.values():
            for obj in mod.objects.values():
                self.by_name.setdefault(obj.name, []).append(obj)
        for mod in self.modules.values():
            for obj in mod.objects.values():
                self._resolve(obj, 0)

    def _lookup(self, name: str, mod_name: str) -> Obj | str | None:
        if name in ROOTS:
            return ROOTS[name]
        mod = self.modules.get(mod_name)
        if mod is not None:
            if name in mod.objects:
                return mod.objects[name]
            source = self.modules.get(mod.imports.get(name, ""))
            if source is not None and name in source.objects:
                return source.objects[name]
        cands = self.by_name.get(name, [])
        return cands[0] if len(cands) == 1 else None

    def _resolve(self, obj: Obj, depth: int) -> str | None:
        if obj.oid is not None or depth > 64:
            return obj.oid
        if obj.parent == "":
            base: str | None = None
        else:
            parent = self._lookup(obj.parent, obj.module)
            if parent is None:
                return None
            base = parent if isinstance(parent, str) else self._resolve(parent, depth + 1)
            if base is None:
                return None
        obj.oid = ".".join(([base] if base else []) + obj.subids)
        return obj.oid

    def base_syntax(self, syntax: str, mod_name: str, depth: int = 0) -> str:
        if syntax in TEXT or syntax in NOT_TEXT or depth > 8:
            return syntax
        mod = self.modules.get(mod_name)
        for m in ([mod] if mod else []) + [self.modules.get(mod.imports.get(syntax, "")) if mod else None]:
            if m is not None and syntax in m.tcs:
                return self.base_syntax(m.tcs[syntax], m.name, depth + 1)
        for m in self.modules.values():
            if syntax in m.tcs:
                return self.base_syntax(m.tcs[syntax], m.name, depth + 1)
        return syntax

    def is_scalar(self, obj: Obj) -> bool:
        """An accessible OBJECT-TYPE that is neither a table, a row nor a
        column (its parent is not a row)."""
        if obj.kind != "OBJECT-TYPE" or obj.syntax.startswith("SEQUENCE OF") or obj.access in _UNREAD:
            return False
        mod = self.modules[obj.module]
        if obj.syntax in mod.rowtypes:
            return False
        parent = self._lookup(obj.parent, obj.module)
        if isinstance(parent, Obj) and parent.kind == "OBJECT-TYPE":
            return False  # a column: its parent is a row
        return True

    def is_identity_column(self, obj: Obj) -> bool:
        """A column of an identity table (``rPDU2IdentTable``, ``ats5gIdentTable``):
        the row's and the table's names say identity, and the row is indexed by
        one integer (a unit number)."""
        if obj.kind != "OBJECT-TYPE" or obj.access in _UNREAD or obj.syntax.startswith("SEQUENCE OF"):
            return False
        row = self._lookup(obj.parent, obj.module)
        if not isinstance(row, Obj) or row.kind != "OBJECT-TYPE" or row.syntax not in self.modules[row.module].rowtypes:
            return False
        table = self._lookup(row.parent, row.module)
        if not isinstance(table, Obj) or not table.syntax.startswith("SEQUENCE OF"):
            return False
        every = words(table.name)
        ws = every[1:]
        # "...IdentTable" only ("...InfoTable" is as often a module's, a transceiver's or a neighbour's)
        return bool(ws) and ws[-1] == "table" and bool(set(ws[:-1]) & {"ident", "identity"}) \
            and every[0] not in _OTHER \
            and all(w in _OK or (i == 0 and len(w) <= 5 and w not in _OTHER) for i, w in enumerate(ws[:-1]))


def words(name: str) -> list[str]:
    """``upsIdentModelName`` -> ['ups', 'ident', 'model', 'name']."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w.lower() for w in re.split(r"[\s_-]+", spaced) if w]


#: Words that make an object about something other than the box itself.
_OTHER = {"alert", "event", "notification", "notify", "backplane", "bkpln", "cpu", "hba", "onu", "cdp", "lldp", "modem", "mdm", "port", "interface", "line", "baud", "console", "module", "card", "slot", "fan", "psu", "power",
          "supply", "battery", "disk", "drive", "sensor", "probe", "transceiver", "sfp", "gbic", "lamp", "toner",
          "cartridge", "peer", "neighbor", "neighbour", "remote", "client", "station", "ap", "radio", "user",
          "license", "licence", "config", "backup", "upgrade", "download", "new", "next", "pending", "target",
          "required", "min", "max", "minimum", "latest", "trap", "log", "file", "server", "tftp", "ftp", "url",
          "phone", "blade", "member", "stack", "expansion", "daughter", "pcb", "cpld", "fpga", "bios", "boot",
          "bootrom", "loader", "rom", "mib", "snmp", "protocol", "spec", "ieee", "db", "database", "signature",
          "pattern", "virus", "av", "ips", "ids", "engine", "rule", "policy", "table", "index", "count",
          "status", "state", "type", "oid", "id", "object", "date", "time", "string", "descr", "description",
          "tape", "library", "cooling", "ups", "pdu", "outlet", "inlet", "switch", "controller", "enclosure",
          "chassis", "system", "sys", "device", "unit", "product", "box", "agent", "ident", "identity", "info",
          "hw", "hardware", "sw", "software", "fw", "firmware", "os", "image", "app", "application", "version",
          "ver", "rev", "revision", "release", "serial", "number", "num", "no", "model", "name", "main",
          "primary", "current", "running", "active", "base", "board", "mother", "mainboard", "motherboard"}
#: Words that may stand in an identity object's name; any other word (a
#: word from _OTHER not in here, e.g. "port" or "fan") makes it something else.
_OK = {"ups", "pdu", "switch", "controller", "enclosure", "chassis", "system", "sys", "device", "unit", "product",
       "box", "agent", "ident", "identity", "info", "hw", "hardware", "sw", "software", "fw", "firmware", "os",
       "image", "app", "application", "version", "ver", "rev", "revision", "release", "serial", "number", "num",
       "no", "model", "name", "main", "primary", "current", "running", "active", "base", "string", "descr",
       "board", "mother", "mainboard", "motherboard", "type", "id", "general", "basic", "adv", "global", "node",
       "appliance", "equipment", "sn", "inventory", "machine", "chas", "ser", "hwinfo", "service", "tag"}


#: Leading words of objects that only travel in notifications.
_NOTICE = {"alert", "trap", "event", "notification", "notify"}


def role(name: str) -> str | None:
    """The identity field a scalar's name says it holds: ``serial``,
    ``model``, ``firmware`` or ``version`` (software release), else None."""
    ws = words(name)
    if not ws or ws[0] in _NOTICE:
        return None  # "alertServiceTag": a notification's copy, not an object to read
    # the leading word is usually the MIB's prefix ("ups", "xups", "cpq", "mtxr", FASTPATH's "agent"):
    # read the rest; else, when the leading word is itself an identity word ("serialNumber",
    # "fwVersion"), the whole name
    if len(ws) > 1:
        got = _role(ws[1:])
        if got or ws[0] not in _OK:
            return got
    return _role(ws)


def _role(body: list[str]) -> str | None:
    # every other word says "the box's identity" or is a short MIB prefix ("cpqSi", "xupsIdent"):
    # a sub-part's object ("upsDiagnosticDisplaySerialNum", "mtxrWirelessModemModel") is not the box's
    if any(w not in _OK and (w in _OTHER or len(w) > 5 or i > 0) for i, w in enumerate(body)):
        return None
    s = set(body)
    last = body[-1]
    if "agent" in s and ("serial" in s or "model" in s or "product" in s):
        return None  # the management agent's card ("lgpAgentIdentModel": "IntelliSlot Web Card"), not the box
    if (s & {"serial", "ser"} and last in ("serial", "number", "num", "no", "sn")
            or re.fullmatch(r"ser(?:ial)?(?:num|no)", last)):
        return "serial"
    if last == "sn" and len(body) >= 2 or body[-2:] == ["service", "tag"]:
        return "serial"  # Dell's service tag is its serial number
    if "model" in s and last in ("model", "name", "number", "num", "no", "type", "id", "string", "descr"):
        if last in ("type", "id") and "name" not in s:
            return None
        return "model"
    if s >= {"product", "name"} and last == "name" and len(body) <= 3:
        return "model"
    if s & {"firmware", "fw"} and last in ("version", "ver", "rev", "revision", "release", "firmware", "fw"):
        if s & {"hardware", "hw"}:
            return None
        return "firmware"
    if last == "version" and 2 <= len(body) <= 3 and set(body[:-1]) <= {"sys", "system", "product", "os"}:
        return "version"  # "sysVersion", "hmSysVersion", "productVersion": the system's release
    if s & {"software", "sw", "os", "image", "app", "application"} and last in (
            "version", "ver", "rev", "revision", "release"):
        if s & {"hardware", "hw", "boot"}:
            return None
        return "version"
    return None


#: MIBs of projects this one keeps away from (their licences, and the
#: independence of its evaluation): never read, whatever collection holds them.
_EXCLUDED = re.compile(r"(?i)observium|librenms")


def derive(roots: Path | list[Path]) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse every file under each root (the first root's copy of a module
    wins); return the table ``{enterprise: [[oid, role, "MODULE::name"],
    ...]}`` (sorted) and counts."""
    modules: list[Module] = []
    stats = {"files": 0, "modules": 0, "unparsed_files": 0, "excluded": 0, "objects": 0, "resolved": 0,
             "fields": 0}
    for root in [roots] if isinstance(roots, Path) else roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = path.relative_to(root).as_posix()
            if rel.startswith(("EXTRAS/", ".")) or "/." in rel:
                continue
            if _EXCLUDED.search(rel):
                stats["excluded"] += 1
                continue
            stats["files"] += 1
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                stats["unparsed_files"] += 1
                continue
            got = [m for m in parse_mib_text(text, rel) if not _EXCLUDED.search(m.name)]
            if not got:
                stats["unparsed_files"] += 1
            modules.extend(got)
    tree = Tree(modules)
    stats["modules"] = len(tree.modules)
    table: dict[str, dict[str, list[str]]] = {}
    for mod in tree.modules.values():
        for obj in mod.objects.values():
            stats["objects"] += 1
            if obj.oid is None:
                continue
            stats["resolved"] += 1
            if not obj.oid.startswith("1.3.6.1.4.1."):
                continue
            if tree.is_scalar(obj):
                suffix = ".0"
            elif tree.is_identity_column(obj):
                suffix = ".1"  # the first row of a table of units: the box itself, or a stack's first
            else:
                continue
            what = role(obj.name)
            if what is None:
                continue
            base = tree.base_syntax(obj.syntax, obj.module)
            if base in NOT_TEXT or base.startswith("INTEGER"):
                continue
            pen = obj.oid.split(".")[6]
            if pen in STANDARDS_PENS:
                continue  # a standards body's MIB describes no box (DOCSIS, ...): never read
            # one entry per OID: the first module's (the first source's, when two collections
            # or two copies of a module under different names hold it)
            table.setdefault(pen, {}).setdefault(obj.oid + suffix, [obj.oid + suffix, what, f"{mod.name}::{obj.name}"])
    out = {pen: sorted(rows.values(), key=lambda r: [int(x) for x in r[0].split(".")]) for pen, rows in table.items()}
    stats["fields"] = sum(len(v) for v in out.values())
    stats["enterprises"] = len(out)
    return dict(sorted(out.items(), key=lambda kv: int(kv[0]))), stats


def main(argv: list[str] | None = None) -> int:
    import argparse
    import datetime as _dt
    import json

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", nargs=3, action="append", required=True, metavar=("REPOSITORY", "COMMIT", "DIR"),
                    help="a MIB collection: its repository (owner/name), commit and a checkout; repeatable, "
                         "the first source's copy of a module wins")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "collector" / "snmp" /
                                         "mibfields.json"))
    ap.add_argument("--date", help="the build date to record (default today)")
    args = ap.parse_args(argv)
    table, stats = derive([Path(d) for _r, _c, d in args.source])
    doc = {
        "sources": [{"repository": repo, "commit": commit} for repo, commit, _d in args.source],
        "licence": "the vendors' MIBs, published for use by management tools; only object names, OIDs and the "
                   "field their name says are kept",
        "tool": "tools/derive_mibfields.py",
        "built": args.date or _dt.date.today().isoformat(),
        "stats": stats,
        "fields": table,
    }
    Path(args.out).write_text(json.dumps(doc, indent=0, sort_keys=False) + "\n")
    print(f"{stats['fields']} fields of {stats['enterprises']} enterprises from {stats['modules']} modules "
          f"({stats['unparsed_files']} files unparsed) -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
