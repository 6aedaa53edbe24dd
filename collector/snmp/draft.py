"""A draft device definition from a recorded walk:
``lan-collector identify FILE --draft``.

The scan summary lists the SNMP agents it could not classify so that a
definition can be written for them; this writes the first version of that
definition from the walk itself, in the format of
``schemas/snmp_definitions.md``:

- ``match``: the walk's sysObjectID (a maker's own id), else the maker's
  enterprise subtree that answers (an agent whose sysObjectID is net-snmp's
  or Windows'), else the start of sysDescr;
- ``vendor``, ``class``, ``os``: what identification says of the walk now
  (the maker's IANA enterprise number, a heuristic, nothing: a writer
  checks them);
- ``fields``: for the model, serial, firmware and OS version that
  identification found, the object that holds exactly that value (a maker's
  scalar, the ENTITY-MIB chassis row), else a pattern on sysDescr; for the
  fields it did not find, the maker's scalars in the walk are listed as
  comments to choose from;
- ``examples``: only the objects the definition reads, replayed through
  the scan plan with the draft loaded beside every other definition (the
  test suite's check), and ``expect`` is what that gave.

Every value from the device is written as a double-quoted YAML string with
anything that is not printable escaped: a walk is untrusted text, and the
draft is printed to a terminal and loaded again as YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collector.snmp.mibs import SYS_DESCR, SYS_OBJECT_ID
from collector.snmp.walk import IPADDR, OCTETS, OID, Walk, oid_key

#: The fields a draft locates in the walk (vendor, class and OS are constants of a family).
LOCATED = ("model", "serial", "firmware", "os_version")
#: ENTITY-MIB entPhysicalEntry and the columns a definition may name (``entity:``).
ENT = "1.3.6.1.2.1.47.1.1.1.1"
ENT_SOURCE_COLUMNS = {"13": "model", "11": "serial", "9": "firmware_rev", "10": "software_rev", "8": "hardware_rev",
                      "7": "name", "2": "descr"}
ENT_CLASS, ENT_CONTAINED_IN = "5", "4"
#: How many of a maker's scalars are listed as candidates for the fields not found.
MAX_CANDIDATES = 12
#: Values longer than this are no candidate model, serial or version.
MAX_VALUE = 64
_EXPECT_KEYS = (("vendor", "vendor"), ("class", "device_class"), ("model", "model"), ("serial", "serial"),
                ("os", "os_name"), ("version", "os_version"), ("firmware", "firmware"))


class DraftError(ValueError):
    """A walk a definition cannot be drafted from (one line for the user)."""


class DraftBug(DraftError):
    """A draft that does not recognise its own example: a bug, never the walk's fault
    (the command still says it in one line; the fuzz target counts it as a finding)."""


def quote(text: str) -> str:
    """A double-quoted YAML scalar holding ``text`` exactly; everything
    that is not printable (control characters, line and paragraph
    separators, bidirectional overrides) is an escape, so the line stays one
    line of plain text on a terminal."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def _slug(text: str) -> str:
    """A family-name part: at most three words of ``text``, lower case, joined by dashes."""
    return "-".join(re.sub(r"[^a-z0-9]+", " ", text.casefold()).split()[:3])


def _example_value(walk: Walk, oid: str) -> Any:
    """The value as a definition example writes it (``walk_from_mapping``)."""
    tag, value = walk.data[oid]
    if tag == OID:
        return "oid:" + (value.decode() if isinstance(value, bytes) else str(value))
    if tag == IPADDR and isinstance(value, bytes) and len(value) == 4:
        return "ip:" + ".".join(str(b) for b in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"hex:{raw.hex()}"
    # a string that would read as another type, or that YAML would not keep as it is
    if text.startswith(("oid:", "hex:", "ip:")) or not text.isprintable():
        return f"hex:{raw.hex()}"
    return text


def _yaml_scalar(value: Any) -> str:
    return str(value) if isinstance(value, int) else quote(str(value))


def _maker_pens(walk: Walk) -> list[str]:
    """Enterprise numbers with objects in the walk that belong to a maker
    (not an agent software's or a standards body's), in numeric order."""
    from collector.snmp.generic import NOT_A_MAKER_PENS

    pens = {oid.split(".")[6] for oid in walk.data if oid.startswith("1.3.6.1.4.1.") and oid.count(".") >= 7}
    return sorted((p for p in pens if p.isdigit() and p not in NOT_A_MAKER_PENS), key=int)


#: Definitions of a general-purpose OS (its distributions and agents included): an appliance
#: built on one (a NAS on Debian, a firewall on FreeBSD) is recognised by them and still wants its own.
OS_WIDE = frozenset({"linux", "windows", "windows-agents", "debian", "ubuntu", "centos-rhel", "linux-distributions",
                     "freebsd", "openbsd", "netbsd"})
#: Enterprise subtrees a record adds at most (see :func:`record_roots`).
MAX_RECORDED_ENTERPRISES = 4


def record_roots(walk: Walk) -> list[str]:
    """The enterprise subtrees (``1.3.6.1.4.1.N``) ``snmp.record_dir`` should
    add to a device's record so that a definition can be drafted from it:
    for an agent no device definition recognised (only the generic ones, or
    those of a general-purpose OS, :data:`OS_WIDE`), the maker's subtree its sysObjectID
    names and the makers' subtrees it was found to answer. A scan reads only
    what the definitions that may describe a device need, so without them
    the record of an unknown device holds almost nothing of its maker's MIB.
    None for a device a definition recognises."""
    from collector.snmp.definitions import definitions
    from collector.snmp.generic import NOT_A_MAKER_PENS, pen_of
    from collector.snmp.identify import identify

    generic = {d.family for d in definitions() if "/generic/" in d.path.replace("\\", "/")}
    if any(f not in OS_WIDE and f not in generic for f in identify(walk).definitions):
        return []
    own = pen_of(walk.oid(SYS_OBJECT_ID))
    pens = ([own] if own and own not in NOT_A_MAKER_PENS else []) + _maker_pens(walk)
    return [f"1.3.6.1.4.1.{p}" for p in list(dict.fromkeys(pens))[:MAX_RECORDED_ENTERPRISES]]


def _mib_names() -> dict[str, str]:
    from collector.snmp import mibfields

    return {oid: name for rows in mibfields.table().values() for oid, _f, name in rows}


def _texts(walk: Walk, pens: list[str]) -> list[tuple[str, str]]:
    """(oid, text) of the makers' objects with a short printable text value."""
    out = []
    roots = tuple(f"1.3.6.1.4.1.{p}." for p in pens)
    for oid in sorted((o for o in walk.data if o.startswith(roots)), key=oid_key):
        if walk.data[oid][0] == OCTETS:
            text = (walk.text(oid) or "").strip()
            if text and len(text) <= MAX_VALUE and text.isprintable():
                out.append((oid, text))
    return out


_SEPARATORS = r"[\s,;()\[\]]"


def _escape(text: str) -> str:
    """``re.escape`` that leaves spaces as they are (easier to read and edit)."""
    return re.escape(text).replace("\\ ", " ")


def _pattern_in(text: str, value: str) -> str | None:
    """A regular expression whose group gives ``value`` out of ``text``: the
    word before it as the anchor ("EEPROM" in "...,JD153,EEPROM JSI24090012"),
    then a run without spaces, commas or semicolons (or the value itself,
    literally, when that run is not it)."""
    at = text.find(value)
    if at < 0:
        return None
    words = [w for w in re.split(_SEPARATORS + "+", text[:at]) if w]
    lead = "^"
    if words:
        anchor = words[-1][-24:]
        gap = text[text.rindex(anchor, 0, at) + len(anchor):at]
        lead = _escape(anchor) + (r"\s*" if not gap.strip() else _escape(gap))
    for shape in (r"[^\s,;]+", _escape(value)):
        pattern = f"{lead}({shape})"
        m = re.search(pattern, text)
        if m and m.group(1) == value:
            return pattern
    return None


@dataclass
class _Located:
    source: dict[str, Any]
    oids: list[str] = field(default_factory=list)
    note: str = ""


def _locate(walk: Walk, texts: list[tuple[str, str]], chassis: dict[str, Any] | None, value: str,
            names: dict[str, str]) -> _Located | None:
    """Where ``value`` sits in the walk (``texts``: its makers' short text objects), as a definition source."""
    value = value.strip()
    if not value:
        return None
    exact = [oid for oid, text in texts if text == value]
    if exact:
        oid = sorted(exact, key=lambda o: (o not in names, not o.endswith(".0"), len(oid_key(o)), oid_key(o)))[0]
        name = names.get(oid)
        src: dict[str, Any] = {"oid": oid, "name": name or f"a vendor object of enterprise {oid.split('.')[6]}"}
        return _Located(src, [oid], "" if name else "name the MIB object")
    if chassis is not None:
        for col, source_col in ENT_SOURCE_COLUMNS.items():
            oid = f"{ENT}.{col}.{chassis['index']}"
            if (walk.text(oid) or "").strip() == value:
                return _Located({"entity": source_col}, [oid])
    descr = walk.text(SYS_DESCR) or ""
    pattern = _pattern_in(descr, value)
    if pattern:
        return _Located({"from": "sys_descr", "regex": pattern}, [], "widen the pattern to the product line")
    for oid, text in texts:
        pattern = _pattern_in(text, value)
        if pattern:
            name = names.get(oid)
            return _Located({"oid": oid, "regex": pattern,
                             "name": name or f"a vendor object of enterprise {oid.split('.')[6]}"}, [oid],
                            "name the MIB object" if not name else "")
    return None


def _match(walk: Walk, pens: list[str]) -> tuple[dict[str, Any], list[str]]:
    """The condition that recognises the family, and the objects an example needs for it."""
    from collector.snmp.plan import agent_kinds

    sys_object_id = walk.oid(SYS_OBJECT_ID) or ""
    agent = bool(agent_kinds(sys_object_id) & {"none", "net-snmp", "windows", "bsnmpd"})
    # a sysObjectID that is no agent software's: the product's own id (an agent's, such as
    # FASTPATH's or ESXi's, still says more than nothing; the writer widens it to the line)
    if sys_object_id.startswith("1.3.6.1.4.1.") and not agent:
        return {"sys_object_id": sys_object_id}, []
    # an agent whose sysObjectID names its software: scans look for the enterprise subtrees it answers
    if pens:
        first = min((oid for oid in walk.data if oid.startswith(f"1.3.6.1.4.1.{pens[0]}.")), key=oid_key)
        return {"enterprise": int(pens[0])}, [first]
    words = (walk.text(SYS_DESCR) or "").split()
    if words:
        # (at most 32 characters: identification reads a bounded sysDescr, and so does a writer)
        return {"sys_descr": "^" + _escape(" ".join(words[:2])[:32])}, []
    raise DraftError("the walk has no sysObjectID of a maker, no maker's objects and no sysDescr: "
                     "nothing a definition could recognise the device by")


def _source_yaml(src: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_yaml_scalar(v)}" for k, v in src.items()) + "}"


def _text(family: str, file_name: str, vendor: str | None, device_class: str | None, os_name: str | None,
          match: dict[str, Any], located: dict[str, _Located], missing: list[str], candidates: list[str],
          example: dict[str, Any], expect: dict[str, Any], notes: list[str], why: dict[str, str]) -> str:
    def said(name: str) -> str:
        return f"  # {why[name]}: check it" if name in why else ""

    lines = [
        f"# Draft device definition written by `lan-collector identify --draft` from {quote(file_name)}.",
        "# Check every value against the device and its maker's MIB, give each object its MIB name,",
        "# widen the patterns to the whole product line, then save this as",
        f"#   {family}.yaml",
        "# in the directory named by LAN_COLLECTOR_SNMP_DEFS (or contribute it under",
        "# collector/snmp/defs/<area>/ with the MIB it cites). Format: schemas/snmp_definitions.md.",
    ]
    lines += [f"# {n}" for n in notes]
    lines.append(f"family: {family}")
    if vendor:
        lines.append(f"vendor: {quote(vendor)}" + said("vendor"))
    else:
        lines.append("# vendor: the maker's name (nothing in the walk said it)")
    if device_class:
        lines.append(f"class: {device_class}" + said("device_class"))
    else:
        lines.append("# class: one of schemas/device_classes.json (nothing in the walk said it)")
    if os_name:
        lines.append(f"os: {quote(os_name)}" + said("os_name"))
    lines.append(f"source: {quote('a walk of one device, ' + file_name)}")
    lines.append("match:")
    lines.append(f"  - {_source_yaml(match)}")
    lines.append("fields:" if located else "fields: {}")
    for name, loc in located.items():
        lines.append(f"  {name}:")
        lines.append(f"    - {_source_yaml(loc.source)}" + (f"  # {loc.note}" if loc.note else ""))
    if missing:
        lines.append(f"  # not found in the walk: {', '.join(missing)}" +
                     ("; the maker's objects that could hold them:" if candidates else ""))
        lines += [f"  #   {c}" for c in candidates]
    lines.append("examples:")
    lines.append("  - walk:")
    for oid, value in example.items():
        lines.append(f"      {oid}: {_yaml_scalar(value)}")
    lines.append("    expect: {" + ", ".join(f"{k}: {'null' if v is None else _yaml_scalar(v)}"
                                              for k, v in expect.items()) + "}")
    return "\n".join(lines) + "\n"


def draft(walk: Walk, file_name: str, family: str | None = None) -> str:
    """The draft definition's YAML text (see the module docstring)."""
    import yaml

    from collector.snmp.definitions import definitions, parse, substituted, vocabulary
    from collector.snmp.identify import identify
    from collector.snmp.mibs import Mibs
    from collector.snmp.plan import simulate
    from collector.snmp.walk import walk_from_mapping

    if not len(walk):
        raise DraftError("the walk is empty")
    ident = identify(walk)
    best = ident.best()
    existing = {d.family for d in definitions()}
    if family is not None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9.+-]*", family):
            raise DraftError(f"--family {family!r}: lower-case letters, digits, '.', '+', '-'")
        if family in existing:
            raise DraftError(f"--family {family!r}: a definition of that name exists")
    else:
        base = "-".join(p for p in (_slug(best["vendor"] or "unknown"),
                                    (best["device_class"] or "device").replace("_", "-")) if p)
        family, n = base, 2
        while family in existing:
            family, n = f"{base}-{n}", n + 1
    pens = _maker_pens(walk)
    mibs = Mibs(walk)
    chassis = mibs.chassis[0] if mibs.chassis else None
    names = _mib_names()
    texts = _texts(walk, pens)
    located: dict[str, _Located] = {}
    for name in LOCATED:
        value = best.get(name)
        if value and (loc := _locate(walk, texts, chassis, value, names)):
            located[name] = loc
    match, match_oids = _match(walk, pens)
    missing = [name for name in LOCATED if name not in located]
    own = (walk.oid(SYS_OBJECT_ID) or "").split(".")[6:7]
    # the sysObjectID's enterprise first, scalars before table cells
    shown = sorted(texts, key=lambda ot: (ot[0].split(".")[6:7] != own, not ot[0].endswith(".0"),
                                                      oid_key(ot[0])))[:MAX_CANDIDATES]
    candidates = [f"{oid} = {quote(text)}" + (f"  ({names[oid]})" if oid in names else "")
                  for oid, text in shown] if missing else []
    # (a sysObjectID that is no OBJECT IDENTIFIER is no sysObjectID to identification, and an
    # example's always is one: left out)
    example_oids = [o for o in (SYS_DESCR, SYS_OBJECT_ID) if o in walk.data
                    and (o != SYS_OBJECT_ID or walk.oid(o) is not None)] + match_oids
    for loc in located.values():
        example_oids += loc.oids
        if "entity" in loc.source and chassis is not None:
            example_oids += [f"{ENT}.{c}.{chassis['index']}" for c in (ENT_CLASS, ENT_CONTAINED_IN)]
    example = {oid: _example_value(walk, oid) for oid in sorted(dict.fromkeys(example_oids), key=oid_key)
               if oid in walk.data}
    classes, os_names = vocabulary()
    # a generic source (Recog) may name an OS the vocabulary has not (yet): the writer adds it
    os_name = best["os_name"] if best["os_name"] in os_names and best["os_name"] != "Linux" else None
    device_class = best["device_class"] if best["device_class"] in classes else None
    notes = []
    if best["os_name"] and best["os_name"] != "Linux" and not os_name:
        notes.append(f"The OS {quote(best['os_name'])} is not in schemas/os_names.json: add it there to use it.")
    if ident.definitions:
        notes.append("Definitions that already recognise this walk: " + ", ".join(ident.definitions) + ".")
    # where identification got vendor, class and OS (source names are the project's own words)
    why = {w["field"]: re.sub(r"[^\w .,+-]", "?", f"from {w['source']}, confidence {w['confidence']}")
           for w in ident.explain() if w["field"] in ("vendor", "device_class", "os_name")}
    text = _text(family, file_name, best["vendor"], device_class, os_name, match, located, missing,
                 candidates, example, {"vendor": best["vendor"]}, notes, why)
    # load it as a user's definition would be loaded, and replay its example through the scan plan
    defn = parse(yaml.safe_load(text), str(Path(family + ".yaml")))
    with substituted(definitions() + (defn,)):
        replayed = identify(simulate(walk_from_mapping(example)))
    if family not in replayed.definitions:
        raise DraftBug("the draft does not recognise its own example (a bug: please report it with the walk)")
    got = replayed.best()
    expect = {key: got[name] for key, name in _EXPECT_KEYS if got[name] is not None or name in located}
    return _text(family, file_name, best["vendor"], device_class, os_name, match, located, missing,
                 candidates, example, expect, notes, why)
