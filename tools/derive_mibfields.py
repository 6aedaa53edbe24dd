"""Derive the *MIB field table* (``collector/snmp/mibfields.json``) from a
collection of vendor MIBs: for each enterprise number, the scalar objects
whose MIB name says they hold the device's serial number, model, firmware or
software version (``upsBasicIdentModel``, ``snwlSysSerialNumber``,
``mtxrFirmwareVersion``, ...).

    python tools/derive_mibfields.py \
        --source netdisco/netdisco-mibs <commit> <checkout> \
        --source cisco-kusanagi/mibs.snmplabs.com <commit> <checkout>/asn1 \
        --templates zabbix/community-templates <commit> <checkout> \
        [--out collector/snmp/mibfields.json]

The sources used: netdisco/netdisco-mibs (vendors' public MIBs kept for
Netdisco; ``EXTRAS/`` left out) and the snmplabs MIB archive (a crawl of
public MIBs from http://mibs.snmplabs.com/asn1/, kept on GitHub as
cisco-kusanagi/mibs.snmplabs.com). Observium's and LibreNMS's own MIBs are
never read. Zabbix's community templates (MIT) add the objects their SNMP
items read for those fields (:func:`template_fields`): only the OID and the
field are kept, with the template's folder and item name as the label.

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
from typing import Any, Callable, Iterable

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
    identity: str = ""        # the MODULE-IDENTITY's name
    organization: str = ""    # its ORGANIZATION clause ("Citrix Systems, Inc.")
    updated: str = ""         # its LAST-UPDATED clause ("201804260000Z")


#: The module clauses whose text is kept (:attr:`Module.organization`, :attr:`Module.updated`).
_KEPT_CLAUSE = re.compile(r"(ORGANIZATION|LAST-UPDATED)\s*$")
_KEPT_REF = re.compile(r'\b(ORGANIZATION|LAST-UPDATED)\s+"#(\d+)"')


def _clean(text: str, kept: list[str] | None = None) -> str:
    """Strings emptied and comments dropped in one left-to-right pass (a
    quote inside a comment, or "--" inside a description, is not the other).
    With ``kept``, the text of each ORGANIZATION and LAST-UPDATED clause is
    appended to it and the string becomes ``"#<index>"`` (its words never
    reach the parser's patterns: an "END" in a company name ends no module)."""
    def sub(m: re.Match[str]) -> str:
        s = m.group(0)
        if not s.startswith('"'):
            return " "
        if kept is not None and _KEPT_CLAUSE.search(text, max(0, m.start() - 40), m.start()):
            kept.append(" ".join(s[1:-1].split()))
            return f'"#{len(kept) - 1}"'
        return '""'
    return _STRING_OR_COMMENT.sub(sub, text)


def parse_mib_text(text: str, path: str = "") -> list[Module]:
    """The modules in one MIB file (assignments and imports only)."""
    modules = []
    kept: list[str] = []
    for m in _MODULE.finditer(_clean(text, kept)):
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
            if kind == "MODULE-IDENTITY" and not mod.identity:
                mod.identity = name
                clauses = {k: kept[int(i)] for k, i in _KEPT_REF.findall(rest)}
                mod.organization = clauses.get("ORGANIZATION", "")
                mod.updated = clauses.get("LAST-UPDATED", "")
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

    def by_oid(self) -> dict[str, Obj]:
        """OID -> the first module's object there."""
        if not hasattr(self, "_by_oid"):
            self._by_oid: dict[str, Obj] = {}
            for mod in self.modules.values():
                for obj in mod.objects.values():
                    if obj.oid is not None:
                        self._by_oid.setdefault(obj.oid, obj)
        return self._by_oid

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
       "appliance", "equipment", "sn", "inventory", "machine", "chas", "ser", "hwinfo", "service", "tag", "entity", "img"}


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
    if (s & {"serial", "ser"} and (last in ("serial", "number", "num", "no", "sn") or body[-2:] == ["number", "string"])
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
    if last == "type" and len(body) >= 2 and body[-2] in ("chassis", "machine", "product", "system", "device"):
        return "model"  # "panChassisType", "productMachineType", "sysProductType": the box's type is its model
    if s & {"firmware", "fw"} and last in ("version", "ver", "rev", "revision", "release", "firmware", "fw"):
        if s & {"hardware", "hw"}:
            return None
        return "firmware"
    if last == "version" and 2 <= len(body) <= 3 and set(body[:-1]) <= {"sys", "system", "product", "os"}:
        return "version"  # "sysVersion", "hmSysVersion", "productVersion": the system's release
    if s & {"software", "sw", "os", "image", "img", "app", "application"} and last in (
            "version", "ver", "rev", "revision", "release"):
        if s & {"hardware", "hw", "boot"}:
            return None
        return "version"
    return None


#: MIBs of projects this one keeps away from (their licences, and the
#: independence of its evaluation): never read, whatever collection holds them.
_EXCLUDED = re.compile(r"(?i)observium|librenms")


#: Words of a template item's name that make it a sub-part's, the management
#: card's, a date or an update (the name rules of :func:`role` do the rest).
_ITEM_NOT = {"agent", "nmc", "card", "module", "radio", "drive", "disk", "raid", "bios", "boot", "bootloader",
             "hardware", "hw", "update", "upgrade", "date", "time", "timestamp", "build", "db", "database",
             "protocol", "snmp", "available", "pending", "next"}
_NUMERIC = re.compile(r"1\.3\.6\.1\.4\.1\.\d+(?:\.\d+)+")


def template_oid(raw: Any, tree: Tree) -> str | None:
    """The numeric enterprise OID a template item reads: "1.3.6.1...",
    ".1.3.6.1...", "iso.3.6.1...", "enterprises.N...", "get[OID]" and
    "MODULE::object.0" (resolved in ``tree``); a scalar object named
    without its instance gets ".0". None for anything else (a discovery
    rule's "discovery[...]", a standard MIB's object)."""
    text = str(raw or "").strip()
    m = re.fullmatch(r"(?:get|walk)\[\s*([^\],\s]+)\s*\]", text)
    text = (m.group(1) if m else text).lstrip(".")
    text = re.sub(r"^iso\.", "1.", text)
    text = re.sub(r"^enterprises\.", "1.3.6.1.4.1.", text)
    if "::" in text or re.match(r"[A-Za-z]", text):
        module, _, rest = text.rpartition("::")
        name, _, instance = rest.partition(".")
        obj = tree.modules[module].objects.get(name) if module in tree.modules else None
        if obj is None:
            cands = tree.by_name.get(name, [])
            obj = cands[0] if len(cands) == 1 else None
        if obj is None or obj.oid is None or instance and not instance.replace(".", "").isdigit():
            return None
        text = f"{obj.oid}.{instance}" if instance else obj.oid
    if not _NUMERIC.fullmatch(text):
        return None
    if not text.endswith(".0"):
        obj = tree.by_oid().get(text)
        if obj is not None and tree.is_scalar(obj):
            text += ".0"  # the template names the object, a GET needs its instance
    return text


def _template_items(path: Path) -> Iterable[tuple[str, Any]]:
    """(item name, OID as written) of a template file's SNMP items (not a
    discovery rule's prototypes: those read a table, not the box's own)."""
    import xml.etree.ElementTree as ET

    import yaml

    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".xml":
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            return
        for item in root.iter("item"):
            name, oid = item.findtext("name"), item.findtext("snmp_oid")
            if name and oid:
                yield name, oid
        return
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return

    def items(node: Any, key: str = "") -> Iterable[tuple[str, Any]]:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("item_prototypes", "discovery_rules"):
                    continue
                yield from items(v, str(k))
        elif isinstance(node, list):
            for v in node:
                if key == "items" and isinstance(v, dict) and v.get("snmp_oid") and v.get("name"):
                    yield str(v["name"]), v["snmp_oid"]
                else:
                    yield from items(v, key)
    yield from items(doc)


def item_role(name: str) -> str | None:
    """The identity field a template item's name says it reads, by the MIB
    name rules (:func:`role`) on its words: "Serial Number", "Printer model
    Number", "Firmware version"; None for a sub-part's or a card's item."""
    plain = " ".join(w for w in re.split(r"[^A-Za-z0-9]+", re.sub(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}", " ", name))
                     if w)
    if not plain or any(w.rstrip("0123456789") in _ITEM_NOT for w in words(plain)):
        return None
    return role(plain)


#: Words of the maker's own name for an object that make a template's
#: "serial number" something else: the agent's card ("lgpAgentIdentSerialNumber"),
#: its network card ("st4SystemNICSerialNumber"), a trap's copy, a row index, a
#: second image.
_MAKER_NOT = _ITEM_NOT | _NOTICE | {"nic", "index", "secondary", "backup", "alternate"}


def _maker_says_not(tree: Tree, oid: str) -> bool:
    """Whether the maker's MIB names the object at ``oid`` (an instance of
    it) as something other than the box's own, or gives it a syntax that
    holds no name or version (a template's "Serial Number" on an INTEGER)."""
    parts = oid.split(".")
    for n in range(len(parts) - 1, max(len(parts) - 7, 7), -1):
        obj = tree.by_oid().get(".".join(parts[:n]))
        if obj is not None:
            if obj.kind == "OBJECT-TYPE" and obj.syntax:
                base = tree.base_syntax(obj.syntax, obj.module)
                if base in NOT_TEXT or base.startswith("INTEGER"):
                    return True
            return any(w.rstrip("0123456789") in _MAKER_NOT for w in words(obj.name))
    return False


def template_fields(tree: Tree, root: Path, stats: dict[str, int]) -> dict[str, list[list[str]]]:
    """``{enterprise: [[oid, role, label], ...]}`` from the SNMP items of
    Zabbix's community templates under ``root``: the object a template's
    author reads for the serial, model, firmware or software version of
    that maker's devices. The item's name gives the role, by the same name
    rules as a MIB object's; an OID two templates read as two roles is
    dropped."""
    seen: dict[str, set[str]] = {}
    label: dict[str, str] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".xml")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(".") or "/." in rel:
            continue
        stats["template_files"] = stats.get("template_files", 0) + 1
        for name, raw in _template_items(path):
            what = item_role(name)
            if what is None:
                continue
            oid = template_oid(raw, tree)
            if oid is None or oid.split(".")[6] in STANDARDS_PENS or _maker_says_not(tree, oid):
                continue
            seen.setdefault(oid, set()).add(what)
            label.setdefault(oid, f"Zabbix template {rel.split('/')[0]}/{rel.split('/')[1]}: "
                                  f"{re.sub(r'[^ -~]', '', name)[:60]}")
    out: dict[str, list[list[str]]] = {}
    for oid in sorted(seen, key=lambda o: [int(x) for x in o.split(".")]):
        if len(seen[oid]) == 1:
            out.setdefault(oid.split(".")[6], []).append([oid, next(iter(seen[oid])), label[oid]])
    stats["template_fields"] = sum(len(v) for v in out.values())
    return out


def read_modules(roots: list[Path]) -> tuple[list[Module], dict[str, int]]:
    """Every module in the files under each root, in order (a collection's
    ``EXTRAS/`` and hidden files skipped, Observium's and LibreNMS's MIBs
    excluded), with counts of the files read, unparsed and excluded."""
    modules: list[Module] = []
    stats = {"files": 0, "unparsed_files": 0, "excluded": 0}
    for root in roots:
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
            # a module by Observium or LibreNMS (by its name, or its ORGANIZATION: FIREBRICK-MIB's and
            # GBOS-MIB's copies in the snmplabs archive are Observium's) is never read
            parsed = parse_mib_text(text, rel)
            got = [m for m in parsed if not _EXCLUDED.search(m.name + " " + m.organization)]
            stats["excluded"] += len(parsed) - len(got)
            if not parsed:
                stats["unparsed_files"] += 1
            modules.extend(got)
    return modules, stats


def _row_order(row: list[str]) -> tuple[bool, list[int]]:
    """An enterprise's rows by OID, a model read from a "...Type" object
    after every other: where a MIB has both, the type is a description
    ("agentInventoryMachineType" beside "agentInventoryMachineModel")."""
    typed = row[1] == "model" and words(row[2].rsplit("::", 1)[-1])[-1] == "type"
    return typed, [int(x) for x in row[0].split(".")]


def derive(roots: Path | list[Path], templates: Path | None = None) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse every file under each root (the first root's copy of a module
    wins); return the table ``{enterprise: [[oid, role, "MODULE::name"],
    ...]}`` (sorted) and counts. With ``templates`` (a checkout of Zabbix's
    community templates), the objects their SNMP items read for a serial,
    model, firmware or software version come first in each enterprise's
    rows (:func:`template_fields`)."""
    modules, read = read_modules([roots] if isinstance(roots, Path) else roots)
    stats = {"files": read["files"], "modules": 0, "unparsed_files": read["unparsed_files"],
             "excluded": read["excluded"], "objects": 0, "resolved": 0, "fields": 0}
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
    out = {pen: sorted(rows.values(), key=_row_order) for pen, rows in table.items()}
    if templates is not None:
        chosen = template_fields(tree, templates, stats)
        for pen, rows in chosen.items():
            # a template author's choice first; the MIB-name rows keep the objects no template reads.
            # Where both name one object, the maker's MIB row stands in the template's place: its name
            # says which field (a template's "Firmware Version" is FORTINET-FORTIGATE-MIB::fgSysVersion,
            # the FortiOS release) and what kind of box answers (PowerNet-MIB::upsBasicIdentModel)
            named = {r[0]: r for r in out.get(pen, [])}
            rows = [named.get(r[0], r) for r in rows]
            taken = {r[0] for r in rows}
            out[pen] = rows + [r for r in out.get(pen, []) if r[0] not in taken]
    stats["fields"] = sum(len(v) for v in out.values())
    stats["enterprises"] = len(out)
    return dict(sorted(out.items(), key=lambda kv: int(kv[0]))), stats


def add_common_options(ap: Any, out_name: str) -> None:
    """The options both derivations take: the MIB collections (``--source``,
    repeatable), the output file under ``collector/snmp/`` and the build date."""
    ap.add_argument("--source", nargs=3, action="append", required=True, metavar=("REPOSITORY", "COMMIT", "DIR"),
                    help="a MIB collection: its repository (owner/name), commit and a checkout; repeatable, "
                         "the first source's copy of a module wins")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "collector" / "snmp" / out_name))
    ap.add_argument("--date", help="the build date to record (default today)")


def load_tree(roots: list[Path]) -> tuple[Tree, dict[str, int]]:
    """Every module under each root (the first root's copy of a module
    wins), resolved, and the counts of :func:`read_modules` with the modules kept."""
    modules, stats = read_modules(roots)
    tree = Tree(modules)
    stats["modules"] = len(tree.modules)
    return tree, stats


def write_table(args: Any, tool: str, licence: str, stats: dict[str, int], key: str, table: Any,
                more_sources: Iterable[dict[str, str]] = ()) -> None:
    """Write a derived table with its provenance: the MIB collections
    (``--source``) and any other source, the licence note, the tool, the
    build date (``--date``, default today) and the counts."""
    import datetime as _dt
    import json

    doc = {
        "sources": [{"repository": repo, "commit": commit} for repo, commit, _d in args.source] + list(more_sources),
        "licence": licence,
        "tool": tool,
        "built": args.date or _dt.date.today().isoformat(),
        "stats": stats,
        key: table,
    }
    Path(args.out).write_text(json.dumps(doc, indent=0) + "\n")


def derive_main(argv: list[str] | None, doc: str, tool: str, licence: str, key: str,
                derive_table: Callable[[Tree], tuple[Any, dict[str, int]]],
                describe: Callable[[Any, dict[str, int]], str]) -> int:
    """The command line of a derivation that reads only the MIB collections
    (``--source``, ``--out``, ``--date``): load them, ``derive_table(tree)``
    gives the table and its counts, the table is written with its provenance
    under ``key`` and ``describe(table, counts)`` printed."""
    import argparse

    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    add_common_options(ap, Path(tool).stem.removeprefix("derive_") + ".json")
    args = ap.parse_args(argv)
    tree, stats = load_tree([Path(d) for _r, _c, d in args.source])
    table, more = derive_table(tree)
    stats.update(more)
    write_table(args, tool, licence, stats, key, table)
    print(f"{describe(table, stats)} -> {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_options(ap, "mibfields.json")
    ap.add_argument("--templates", nargs=3, metavar=("REPOSITORY", "COMMIT", "DIR"),
                    help="Zabbix's community templates (zabbix/community-templates, MIT): a checkout")
    args = ap.parse_args(argv)
    table, stats = derive([Path(d) for _r, _c, d in args.source], Path(args.templates[2]) if args.templates else None)
    templates = [{"repository": args.templates[0], "commit": args.templates[1], "licence": "MIT",
                  "use": "the objects its SNMP items read for a serial, model, firmware or version"}] \
        if args.templates else []
    write_table(args, "tools/derive_mibfields.py",
                "the vendors' MIBs, published for use by management tools; only object names, OIDs and the "
                "field their name says are kept", stats, "fields", table, templates)
    print(f"{stats['fields']} fields of {stats['enterprises']} enterprises from {stats['modules']} modules "
          f"({stats['unparsed_files']} files unparsed) -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
