"""The definition engine: pure functions that evaluate device definitions
(:mod:`collector.snmp.definitions`) against one walk and state claims.

A definition applies when any of its ``match`` conditions holds; each of its
fields is then read from the first source that answers (list order is the
author's preference). Claims carry the source's confidence, capped by the
weakest-signal cap of the conditions that matched, and evidence naming the
MIB object and the definition. Fields whose sources read another field
(``field: model``) are evaluated after every definition and the generic
standard-MIB claims have spoken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from collector.snmp.claims import Claims, clean, release_only
from collector.snmp.definitions import ENTERPRISES, SYSTEM, Definition
from collector.snmp.mibs import Mibs
from collector.snmp.walk import OID, Walk, display

#: Longest text a definition's regular expression is run on (hostile agents).
MAX_TEXT = 2048
#: Order in which a definition's fields are claimed: os_name first, so the
#: os_version claims know which OS they describe.
FIELD_ORDER = ("vendor", "os_name", "device_class", "model", "serial", "os_version", "os_build", "kernel_version",
               "firmware")


@dataclass
class View:
    """What definitions read: the walk, its parsed standard MIBs, and the
    claims made so far."""

    walk: Walk
    mibs: Mibs
    claims: Claims
    #: fact id -> the definition (or generic source) that claimed it
    origin: dict[int, str] = field(default_factory=dict)
    _subtrees: dict[str, bool] = field(default_factory=dict)
    _pens: frozenset[str] | None = None

    def has(self, root: str) -> bool:
        """Whether the walk holds anything under ``root`` (memoised)."""
        if root not in self._subtrees:
            self._subtrees[root] = self.walk.has_subtree(root)
        return self._subtrees[root]

    def enterprises(self) -> frozenset[str]:
        """The enterprise subtrees (1.3.6.1.4.1.N) the walk holds."""
        if self._pens is None:
            self._pens = frozenset(".".join(o.split(".", 7)[:7]) for o in self.walk.data
                                   if o.startswith(ENTERPRISES + "."))
        return self._pens

    _system: dict[str, str | None] = field(default_factory=dict)

    def system(self, name: str) -> str | None:
        """A system-group value as text (memoised: conditions ask often)."""
        if name not in self._system:
            oid = SYSTEM[name]
            value = self.walk.oid(oid) if name == "sys_object_id" else self.walk.text(oid)
            self._system[name] = value[:MAX_TEXT] if value else None
        return self._system[name]

    def claim(self, origin: str, field_name: str, value: Any, confidence: int, evidence: str,
              os: str | None = None) -> bool:
        if generic_origin(origin):
            value, evidence = _as_release(field_name, value, evidence)
        if not self.claims.add(field_name, value, confidence, evidence, os):
            return False
        self.origin[id(self.claims.facts[-1])] = origin
        return True


@dataclass
class Matched:
    definition: Definition
    groups: dict[str, str]
    cap: int
    #: what recognised the device (the first condition that held)
    why: str = ""
    #: recognised only by an enterprise subtree that answers, on a device
    #: whose sysObjectID names another maker (see :data:`FOREIGN_VENDOR_CAP`)
    foreign: bool = False


#: A maker's MIB answering on a box whose sysObjectID names another maker says
#: who built its firmware or agent (an OEM's UPS card, an ODM's switch), not
#: whose box it is: such a definition's vendor claim stays under the
#: sysObjectID's enterprise (75). Its other fields stand.
FOREIGN_VENDOR_CAP = 60


def describe_condition(cond: dict[str, Any], view: View | None = None) -> str:
    """The condition in words; given the device (``view``), the sysObjectID
    prefix, enterprise and alternative that actually held, not the first listed."""
    parts = []
    if "sys_object_id" in cond:
        oid = view.system("sys_object_id") if view is not None else None
        under = [p for p in cond["sys_object_id"] if _under(oid, (p,))]
        parts.append("sysObjectID under " + (max(under, key=len) if under
                                              else " or ".join(cond["sys_object_id"][:2])))
    for key, label in (("sys_descr", "sysDescr"), ("sys_name", "sysName"), ("sys_contact", "sysContact"),
                       ("sys_location", "sysLocation")):
        if key in cond:
            parts.append(f"{label} /{cond[key].pattern[:60]}/")
    if "oid" in cond:
        parts.append(f"{cond['oid']} answered")
    if "walked" in cond:
        parts.append(f"{cond['walked']} has rows")
    if "enterprise" in cond:
        present = view.enterprises() if view is not None else set()
        pen = next((e for e in cond["enterprise"] if f"{ENTERPRISES}.{e}" in present), cond["enterprise"][0])
        parts.append(f"enterprise subtree {pen} answers")
    if "software" in cond:
        parts.append(f"installed package /{cond['software'].pattern[:40]}/")
    if "any" in cond:
        alternatives = cond["any"]
        held = next((c for c in alternatives if view is not None and holds(c, view) is not None), alternatives[0])
        parts.append(describe_condition(held, view))
    return ", ".join(parts) or "condition"


def _under(oid: str | None, prefixes: tuple[str, ...]) -> bool:
    return bool(oid) and any(oid == p or oid.startswith(p + ".") for p in prefixes)  # type: ignore[union-attr]


def _search(pattern: re.Pattern[str], text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    m = pattern.search(text[:MAX_TEXT])
    return None if m is None else {k: v for k, v in m.groupdict().items() if v}


def holds(cond: dict[str, Any], view: View) -> tuple[dict[str, str], int] | None:
    """(named groups, confidence cap) when every part of the condition holds."""
    groups: dict[str, str] = {}
    cap = int(cond.get("confidence", 100))
    if "sys_object_id" in cond and not _under(view.system("sys_object_id"), cond["sys_object_id"]):
        return None
    for key in ("sys_descr", "sys_name", "sys_contact", "sys_location"):
        if key in cond:
            got = _search(cond[key], view.system(key))
            if got is None:
                return None
            groups.update(got)
    if "oid" in cond:
        text = clean(view.walk.text(cond["oid"]))
        if text is None:
            return None
        if "value" in cond:
            got = _search(cond["value"], text)
            if got is None:
                return None
            groups.update(got)
    if "walked" in cond and not view.has(cond["walked"]):
        return None
    if "enterprise" in cond and not view.enterprises() & set(cond["enterprise"]):
        return None
    if "software" in cond:
        got = next((g for name in view.mibs.software[:5000] if (g := _search(cond["software"], name)) is not None),
                   None)
        if got is None:
            return None
        groups.update(got)
    if "not" in cond and holds(cond["not"], view) is not None:
        return None
    if "any" in cond:
        sub = next((r for c in cond["any"] if (r := holds(c, view)) is not None), None)
        if sub is None:
            return None
        groups.update(sub[0])
        cap = min(cap, sub[1])
    return groups, cap


def match(definition: Definition, view: View) -> Matched | None:
    """The definition recognises this device: the groups of every condition
    that holds (first one wins a name) and the highest of their caps."""
    groups: dict[str, str] = {}
    caps = []
    why = ""
    held = []
    for cond in definition.match:
        got = holds(cond, view)
        if got is not None:
            for k, v in got[0].items():
                groups.setdefault(k, v)
            caps.append(got[1])
            why = why or describe_condition(cond, view)
            held.append(cond)
    if not caps:
        return None
    return Matched(definition, groups, max(caps), why, _foreign(held, view))


def _foreign(held: list[dict[str, Any]], view: View) -> bool:
    """Every condition that held is the presence of a vendor subtree (an
    enterprise that answers, an object or table under one), and the
    sysObjectID names a maker whose number is none of them."""
    from collector.snmp.generic import NOT_A_MAKER_PENS, pen_of

    pen = pen_of(view.system("sys_object_id"))
    if not pen or pen in NOT_A_MAKER_PENS:
        return False
    own = f"{ENTERPRISES}.{pen}"
    for cond in held:
        if set(cond) & _SAYS_ITSELF:
            return False
        roots = list(cond.get("enterprise", ())) + [cond[k] for k in ("oid", "walked") if k in cond]
        if not roots or any(r == own or r.startswith(own + ".") or not r.startswith(ENTERPRISES + ".")
                            for r in roots):
            return False
    return True


#: conditions on what the agent says of itself (not on a subtree's presence)
_SAYS_ITSELF = frozenset(SYSTEM) | {"software"}


#: fields whose value is a name or a number a person reads: an OBJECT IDENTIFIER is none of them
_TEXT_FIELDS = frozenset({"model", "serial", "os_version", "os_build", "firmware", "kernel_version"})


def _usable(vb: Any, src: dict[str, Any], field_name: str) -> bool:
    """An OBJECT IDENTIFIER value gives a text field nothing unless a map
    turns it into a name (BCN-SYSTEM-MIB's bcnSysIdProduct was read as a model)."""
    return not (vb[0] == OID and field_name in _TEXT_FIELDS and "map" not in src)


def _raw(src: dict[str, Any], view: View, matched: Matched, field_name: str) -> tuple[str | None, dict[str, str]]:
    kind, arg = src["kind"], src["arg"]
    mibs = view.mibs
    if kind == "oid":
        item = view.walk.data.get(arg)
        return (display(item) if item is not None and _usable(item, src, field_name) else None), {}
    if kind == "column":
        # the first row with a value; with a regex, the first row the regex matches (a table whose
        # rows are named by their value, as CISCO-IMAGE-MIB's "CW_VERSION$12.2(18)SXF12$")
        pattern = src.get("regex")
        return next((t for _i, vb in view.walk.subtree(arg) if _usable(vb, src, field_name)
                     and (t := clean(display(vb))) and (pattern is None or pattern.search(t[:MAX_TEXT]))),
                    None), {}
    if kind == "from":
        return view.system(arg), {}
    if kind == "group":
        return matched.groups.get(arg), {}
    if kind == "entity":
        return (mibs.chassis[0].get(arg) if mibs.chassis else None), {}
    if kind == "printer":
        return mibs.printer.get(arg), {}
    if kind == "ups":
        return mibs.ups.get(arg), {}
    if kind == "hr_device":
        return next((d["descr"] for d in mibs.hr_devices if d["type"] == arg and d.get("descr")), None), {}
    if kind == "software":
        for name in mibs.software[:5000]:
            m = arg.search(name[:MAX_TEXT])
            if m:
                value = m.groupdict().get("value") or (m.group(1) if m.groups() else m.group(0))
                groups = {str(i): g for i, g in enumerate(m.groups(), 1) if g}
                return value, {**groups, **{k: v for k, v in m.groupdict().items() if v}}
        return None, {}
    if kind == "value":
        return arg, {}
    if kind == "enterprise":
        present = view.enterprises()
        return next((pen for pen in arg if f"{ENTERPRISES}.{pen}" in present), None), {}
    if kind == "field":
        return view.claims.best(arg), {}
    if kind == "hook":
        from collector.snmp.hooks import HOOKS

        return HOOKS[arg](view, field_name), {}
    raise AssertionError(kind)


_PLACE = re.compile(r"\{(\w+)\}")


def evaluate(src: dict[str, Any], view: View, matched: Matched, field_name: str) -> str | None:
    """One source's value for one device, after its regex, template and map."""
    if "when" in src and holds(src["when"], view) is None:
        return None
    value, groups = _raw(src, view, matched, field_name)
    value = clean(value) if value is not None else None
    numbered: dict[str, str] = {}
    if value is not None and "regex" in src:
        m = src["regex"].search(value[:MAX_TEXT])
        if m is None:
            value = None
        else:
            named = {k: v for k, v in m.groupdict().items() if v}
            groups = {**groups, **named}
            numbered = {str(i): g for i, g in enumerate(m.groups(), 1) if g}
            value = named.get("value") or (m.group(1) if m.groups() and m.group(1) else m.group(0))
    if value is not None and "template" in src:
        lookup = {**matched.groups, **groups, **numbered, "0": value, "value": value}
        value = _PLACE.sub(lambda mm: lookup.get(mm.group(1), ""), src["template"])
    if value is not None and "case" in src:
        value = value.upper() if src["case"] == "upper" else value.lower()
    if value is not None and "map" in src:
        value = next((result for pattern, result in src["map"] if pattern.search(value[:MAX_TEXT])), None)
    if value is None and "default" in src:
        value = src["default"]
    return clean(value)


def _describe(src: dict[str, Any]) -> str:
    kind, arg = src["kind"], src["arg"]
    if src.get("name"):
        return f"{src['name']} ({arg})" if kind in ("oid", "column") else str(src["name"])
    return {"oid": f"OID {arg}", "column": f"column {arg}",
            "from": {"sys_descr": "sysDescr", "sys_object_id": "sysObjectID", "sys_name": "sysName",
                     "sys_contact": "sysContact", "sys_location": "sysLocation"}.get(arg, arg),
            "group": f"sysDescr/{arg}", "entity": f"ENTITY-MIB chassis {arg}",
            "printer": f"Printer-MIB prtGeneral {arg}", "ups": f"UPS-MIB upsIdent {arg}",
            "hr_device": f"hrDeviceDescr ({arg})", "software": "hrSWInstalledName",
            "value": "recognised family", "field": f"{arg}", "hook": f"hook {arg}",
            "enterprise": "enterprise subtree that answers"}[kind]


def sources_for(definition: Definition) -> dict[str, tuple[dict[str, Any], ...]]:
    """Field -> sources, with the top-level vendor / class / os appended as
    the last fallback of their field."""
    out = dict(definition.fields)
    for name, value in (("vendor", definition.vendor), ("device_class", definition.device_class),
                        ("os_name", definition.os_name)):
        if value:
            out[name] = out.get(name, ()) + ({"kind": "value", "arg": value},)
    return out


def deferred(sources: tuple[dict[str, Any], ...]) -> bool:
    return any(s["kind"] == "field" for s in sources)


def claim_fields(matched: Matched, view: View, *, late: bool) -> None:
    """Claim the definition's fields: the ordinary ones (``late=False``) or
    those that read other fields (``late=True``)."""
    d = matched.definition
    sources = sources_for(d)
    own_os = None
    for name in FIELD_ORDER:
        srcs = sources.get(name)
        if not srcs:
            continue
        if deferred(srcs) != late:
            if name == "os_name":
                own_os = _own_os(d, view)
            continue
        for src in srcs:
            value = evaluate(src, view, matched, name)
            if value is None:
                continue
            confidence = min(int(src.get("confidence", d.confidence)), matched.cap)
            if name == "vendor" and matched.foreign:
                confidence = min(confidence, FOREIGN_VENDOR_CAP)
            what = matched.why if src["kind"] == "value" and "when" not in src else _describe(src)
            if src["kind"] == "field":
                what = f"{src['arg']} {view.claims.best(src['arg'])}"
            evidence = src.get("evidence") or f"{what} [{d.family}]"
            if _standard(d):
                value, evidence = _as_release(name, value, evidence)  # a standard MIB's text, not a maker's format
            view.claim(d.family, name, value, confidence, evidence, os=own_os if name == "os_version" else None)
            if name == "os_name":
                own_os = value
            break


def _as_release(field_name: str, value: Any, evidence: str) -> tuple[Any, str]:
    """A version field's text as :func:`release_only` gives it; anything else as it is."""
    if field_name in ("os_version", "firmware") and isinstance(value, str):
        return release_only(value, evidence)
    return value, evidence


def _standard(d: Definition) -> bool:
    """A generic definition: it reads a standard MIB (``defs/generic/``), for every maker."""
    return "/generic/" in d.path.replace("\\", "/")


def _own_os(d: Definition, view: View) -> str | None:
    """The os_name a definition claimed earlier (for late os_version claims)."""
    for fact in view.claims.facts:
        if fact.field == "os_name" and view.origin.get(id(fact)) == d.family:
            return str(fact.value)
    return None


def run(definitions: tuple[Definition, ...], view: View) -> list[Matched]:
    """Pass 1: which definitions apply, and their ordinary fields."""
    matched = [m for d in definitions if (m := match(d, view)) is not None]
    for m in matched:
        claim_fields(m, view, late=False)
    return matched


def run_late(matched: list[Matched], view: View) -> None:
    """Pass 2: fields that read the winners of other fields."""
    for m in matched:
        claim_fields(m, view, late=True)


#: Definitions that say "Linux" for any Linux agent (a last resort, not a
#: recognition of the device) and those written for a standard MIB any
#: maker's device answers: neither knows what the box is.
GENERIC_OS_FAMILIES = frozenset({"linux"})
#: Classes whose device runs a general-purpose OS: "Linux" stays their OS.
HOST_CLASSES = frozenset({"server", "workstation", "hypervisor", "unknown"})
#: General-purpose OSes every maker's appliances are built on: no maker's usual OS
#: (:mod:`collector.snmp.priors`), and a sysDescr naming one says nothing of the
#: box (:func:`collector.snmp.fallback.descr_os`); whether such a box's OS is
#: "Linux" is the host definitions' call.
BUILT_ON_OSES = frozenset({
    "Linux", "FreeBSD", "NetBSD", "OpenBSD", "DragonFly BSD", "VxWorks", "embedded", "Debian", "Ubuntu", "CentOS",
    "CentOS/RHEL", "Red Hat Enterprise Linux", "Fedora", "Rocky Linux", "AlmaLinux", "Oracle Linux", "Amazon Linux",
    "Alpine Linux", "Arch Linux", "Gentoo", "Linux Mint", "openSUSE", "SUSE Linux Enterprise Server", "Slackware",
    "Raspberry Pi OS"})


def built_on_os(name: str) -> bool:
    """Whether ``name`` is a general-purpose OS (:data:`BUILT_ON_OSES`, or any Windows)."""
    return name in BUILT_ON_OSES or name.startswith("Windows")


#: Where the generic rules' claims come from (a definition's origin is its family name).
GENERIC_ORIGINS = ("entity", "glpi-sysobject", "heuristic", "mib-object", "recog:")


def generic_origin(origin: str) -> bool:
    """Whether a claim came from a generic rule rather than a definition."""
    return origin.startswith(GENERIC_ORIGINS)


def _specific(m: Matched) -> bool:
    return m.definition.family not in GENERIC_OS_FAMILIES and not _standard(m.definition)


def appliance_os(matched: list[Matched], view: View) -> None:
    """An appliance whose agent is net-snmp on Linux is not "Linux": when a
    device definition (not the generic Linux or standard-MIB ones) names the
    OS, its OS wins whatever the confidences; when the device is known to be
    an appliance (UPS card, NAS, camera, access point, printer, ...: the
    winning class, from a definition or strong evidence) and no definition
    names its OS, the OS stays unknown rather than "Linux". The kernel keeps its own field; the generic
    Linux os_version (the kernel) goes with the os_name it described."""
    generic_os = [f for f in view.claims.facts
                  if f.field == "os_name" and view.origin.get(id(f)) in GENERIC_OS_FAMILIES]
    if not generic_os:
        return
    specific = {m.definition.family for m in matched if _specific(m)}
    recognised = {m.definition.family for m in matched} - GENERIC_OS_FAMILIES
    own_os = any(f.field == "os_name" and view.origin.get(id(f)) in specific for f in view.claims.facts)
    cls = view.claims.best("device_class")
    # the class is known from a definition (a maker's, or a standard MIB's
    # like UPS-MIB) or from strong evidence (Printer-MIB counters on a box
    # without a package list), not from a weak port heuristic
    appliance = cls not in HOST_CLASSES and any(
        f.field == "device_class" and f.value == cls and (view.origin.get(id(f)) in recognised or f.confidence >= 60)
        for f in view.claims.facts) if cls else False
    if own_os or appliance:
        dropped = {id(f) for f in generic_os}
        view.claims.facts = [f for f in view.claims.facts if id(f) not in dropped]
        for key in dropped:  # ids of dropped facts may be reused by new objects
            view.origin.pop(key, None)
            view.claims.version_of.pop(key, None)
