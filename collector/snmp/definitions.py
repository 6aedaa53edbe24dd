"""Device definitions: YAML files, one per OS family or product line, that
say how to recognise a family and where each of its fields lives.

They ship as package data under ``collector/snmp/defs/`` and are validated
when loaded: a bad file is refused with one message naming the file and the
key (:class:`DefinitionError`). The format is documented in
``schemas/snmp_definitions.md``; the vocabularies a definition may use
(device classes, OS names) are ``schemas/device_classes.json`` and
``schemas/os_names.json``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Fields a definition may set, and the short names it may use for them.
FIELDS = ("vendor", "device_class", "model", "serial", "os_name", "os_version", "os_build", "kernel_version",
          "firmware")
ALIASES = {"class": "device_class", "os": "os_name", "version": "os_version", "kernel": "kernel_version",
           "build": "os_build"}
#: Agents under which a definition may ask the plan to probe its vendor
#: objects although the sysObjectID is not its own.
AGENT_KINDS = ("net-snmp", "windows", "bsnmpd", "none", "any")
#: Where a value may come from (exactly one per source).
SOURCE_KINDS = ("oid", "column", "from", "group", "entity", "printer", "hr_device", "ups", "software", "value",
                "field", "hook", "enterprise")
SOURCE_OPTIONS = ("regex", "template", "map", "default", "case", "confidence", "name", "evidence", "when")
SYSTEM = {"sys_descr": "1.3.6.1.2.1.1.1.0", "sys_object_id": "1.3.6.1.2.1.1.2.0", "sys_contact": "1.3.6.1.2.1.1.4.0",
          "sys_name": "1.3.6.1.2.1.1.5.0", "sys_location": "1.3.6.1.2.1.1.6.0"}
ENTITY_COLUMNS = ("model", "serial", "firmware_rev", "software_rev", "hardware_rev", "manufacturer", "descr", "name")
PRINTER_COLUMNS = ("name", "serial")
UPS_COLUMNS = ("manufacturer", "model", "ups_software", "agent_software", "name")
HR_DEVICE_TYPES = ("printer", "processor", "network", "disk", "video", "audio")
CONDITION_KEYS = ("sys_object_id", "sys_descr", "sys_name", "sys_contact", "sys_location", "oid", "value", "walked",
                  "enterprise", "software", "probe", "confidence", "not", "any")
ENTERPRISES = "1.3.6.1.4.1"
_OID = re.compile(r"^[0-2](?:\.\d{1,10}){1,60}$")
DEFAULT_CONFIDENCE = 80


class DefinitionError(ValueError):
    """A definition file that cannot be used: names the file and the key."""


@dataclass(frozen=True)
class Definition:
    family: str
    path: str
    vendor: str | None
    device_class: str | None
    os_name: str | None
    confidence: int
    match: tuple[dict[str, Any], ...]
    fields: dict[str, tuple[dict[str, Any], ...]]
    examples: tuple[dict[str, Any], ...] = ()
    hooks: tuple[str, ...] = ()
    #: sysObjectID prefixes named by its conditions (the plan's index)
    prefixes: tuple[str, ...] = ()
    #: agent kinds under which its probe objects are read
    probe_on: tuple[str, ...] = ()
    scalars: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    #: enterprise subtrees (1.3.6.1.4.1.N) whose presence recognises it
    enterprises: tuple[str, ...] = ()
    source: Any = None
    #: sysObjectIDs every model of the product line answers with: the sysObjectID tables' model for
    #: them (GLPI names one model per id) is no model
    shared_ids: tuple[str, ...] = ()
    #: objects whose MIB name says "serial" / "model" / "version" but which on this family hold
    #: something else: the MIB field table's claim from them is dropped (collector/snmp/mibfields.py)
    not_identity: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1)
def vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """(device classes, OS names) a definition may use."""
    base = resources.files("collector.schemas")
    classes = json.loads((base / "device_classes.json").read_text())["classes"]
    os_names = json.loads((base / "os_names.json").read_text())["os_names"]
    return frozenset(classes), frozenset(os_names)


class _Checker:
    """Validation with messages that say where: ``file: key.path: what``."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> None:
        raise DefinitionError(f"{self.path}: {where}: {message}")

    def regex(self, where: str, pattern: Any) -> re.Pattern[str]:
        if not isinstance(pattern, str) or not pattern:
            self.fail(where, "must be a non-empty regular expression string")
        try:
            return re.compile(pattern)
        except re.error as exc:
            self.fail(where, f"not a valid regular expression ({exc})")
        raise AssertionError  # unreachable

    def oid(self, where: str, value: Any) -> str:
        text = str(value).strip().lstrip(".") if isinstance(value, (str, int, float)) else ""
        if not _OID.match(text):
            self.fail(where, f"not a numeric OID: {value!r}")
        return text

    def confidence(self, where: str, value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
            self.fail(where, "confidence must be an integer 1..100")
        return int(value)

    def constant(self, where: str, field_name: str, value: Any) -> None:
        classes, os_names = vocabulary()
        if field_name == "device_class" and value not in classes:
            self.fail(where, f"{value!r} is not a device class (schemas/device_classes.json)")
        if field_name == "os_name" and value not in os_names:
            self.fail(where, f"{value!r} is not in the OS vocabulary (schemas/os_names.json)")


def _condition(chk: _Checker, where: str, cond: Any, reads: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(cond, dict) or not cond:
        chk.fail(where, "a condition is a mapping such as {sys_object_id: 1.3.6.1.4.1.9}")
    unknown = set(cond) - set(CONDITION_KEYS)
    if unknown:
        chk.fail(f"{where}.{sorted(unknown)[0]}", f"unknown condition key (known: {', '.join(CONDITION_KEYS)})")
    out: dict[str, Any] = {}
    if "sys_object_id" in cond:
        raw = cond["sys_object_id"]
        items = raw if isinstance(raw, list) else [raw]
        out["sys_object_id"] = tuple(chk.oid(f"{where}.sys_object_id", o) for o in items)
        reads["prefixes"].extend(out["sys_object_id"])
    for key in ("sys_descr", "sys_name", "sys_contact", "sys_location", "software"):
        if key in cond:
            out[key] = chk.regex(f"{where}.{key}", cond[key])
    if "value" in cond and "oid" not in cond:
        chk.fail(f"{where}.value", "value applies to an oid condition")
    if "oid" in cond:
        out["oid"] = chk.oid(f"{where}.oid", cond["oid"])
        reads["scalars"].append(out["oid"])
        if "value" in cond:
            out["value"] = chk.regex(f"{where}.value", cond["value"])
    if "walked" in cond:
        out["walked"] = chk.oid(f"{where}.walked", cond["walked"])
        reads["columns"].append(out["walked"])
    if "enterprise" in cond:
        raw = cond["enterprise"] if isinstance(cond["enterprise"], list) else [cond["enterprise"]]
        if not raw or not all(isinstance(p, int) and not isinstance(p, bool) and 0 < p < 2**31 for p in raw):
            chk.fail(f"{where}.enterprise", "an IANA enterprise number (or a list of them)")
        out["enterprise"] = tuple(f"{ENTERPRISES}.{p}" for p in raw)
        reads["enterprises"].extend(out["enterprise"])
    if "probe" in cond:
        kinds = cond["probe"] if isinstance(cond["probe"], list) else [cond["probe"]]
        if not ("oid" in cond or "walked" in cond or "enterprise" in cond):
            chk.fail(f"{where}.probe", "probe applies to an oid or walked condition")
        bad = [k for k in kinds if k not in AGENT_KINDS]
        if bad:
            chk.fail(f"{where}.probe", f"unknown agent kind {bad[0]!r} (known: {', '.join(AGENT_KINDS)})")
        out["probe"] = tuple(kinds)
        reads["probe_on"].extend(kinds)
    if "confidence" in cond:
        out["confidence"] = chk.confidence(f"{where}.confidence", cond["confidence"])
    if "not" in cond:
        out["not"] = _condition(chk, f"{where}.not", cond["not"], reads)
    if "any" in cond:
        if not isinstance(cond["any"], list) or not cond["any"]:
            chk.fail(f"{where}.any", "must be a non-empty list of conditions")
        out["any"] = tuple(_condition(chk, f"{where}.any[{i}]", c, reads) for i, c in enumerate(cond["any"]))
    return out


def _source(chk: _Checker, where: str, field_name: str, src: Any, reads: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(src, dict):
        src = {"value": src}  # a bare constant
    kinds = [k for k in SOURCE_KINDS if k in src]
    if len(kinds) != 1:
        chk.fail(where, f"a source names exactly one of {', '.join(SOURCE_KINDS)} (found {kinds or 'none'})")
    unknown = set(src) - set(SOURCE_KINDS) - set(SOURCE_OPTIONS)
    if unknown:
        chk.fail(f"{where}.{sorted(unknown)[0]}", "unknown source key")
    kind = kinds[0]
    out: dict[str, Any] = {"kind": kind, "arg": src[kind]}
    arg = src[kind]
    if kind == "oid":
        out["arg"] = chk.oid(f"{where}.oid", arg)
        reads["scalars"].append(out["arg"])
    elif kind == "column":
        out["arg"] = chk.oid(f"{where}.column", arg)
        reads["columns"].append(out["arg"])
    elif kind == "from" and arg not in SYSTEM:
        chk.fail(f"{where}.from", f"one of {', '.join(SYSTEM)}")
    elif kind == "entity" and arg not in ENTITY_COLUMNS:
        chk.fail(f"{where}.entity", f"one of {', '.join(ENTITY_COLUMNS)}")
    elif kind == "printer" and arg not in PRINTER_COLUMNS:
        chk.fail(f"{where}.printer", f"one of {', '.join(PRINTER_COLUMNS)}")
    elif kind == "ups" and arg not in UPS_COLUMNS:
        chk.fail(f"{where}.ups", f"one of {', '.join(UPS_COLUMNS)}")
    elif kind == "hr_device" and arg not in HR_DEVICE_TYPES:
        chk.fail(f"{where}.hr_device", f"one of {', '.join(HR_DEVICE_TYPES)}")
    elif kind == "software":
        out["arg"] = chk.regex(f"{where}.software", arg)
    elif kind == "enterprise":
        pens = arg if isinstance(arg, list) else [arg]
        if not pens or not all(isinstance(p, int) and not isinstance(p, bool) and p > 0 for p in pens):
            chk.fail(f"{where}.enterprise", "an enterprise number or a list of them")
        out["arg"] = tuple(str(p) for p in pens)
    elif kind == "field":
        arg = ALIASES.get(arg, arg)
        if arg not in FIELDS:
            chk.fail(f"{where}.field", f"one of {', '.join(FIELDS)}")
        out["arg"] = arg
    elif kind == "hook":
        from collector.snmp.hooks import HOOKS

        if arg not in HOOKS:
            chk.fail(f"{where}.hook", f"no hook named {arg!r} (known: {', '.join(sorted(HOOKS))})")
    elif kind == "value":
        if not isinstance(arg, (str, int, float)) or isinstance(arg, bool):
            chk.fail(f"{where}.value", "must be a string")
        out["arg"] = str(arg)
        chk.constant(f"{where}.value", field_name, out["arg"])
    if "regex" in src:
        out["regex"] = chk.regex(f"{where}.regex", src["regex"])
    if "template" in src:
        if not isinstance(src["template"], str):
            chk.fail(f"{where}.template", "must be a string like 'FortiGate-{1}'")
        out["template"] = src["template"]
    if "map" in src:
        out["map"] = _value_map(chk, f"{where}.map", field_name, src["map"])
    if "case" in src:
        if src["case"] not in ("upper", "lower"):
            chk.fail(f"{where}.case", "upper or lower")
        out["case"] = src["case"]
    if "default" in src:
        out["default"] = str(src["default"])
        chk.constant(f"{where}.default", field_name, out["default"])
    if "confidence" in src:
        out["confidence"] = chk.confidence(f"{where}.confidence", src["confidence"])
    for key in ("name", "evidence"):
        if key in src:
            if not isinstance(src[key], str):
                chk.fail(f"{where}.{key}", "must be a string")
            out[key] = src[key]
    if "when" in src:
        out["when"] = _condition(chk, f"{where}.when", src["when"], reads)
    return out


def _value_map(chk: _Checker, where: str, field_name: str, raw: Any) -> tuple[tuple[re.Pattern[str], str], ...]:
    """A map is {exact value: result} or a list of [regex, result] pairs
    (searched in order). Exact keys match case-insensitively."""
    pairs: list[tuple[re.Pattern[str], str]] = []
    if isinstance(raw, dict):
        items = [(f"(?i)^{re.escape(str(k))}$", v) for k, v in raw.items()]
    elif isinstance(raw, list) and all(isinstance(p, list) and len(p) == 2 for p in raw):
        items = [(str(p[0]), p[1]) for p in raw]
    else:
        chk.fail(where, "a mapping {value: result} or a list of [regex, result] pairs")
        return ()
    for i, (pattern, result) in enumerate(items):
        pairs.append((chk.regex(f"{where}[{i}]", pattern), str(result)))
        chk.constant(f"{where}[{i}]", field_name, str(result))
    return tuple(pairs)


def parse(data: Any, path: str) -> Definition:
    """One definition from its parsed YAML, validated."""
    chk = _Checker(path)
    if not isinstance(data, dict):
        chk.fail("(top)", "a definition is a mapping")
    known = {"family", "vendor", "class", "os", "confidence", "match", "fields", "examples", "source", "notes",
             "shared_ids", "not_identity"}
    unknown = set(data) - known
    if unknown:
        chk.fail(sorted(unknown)[0], f"unknown key (known: {', '.join(sorted(known))})")
    family = data.get("family")
    if not isinstance(family, str) or not re.fullmatch(r"[a-z0-9][a-z0-9.+-]*", family):
        chk.fail("family", "required: lower-case name, letters, digits, '.', '+', '-'")
    if Path(path).stem != family:
        chk.fail("family", f"must equal the file name ({Path(path).stem})")
    reads: dict[str, list[str]] = {"prefixes": [], "scalars": [], "columns": [], "probe_on": [], "enterprises": []}
    vendor = data.get("vendor")
    if vendor is not None and (not isinstance(vendor, str) or not vendor.strip()):
        chk.fail("vendor", "must be a name")
    for key, fname in (("class", "device_class"), ("os", "os_name")):
        if key in data:
            chk.constant(key, fname, data[key])
    confidence = chk.confidence("confidence", data.get("confidence", DEFAULT_CONFIDENCE))
    match = data.get("match")
    if not isinstance(match, list) or not match:
        chk.fail("match", "required: a non-empty list of conditions (any of them recognises the family)")
    conditions = tuple(_condition(chk, f"match[{i}]", c, reads) for i, c in enumerate(match))
    fields: dict[str, tuple[dict[str, Any], ...]] = {}
    raw_fields = data.get("fields") or {}
    if not isinstance(raw_fields, dict):
        chk.fail("fields", "a mapping of field -> list of sources")
    for raw_name, sources in raw_fields.items():
        name = ALIASES.get(raw_name, raw_name)
        if name not in FIELDS:
            chk.fail(f"fields.{raw_name}", f"unknown field (known: {', '.join(FIELDS)})")
        if name in fields:
            chk.fail(f"fields.{raw_name}", "given twice")
        items = sources if isinstance(sources, list) else [sources]
        if not items:
            chk.fail(f"fields.{raw_name}", "needs at least one source")
        fields[name] = tuple(_source(chk, f"fields.{raw_name}[{i}]", name, s, reads) for i, s in enumerate(items))
    hooks = tuple(s["arg"] for srcs in fields.values() for s in srcs if s["kind"] == "hook")
    raw_shared = data.get("shared_ids") or []
    if not isinstance(raw_shared, list):
        chk.fail("shared_ids", "a list of sysObjectIDs a whole product line shares")
    shared_ids = tuple(chk.oid(f"shared_ids[{i}]", v) for i, v in enumerate(raw_shared))
    raw_not = data.get("not_identity") or []
    if not isinstance(raw_not, list):
        chk.fail("not_identity", "a list of objects (OIDs) whose MIB name misleads on this family")
    not_identity = tuple(chk.oid(f"not_identity[{i}]", v) for i, v in enumerate(raw_not))
    examples = data.get("examples") or []
    if not isinstance(examples, list):
        chk.fail("examples", "a list of {walk|recording, expect}")
    for i, ex in enumerate(examples):
        if not isinstance(ex, dict) or "expect" not in ex or not ({"walk", "recording"} & set(ex)):
            chk.fail(f"examples[{i}]", "needs expect and a walk or a recording")
        if not isinstance(ex["expect"], dict):
            chk.fail(f"examples[{i}].expect", "a mapping of field -> value (null: must stay unknown)")
        for k in ex["expect"]:
            if ALIASES.get(k, k) not in FIELDS and k != "hostname":
                chk.fail(f"examples[{i}].expect.{k}", "unknown field")
    return Definition(
        family=family, path=path, vendor=vendor.strip() if isinstance(vendor, str) else None,
        device_class=data.get("class"), os_name=data.get("os"), confidence=confidence, match=conditions,
        fields=fields, examples=tuple(examples), hooks=hooks,
        prefixes=tuple(dict.fromkeys(reads["prefixes"])), probe_on=tuple(dict.fromkeys(reads["probe_on"])),
        scalars=tuple(dict.fromkeys(reads["scalars"])), columns=tuple(dict.fromkeys(reads["columns"])),
        enterprises=tuple(dict.fromkeys(reads["enterprises"])), source=data.get("source"), shared_ids=shared_ids,
        not_identity=not_identity)


def definition_files(root: Path | None = None) -> list[Path]:
    root = root or Path(str(resources.files("collector.snmp") / "defs"))
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


def load_file(path: Path) -> Definition:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DefinitionError(f"{path}: not readable YAML ({str(exc).splitlines()[0][:200]})") from None
    return parse(data, str(path))


def _cache_path(digest: str) -> Path:
    base = os.environ.get("CACHE_DIRECTORY") or os.environ.get("XDG_CACHE_HOME") or \
        str(Path(os.environ.get("HOME") or "/nonexistent") / ".cache" / "lan-collector")
    return Path(base) / f"snmp-defs-{digest[:16]}.json"


def _load_all(paths: list[Path]) -> list[Definition]:
    """Parse every file. YAML costs ~0.15 s for all of them, so the parsed
    data is kept in the cache directory keyed by a digest of the files (as
    the OUI index is); validation runs on every load either way."""
    digest = fingerprint(paths)
    cache = _cache_path(digest)
    try:
        raw = json.loads(cache.read_text(encoding="utf-8"))
        if isinstance(raw, list) and len(raw) == len(paths):
            return [parse(data, str(path)) for path, data in zip(paths, raw)]
    except (OSError, ValueError):
        pass
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    datas = []
    for path in paths:
        try:
            datas.append(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))  # noqa: S506 (safe loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise DefinitionError(f"{path}: not readable YAML ({str(exc).splitlines()[0][:200]})") from None
    out = [parse(data, str(path)) for path, data in zip(paths, datas)]
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(datas, default=str), encoding="utf-8")
        os.replace(tmp, cache)
    except (OSError, TypeError, ValueError):
        pass  # read-only home: parse the YAML again next time
    return out


@functools.lru_cache(maxsize=1)
def definitions() -> tuple[Definition, ...]:
    """Every packaged definition (loaded once; a bad file raises)."""
    extra = os.environ.get("LAN_COLLECTOR_SNMP_DEFS")  # a directory of the user's own definitions
    paths = definition_files() + (definition_files(Path(extra)) if extra else [])
    out = _load_all(paths)
    seen: dict[str, str] = {}
    for d in out:
        if d.family in seen:
            raise DefinitionError(f"{d.path}: family: {d.family!r} is also defined in {seen[d.family]}")
        seen[d.family] = d.path
    return tuple(out)


@contextlib.contextmanager
def substituted(chosen: tuple[Definition, ...]) -> Iterator[tuple[Definition, ...]]:
    """While inside, identification and the scan plan see ``chosen`` instead
    of the loaded definitions (a draft tried beside them, or the benches that
    take definitions away); the caches built from the definitions are dropped
    on the way in and out."""
    import sys

    from collector.snmp import plan

    modules = (sys.modules[__name__], plan)  # plan imported the name
    saved = [getattr(m, "definitions") for m in modules]  # noqa: B009 (set below by name too)

    def clear() -> None:
        for cached in (index, plan._open, plan._system_verdicts, plan._claimed_by_a_definition):
            cached.cache_clear()

    for m in modules:
        setattr(m, "definitions", lambda: chosen)  # noqa: B010
    clear()
    try:
        yield chosen
    finally:
        for m, fn in zip(modules, saved):
            setattr(m, "definitions", fn)  # noqa: B010
        clear()


def fingerprint(paths: list[Path]) -> str:
    """A digest of the definition files (what a cache is keyed by)."""
    digest = hashlib.sha256()
    for p in paths:
        digest.update(p.name.encode() + b"\0" + p.read_bytes())
    return digest.hexdigest()


@dataclass
class Index:
    """Definitions by what the plan knows first: sysObjectID prefixes, and
    the agent kinds under which some probe their vendor objects; and the
    sysObjectIDs a whole product line shares (every definition's ``shared_ids``)."""

    by_prefix: dict[str, list[Definition]] = field(default_factory=dict)
    system_only: list[Definition] = field(default_factory=list)
    probing: dict[str, list[Definition]] = field(default_factory=dict)
    shared_ids: set[str] = field(default_factory=set)


@functools.lru_cache(maxsize=1)
def index() -> Index:
    idx = Index()
    for d in definitions():
        for p in d.prefixes:
            idx.by_prefix.setdefault(p, []).append(d)
        if not d.prefixes:
            idx.system_only.append(d)
        for kind in d.probe_on:
            idx.probing.setdefault(kind, []).append(d)
        idx.shared_ids.update(d.shared_ids)
    return idx
