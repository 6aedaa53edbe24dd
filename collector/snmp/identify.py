"""Identification: one device's SNMP walk -> device facts, software,
interfaces, addresses and what it knows of its neighbours.

Pure functions: no network. Every fact carries its evidence and a
confidence; sources rank (roughly) vendor MIB > ENTITY-MIB > vendor module's
sysDescr parsing > Recog > heuristics, and the store keeps the losers.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from collector.identity import best_facts
from collector.model import Fact, Software
from collector.snmp.mibs import IP_FORWARDING, SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, SYS_SERVICES, Mibs
from collector.snmp.vendors import apply, modules_for
from collector.snmp.vendors.base import Claims, clean
from collector.snmp.walk import Walk

#: Agents whose enterprise number names the software, not the box.
SOFTWARE_AGENT_PENS = {"8072", "2021", "311", "6876", "10002", "4413", "99999", "0"}
IDENTITY_FIELDS = ("vendor", "device_class", "model", "serial", "os_name", "os_version", "firmware", "hostname")


@functools.lru_cache(maxsize=1)
def _pens() -> dict[str, str]:
    from collector.refdata import DataError, load_json

    try:
        data = load_json("pen.json")
    except DataError:
        return {}
    return data if isinstance(data, dict) else {}


@functools.lru_cache(maxsize=1)
def _class_map() -> dict[str, str]:
    from importlib import resources

    data = json.loads((resources.files("collector.schemas") / "device_classes.json").read_text())
    return dict(data["recog_device_map"])


def pen_of(sys_object_id: str | None) -> str | None:
    if not sys_object_id or not sys_object_id.startswith("1.3.6.1.4.1."):
        return None
    parts = sys_object_id.split(".")
    return parts[6] if len(parts) > 6 and parts[6].isdigit() else None


def vendor_of_pen(pen: str | None) -> str | None:
    return _pens().get(pen) if pen else None


@dataclass
class Identification:
    facts: list[Fact] = field(default_factory=list)
    software: list[Software] = field(default_factory=list)
    interfaces: list[dict[str, Any]] = field(default_factory=list)
    #: the device's own addresses (ipAddrTable): [{ip, mac, if_index, mask}]
    addresses: list[dict[str, Any]] = field(default_factory=list)
    arp: list[dict[str, Any]] = field(default_factory=list)
    fdb: list[dict[str, Any]] = field(default_factory=list)
    neighbours: list[dict[str, Any]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    vendor_modules: list[str] = field(default_factory=list)
    #: Recog's reading of sysDescr (``raw["os"]``, what the rules use)
    os: dict[str, str] | None = None

    def best(self) -> dict[str, str | None]:
        """The winning value per identity field (what `show` would print)."""
        winners = best_facts(self.facts)
        return {name: str(winners[name].value) if name in winners else None for name in IDENTITY_FIELDS}


def os_record(values: dict[str, str]) -> dict[str, str]:
    """A Recog snmp_sysdescr match as the rules read it (``raw["os"]``):
    vendor, family, product, version, device, certainty and CPE 2.3."""
    from collector.cpe import to_cpe23

    out = {k: values[src] for k, src in (("vendor", "os.vendor"), ("family", "os.family"), ("product", "os.product"),
                                         ("version", "os.version"), ("device", "os.device"),
                                         ("certainty", "os.certainty")) if values.get(src)}
    cpe = to_cpe23(values.get("os.cpe23"))
    if cpe:
        out["cpe"] = cpe
    return out


def os_from_sysdescr(descr: str | None) -> dict[str, str] | None:
    """:func:`os_record` for a bare sysDescr (None when Recog does not know it)."""
    from collector.refdata.recog import recog

    m = recog().match("snmp_sysdescr", descr) if descr else None
    return os_record(m.values) if m else None


def _recog(walk: Walk, claims: Claims) -> dict[str, str] | None:
    """Claims from Recog's snmp_sysobjid and snmp_sysdescr fingerprints;
    returns the sysDescr match as :func:`os_record` (for the rules)."""
    from collector.cpe import to_cpe23
    from collector.refdata.recog import recog

    descr = walk.text(SYS_DESCR)
    oid = walk.oid(SYS_OBJECT_ID)
    rec = recog()
    os_info = None
    for db, text in (("snmp_sysobjid", f"{oid} {descr or ''}" if oid else None), ("snmp_sysdescr", descr)):
        if not text:
            continue
        m = rec.match(db, text)
        if m is None:
            continue
        v = m.values
        if db == "snmp_sysdescr":
            os_info = os_record(v)
        certainty = min(float(v.get("os.certainty", "1") or 1), 1.0)
        conf = max(1, int(70 * certainty))
        ev = f"sysDescr (Recog {db})"
        family, product = v.get("os.family"), v.get("os.product")
        name = product if family in (None, "Linux") or family == "Windows" else family
        if family == "Windows" and product:
            name = product
        device = v.get("hw.device") or v.get("os.device")
        if family is None and device and _class_map().get(device) not in (None, "server", "workstation"):
            # an appliance fingerprint (APC "UPS", ...): its "product" is the model, not an OS
            claims.add("model", product, 60, ev)
            name = None
        claims.add("os_name", name, conf, ev)
        version = v.get("os.version") if name else None
        if version and version.lower() != "none" and not (family == "Linux" and name == "Linux"):
            claims.add("os_version", version, conf, ev)
        elif version and family == "Linux":
            claims.add("os_version", version, min(conf, 50), ev)
        if v.get("os.vendor") and family not in ("Linux", "Windows"):
            claims.add("vendor", v["os.vendor"], 55, ev)
        if v.get("hw.vendor"):
            claims.add("vendor", v["hw.vendor"], 60, ev)
        if v.get("hw.product"):
            claims.add("model", v["hw.product"], 60, ev)
        cls = _class_map().get(device or "")
        if cls:
            # Recog tags every IOS "Router" and every APC card "UPS": a hint only
            claims.add("device_class", cls, 45, f"{ev}: {device}")
        cpe = to_cpe23(v.get("os.cpe23"))
        if cpe:
            claims.extras.setdefault("os_cpe", cpe)
        if v.get("linux.kernel.version"):
            claims.extras.setdefault("kernel", v["linux.kernel.version"])
    return os_info


def _entity(mibs: Mibs, claims: Claims) -> None:
    if not mibs.chassis:
        # some agents list only a stack or modules: fall back to the first row with a serial
        rows = [r for r in mibs.entities if clean(r.get("serial")) and r.get("class") in (11, 9)][:1]
        conf_model, conf_serial = 70, 70
    else:
        rows = mibs.chassis[:1]
        conf_model, conf_serial = 85, 90
    for row in rows:
        ev = f"ENTITY-MIB entPhysical.{row['index']} ({row['class_name']})"
        model = clean(row.get("model"))
        if model is None and row.get("class") == 3:
            descr = clean(row.get("descr"))
            # "WS-C3750G-12S" style descr on old IOS; skip prose ("Cisco Systems Catalyst 6500 ...")
            if descr and " " not in descr:
                model = descr
        claims.add("model", model, conf_model, ev)
        claims.add("serial", row.get("serial"), conf_serial, ev)
        claims.add("vendor", row.get("manufacturer"), 72, ev)
        firmware = clean(row.get("firmware_rev"))
        if firmware and re.search(r"\d[.(]\d", firmware):  # "36", "144": board revisions, not versions
            claims.add("firmware", firmware, 70, ev)
        if row.get("hardware_rev"):
            claims.extras["hardware_rev"] = clean(row.get("hardware_rev"))
        if row.get("software_rev"):
            claims.extras["software_rev"] = clean(row.get("software_rev"))
    members = [r for r in mibs.chassis if clean(r.get("serial"))]
    if len(members) > 1:
        claims.extras["stack_members"] = [{"model": clean(r.get("model")), "serial": clean(r.get("serial"))}
                                          for r in members]
    modules = [r for r in mibs.entities if r.get("class") == 9 and clean(r.get("serial"))]
    if modules:
        claims.extras["modules"] = [{"name": clean(r.get("name")) or clean(r.get("descr")),
                                     "model": clean(r.get("model")), "serial": clean(r.get("serial"))}
                                    for r in modules[:200]]


_DESCR_CLASSES = (
    (r"\bUPS\b|Uninterruptible", "ups"), (r"\bPDU\b|Power Distribution", "pdu"),
    (r"\bfirewall\b|\bNGFW\b|\bUTM\b", "firewall"),
    (r"IP ?Camera|IPCAM|Network Camera|\bNVR\b|\bDVR\b|Video Server", "camera"),
    (r"Access Point|Wireless (?:LAN )?Controller|\bWLC\d*|SmartCell Gateway|Wireless Switch", "wireless_ap"),
    (r"LaserJet|OfficeJet|imageRUNNER|\bPrinter\b|\bMFP\b", "printer"),
    (r"Routing Switch|\bSwitch\b", "switch"), (r"\bRouter\b|Routing Platform", "router"),
    (r"Temperature Sensor|\bSensor\b|Environmental Monitor", "iot"), (r"\bNAS\b|DiskStation", "nas"),
    (r"Media Converter", "switch"),
)


def _descr_class(descr: str | None, claims: Claims) -> None:
    for pattern, cls in _DESCR_CLASSES:
        if descr and re.search(pattern, descr, re.I):
            claims.add("device_class", cls, 55, f"sysDescr keyword /{pattern}/")
            return


def _heuristic_class(walk: Walk, mibs: Mibs, claims: Claims) -> None:
    general_os = bool(mibs.software) or any(d["type"] == "processor" for d in mibs.hr_devices)
    if mibs.printer.get("serial") or mibs.printer.get("page_count") is not None:
        claims.add("device_class", "printer", 40 if general_os else 80, "Printer-MIB prtGeneral / prtMarker")
    elif not general_os and any(d["type"] == "printer" for d in mibs.hr_devices):
        claims.add("device_class", "printer", 60, "hrDeviceType printer")
    if mibs.ups.get("model") or mibs.ups.get("battery_status"):
        claims.add("device_class", "ups", 75, "UPS-MIB upsIdent / upsBattery")
    services = walk.int(SYS_SERVICES)
    forwarding = walk.int(IP_FORWARDING)
    ethernet_ports = sum(1 for i in mibs.interfaces if i.get("type") in (6, 117, 62, 69))
    if mibs.software or any(d["type"] == "processor" for d in mibs.hr_devices):
        return  # a host OS: its class comes from the OS, not from its ports
    if services is not None and services & 0x02 and ethernet_ports >= 8:
        claims.add("device_class", "switch", 50, f"sysServices layer 2 with {ethernet_ports} Ethernet ports")
    elif mibs.fdb and (ethernet_ports >= 4 or (services is not None and services & 0x02)):
        claims.add("device_class", "switch", 50, "BRIDGE-MIB forwarding table")
    elif forwarding == 1 and services is not None and services & 0x04:
        claims.add("device_class", "router", 40, "ipForwarding on, sysServices layer 3")


_MODEL_CODE = re.compile(r"^(?:[A-Za-z]+\(tm\)\s+)?([A-Z]{1,6}-?\d{2,5}[A-Z]{0,3}(?:-[A-Z0-9/]+)*)\b")
_MODEL_AFTER_VENDOR = re.compile(r"(?:Inc\.|Ltd\.?|Corp\.?|Systems)\s*,?\s+([A-Z]{2,6}\d{3,5}[A-Z]?(?:-[A-Z0-9]+)*),")


def _descr_model(descr: str | None, claims: Claims) -> None:
    """A model code at the start of sysDescr ("DES-3200-18 Fast Ethernet
    Switch") or right after the maker ("..., Inc. ICX6430-24, IronWare ...")."""
    if not descr:
        return
    m = _MODEL_CODE.match(descr) or _MODEL_AFTER_VENDOR.search(descr)
    if m and not re.fullmatch(r"[A-Z]+-?\d{1,2}", m.group(1)):
        claims.add("model", m.group(1), 45, "sysDescr model code")


def _os_class(claims: Claims) -> None:
    """Host OSes with no better class: Windows by product, Linux as server."""
    os_name = (claims.best("os_name") or "").lower()
    if "windows" in os_name:
        cls = "server" if "server" in os_name else "workstation"
        claims.add("device_class", cls, 70, f"OS {claims.best('os_name')}")
    elif any(k in os_name for k in ("linux", "centos", "debian", "ubuntu", "red hat", "bsd", "suse", "rocky",
                                    "alma")):
        claims.add("device_class", "server", 35, "general-purpose OS answering SNMP")


_PKG = (
    # Debian/Ubuntu net-snmp: "openssh-server_1:9.2p1-2+deb12u3_amd64"
    re.compile(r"^(?P<name>[a-z0-9][a-z0-9+.\-]*)_(?:\d+:)?(?P<version>[0-9][^_]*)_(?:[a-z0-9]+)$"),
    # RPM: "openssh-server-7.4p1-21.el7.x86_64" / without arch
    re.compile(r"^(?P<name>.+?)-(?P<version>\d[^-]*-[^-]+?)(?:\.(?:x86_64|i[3-6]86|noarch|aarch64|armv7hl|ppc64le|s390x))?$"),
    # Windows: "Mozilla Firefox (x64 en-US) 115.0.2" / "7-Zip 19.00 (x64)"
    re.compile(r"^(?P<name>.+?)\s+v?(?P<version>\d+(?:\.\d+){1,3}[a-z]?)(?:\s*\(.*\))?$"),
)


def parse_package(text: str) -> tuple[str, str | None]:
    text = text.strip()
    for pattern in _PKG:
        m = pattern.match(text)
        if m:
            return m.group("name").strip(), m.group("version").strip()
    return text, None


def identify(walk: Walk) -> Identification:
    mibs = Mibs(walk)
    claims = Claims()
    descr = walk.text(SYS_DESCR)
    oid = walk.oid(SYS_OBJECT_ID)
    name = walk.text(SYS_NAME)
    if name:
        claims.add("hostname", name.split()[0], 70, "sysName")
    if descr:
        claims.facts.append(Fact("description", descr[:1024], 90, "snmp", "sysDescr"))
    pen = pen_of(oid)
    modules = modules_for(oid)
    os_info = _recog(walk, claims)
    _entity(mibs, claims)
    own_modules = [m for m in modules if oid and any(oid == p or oid.startswith(p + ".") for p in m.PREFIXES)]
    for mod in modules:
        before = len(claims.facts)
        apply(mod, walk, mibs, claims)
        if len(claims.facts) > before:
            claims.extras.setdefault("vendor_modules", []).append(mod.__name__.rsplit(".", 1)[-1])
    if pen and pen not in SOFTWARE_AGENT_PENS:
        if own_modules:
            claims.add("vendor", own_modules[0].NAME, 85, f"sysObjectID enterprise {pen} (vendor module)")
        else:
            claims.add("vendor", vendor_of_pen(pen), 75, f"sysObjectID enterprise {pen} (IANA PEN)")
    _descr_class(descr, claims)
    _descr_model(descr, claims)
    _heuristic_class(walk, mibs, claims)
    _os_class(claims)
    ups = mibs.ups
    if ups.get("model"):
        claims.add("model", ups["model"], 70, "UPS-MIB upsIdentModel")
        claims.add("vendor", ups.get("manufacturer"), 65, "UPS-MIB upsIdentManufacturer")
    software = []
    for text in mibs.software[:5000]:
        pname, version = parse_package(text)
        software.append(Software(pname[:255], version[:100] if version else None, None, "snmp:hrSWInstalled"))
    extras = dict(claims.extras)
    if mibs.printer:
        extras["printer"] = mibs.printer
    if ups:
        extras["ups"] = ups
    if mibs.storage:
        extras.update(mibs.storage)
    return Identification(
        facts=claims.facts, software=software, interfaces=mibs.interfaces, addresses=mibs.addresses,
        arp=mibs.arp, fdb=mibs.fdb, neighbours=mibs.neighbours, extras=extras,
        vendor_modules=list(extras.get("vendor_modules", [])), os=os_info)
