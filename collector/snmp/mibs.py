"""Parsers for the standard MIBs the collector reads: pure functions from a
:class:`~collector.snmp.walk.Walk` to plain records. Every parser tolerates
missing columns, wrong types and junk indexes (a hostile or broken agent
yields fewer records, never an exception)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from collector.snmp.walk import Walk, display, mac_from

# -- OIDs -------------------------------------------------------------------
SYS = "1.3.6.1.2.1.1"
SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_CONTACT, SYS_NAME, SYS_LOCATION, SYS_SERVICES = (
    f"{SYS}.{i}.0" for i in range(1, 8))
IP_FORWARDING = "1.3.6.1.2.1.4.1.0"
HR_MEMORY_SIZE = "1.3.6.1.2.1.25.2.2.0"
SYSTEM_SCALARS = [SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_CONTACT, SYS_NAME, SYS_LOCATION, SYS_SERVICES,
                  IP_FORWARDING, HR_MEMORY_SIZE]

ENT = "1.3.6.1.2.1.47.1.1.1.1"  # entPhysicalEntry
ENT_COLUMNS = {2: "descr", 4: "contained_in", 5: "class", 7: "name", 8: "hardware_rev", 9: "firmware_rev",
               10: "software_rev", 11: "serial", 12: "manufacturer", 13: "model"}
IF = "1.3.6.1.2.1.2.2.1"
IFX = "1.3.6.1.2.1.31.1.1.1"
IP_ADDR = "1.3.6.1.2.1.4.20.1"  # ipAddrEntry (index: the address)
IP_NET_TO_MEDIA = "1.3.6.1.2.1.4.22.1"
IP_NET_TO_PHYS = "1.3.6.1.2.1.4.35.1"
DOT1D_BASE_PORT_IFINDEX = "1.3.6.1.2.1.17.1.4.1.2"
DOT1D_TP_FDB = "1.3.6.1.2.1.17.4.3.1"
DOT1Q_TP_FDB_PORT = "1.3.6.1.2.1.17.7.1.2.2.1.2"
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
LLDP_LOC_PORT = "1.0.8802.1.1.2.1.3.7.1"
LLDP_REM_MAN_ADDR = "1.0.8802.1.1.2.1.4.2.1"
CDP_CACHE = "1.3.6.1.4.1.9.9.23.1.2.1.1"
HR_SW_NAME = "1.3.6.1.2.1.25.6.3.1.2"
HR_DEVICE = "1.3.6.1.2.1.25.3.2.1"
HR_STORAGE = "1.3.6.1.2.1.25.2.3.1"
PRT_GENERAL = "1.3.6.1.2.1.43.5.1.1"
PRT_MARKER_LIFE = "1.3.6.1.2.1.43.10.2.1.4"
PRT_SUPPLIES = "1.3.6.1.2.1.43.11.1.1"
UPS_MIB = "1.3.6.1.2.1.33.1"
UPS_IDENT = "1.3.6.1.2.1.33.1.1"
UPS_BATTERY = "1.3.6.1.2.1.33.1.2"

#: Subtrees read from every agent that answered, as groups of columns walked
#: together (one GETBULK carries one varbind per column).
STANDARD_WALKS: list[list[str]] = [
    [f"{ENT}.{c}" for c in ENT_COLUMNS],
    [f"{IF}.{c}" for c in (2, 3, 5, 6, 7, 8)] + [f"{IFX}.{c}" for c in (1, 15, 18)],
    [f"{IP_ADDR}.2", f"{IP_ADDR}.3"],
    [f"{IP_NET_TO_MEDIA}.2", f"{IP_NET_TO_MEDIA}.4", f"{IP_NET_TO_PHYS}.4", f"{IP_NET_TO_PHYS}.6"],
    [DOT1D_BASE_PORT_IFINDEX, f"{DOT1D_TP_FDB}.2", f"{DOT1D_TP_FDB}.3", DOT1Q_TP_FDB_PORT],
    [f"{LLDP_REM}.{c}" for c in (4, 5, 6, 7, 8, 9, 10)] + [f"{LLDP_LOC_PORT}.3", f"{LLDP_LOC_PORT}.4",
                                                          f"{LLDP_REM_MAN_ADDR}.3"],
    [f"{HR_DEVICE}.2", f"{HR_DEVICE}.3", f"{HR_STORAGE}.2", f"{HR_STORAGE}.3", f"{HR_STORAGE}.4",
     f"{HR_STORAGE}.5", "1.3.6.1.2.1.25.1"],
    [HR_SW_NAME],
    [f"{PRT_GENERAL}.16", f"{PRT_GENERAL}.17", PRT_MARKER_LIFE, f"{PRT_SUPPLIES}.6", f"{PRT_SUPPLIES}.8",
     f"{PRT_SUPPLIES}.9", UPS_MIB],
]
CISCO_WALKS: list[list[str]] = [[f"{CDP_CACHE}.{c}" for c in (4, 5, 6, 7, 8)]]


def _index_ip(suffix: str) -> str | None:
    parts = suffix.split(".")
    if len(parts) < 4:
        return None
    try:
        return str(ipaddress.IPv4Address(".".join(parts[-4:])))
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# -- ENTITY-MIB -------------------------------------------------------------
ENT_CLASSES = {1: "other", 2: "unknown", 3: "chassis", 4: "backplane", 5: "container", 6: "powerSupply",
               7: "fan", 8: "sensor", 9: "module", 10: "port", 11: "stack", 12: "cpu"}


def entities(walk: Walk) -> list[dict[str, Any]]:
    """entPhysicalTable rows (index order), with text columns cleaned."""
    rows: dict[str, dict[str, Any]] = {}
    for col, name in ENT_COLUMNS.items():
        for idx, vb in walk.subtree(f"{ENT}.{col}"):
            row = rows.setdefault(idx, {"index": idx})
            if name in ("class", "contained_in"):
                row[name] = _int(vb[1])
            else:
                row[name] = display(vb)
    out = list(rows.values())
    for row in out:
        row["class_name"] = ENT_CLASSES.get(row.get("class") or 0, "unknown")
    return out


def chassis(walk: Walk, rows: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The physical boxes: chassis entities that are not inside another
    chassis (stack members count), or a stack's members."""
    rows = entities(walk) if rows is None else rows
    if rows and not any(r.get("class") for r in rows):
        # no entPhysicalClass at all (a recording trimmed to some columns, an agent that
        # leaves it out): the row that calls itself the chassis, if one does
        named = [r for r in rows if re.match(r"(?i)chassis\b", r.get("name") or "")]
        return named[:1]
    by_index = {r["index"]: r for r in rows}
    out = []
    for row in rows:
        if row.get("class") != 3:
            continue
        parent = by_index.get(str(row.get("contained_in") or 0))
        # a chassis inside another chassis is a module seen as chassis
        if parent is not None and parent.get("class") == 3:
            continue
        out.append(row)
    return out


# -- IF-MIB -----------------------------------------------------------------
_STATUS = {1: "up", 2: "down", 3: "testing", 4: "unknown", 5: "dormant", 6: "notPresent", 7: "lowerLayerDown"}


def interfaces(walk: Walk) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for idx, vb in walk.subtree(f"{IF}.2"):
        rows.setdefault(idx, {})["descr"] = display(vb)
    for idx, vb in walk.subtree(f"{IFX}.1"):
        rows.setdefault(idx, {})["name"] = display(vb)
    for idx, vb in walk.subtree(f"{IFX}.18"):
        rows.setdefault(idx, {})["alias"] = display(vb)
    for idx, vb in walk.subtree(f"{IF}.3"):
        rows.setdefault(idx, {})["type"] = _int(vb[1])
    for idx, vb in walk.subtree(f"{IF}.6"):
        rows.setdefault(idx, {})["mac"] = mac_from(vb[1])
    for idx, vb in walk.subtree(f"{IF}.5"):
        rows.setdefault(idx, {})["speed_bps"] = _int(vb[1])
    for idx, vb in walk.subtree(f"{IFX}.15"):
        high = _int(vb[1])
        if high and high * 1_000_000 > (rows.setdefault(idx, {}).get("speed_bps") or 0):
            rows[idx]["speed_bps"] = high * 1_000_000
    for idx, vb in walk.subtree(f"{IF}.7"):
        rows.setdefault(idx, {})["admin_status"] = _STATUS.get(_int(vb[1]) or 0)
    for idx, vb in walk.subtree(f"{IF}.8"):
        rows.setdefault(idx, {})["oper_status"] = _STATUS.get(_int(vb[1]) or 0)
    out = []
    for idx, row in rows.items():
        if not idx.isdigit():
            continue
        row["if_index"] = int(idx)
        row["name"] = row.get("name") or row.get("descr")
        out.append(row)
    out.sort(key=lambda r: r["if_index"])
    return out


# -- IP-MIB -----------------------------------------------------------------

def own_addresses(walk: Walk, ifaces: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The agent's own IPv4 addresses (ipAddrTable), with the interface MAC."""
    macs = {str(r["if_index"]): r.get("mac") for r in (interfaces(walk) if ifaces is None else ifaces)}
    out = []
    for idx, vb in walk.subtree(f"{IP_ADDR}.2"):
        ip = _index_ip(idx)
        if ip is None or ipaddress.IPv4Address(ip).is_loopback or ip == "0.0.0.0":
            continue
        if_index = _int(vb[1])
        mask = walk.text(f"{IP_ADDR}.3.{idx}")
        out.append({"ip": ip, "if_index": if_index, "mask": mask, "mac": macs.get(str(if_index))})
    return out


_ARP_TYPES = {1: "other", 2: "invalid", 3: "dynamic", 4: "static", 5: "local"}


def arp_table(walk: Walk) -> list[dict[str, Any]]:
    """Neighbours from ipNetToMediaTable and ipNetToPhysicalTable (IPv4)."""
    seen: dict[str, dict[str, Any]] = {}
    for idx, vb in walk.subtree(f"{IP_NET_TO_MEDIA}.2"):
        parts = idx.split(".")
        ip = _index_ip(idx)
        mac = mac_from(vb[1])
        kind = _ARP_TYPES.get(_int(walk.raw(f"{IP_NET_TO_MEDIA}.4.{idx}")) or 0)
        if ip and mac and kind != "invalid" and len(parts) == 5:
            seen[ip] = {"ip": ip, "mac": mac, "if_index": int(parts[0]) if parts[0].isdigit() else None,
                        "type": kind}
    for idx, vb in walk.subtree(f"{IP_NET_TO_PHYS}.4"):
        parts = idx.split(".")
        # ifIndex . addrType(1=ipv4) . length(4) . a.b.c.d
        if len(parts) != 7 or parts[1] != "1" or parts[2] != "4":
            continue
        ip = _index_ip(idx)
        mac = mac_from(vb[1])
        state = _int(walk.raw(f"{IP_NET_TO_PHYS}.6.{idx}"))
        if ip and mac and state != 2 and ip not in seen:
            seen[ip] = {"ip": ip, "mac": mac, "if_index": int(parts[0]) if parts[0].isdigit() else None,
                        "type": _ARP_TYPES.get(state or 0)}
    return sorted(seen.values(), key=lambda r: ipaddress.IPv4Address(r["ip"]))


# -- BRIDGE-MIB / Q-BRIDGE-MIB ----------------------------------------------
_FDB_STATUS = {1: "other", 2: "invalid", 3: "learned", 4: "self", 5: "mgmt"}


def _mac_index(parts: list[str]) -> str | None:
    if len(parts) != 6 or not all(p.isdigit() and int(p) < 256 for p in parts):
        return None
    return ":".join(f"{int(p):02x}" for p in parts)


def forwarding_table(walk: Walk, ifaces: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Which MAC was learned on which bridge port (and interface name)."""
    port_if = {idx: _int(vb[1]) for idx, vb in walk.subtree(DOT1D_BASE_PORT_IFINDEX)}
    names = {r["if_index"]: r.get("name") for r in (interfaces(walk) if ifaces is None else ifaces)}
    out: dict[tuple[str, int], dict[str, Any]] = {}

    def add(mac: str | None, port: int | None, status: str | None, vlan: int | None) -> None:
        if mac is None or port is None or port == 0 or status in ("self", "invalid"):
            return
        if_index = port_if.get(str(port))
        out.setdefault((mac, port), {"mac": mac, "port": port, "if_index": if_index,
                                     "if_name": names.get(if_index) if if_index else None,
                                     "vlan": vlan, "status": status})

    for idx, vb in walk.subtree(f"{DOT1D_TP_FDB}.2"):
        status = _FDB_STATUS.get(_int(walk.raw(f"{DOT1D_TP_FDB}.3.{idx}")) or 0)
        add(_mac_index(idx.split(".")), _int(vb[1]), status, None)
    for idx, vb in walk.subtree(DOT1Q_TP_FDB_PORT):
        parts = idx.split(".")
        if len(parts) != 7:
            continue
        add(_mac_index(parts[1:]), _int(vb[1]), None, int(parts[0]) if parts[0].isdigit() else None)
    return sorted(out.values(), key=lambda r: (r["port"], r["mac"]))


# -- LLDP / CDP ---------------------------------------------------------------
_CHASSIS_SUBTYPE_MAC = 4
_PORT_SUBTYPE_MAC = 3


def lldp_neighbours(walk: Walk) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    cols = {5: "chassis_id", 7: "port_id", 8: "port_descr", 9: "sys_name", 10: "sys_descr"}
    for col, name in cols.items():
        for idx, vb in walk.subtree(f"{LLDP_REM}.{col}"):
            row = rows.setdefault(idx, {})
            row[name] = vb
    local_ports = {idx: display(vb) for idx, vb in walk.subtree(f"{LLDP_LOC_PORT}.4")}
    local_ids = {idx: display(vb) for idx, vb in walk.subtree(f"{LLDP_LOC_PORT}.3")}
    man: dict[str, str] = {}
    for idx, _vb in walk.subtree(f"{LLDP_REM_MAN_ADDR}.3"):
        parts = idx.split(".")  # timeMark.localPort.remIndex.addrSubtype.len.addr...
        if len(parts) >= 9 and parts[3] == "1" and parts[4] == "4":
            man[".".join(parts[:3])] = ".".join(parts[5:9])
    out = []
    for idx, row in rows.items():
        parts = idx.split(".")
        if len(parts) != 3:
            continue
        subtype = _int(walk.raw(f"{LLDP_REM}.4.{idx}"))
        chassis_vb = row.get("chassis_id")
        chassis_id = (mac_from(chassis_vb[1]) if subtype == _CHASSIS_SUBTYPE_MAC and chassis_vb else
                      display(chassis_vb) if chassis_vb else None)
        port_subtype = _int(walk.raw(f"{LLDP_REM}.6.{idx}"))
        port_vb = row.get("port_id")
        port_id = (mac_from(port_vb[1]) if port_subtype == _PORT_SUBTYPE_MAC and port_vb else
                   display(port_vb) if port_vb else None)
        local = parts[1]
        out.append({
            "protocol": "lldp", "local_port": local_ports.get(local) or local_ids.get(local) or local,
            "chassis_id": chassis_id, "port": port_id,
            "port_descr": display(row["port_descr"]) if row.get("port_descr") else None,
            "name": display(row["sys_name"]) if row.get("sys_name") else None,
            "descr": display(row["sys_descr"]) if row.get("sys_descr") else None,
            "ip": man.get(idx),
        })
    return out


def cdp_neighbours(walk: Walk, ifnames: dict[int, str | None] | None = None) -> list[dict[str, Any]]:
    ifnames = ifnames if ifnames is not None else {r["if_index"]: r.get("name") for r in interfaces(walk)}
    rows: dict[str, dict[str, Any]] = {}
    for col, name in ((4, "address"), (5, "version"), (6, "name"), (7, "port"), (8, "platform")):
        for idx, vb in walk.subtree(f"{CDP_CACHE}.{col}"):
            rows.setdefault(idx, {})[name] = vb
    out = []
    for idx, row in rows.items():
        parts = idx.split(".")
        addr = row.get("address")
        ip = (str(ipaddress.IPv4Address(addr[1])) if addr and isinstance(addr[1], bytes) and len(addr[1]) == 4
              else None)
        local = int(parts[0]) if parts and parts[0].isdigit() else None
        out.append({"protocol": "cdp", "local_port": ifnames.get(local) if local else None,
                    "name": display(row["name"]) if row.get("name") else None,
                    "port": display(row["port"]) if row.get("port") else None,
                    "platform": display(row["platform"]) if row.get("platform") else None,
                    "descr": display(row["version"]) if row.get("version") else None, "ip": ip})
    return out


# -- HOST-RESOURCES-MIB ---------------------------------------------------------
HR_DEVICE_TYPES = {"1.3.6.1.2.1.25.3.1.3": "processor", "1.3.6.1.2.1.25.3.1.4": "network",
                   "1.3.6.1.2.1.25.3.1.5": "printer", "1.3.6.1.2.1.25.3.1.6": "disk",
                   "1.3.6.1.2.1.25.3.1.10": "video", "1.3.6.1.2.1.25.3.1.11": "audio"}


def hr_devices(walk: Walk) -> list[dict[str, Any]]:
    out = []
    for idx, vb in walk.subtree(f"{HR_DEVICE}.3"):
        kind = walk.oid(f"{HR_DEVICE}.2.{idx}")
        out.append({"index": idx, "type": HR_DEVICE_TYPES.get(kind or "", "other"), "descr": display(vb)})
    return out


def installed_software(walk: Walk) -> list[str]:
    """hrSWInstalledName values (the agent's package list)."""
    return [text for _idx, vb in walk.subtree(HR_SW_NAME) if (text := display(vb))]


def storage(walk: Walk) -> dict[str, Any]:
    out: dict[str, Any] = {}
    memory = walk.int(HR_MEMORY_SIZE)
    if memory:
        out["memory_kib"] = memory
    disks = []
    for idx, vb in walk.subtree(f"{HR_STORAGE}.2"):
        kind = vb[1] if isinstance(vb[1], str) else ""
        if kind != "1.3.6.1.2.1.25.2.1.4":  # hrStorageFixedDisk
            continue
        unit = walk.int(f"{HR_STORAGE}.4.{idx}") or 0
        size = walk.int(f"{HR_STORAGE}.5.{idx}") or 0
        if unit and size:
            disks.append({"name": walk.text(f"{HR_STORAGE}.3.{idx}"), "bytes": unit * size})
    if disks:
        out["disks"] = disks
    return out


# -- Printer-MIB / UPS-MIB ---------------------------------------------------------

def printer(walk: Walk) -> dict[str, Any]:
    out: dict[str, Any] = {}
    serial = next((display(vb) for _i, vb in walk.subtree(f"{PRT_GENERAL}.17") if display(vb)), None)
    name = next((display(vb) for _i, vb in walk.subtree(f"{PRT_GENERAL}.16") if display(vb)), None)
    if serial:
        out["serial"] = serial
    if name:
        out["name"] = name
    pages = [v for _i, vb in walk.subtree(PRT_MARKER_LIFE) if (v := _int(vb[1])) is not None]
    if pages:
        out["page_count"] = max(pages)
    supplies = []
    for idx, vb in walk.subtree(f"{PRT_SUPPLIES}.6"):
        cap = _int(walk.raw(f"{PRT_SUPPLIES}.8.{idx}"))
        level = _int(walk.raw(f"{PRT_SUPPLIES}.9.{idx}"))
        pct = round(100 * level / cap) if cap and cap > 0 and level is not None and level >= 0 else None
        supplies.append({"name": display(vb), "level_percent": pct})
    if supplies:
        out["supplies"] = supplies
    return out


def ups(walk: Walk) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, name in ((1, "manufacturer"), (2, "model"), (3, "ups_software"), (4, "agent_software"), (5, "name")):
        value = walk.text(f"{UPS_IDENT}.{i}.0")
        if value:
            out[name] = value
    status = {1: "unknown", 2: "normal", 3: "low", 4: "depleted"}.get(walk.int(f"{UPS_BATTERY}.1.0") or 0)
    if status:
        out["battery_status"] = status
    minutes = walk.int(f"{UPS_BATTERY}.3.0")
    charge = walk.int(f"{UPS_BATTERY}.4.0")
    if minutes is not None:
        out["battery_minutes"] = minutes
    if charge is not None:
        out["battery_charge_percent"] = charge
    return out


@dataclass
class Mibs:
    """Every standard-MIB record of one walk (computed once)."""

    walk: Walk

    def __post_init__(self) -> None:
        w = self.walk
        self.entities = entities(w)
        self.chassis = chassis(w, self.entities)
        self.interfaces = interfaces(w)
        self.addresses = own_addresses(w, self.interfaces)
        self.arp = arp_table(w)
        self.fdb = forwarding_table(w, self.interfaces)
        ifnames = {r["if_index"]: r.get("name") for r in self.interfaces}
        self.neighbours = lldp_neighbours(w) + cdp_neighbours(w, ifnames)
        self.hr_devices = hr_devices(w)
        self.software = installed_software(w)
        self.storage = storage(w)
        self.printer = printer(w)
        self.ups = ups(w)
