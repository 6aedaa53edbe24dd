"""Claims every device gets, whatever its family: ENTITY-MIB's chassis,
Recog's sysDescr / sysObjectID fingerprints, the sysObjectID tables (IANA
enterprise numbers, GLPI's sysObjectID list) and weak heuristics (sysDescr
keywords, sysServices, a bridge forwarding table). Definitions outrank them
by confidence where they know better."""

from __future__ import annotations

import functools
import json
import re
import sys
from collections import Counter
from typing import Any

from collector.snmp.claims import clean
from collector.snmp.definitions import index
from collector.refdata.compact import CompactNames
from collector.snmp.engine import View
from collector.snmp.fallback import model_code
from collector.snmp.mibs import DOT1D_BASE_PORT_IFINDEX, IP_FORWARDING, SYS_SERVICES, Mibs

#: Agents whose enterprise number names the software, not the box (IANA
#: registrants): 8072 net-snmp, 2021 UCD-SNMP, 311 Microsoft's Windows agent,
#: 6876 VMware's ESXi agent, 10002 Frogfoot (Ubiquiti AirOS's agent), 4413
#: Broadcom (FASTPATH switch firmware and SoC SDKs under other makers'
#: brands), 12325 Fraunhofer FOKUS (bsnmpd, FreeBSD), 30155 OpenBSD snmpd,
#: 7244 Quanta (BMC firmware sold under OEM brands), embedded SNMP stacks
#: (3 CMU, 4 Unix, 12 Epilogue, 56 Castle Rock, 99 SNMP Research, 731 Wind
#: River, 4976 AGENT++, 17095 Microchip's TCP/IP stack, kept by sensor gateways and LAN
#: controllers of several makers, 18868 InterNiche, 20408 SNMP Laboratories/pysnmp),
#: 0 and 99999 (placeholders in vendor SDKs).
SOFTWARE_AGENT_PENS = {"0", "3", "4", "12", "56", "99", "311", "731", "2021", "4413", "4976", "6876", "7244",
                       "8072", "10002", "12325", "17095", "18868", "20408", "30155", "99999"}
#: Standards bodies and industry forums: their MIBs are answered by many
#: makers' devices, so their subtree answering names no maker (IANA
#: registrants): 77 LAN Manager (Windows' LanMgr MIB), 353 ATM Forum, 412
#: DMTF, 2699 Printer Working Group (every printer's port monitor MIB), 3561
#: Broadband Forum, 4491 CableLabs (DOCSIS modems), 5535 3GPP2, 7154 IPMI
#: forum, 10415 3GPP, 13019 ETSI, 14851 SNIA, 15007 MEF, 24624 EuroCableLabs,
#: 24757 WiMAX Forum, 26041 OIF, 31621 MoCA.
STANDARDS_PENS = {"77", "353", "412", "2699", "3561", "4491", "5535", "7154", "10415", "13019", "14851", "15007",
                  "24624", "24757", "26041", "31621"}
#: Enterprise numbers that never name the maker of the box.
NOT_A_MAKER_PENS = frozenset(SOFTWARE_AGENT_PENS | STANDARDS_PENS)


@functools.lru_cache(maxsize=1)
def _pens() -> tuple[CompactNames, CompactNames]:
    """(enterprise number -> brand, -> IANA registrant where it differs),
    held compactly (the decoded JSON is dropped: ~10 MiB of a scan's peak)."""
    from collector.refdata import DataError, load_json

    try:
        data = load_json("pen.json")
    except DataError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    if isinstance(data.get("names"), dict):
        return CompactNames(data["names"]), CompactNames(data.get("registrants") or {})
    return CompactNames(data), CompactNames({})  # a user's rebuild from before the vendor table


@functools.lru_cache(maxsize=1)
def class_map() -> dict[str, str]:
    from importlib import resources

    data = json.loads((resources.files("collector.schemas") / "device_classes.json").read_text())
    return dict(data["recog_device_map"])


def pen_of(sys_object_id: str | None) -> str | None:
    if not sys_object_id or not sys_object_id.startswith("1.3.6.1.4.1."):
        return None
    parts = sys_object_id.split(".")
    return parts[6] if len(parts) > 6 and parts[6].isdigit() else None


@functools.lru_cache(maxsize=1)
def _mib_organizations() -> dict[str, tuple[str, str, str]]:
    """enterprise -> (ORGANIZATION, date, module) of its newest vendor MIB
    (``miborgs.json``, derived by ``tools/derive_miborgs.py``, provenance inside)."""
    from importlib import resources

    try:
        text = resources.files("collector.snmp").joinpath("miborgs.json").read_text(encoding="utf-8")
        rows = json.loads(text)["organizations"]
        return {str(pen): (str(row[0]), str(row[1]), str(row[2])) for pen, row in rows.items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return {}


@functools.lru_cache(maxsize=1024)
def mib_successor(pen: str) -> tuple[str, str] | None:
    """(brand, evidence) when the enterprise's own MIBs name a later maker:
    the registrant IANA keeps is no brand the vendor table knows ("Netscaler",
    "Astaro", "Neoteris": companies since bought or renamed) and the
    ORGANIZATION of the newest MIB module registered under the number is
    one ("Citrix Systems, Inc.", "Sophos", "Pulse Secure"). A registrant
    that is a brand stays (3Com's number keeps 3Com, though H3C wrote its
    last MIBs; Vertiv's keeps Vertiv)."""
    from collector.vendornames import default as vendor_names

    row = _mib_organizations().get(pen)
    registrant = _pens()[0].get(pen)
    if row is None:
        return None
    names = vendor_names()
    if registrant and names.known(registrant):
        return None
    brand = names.canonical(row[0])
    if not brand or not names.known(brand) or brand.casefold() == (registrant or "").casefold():
        return None
    return brand, f"its MIB {row[2]} of {row[1][:4]}: ORGANIZATION {row[0]}"


def vendor_of_pen(pen: str | None) -> str | None:
    """The brand an enterprise number names: the registrant's, or the later
    maker its own MIBs name (:func:`mib_successor`)."""
    if not pen:
        return None
    later = mib_successor(pen)
    return later[0] if later else _pens()[0].get(pen)


def pen_evidence(pen: str) -> str:
    """"IANA PEN", the registrant's own name where the brand differs, and
    the MIB that names a later maker."""
    later = mib_successor(pen)
    registrant = _pens()[1].get(pen) or (_pens()[0].get(pen) if later else None)
    text = f"IANA PEN: {registrant}" if registrant else "IANA PEN"
    return f"{text}; {later[1]}" if later else text


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


#: Recog families that are an OS of the vocabulary under another name
RECOG_OS_NAMES = {"Aruba": "ArubaOS", "Data ONTAP": "ONTAP", "Mac OS X": "macOS", "VMware ESX/ESXi": "ESXi",
                  "Fedora Core": "Fedora"}


@functools.lru_cache(maxsize=1)
def os_vocabulary() -> dict[str, str]:
    """casefolded OS name (or Recog's name for it) -> the vocabulary's
    spelling (schemas/os_names.json)."""
    from collector.snmp.definitions import vocabulary

    names = {name.casefold(): name for name in vocabulary()[1]}
    names.update({alias.casefold(): names[name.casefold()] for alias, name in RECOG_OS_NAMES.items()})
    return names


def recog_claims(view: View) -> dict[str, str] | None:
    """Claims from Recog's snmp_sysobjid and snmp_sysdescr fingerprints;
    returns the sysDescr match as :func:`os_record` (for the rules)."""
    from collector.cpe import to_cpe23
    from collector.refdata.recog import recog

    descr = view.system("sys_descr")
    oid = view.system("sys_object_id")
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
        origin = f"recog:{db}"
        family, product = v.get("os.family"), v.get("os.product")
        name = product if family in (None, "Linux") or family == "Windows" else family
        if family == "Windows" and product:
            name = product
        device = v.get("hw.device") or v.get("os.device")
        if family is None and device and class_map().get(device) not in (None, "server", "workstation"):
            # an appliance fingerprint (APC "UPS", ...): its "product" is the model, not an OS, when it
            # looks like one (a digit, no unfilled "{hw.product}"): not "SonicOS", "Wireless Controller"
            if product and re.search(r"\d", product) and "{" not in product:
                view.claim(origin, "model", product, 60, ev)
            name = None
        if name == "Linux":
            name = None  # the generic Linux definition says that, with the kernel in its own field
        # Recog's family is often a product line ("Switch", "StorageWorks", "Aficio", "Phaser"): only
        # a name of the OS vocabulary (schemas/os_names.json), spelt as it spells it, is an OS
        name = os_vocabulary().get(name.casefold()) if name else None
        view.claim(origin, "os_name", name, conf, ev)
        version = v.get("os.version") if name else None
        if version and version.lower() != "none":
            view.claim(origin, "os_version", version, conf, ev, os=name)
        if v.get("os.vendor") and family not in ("Linux", "Windows"):
            view.claim(origin, "vendor", v["os.vendor"], 55, ev)
        if v.get("hw.vendor"):
            view.claim(origin, "vendor", v["hw.vendor"], 60, ev)
        if v.get("hw.product"):
            view.claim(origin, "model", v["hw.product"], 60, ev)
        cls = class_map().get(device or "")
        if cls:
            # Recog tags every IOS "Router" and every APC card "UPS": a hint only
            view.claim(origin, "device_class", cls, 45, f"{ev}: {device}")
        cpe = to_cpe23(v.get("os.cpe23"))
        if cpe:
            view.claims.extras.setdefault("os_cpe", cpe)
        if v.get("linux.kernel.version"):
            view.claim(origin, "kernel_version", v["linux.kernel.version"], 50, ev)
    return os_info


def entity_claims(view: View) -> None:
    mibs = view.mibs
    if not mibs.chassis:
        # some agents list only a stack or modules, or the box as a top-level
        # row of class other/unknown, or leave entPhysicalClass out altogether
        # (a Cisco 5500 WLC's row 1: "Chassis", its model and serial, no class):
        # the first such row with a serial
        serials = [r for r in mibs.entities[:2000] if clean(r.get("serial"))]
        rows = ([r for r in serials if r.get("class") in (11, 9)] or
                [r for r in serials if r.get("class") in (1, 2) and not r.get("contained_in")] or
                [r for r in serials if r.get("class") is None and not r.get("contained_in")])[:1]
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
            if descr and " " not in descr and model_code(descr):  # not "Chassis"
                model = descr
        view.claim("entity", "model", model, conf_model, ev)
        view.claim("entity", "serial", row.get("serial"), conf_serial, ev)
        view.claim("entity", "vendor", row.get("manufacturer"), 72, ev)
        firmware = clean(row.get("firmware_rev"))
        if firmware and re.search(r"\d[.(]\d", firmware):  # "36", "144": board revisions, not versions
            view.claim("entity", "firmware", firmware, 70, ev)
        for col in ("hardware_rev", "software_rev"):
            if row.get(col):
                view.claims.extras[col] = clean(row.get(col))
    members = [r for r in mibs.chassis if clean(r.get("serial"))]
    if len(members) > 1:
        view.claims.extras["stack_members"] = [{"model": clean(r.get("model")), "serial": clean(r.get("serial"))}
                                               for r in members[:100]]
    modules = [r for r in mibs.entities if r.get("class") == 9 and clean(r.get("serial"))]
    if modules:
        view.claims.extras["modules"] = [{"name": clean(r.get("name")) or clean(r.get("descr")),
                                          "model": clean(r.get("model")), "serial": clean(r.get("serial"))}
                                         for r in modules[:200]]


_DESCR_CLASSES = (
    (r"\bUPS\b|Uninterruptible", "ups"), (r"\bPDU\b|Power Distribution", "pdu"),
    # before "router": a firewall's sysDescr often says it routes too; the acronyms also glued to a
    # model number ("NGFW4000-UF", "NVR4108")
    (r"\bfirewall\b|\bNGFW(?:\b|\d)|\bUTM\b|Unified Threat|Security Appliance|Security Gateway|"
     r"VPN[\w ]{0,12}Concentrator", "firewall"),
    (r"IP ?Camera|IPCAM|Network Camera|\b[NDH]VR(?:\b|\d)|Video Server", "camera"),
    # before "access point": a home router's sysDescr names its Wi-Fi too
    (r"(?:Wireless|Wi-?Fi|Broadband|VPN|DSL|Cable|LTE|4G|5G)[\w ./-]{0,30}\bRouter\b|\bRouter\b[\w ./-]{0,20}"
     r"(?:Access Point|\bAP\b)", "router"),
    (r"Access Point|Wireless (?:LAN )?Controller|\bWLC\d*|SmartCell Gateway|Wireless Switch|\bIEEE 802\.11|"
     r"(?-i:\bAP\b)|Base Station", "wireless_ap"),
    (r"LaserJet|OfficeJet|imageRUNNER|\bPrinter\b|\bMFP\b|Print ?Server|Print Adapter|Document (?:Server|Centre)",
     "printer"),
    (r"Call ?Server|Signaling Server|Call ?Manager|Media Gateway|\bPBX\b|IP Phone|SIP Phone|\bVoIP\b", "voip"),
    (r"Routing Switch|\bSwitch\b", "switch"), (r"\bRouter\b|(?<!Versatile )Routing Platform", "router"),
    (r"Temperature Sensor|\bSensor\b|Environmental Monitor", "iot"), (r"\bNAS\b|DiskStation", "nas"),
    (r"Media Converter", "switch"),
)


def descr_class(view: View) -> None:
    """A class keyword in sysDescr, else in the ENTITY-MIB chassis description
    ("Cisco Catalyst 9300 Series Switch", "... Wireless Access Point")."""
    from collector.snmp.fallback import UNAME

    chassis = view.mibs.chassis[0].get("descr") if view.mibs.chassis else None
    descr, host = view.system("sys_descr"), None
    if descr and UNAME.match(descr) and len(words := descr.split()) > 1:
        # uname's form ("Linux nas 4.4.59+ #25426 SMP ..."): its second word is the name someone gave
        # the host, a hint just above the general-purpose OS's "server" (35), no reading of the box
        descr, host = " ".join(words[:1] + words[2:]), words[1]
    for text, where, confidence in ((descr, "sysDescr", 55),
                                    (chassis, "ENTITY-MIB chassis description", 52),
                                    (host, "the host name in sysDescr", 36)):
        for pattern, cls in _DESCR_CLASSES:
            if text and re.search(pattern, text[:1024], re.I):
                view.claim("heuristic", "device_class", cls, confidence, f"{where} keyword /{pattern}/")
                return


#: IANAifType ieee80211: a Wi-Fi radio interface (net-snmp reports it for
#: interfaces with wireless extensions; AP firmware for its radios).
IF_IEEE80211 = 71
#: Linux Wi-Fi driver interface names (Atheros wifi0/ath0, mac80211 wlan0,
#: Broadcom wl0, Ralink/MediaTek ra0/rai0/rax0), reported as ethernetCsmacd
#: (6) by agents without wireless extensions support.
_RADIO_NAME = re.compile(r"^(?:wifi|ath|wlan|wl|ra|rai|rax)\d{1,2}$")
#: Interfaces that are no port: loopback, bridges, VLAN sub-interfaces,
#: bonds, tunnels, virtual machine and container links.
_VIRTUAL_NAME = re.compile(r"^(?:lo|br|bridge|vlan|bond|team|veth|tap|tun|ppp|gre|gretap|sit|ip6tnl|ifb|imq|dummy|"
                           r"docker|virbr|vmnet|wg|erspan|ip_vti|ip6_vti)[\w-]*$|^[\w-]+\.\d+$")


def radio(iface: dict[str, Any]) -> bool:
    """A Wi-Fi radio interface: ifType 71, or a Linux Wi-Fi driver's name."""
    return iface.get("type") == IF_IEEE80211 or (
        iface.get("type") == 6 and bool(_RADIO_NAME.match(str(iface.get("name") or iface.get("descr") or ""))))


def ethernet_port(iface: dict[str, Any]) -> bool:
    """A wired Ethernet port (not a radio, not a bridge or VLAN or tunnel)."""
    name = str(iface.get("name") or iface.get("descr") or "")
    return iface.get("type") in (6, 117, 62, 69) and not radio(iface) and not _VIRTUAL_NAME.match(name)
#: Installed packages that make a Linux host a virtualisation host (Debian's
#: and RHEL's KVM / libvirt system packages, Proxmox's QEMU, Xen's hypervisor).
_HYPERVISOR_PACKAGES = re.compile(r"^(?:qemu-kvm|pve-qemu-kvm|libvirt-daemon-system|libvirt-daemon-kvm|"
                                  r"xen-hypervisor[\w.-]*)$")


def _subnets(view: View) -> int:
    """How many IPv4 networks the device's own addresses are in."""
    import ipaddress

    nets = set()
    for a in view.mibs.addresses[:256]:
        try:
            nets.add(ipaddress.IPv4Network(f"{a['ip']}/{a.get('mask') or '255.255.255.255'}", strict=False))
        except ValueError:
            continue
    return len(nets)


def general_os(mibs: Mibs) -> bool:
    """HOST-RESOURCES lists installed software or processors: a host OS,
    whose class comes from the OS rather than from its ports or maker."""
    return bool(mibs.software) or any(d["type"] == "processor" for d in mibs.hr_devices)


#: IANAifType-MIB interface types that say what a box is for, and at least
#: how many such ports say it: telephone lines (voiceEM, voiceFXO, voiceFXS,
#: voiceEncap, voiceOverIp) make a voice gateway; Fibre Channel ports a SAN
#: switch; a DSL line (adsl, radsl, sdsl, vdsl, adsl2, adsl2plus, vdsl2) or a
#: mobile broadband link (wwanPP, wwanPP2) a router, Wi-Fi or not.
_PORT_KINDS = (
    (frozenset({100, 101, 102, 103, 104}), 2, "voip", 50, "telephone port(s) (ifType voiceFXS, voiceFXO, ...)"),
    (frozenset({56}), 8, "switch", 48, "Fibre Channel port(s) (ifType fibreChannel)"),
    (frozenset({94, 95, 96, 97, 230, 238, 251}), 1, "router", 53, "DSL line(s) (ifType adsl, vdsl, ...)"),
    (frozenset({243, 244}), 1, "router", 53, "mobile broadband link(s) (ifType wwanPP)"),
)


def _port_kind(view: View, radios: int) -> bool:
    """A class from the kinds of port a box has (not a host's: see
    :func:`heuristic_class`); True when one was claimed."""
    types = [i.get("type") for i in view.mibs.interfaces[:4096]]
    for kinds, least, cls, confidence, what in _PORT_KINDS:
        n = sum(1 for t in types if t in kinds)
        if n >= least:
            also = f", {radios} Wi-Fi interface(s)" if radios and cls == "router" else ""
            view.claim("heuristic", "device_class", cls, confidence, f"{n} {what}{also}")
            return True
    return False


def heuristic_class(view: View) -> None:
    mibs, walk = view.mibs, view.walk
    host = general_os(mibs)
    package = next((n for text in mibs.software[:5000] if _HYPERVISOR_PACKAGES.match(n := parse_package(text)[0])),
                   None)
    if package:
        # beats the generic "server" (35); a hypervisor definition knows better
        view.claim("heuristic", "device_class", "hypervisor", 45, f"installed package {package}")
    if mibs.printer.get("serial") or mibs.printer.get("page_count") is not None:
        view.claim("heuristic", "device_class", "printer", 40 if host else 80,
                   "Printer-MIB prtGeneral / prtMarker")
    elif not host and any(d["type"] == "printer" for d in mibs.hr_devices):
        view.claim("heuristic", "device_class", "printer", 60, "hrDeviceType printer")
    services = walk.int(SYS_SERVICES)
    forwarding = walk.int(IP_FORWARDING)
    ethernet_ports = sum(1 for i in mibs.interfaces if ethernet_port(i))
    radios = sum(1 for i in mibs.interfaces if radio(i))
    if not host and _port_kind(view, radios):
        return  # telephone lines, Fibre Channel, a DSL or mobile link: what the box is for
    if radios and ethernet_ports < 8 and not mibs.software:
        # it bridges Wi-Fi to a few wired ports: an access point (its bridge
        # table and layer-2 sysServices are no switch's), unless it routes
        # between networks of its own (a Wi-Fi router's WAN and LAN). An
        # embedded agent may list processors; a host lists its packages.
        subnets = _subnets(view)
        if forwarding == 1 and subnets >= 2:
            view.claim("heuristic", "device_class", "router", 52,
                       f"ipForwarding on, addresses in {subnets} networks, {radios} Wi-Fi interface(s)")
        else:
            view.claim("heuristic", "device_class", "wireless_ap", 52,
                       f"{radios} Wi-Fi interface(s) (ifType 71 or a Wi-Fi driver's name), {ethernet_ports} Ethernet port(s)")
        return
    if host:
        return  # a host OS: its class comes from the OS, not from its ports
    if services is not None and services & 0x02 and ethernet_ports >= 8:
        view.claim("heuristic", "device_class", "switch", 50,
                   f"sysServices layer 2 with {ethernet_ports} Ethernet ports")
    elif mibs.fdb and (ethernet_ports >= 4 or (services is not None and services & 0x02)):
        view.claim("heuristic", "device_class", "switch", 50, "BRIDGE-MIB forwarding table")
    elif (bridge_ports := sum(1 for _ in walk.subtree(DOT1D_BASE_PORT_IFINDEX))) >= 8 and ethernet_ports >= 8:
        # a bridge of many ports: a switch whose agent leaves out sysServices and its forwarding
        # table (a trimmed walk, or an agent that serves neither); a host's bridge has a few
        view.claim("heuristic", "device_class", "switch", 48,
                   f"BRIDGE-MIB: {bridge_ports} bridge ports, {ethernet_ports} Ethernet ports")
    elif forwarding == 1 and services is not None and services & 0x04:
        view.claim("heuristic", "device_class", "router", 40, "ipForwarding on, sysServices layer 3")


_MODEL_CODE = re.compile(r"^(?:[A-Za-z]+\(tm\)\s+)?([A-Z]{1,6}-?\d{2,5}[A-Z]{0,3}(?:-[A-Z0-9/]+)*)\b")
_MODEL_AFTER_VENDOR = re.compile(r"(?:Inc\.|Ltd\.?|Corp\.?|Systems)\s*,?\s+([A-Z]{2,6}\d{3,5}[A-Z]?(?:-[A-Z0-9]+)*),")


def descr_model(view: View) -> None:
    """A model code at the start of sysDescr ("DES-3200-18 Fast Ethernet
    Switch") or right after the maker ("..., Inc. ICX6430-24, IronWare ...")."""
    descr = (view.system("sys_descr") or "")[:1024]
    m = _MODEL_CODE.match(descr) or _MODEL_AFTER_VENDOR.search(descr)
    if m and not re.fullmatch(r"[A-Z]+-?\d{1,2}", m.group(1)):
        view.claim("heuristic", "model", m.group(1), 45, "sysDescr model code")


@functools.lru_cache(maxsize=1)
def _sysobject_ids() -> dict[str, tuple[str | None, ...]]:
    from collector.refdata import DataError, load_json

    try:
        data = load_json("sysobject.json")
    except DataError:
        return {}
    ids = data.get("ids", {}) if isinstance(data, dict) else {}
    # ~9,500 rows that repeat a few hundred vendor and type names: shared strings and
    # tuples (3.2 MiB decoded -> about 1.5)
    return {oid: tuple(sys.intern(v) if isinstance(v, str) else v for v in row) for oid, row in ids.items()}


#: GLPI's device types that say a class by themselves (POWER may be a UPS
#: or a PDU, STORAGE a NAS or an array, NETWORKING anything: the model decides).
_GLPI_CLASS = {"PRINTER": "printer", "PHONE": "voip", "VIDEO": "camera"}
_MODEL_CLASS = ((r"\bPDU\b|Rack PDU|ePDU", "pdu"), (r"\bUPS\b|Smart-UPS|Back-UPS", "ups"),
                (r"(?i)\bswitch\b", "switch"), (r"(?i)\brouter\b", "router"), (r"(?i)firewall", "firewall"),
                (r"(?i)access point|\bAP\b", "wireless_ap"))


def sysobject_claims(view: View) -> None:
    """GLPI Agent's sysObjectID table: the exact id gives vendor, model and
    type; a known shorter prefix the vendor only. Lower-confidence claims:
    ids are reused by newer products, so ENTITY-MIB and vendor MIBs win."""
    oid = view.system("sys_object_id")
    table = _sysobject_ids()
    if not oid or not table or not oid.startswith("1.3.6.1.4.1.") or pen_of(oid) in NOT_A_MAKER_PENS:
        return
    entry = table.get(oid)
    if entry:
        vendor, kind, model = entry
        ev = f"sysObjectID {oid} (GLPI sysObjectID table: {kind}{', ' + str(model) if model else ''})"
        view.claim("glpi-sysobject", "vendor", vendor, 70, ev)
        if oid in index().shared_ids:
            model = None  # a definition says the whole product line answers with this id
        view.claim("glpi-sysobject", "model", model, 50, ev)
        cls = _GLPI_CLASS.get(str(kind))
        if cls is None and model:
            cls = next((c for pattern, c in _MODEL_CLASS if re.search(pattern, str(model))), None)
        if cls:
            view.claim("glpi-sysobject", "device_class", cls, 50, ev)
        return
    parts = oid.split(".")
    for n in range(len(parts) - 1, 6, -1):
        entry = table.get(".".join(parts[:n]))
        if entry:
            view.claim("glpi-sysobject", "vendor", entry[0], 65,
                       f"sysObjectID under {'.'.join(parts[:n])} (GLPI sysObjectID table)")
            return


def enterprise_vendor(view: View) -> None:
    """No sysObjectID: the first enterprise subtree that answers (other than
    an agent's own, like net-snmp's, or a standards body's, like the PWG's)
    names the vendor, weakly."""
    if view.system("sys_object_id"):
        return
    pens = sorted(int(p.split(".")[6]) for p in view.enterprises() if p.split(".")[6].isdigit())
    pen = next((str(p) for p in pens if str(p) not in NOT_A_MAKER_PENS), None)
    if pen:
        view.claim("iana-pen", "vendor", vendor_of_pen(pen), 55,
                   f"enterprise subtree 1.3.6.1.4.1.{pen} answers ({pen_evidence(pen)})")


#: The sysObjectID's enterprise names the vendor at this confidence ...
PEN_VENDOR = 75
#: ... and at this one, under GLPI's exact-id claim (70), when GLPI's row for
#: the exact id names another brand the vendor table knows: the number's registrant
#: is often a company since bought (TippingPoint's ids answer on HP's boxes,
#: CacheFlow's on Blue Coat's, ArrowPoint's on Cisco's) or the maker of an
#: OEM's agent (Realtek's on Ubiquiti's). A row whose vendor column is no
#: brand ("radDataIP-mux1") leaves the registrant first; a definition's
#: vendor outranks both either way.
PEN_VENDOR_UNDER_GLPI = 69


def pen_vendor(view: View) -> None:
    """The vendor the enterprise number of the sysObjectID names (unless it
    names the agent's software, not the box's maker)."""
    from collector.vendornames import default as vendor_names

    oid = view.system("sys_object_id")
    pen = pen_of(oid)
    if pen and pen not in NOT_A_MAKER_PENS:
        registrant = vendor_of_pen(pen)
        row = _sysobject_ids().get(oid or "")
        brand = vendor_names().known(str(row[0])) if row and row[0] else None
        confidence = PEN_VENDOR
        if brand is not None and brand.casefold() != (vendor_names().canonical(registrant) or "").casefold():
            confidence = PEN_VENDOR_UNDER_GLPI
        view.claim("iana-pen", "vendor", registrant, confidence, f"sysObjectID enterprise {pen} ({pen_evidence(pen)})")


#: As weak as the vendor a MAC's OUI gives a host found by ARP
#: (:func:`collector.oui.mac_facts`): the NIC maker is usually, not always,
#: the box's maker; every other vendor claim outranks it.
OUI_VENDOR = 40


def oui_vendor(view: View) -> None:
    """The IEEE registrant of the agent's own interface addresses
    (ifPhysAddress), when most of those with a registrant name one maker:
    what ARP would say of the box, for an agent reached across a router or
    read from a recording. Locally administered addresses have no registrant."""
    from collector.oui import vendor_for_mac

    macs = {str(i["mac"]) for i in view.mibs.interfaces[:4096] if i.get("mac")}
    makers = Counter(v for v in map(vendor_for_mac, sorted(macs)[:512]) if v)
    if not makers:
        return
    maker, n = makers.most_common(1)[0]
    total = sum(makers.values())
    if 2 * n > total:
        view.claim("oui", "vendor", maker, OUI_VENDOR,
                   f"OUI of the agent's own interface addresses (ifPhysAddress): {n} of {total} registered to {maker}")


_PKG = (
    # Debian/Ubuntu net-snmp: "openssh-server_1:9.2p1-2+deb12u3_amd64"
    # (a Debian architecture, so RHEL's "qemu-kvm-7.2.0-14.el9_2.x86_64" is no Debian name)
    re.compile(r"^(?P<name>[a-z0-9][a-z0-9+.\-]*)_(?:\d+:)?(?P<version>[0-9][^_]*)_"
               r"(?:amd64|i386|arm64|armhf|armel|all|ppc64el|s390x|mips64el|mipsel|riscv64|powerpc|ppc64|"
               r"sparc64|alpha|hppa|ia64|m68k|sh4|x32|loong64|kfreebsd-amd64|hurd-i386)$"),
    # RPM: "openssh-server-7.4p1-21.el7.x86_64" / without arch
    re.compile(r"^(?P<name>.+?)-(?P<version>\d[^-]*-[^-]+?)(?:\.(?:x86_64|i[3-6]86|noarch|aarch64|armv7hl|ppc64le|s390x))?$"),
    # Windows: "Mozilla Firefox (x64 en-US) 115.0.2" / "7-Zip 19.00 (x64)"
    re.compile(r"^(?P<name>.+?)\s+v?(?P<version>\d+(?:\.\d+){1,3}[a-z]?)(?:\s*\(.*\))?$"),
)


def parse_package(text: str) -> tuple[str, str | None]:
    text = text.strip()
    for pattern in _PKG:
        m = pattern.match(text[:1024])
        if m:
            return m.group("name").strip(), m.group("version").strip()
    return text, None


def extras_of(view: View) -> dict[str, Any]:
    mibs = view.mibs
    extras = dict(view.claims.extras)
    if mibs.printer:
        extras["printer"] = mibs.printer
    if mibs.ups:
        extras["ups"] = mibs.ups
    if mibs.storage:
        extras.update(mibs.storage)
    return extras
