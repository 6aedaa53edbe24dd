"""Generic identification rules (collector/snmp/generic.py, engine.py) on
constructed walks: each test is a small walk built from the standard and
vendor MIBs it cites, with the fields the rule must give (or must not)."""

from __future__ import annotations

import pytest

from collector.snmp import fallback, generic
from collector.snmp.generic import NOT_A_MAKER_PENS, SOFTWARE_AGENT_PENS, STANDARDS_PENS
from collector.snmp.identify import identify
from collector.snmp.plan import simulate
from collector.snmp.walk import walk_from_mapping

PRINTER_SERIAL = "1.3.6.1.2.1.43.5.1.1.17.1"
PAGES = "1.3.6.1.2.1.43.10.2.1.4.1.1"
#: PRINTER-PORT-MONITOR-MIB::ppmGeneralNaturalLanguage (PWG 5107.1), enterprise 2699
PPM_LANGUAGE = "1.3.6.1.4.1.2699.1.2.1.1.1.0"


def best(mapping: dict[str, object]) -> dict[str, str | None]:
    return identify(simulate(walk_from_mapping(mapping))).best()


def explain(mapping: dict[str, object]) -> dict[str, dict]:
    return {e["field"]: e for e in identify(simulate(walk_from_mapping(mapping))).explain()}


def test_standards_bodies_and_agents_are_no_makers():
    assert {"77", "2699", "4491", "412"} <= STANDARDS_PENS
    assert {"8072", "2021", "311", "4413"} <= SOFTWARE_AGENT_PENS
    assert NOT_A_MAKER_PENS == SOFTWARE_AGENT_PENS | STANDARDS_PENS


def test_printer_working_group_subtree_names_no_vendor():
    got = best({"1.3.6.1.2.1.1.1.0": "Network Printer", PRINTER_SERIAL: "X3B7012345", PAGES: 4711,
                PPM_LANGUAGE: "en-US"})
    assert got["device_class"] == "printer"
    assert got["vendor"] is None


def test_a_maker_subtree_beside_the_pwg_one_still_names_the_maker():
    # Kyocera's enterprise 1347 answers beside the PWG port monitor MIB
    got = best({"1.3.6.1.2.1.1.1.0": "Network Printer", PRINTER_SERIAL: "X3B7012345", PAGES: 4711,
                PPM_LANGUAGE: "en-US", "1.3.6.1.4.1.1347.43.5.1.1.28.1": "LVX1234567"})
    assert got["vendor"] == "Kyocera"


def test_cablelabs_subtree_names_no_vendor():
    got = best({"1.3.6.1.2.1.1.1.0": "Cable Modem", "1.3.6.1.4.1.4491.2.1.14.1.1.1.0": 1})
    assert got["vendor"] is None


NET_SNMP = "1.3.6.1.4.1.8072.3.2.10"


def test_net_snmp_ups_card_is_no_linux_host():
    # Huawei UPS2000 RMS card: net-snmp on Linux, the Huawei UPS MIB row
    # (hwUps... 2011.6.174.1.2.100.1, as NUT's huawei subdriver reads it)
    got = best({"1.3.6.1.2.1.1.1.0": "Linux UPS2000 3.4.35 #1 PREEMPT armv7l", "1.3.6.1.2.1.1.2.0": NET_SNMP,
                "1.3.6.1.4.1.2011.6.174.1.2.100.1.2.1": "UPS2000-G-3KRTL"})
    assert (got["device_class"], got["vendor"]) == ("ups", "Huawei")
    assert (got["os_name"], got["os_version"]) == (None, None)
    assert got["kernel_version"] == "3.4.35"


def test_standard_mib_appliances_on_linux_are_no_linux_hosts():
    linux = {"1.3.6.1.2.1.1.1.0": "Linux mfp 4.4.60 #1 SMP PREEMPT armv7l", "1.3.6.1.2.1.1.2.0": NET_SNMP}
    # Printer-MIB prtGeneralSerialNumber and a page counter, no package list
    got = best({**linux, PRINTER_SERIAL: "X3B7012345", PAGES: 4711})
    assert (got["device_class"], got["os_name"], got["kernel_version"]) == ("printer", None, "4.4.60")
    # UPS-MIB upsIdent (RFC 1628) on a Linux network card
    got = best({**linux, "1.3.6.1.2.1.33.1.1.1.0": "VOLTARO POWER SYSTEMS LTD.",
                "1.3.6.1.2.1.33.1.1.2.0": "PowerWall 3000"})
    assert (got["device_class"], got["os_name"], got["kernel_version"]) == ("ups", None, "4.4.60")


def test_net_snmp_linux_server_stays_linux():
    got = best({"1.3.6.1.2.1.1.1.0": "Linux gw 5.4.0-1 #1 SMP Fri Jan 5 2024 x86_64", "1.3.6.1.2.1.1.2.0": NET_SNMP})
    assert (got["device_class"], got["os_name"], got["kernel_version"]) == ("server", "Linux", "5.4.0-1")


def test_a_makers_own_sysobjectid_on_linux_is_no_server():
    descr = {"1.3.6.1.2.1.1.1.0": "Linux AC 2.4.35.4-AC1.95 #57 SMP 10 20 18:47:21 CST 2009 i686"}
    # Linux's own agents, or none: a general-purpose host
    for oid in ("1.3.6.1.4.1.8072.3.2.10", "1.3.6.1.4.1.2021.250.10", None):
        walk = {**descr, "1.3.6.1.2.1.1.2.0": oid} if oid else descr
        assert best(walk)["device_class"] == "server", oid
    # a maker's own agent on Linux (an appliance no definition knows): no class rather than "server"
    got = best({**descr, "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99998.2.1"})
    assert (got["device_class"], got["os_name"]) == (None, "Linux")


def test_a_definition_naming_the_box_but_no_class_keeps_linux():
    # Dell OpenManage on a Linux server (MIB-Dell-10892 chassisModelName)
    got = best({"1.3.6.1.2.1.1.1.0": "Linux r740 5.14.0-362.el9.x86_64 #1 SMP x86_64", "1.3.6.1.2.1.1.2.0": NET_SNMP,
                "1.3.6.1.4.1.674.10892.1.300.10.1.9.1": "PowerEdge R740"})
    assert (got["vendor"], got["model"], got["device_class"]) == ("Dell", "PowerEdge R740", "server")
    assert got["os_name"] is not None


def _run(extra: dict[str, object], walk: dict[str, object]) -> dict[str, str | None]:
    """The generic Linux definition and one constructed appliance definition."""
    from collector.identity import best_facts
    from collector.snmp import engine
    from collector.snmp.claims import Claims
    from collector.snmp.definitions import definitions, parse
    from collector.snmp.mibs import Mibs

    w = walk_from_mapping(walk)
    view = engine.View(w, Mibs(w), Claims())
    appliance = parse({"family": "acme-box", "confidence": 40,
                       "match": [{"oid": "1.3.6.1.4.1.99998.1.0"}], **extra}, "defs/test/acme-box.yaml")
    linux = next(d for d in definitions() if d.family == "linux")
    matched = engine.run((linux, appliance), view)
    engine.appliance_os(matched, view)
    winners = best_facts(view.claims.finish())
    return {k: str(f.value) for k, f in winners.items()}


LINUX_APPLIANCE = {"1.3.6.1.2.1.1.1.0": "Linux box 4.9.0 #1 SMP armv7l", "1.3.6.1.2.1.1.2.0": NET_SNMP,
                   "1.3.6.1.4.1.99998.1.0": "present"}


def test_a_definitions_os_wins_over_generic_linux_whatever_the_confidence():
    got = _run({"os": "AXIS OS", "class": "camera"}, LINUX_APPLIANCE)
    assert (got.get("os_name"), got.get("device_class"), got.get("kernel_version")) == ("AXIS OS", "camera", "4.9.0")
    assert got.get("os_version") is None  # the kernel described "Linux", not this OS


def test_an_appliance_class_silences_generic_linux_but_a_host_class_does_not():
    got = _run({"class": "camera", "fields": {"device_class": [{"value": "camera", "confidence": 60}]}},
               LINUX_APPLIANCE)
    assert (got.get("os_name"), got.get("device_class"), got.get("kernel_version")) == (None, "camera", "4.9.0")
    got = _run({"class": "server", "fields": {"device_class": [{"value": "server", "confidence": 60}]}},
               LINUX_APPLIANCE)
    assert (got.get("os_name"), got.get("device_class")) == ("Linux", "server")
    # an appliance class that loses to the host class is no appliance
    got = _run({"class": "camera", "confidence": 30}, LINUX_APPLIANCE)
    assert (got.get("os_name"), got.get("device_class")) == ("Linux", "server")


# -- class heuristics (IF-MIB ifType, IP-MIB ipAddrTable / ipForwarding,
# BRIDGE-MIB dot1dTpFdbTable, sysServices, HOST-RESOURCES hrSWInstalled) --

IF_DESCR, IF_TYPE = "1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.2.2.1.3"
IP_ADDR_IF, IP_ADDR_MASK = "1.3.6.1.2.1.4.20.1.2", "1.3.6.1.2.1.4.20.1.3"


def _ifaces(*rows: tuple[str, int]) -> dict[str, object]:
    out: dict[str, object] = {}
    for n, (descr, kind) in enumerate(rows, 1):
        out[f"{IF_DESCR}.{n}"], out[f"{IF_TYPE}.{n}"] = descr, kind
    return out


def _addr(ip: str, if_index: int, mask: str = "255.255.255.0") -> dict[str, object]:
    return {f"{IP_ADDR_IF}.{ip}": if_index, f"{IP_ADDR_MASK}.{ip}": f"ip:{mask}"}


#: an embedded agent with an unknown sysObjectID: its class comes from the heuristics
EMBEDDED = {"1.3.6.1.2.1.1.1.0": "Embedded device", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99998.1",
            "1.3.6.1.2.1.1.7.0": 2,  # sysServices: layer 2
            # BRIDGE-MIB dot1dTpFdbPort / Status: two learned addresses
            "1.3.6.1.2.1.17.4.3.1.2.0.17.34.51.68.85": 1, "1.3.6.1.2.1.17.4.3.1.3.0.17.34.51.68.85": 3,
            "1.3.6.1.2.1.17.4.3.1.2.0.17.34.51.68.86": 2, "1.3.6.1.2.1.17.4.3.1.3.0.17.34.51.68.86": 3}


def test_a_bridge_with_wifi_radios_is_an_access_point_not_a_switch():
    walk = {**EMBEDDED, **_ifaces(("lo", 24), ("eth0", 6), ("wifi0", 71), ("wifi1", 71)),
            **_addr("192.168.1.2", 2)}
    assert best(walk)["device_class"] == "wireless_ap"
    # the same bridge without radios stays a switch (BRIDGE-MIB forwarding table)
    walk = {**EMBEDDED, **_ifaces(("lo", 24), ("eth0", 6), ("eth1", 6)), **_addr("192.168.1.2", 2)}
    assert best(walk)["device_class"] == "switch"


def test_a_wifi_device_routing_between_its_own_networks_is_a_router():
    walk = {**EMBEDDED, "1.3.6.1.2.1.1.7.0": 78, "1.3.6.1.2.1.4.1.0": 1,  # ipForwarding: forwarding
            **_ifaces(("lo", 24), ("wan", 6), ("lan", 6), ("wlan0", 71)),
            **_addr("203.0.113.7", 2), **_addr("192.168.1.1", 3)}
    assert best(walk)["device_class"] == "router"
    # forwarding on, but one network of its own: an access point
    walk = {**walk, **{k: v for k, v in _addr("192.168.1.9", 2).items()}}
    del walk[f"{IP_ADDR_IF}.203.0.113.7"], walk[f"{IP_ADDR_MASK}.203.0.113.7"]
    assert best(walk)["device_class"] == "wireless_ap"


def test_radios_named_by_their_linux_driver_make_an_access_point():
    # an Atheros airOS-style agent reports its radios as ethernetCsmacd (6): wifi0/ath0 are
    # radios, br0 and the VLAN sub-interfaces eth0.40 / ath0.40 are no ports
    walk = {**EMBEDDED, **_ifaces(("lo", 24), ("eth0", 6), ("eth1", 6), ("wifi0", 6), ("ath0", 6), ("eth0.40", 6),
                                  ("ath0.40", 6), ("br0", 6), ("br1", 6), ("vlan2", 6)),
            **_addr("192.168.1.2", 2)}
    assert best(walk)["device_class"] == "wireless_ap"
    # names that only look alike are ports: a switch's "wl-uplink", "rack1"
    walk = {**EMBEDDED, **_ifaces(*[(f"rack{i}", 6) for i in range(1, 11)], ("wl-uplink", 6))}
    assert best(walk)["device_class"] == "switch"


def test_versatile_routing_platform_names_an_os_not_a_router():
    got = best({"1.3.6.1.2.1.1.1.0": "S5720-28X-LI-AC Huawei Versatile Routing Platform Software VRP (R) software, "
                                     "Version 5.170 (S5720 V200R011C10SPC600) Copyright (C) 2000-2018 HUAWEI TECH CO., LTD",
                "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99998.2"})
    assert got["device_class"] != "router"
    assert best({"1.3.6.1.2.1.1.1.0": "Juniper Networks Universal Routing Platform",
                 "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99998.2"})["device_class"] == "router"


def test_many_wired_ports_and_a_radio_stay_a_switch():
    walk = {**EMBEDDED, **_ifaces(*[(f"port{i}", 6) for i in range(1, 11)], ("wlan0", 71))}
    assert best(walk)["device_class"] == "switch"


def test_a_bridge_of_many_ports_is_a_switch_without_sysservices_or_a_forwarding_table():
    # a trimmed walk (a Mellanox Onyx switch's, in the tuning set): no sysServices, no FDB rows,
    # BRIDGE-MIB dot1dBasePortIfIndex lists 10 ports over 10 Ethernet interfaces
    ports = {f"1.3.6.1.2.1.17.1.4.1.2.{i}": i for i in range(1, 11)}
    bare = {"1.3.6.1.2.1.1.1.0": "Embedded device", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99998.1"}
    walk = {**bare, **_ifaces(*[(f"port{i}", 6) for i in range(1, 11)]), **ports}
    got = best(walk)
    assert got["device_class"] == "switch"
    # a Linux bridge of a few ports is no switch
    few = {k: v for k, v in ports.items() if int(k.rsplit(".", 1)[1]) <= 3}
    assert best({**bare, **_ifaces(*[(f"port{i}", 6) for i in range(1, 11)]), **few}).get("device_class") != "switch"
    # nor is a host listing its packages, whatever its bridge
    host = {**walk, "1.3.6.1.2.1.25.6.3.1.2.1": "openssh-server_1:9.2p1-2+deb12u3_amd64"}
    assert best(host).get("device_class") != "switch"


def test_the_kinds_of_port_say_what_a_box_is_for():
    plain = {"1.3.6.1.2.1.1.1.0": "Embedded device", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99998.1"}
    # telephone lines (ifType voiceFXS 102): a voice gateway, though it also bridges (sysServices 2, FDB rows)
    walk = {**EMBEDDED, **_ifaces(("eth0", 6), ("eth1", 6), *[(f"fxs{i}", 102) for i in range(1, 5)])}
    assert best(walk)["device_class"] == "voip"
    assert best({**plain, **_ifaces(("eth0", 6), ("fxs1", 102))})["device_class"] is None  # one line says little
    # many Fibre Channel ports (ifType 56): a SAN switch; a host's HBA pair is no switch
    assert best({**plain, **_ifaces(("eth0", 6), *[(f"fc{i}", 56) for i in range(8)])})["device_class"] == "switch"
    assert best({**plain, **_ifaces(("eth0", 6), ("fc0", 56), ("fc1", 56))})["device_class"] is None
    # a DSL line (vdsl2 251) or a mobile broadband link (wwanPP 243): a router, even with Wi-Fi radios
    got = identify(walk_from_mapping({**plain, **_ifaces(("eth0", 6), ("dsl0", 251), ("wlan0", 71))})).explain()
    cls = {e["field"]: e for e in got}["device_class"]
    assert cls["value"] == "router" and "1 DSL line(s)" in cls["evidence"] and "1 Wi-Fi interface(s)" in cls["evidence"]
    assert best({**plain, **_ifaces(("eth0", 6), ("wwan0", 243))})["device_class"] == "router"
    # a host with a mobile broadband modem stays a host
    host = {**plain, **_ifaces(("eth0", 6), ("wwan0", 243)),
            "1.3.6.1.2.1.25.6.3.1.2.1": "openssh-server_1:9.2p1-2+deb12u3_amd64"}
    assert best(host)["device_class"] != "router"


def test_a_capwap_access_controller_is_a_wireless_controller_not_a_switch():
    walk = {"1.3.6.1.2.1.1.1.0": "Wireless access controller", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99998.3",
            "1.3.6.1.2.1.1.7.0": 78, **_ifaces(*[(f"GigabitEthernet1/0/{i}", 6) for i in range(1, 25)]),
            "1.3.6.1.2.1.196.1.1.2.0": 640}  # CAPWAP-BASE-MIB capwapBaseWtpSessionsLimit
    ident = identify(simulate(walk_from_mapping(walk)))
    assert ident.best()["device_class"] == "wireless_ap" and "capwap-base" in ident.definitions
    # the feature switched off (no access point may join): the ports say switch
    walk["1.3.6.1.2.1.196.1.1.2.0"] = 0
    ident = identify(simulate(walk_from_mapping(walk)))
    assert ident.best()["device_class"] == "switch" and "capwap-base" not in ident.definitions


def test_a_host_listing_packages_is_no_access_point_for_its_wifi():
    walk = {"1.3.6.1.2.1.1.1.0": "Linux pi 6.1.21-v8+ #1 SMP PREEMPT aarch64", "1.3.6.1.2.1.1.2.0": NET_SNMP,
            **_ifaces(("lo", 24), ("eth0", 6), ("wlan0", 71)),
            "1.3.6.1.2.1.25.6.3.1.2.1": "openssh-server_1:9.2p1-2+deb12u3_arm64"}
    assert best(walk)["device_class"] == "server"


def test_kvm_and_xen_hosts_are_hypervisors():
    base = {"1.3.6.1.2.1.1.1.0": "Linux kvm1 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 x86_64",
            "1.3.6.1.2.1.1.2.0": NET_SNMP, "1.3.6.1.2.1.25.6.3.1.2.1": "openssh-server_1:9.2p1-2+deb12u3_amd64"}
    assert best(base)["device_class"] == "server"
    for package in ("libvirt-daemon-system_9.0.0-4_amd64", "qemu-kvm-6.2.0-11.el9_0.3.x86_64",
                    "xen-hypervisor-4.17-amd64_4.17.3+10-g091466ba55-1_amd64"):
        got = best({**base, "1.3.6.1.2.1.25.6.3.1.2.2": package})
        assert got["device_class"] == "hypervisor", package
        assert got["os_name"] == "Debian"


def class_of_descr(descr: str) -> str | None:
    """The class identification gives a sysDescr of a maker no definition knows."""
    return best({"1.3.6.1.2.1.1.1.0": descr, "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99998.2"})["device_class"]


#: (sysDescr, class): routers and firewalls kept apart from access points (constructed), then print
#: servers, access points, VoIP and VPN concentrators (Recog's examples, the devices Recog names)
DESCR_CLASSES = (
    ("802.11ac Dual Band Wireless Router", "router"),
    ("Wireless-N Broadband Router with 802.11n Access Point", "router"),
    ("Enterprise Access Point, IEEE 802.11ax", "wireless_ap"),
    ("Outdoor IEEE 802.11n CPE", "wireless_ap"),
    ("Adaptive Security Appliance Version 9.8(4)", "firewall"),
    ("VPN Firewall Router", "firewall"),
    ("AXIS 5470e Network Print Server V6.21 Dec  5 2000", "printer"),
    ("Monarch 7411 Print Adapter", "printer"),
    ("AXIS 560Print serverV5.36 Jul 7 1997", "printer"),
    ("Acme Enterprise AP: v3.1.00 v3.0.8", "wireless_ap"),  # 3Com's, another maker
    ("Apple Base Station V3.84 Compatible", "wireless_ap"),
    ("Nortel Networks, CS 1000 Signaling Server, Software Release sse-4.00.55", "voip"),
    ("Nortel, Meridian 1 Call Server, System 2121, Release 4, Issue 50", "voip"),
    ("Avaya Inc., G250 Media Gateway, SW Version 25.28.0", "voip"),
    ("Cisco Systems, Inc./VPN 3000 Concentrator Version 4.1.3.Rel built by x", "firewall"),
    # "AP" counts in capitals only (a host "ap-lobby" is a name)
    ("Acme router firmware, ap-lobby", "router"),
    # the acronyms glued to a model number (a real Topsec firewall's sysDescr; a constructed recorder's)
    ("Topsec  NGFW4000-UF(TG-72282) Software Version V3.2073N.2060N_NGFW.1", "firewall"),
    ("Acme NVR4108-8P firmware 4.0", "camera"),
    ("Acme NGFWX appliance", None),  # a longer word is not the acronym
)


@pytest.mark.parametrize(("descr", "cls"), DESCR_CLASSES)
def test_sysdescr_class_keywords(descr: str, cls: str | None) -> None:
    assert class_of_descr(descr) == cls


def test_sysdescr_class_keywords_leave_host_names_and_model_numbers():
    # uname's host name is a hint just above the general-purpose OS's "server", never a keyword at 55
    ident = identify(simulate(walk_from_mapping({"1.3.6.1.2.1.1.1.0": "Linux nas 4.4.59+ #25426 SMP PREEMPT armv7l",
                                                 "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.8072.3.2.10"})))
    hint = [f for f in ident.facts if f.field == "device_class" and "host name" in f.evidence]
    assert [(f.value, f.confidence) for f in hint] == [("nas", 36)] and ident.best()["device_class"] == "nas"
    # "AP" only as a word: an APC card's model number is none
    assert class_of_descr("Card (MB:v3.6.8 MN:AP9619 HR:A10)") != "wireless_ap"


# -- model, version and firmware fallbacks (collector/snmp/fallback.py) -----
# sysDescr strings marked "Recog" are real ones from Recog's snmp_sysdescr.xml
# examples (rapid7/recog, BSD-2-Clause), with the device Recog names.

from collector.snmp.fallback import bare_model, descr_version, maker_model, model_code  # noqa: E402

ENT = "1.3.6.1.2.1.47.1.1.1.1"


def entity_row(index: int, cls: int, **cols: str) -> dict[str, object]:
    """One entPhysicalTable row (ENTITY-MIB): class, and text columns by name."""
    numbers = {"descr": 2, "name": 7, "firmware_rev": 9, "software_rev": 10, "serial": 11, "model": 13}
    row: dict[str, object] = {f"{ENT}.5.{index}": cls, f"{ENT}.4.{index}": 0}
    row.update({f"{ENT}.{numbers[k]}.{index}": v for k, v in cols.items()})
    return row


def test_model_code_shapes():
    for code in ("GS108T", "DES-3200-28", "TL-SG3210", "CSS326-24G-2S+", "SDS1101", "2241N-VGx"):
        assert model_code(code) == code
    for junk in ("Linux", "5.4.0-1", "x86_64", "i686", "armv7l", "SMP", "10/100Base-T", "11b/g/n", "H.264", "V1.2.3",
                 "2024", "100Mbps", "802.11", "IPv6", "Chassis", "1"):
        assert model_code(junk) is None, junk


def test_maker_then_model_code_in_sysdescr():
    assert maker_model("Lantronix SDS1101 V6.1.0.3 (060811)") == ("Lantronix", "SDS1101")  # Recog
    assert maker_model("Cabletron ELS10-26 Version 1.01.02 06/09/98--12:51:12") == ("Cabletron", "ELS10-26")  # Recog
    assert maker_model("Netopia 2241N-VGx v7.7.0r1") == ("Netopia", "2241N-VGx")  # Recog
    # a product-line word between maker and code (constructed, NETGEAR's naming)
    assert maker_model("NETGEAR ProSafe GS108T 8-port Gigabit Smart Switch") == ("Netgear", "GS108T")
    # no model code, an OS or speeds after the maker: nothing
    assert maker_model("Linux nas 4.4.59+ #25426 SMP armv7l") is None
    assert maker_model("EPSON Built-in 11b/g/n Print Server") is None  # Recog
    assert maker_model("Cisco Internetwork Operating System Software IOS (tm) C2600 Software") is None
    assert maker_model("Unknownmaker XYZ100 Switch") is None  # a maker the vendor table does not know
    # the maker's legal form and a comma before the code (Recog)
    assert maker_model("Avaya Inc., G250-BRI Media Gateway, SW Version 25.28.0") == ("Avaya", "G250-BRI")
    # ... after the maker's descriptor words (Recog: Enterasys, Juniper's SA/MAG appliances and MX)
    assert maker_model("Enterasys Networks, Inc. B3G124-24 Rev 01.02.01.0004") == ("Enterasys", "B3G124-24")
    assert maker_model("Juniper Networks,Inc,SA-2500,7.1R6 (build 20169)") == ("Juniper", "SA-2500")
    assert maker_model("Juniper Networks, Inc MX-8 7.6.2.3 REL") == ("Juniper", "MX-8")
    # but a descriptor-like word that starts the product's name is no descriptor (Recog)
    assert maker_model("Canon Network Multi-PDL Printer Board-H1") is None
    # "V1910-16G" is HP's model code, not a version (Recog)
    assert maker_model("HP V1910-16G Switch Software Version 5.20 Release 1108") == ("HP", "V1910-16G")
    # a kind of box, then the model's number (Recog's tune half: 3Com's switches and routers)
    assert maker_model("3Com Switch 4210 18-Port Software Version 3Com OS V3.01.02s56") == ("3Com", "Switch 4210")
    assert maker_model("3Com Router 3012 Software Extended_V1.30") == ("3Com", "Router 3012")
    assert maker_model("3Com Switch 4500G 24-Port Software Version 3Com OS V5.02.00s56p02") == ("3Com", "Switch 4500G")
    # no number after the kind, or a version: nothing
    assert maker_model("3Com Switch Software Version 3.01") is None
    assert maker_model("3Com Router 2.41 build 7") is None


def test_an_os_name_before_a_hyphen_and_its_release():
    # Venustech's sysDescr writes its OS and release as one word; "IOS-XE" is still IOS-XE, not IOS
    got = best({"1.3.6.1.2.1.1.1.0": "VENUS VSOS-V0700R0600", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99998.2"})
    assert (got["os_name"], got["os_version"]) == ("VSOS", "V0700R0600")
    assert fallback._os_names().search("Cisco IOS-XE Software").group(1) == "IOS-XE"
    assert fallback._os_names().search("Cisco IOS-XR12") is None


def test_a_maker_starting_sysdescr_names_the_vendor_weakly():
    from collector.snmp.fallback import leading_maker

    # Recog's examples: a known maker's name first, no model code after it
    assert leading_maker("3Com Router 3012 Software Extended_V1.30") == "3Com"
    assert leading_maker("Cisco Adaptive Security Appliance Version 8.0(2)") == "Cisco"
    assert leading_maker("Arista Networks EOS version 4.28.6.1M running on an Arista Networks DCS-7050QX-32S") == "Arista"
    # an OS, uname's words, an unknown word: no maker
    for text in ("Linux nas 4.4.59+ #25426 SMP", "UNIX System Machine Type: not available!", "SunOS host 5.10",
                 "Unknownmaker Router 100", ""):
        assert leading_maker(text) is None, text
    # a net-snmp agent (no maker in its sysObjectID): the claim is made, under the sysObjectID's maker
    got = identify(simulate(walk_from_mapping({"1.3.6.1.2.1.1.1.0": "3Com Router 3012 Software Extended_V1.30",
                                               "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.8072.3.2.10"}))).best()
    assert got["vendor"] == "3Com"
    got = identify(simulate(walk_from_mapping({"1.3.6.1.2.1.1.1.0": "3Com Router 3012 Software Extended_V1.30",
                                               "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.9.1.1"}))).best()
    assert got["vendor"] == "Cisco"


def test_maker_and_model_later_in_sysdescr():
    # Recog: an Intermec label printer whose sysDescr starts with what it is
    assert best({"1.3.6.1.2.1.1.1.0": "Thermal Label Printer Intermec PM43"})["model"] == "PM43"
    # constructed: a maker after "Copyright ... by" is no device's name, nor an OS name a model
    assert best({"1.3.6.1.2.1.1.1.0": "Media Gateway, Copyright (c) by Cisco X2000"})["model"] is None
    assert best({"1.3.6.1.2.1.1.1.0": "was1 Compaq Tru64 UNIX V5.1B (Rev. 2650)"})["model"] is None
    # net-snmp's uname: the host name (here a maker's) and the kernel release are no maker and model
    got = best({"1.3.6.1.2.1.1.1.0": "Linux raspberrypi 5.10.63-v7l+ #1459 SMP Wed Oct 6 16:41:57 BST 2021 armv7l"})
    assert got["model"] is None
    assert model_code("5.10.63-v7l+") is None
    # a maker and model after the kernel (constructed in QNAP's style)
    got = best({"1.3.6.1.2.1.1.1.0": "Linux nas 3.10.20-al-5.0 #1 SMP Fri Jul 1 2016 armv7l QNAP TS-431P"})
    assert got["model"] == "TS-431P"


def test_a_sysdescr_that_is_only_a_model_code_is_the_model():
    # real sysDescrs of the opened half: a Brocade FC switch and a Huawei chassis say nothing else
    assert bare_model("DS-5100B") == "DS-5100B" and bare_model("S12704") == "S12704"
    # a firmware build, a VRP-style release, a host name, a word, an address: no model
    for text in ("iStars_SWV053", "VSOS-V0600R0705B20180507", "xcu", "core-sw1", "Linux", "10.40.1.39"):
        assert bare_model(text) is None, text
    assert bare_model("SW01", "sw01") is None  # the same as sysName: the box's name, not its model
    assert bare_model("SW01", "sw01.example.net") is None
    # then its release, perhaps after a short label (Recog's examples: D-Link, Avaya, Panasonic, Lantronix
    # ESP, MikroTik SwOS, Ubiquiti), and a capitalised code joined by dashes or a slash
    for text, model in (("DSR1010 03.00.01.00", "DSR1010"), ("ERS-1612 (2.1.0.0)", "ERS-1612"),
                        ("WJ-HD300 SWVer1.53", "WJ-HD300"), ("ESP-16 MI V3.13", "ESP-16"),
                        ("CSS326-24G-2S+ SwOS v2.13", "CSS326-24G-2S+"), ("USW-5-Flex, 4.0.80.10875", "USW-5-Flex"),
                        ("Sun-Blade-100", "Sun-Blade-100"), ("AnywhereUSB/14", "AnywhereUSB/14")):
        assert bare_model(text) == model, text
    # but not a code then words, a word then a release, a kernel, a lower-case name, or two releases
    for text in ("EATON 93E 80", "Linux 2.6.9", "NetQue Version 4.0", "RouterOS RB1100", "srv-web01",
                 "Lantronix NTS1536-076 V3.8", "Amaranten Firewall 8.90.07.01-11595", "SP40 1.0 2.0", "4.3.2 1.0"):
        assert bare_model(text) is None, text
    assert bare_model("SW-2 1.0", "sw-2") is None  # the host name, then a release
    # it outranks GLPI's model for the sysObjectID (Brocade's id that GLPI calls a 2109-F16)
    ident = identify(simulate(walk_from_mapping({"1.3.6.1.2.1.1.1.0": "DS-5100B",
                                                 "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.1588.2.1.1.1"})))
    models = {f.evidence.split(" (")[0]: (f.value, f.confidence) for f in ident.facts if f.field == "model"}
    assert models["sysDescr is a bare model code"][0] == "DS-5100B"
    assert models["sysDescr is a bare model code"][1] > models["sysObjectID 1.3.6.1.4.1.1588.2.1.1.1"][1]


def test_model_label_in_sysdescr():
    # constructed in the style of DrayTek's sysDescr (Recog lists one), with a maker no table knows
    got = best({"1.3.6.1.2.1.1.1.0": "Acme Gateways, Router Model: AG3912, Version: 4.4.3.4, Build Date/Time:Mar 27"})
    assert (got["model"], got["firmware"]) == ("AG3912", "4.4.3.4")
    assert best({"1.3.6.1.2.1.1.1.0": "Router Model: Generic"})["model"] is None


def test_versions_in_sysdescr():
    assert descr_version("Lantronix SDS1101 V6.1.0.3 (060811)") == "6.1.0.3"  # Recog
    assert descr_version("3Com SuperStackII Switch 1000, SW Version:3.21") == "3.21"  # Recog
    assert descr_version("LNL-2210 Intelligent Single Door Controller Firmware Version 1.17.6 Build 359") == "1.17.6"
    assert descr_version("3COM: AP8760: Dual Radio 11a/b/g Access Point, Software v2.1.13b05_sh, Bootrom v1.2.1, "
                         "Hardware R02") == "2.1.13b05_sh"  # Recog
    assert descr_version("Acme WorkCentre 6515; System Software 64.61.21, ESS 64.61.21") == "64.61.21"  # constructed
    assert descr_version("Acme Router, SW:v3.0.0.46") == "3.0.0.46"
    # boot firmware and the software image: the image (Recog, Nortel BayStack)
    assert descr_version("BayStack 450-24T HW:RevB  FW:V1.02 SW:V1.0.0.8") == "1.0.0.8"
    assert descr_version("Hardware: Intel64 - Software: Windows Version 6.3 (Build 9600)") == "6.3"
    # the hardware's, the boot loader's or the kernel's version is no firmware
    assert descr_version("Acme Sensor, Hardware Version 1.2, Bootrom V2.0.1") is None
    assert descr_version("Linux cam 3.10.14 #1 PREEMPT armv7l") is None
    # uname's host name may be an OS's name: the number after it is still the kernel
    assert descr_version("Linux OpenWrt 5.4.143 #0 SMP Tue Aug 31 22:20:08 2021 mips") is None
    assert descr_version("Linux DD-WRT 3.10.108-d10 #2012 SMP Sun Jun 6 2021 armv7l") is None
    assert descr_version("APC Web/SNMP Management Card (MB:v3.8.6 PF:v3.5.4)") is None


#: (sysDescr, the version the generic rule reads or None): Recog's real examples unless marked
VERSION_FORMS = (
    # Cisco's parentheses and what follows them
    ("Cisco Adaptive Security Appliance Version 7.2(4)17", "7.2(4)17"),
    ("Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE, RELEASE SOFTWARE (fc1)",
     "12.2(55)SE"),
    ("Cisco NX-OS(tm) cgr1000, Software (cgr1000-uk9), Version 5.2(1)CG2(1), Interim", "5.2(1)CG2(1)"),
    # a short letter field after the numbers, NetScreen's "r4.0"
    ("Total Access 908, Version: 12.06.00.E, Date: Mon Aug 28 13:49:40 2006", "12.06.00.E"),
    ("Cisco Systems, Inc./VPN 3000 Concentrator Version 4.1.3.Rel built by x", "4.1.3.Rel"),
    ("NetScreen-5GT version 6.2.0r4.0 (SN: 0064082005002928, Firewall+VPN)", "6.2.0r4.0"),
    # ... but not a word glued on, after a full stop or not (the second a real AIX 7.3, centreon-plugins'
    # os/aix walk), while letters and numbers glued to a release stay
    ("AIX version: 04.02.0001.0000.TCP/IP Client Support", "04.02.0001.0000"),
    ("Base Operating System Runtime AIX version: 07.03.0002.0003TCP/IP Client Support version: 07.03.0002.0003",
     "07.03.0002.0003"),
    ("3Com SuperStack 4 Switch 5500G-EI 24-Port Software Version 3Com OS V3.03.02s56Mc02", "3.03.02s56Mc02"),
    ("NetScreen-5GT version 5.4.0r3a.0 (SN: 0064092007003281, Firewall+VPN)", "5.4.0r3a.0"),
    # an OS's name then its release, perhaps after one capitalised word
    ("SonicWALL NSA 220 (SonicOS Enhanced 5.8.1.2-20o)", "5.8.1.2-20o"),
    ("SonicWALL TZ 670 (SonicOS 7.1.3-7015-R6965)", "7.1.3-7015-R6965"),
    ("Cumulus Linux 3.7.2 (Linux Kernel 4.1.33-1+cl3u17)", "3.7.2"),
    # ... not uname's host name between, not a kernel, not the generic Linux's release
    ("IPSO hostname 4.1-BUILD022 releng 1515  11.15.2006-180244 i386", None),
    ("Linux 2.6.9 x86_64", None),
    ("Darwin host 10.0.0 Darwin Kernel Version 10.0.0: Fri Jul 31", None),
    # a release in Huawei's VRP form after the OS's name, with its V (real Venustech firewalls, snmpsim-data)
    ("VENUS VSOS-V0600R0705B20180507", "V0600R0705B20180507"),
    ("VENUS VSOS-V0700R0600", "V0700R0600"),
    # "OS" labels the software, not the other parts before it
    ("Xerox Phaser 6250DP;PS 4.11.0,Net 19.30.02.14.2004,Eng 1.1.2,OS 5.4;SN PWG678254", "5.4"),
    ("Xerox Phaser 3300MFP; OS 1.50.00.14   07-16-2009, Engine 1.05.44, NIC V4.02.06", "1.50.00.14"),
    ("Data Domain OS 4.3.3.0-53506", "4.3.3.0-53506"),
    # the part a version belongs to, a word further back than its label: an APC card's agent
    ("APC Web/SNMP Management Card (MB:v3.6.8 PF:v2.6.4 PN:apc_hw02_aos_264.bin MN:AP9619 HR:A10) "
     "(Embedded PowerNet SNMP Agent SW v2.2 compatible)", None),
    # a printer's network card's, engine's or panel's version is not its own
    ("Samsung CLP-300; CLP300N_V1.01.02.01 11-15-2006;Engine 1.01.57;NIC V4.01.06(CLP-300)", None),
    # labels written with an underscore (3Com cable modems)
    ("3Com MCNS external 2-way Cable Modem, HW_REV: 2.00 ,SW_VER: 01.03", "01.03"),
)


@pytest.mark.parametrize(("descr", "version"), VERSION_FORMS)
def test_version_forms_in_sysdescr(descr: str, version: str | None) -> None:
    assert descr_version(descr) == version


def test_bare_version_in_sysdescr():
    # the only dotted number, nothing labelled (Recog's examples)
    assert descr_version("RICOH Aficio 2035 1.05.1 / RICOH Network Printer C model / RICOH Network Scanner") == \
        "1.05.1"
    assert descr_version("SCO UnixWare 7.1.0") == "7.1.0"
    assert descr_version("Juniper WXC-500 : 5.5.2.0") == "5.5.2.0"
    # two numbers, a date, a voltage, a kernel in uname's form, an address: no guess
    assert descr_version("Acme Printer 1.05 / Engine 2.10") is None
    assert descr_version("Acme Sensor 03.11.2011") is None
    assert descr_version("Acme PSU 3.3V") is None
    assert descr_version("Linux AD-1800-FP2 2.6.30 #1 SMP Tue Feb 23 12:45:59 CST 2016 x86_64") is None
    assert descr_version("Acme Bridge IP 10.0.0.1") is None
    # a version labelled as another part's leaves no bare number to guess ("Kernel Version")
    assert descr_version("Darwin host 11.2.0 Darwin Kernel Version 11.2.0: Tue Aug 9 2011") is None
    # as a claim: a generic firmware with its evidence
    got = best({"1.3.6.1.2.1.1.1.0": "Acme Print Server PS-110 3.21.4 / Acme Network Printer"})
    assert got["firmware"] == "3.21.4"


def test_os_then_model_code_in_sysdescr():
    # MikroTik's sysDescr is its OS and the board (the lab router; Recog lists more)
    got = best({"1.3.6.1.2.1.1.1.0": "RouterOS RB4011iGS+"})
    assert (got["model"], got["os_name"]) == ("RB4011iGS+", "RouterOS")
    # a release or a port count after the OS's name is no model (Recog: "EdgeSwitch 48-Port Lite, 1.8.1...")
    assert best({"1.3.6.1.2.1.1.1.0": "EdgeSwitch 48-Port Lite, 1.8.1.5145168, Linux 3.6.5"})["model"] != "48-Port"
    assert best({"1.3.6.1.2.1.1.1.0": "RouterOS 6.49.7"})["model"] is None


def test_serial_label_in_sysdescr():
    # Recog's examples: APC cards, TANDBERG codecs, Digi TransPort, NetScreen
    for descr, serial in (("APC Web/SNMP Management Card (MB:v3.2.0 PF:v3.0.1 MN: AP9606 HR: ] SN: 3A0105S05525 "
                           "MD: 02/28/2001)", "3A0105S05525"),
                          ("TANDBERG Codec SoftW: TC5.1.3.292001 MCU: Cisco TelePresence MX300 Date: 2012-06-21 "
                           "S/N: FTT16030013 BootSW:", "FTT16030013"),
                          ("Digi TransPort WR44-HXA3-DE1-XX Ser#:176625 Software Build Ver5142.", "176625"),
                          ("NetScreen-5GT version 6.2.0r4.0 (SN: 0064082005002928, Firewall+VPN)", "0064082005002928")):
        assert best({"1.3.6.1.2.1.1.1.0": descr})["serial"] == serial, descr
    # a maker no definition knows (constructed in APC's style): the weak generic claim
    got = explain({"1.3.6.1.2.1.1.1.0": "Acme Power Card (MB:v1.2.0 MN:AC9630 SN: ZA1234E56789 MD:01/02/2020)"})
    assert (got["serial"]["value"], got["serial"]["confidence"]) == ("ZA1234E56789", fallback.SERIAL_LABEL_CONFIDENCE)
    assert got["serial"]["evidence"] == "sysDescr: serial number label"
    # no digit, no label: none
    assert best({"1.3.6.1.2.1.1.1.0": "Acme Box SN: unknown"})["serial"] is None
    assert best({"1.3.6.1.2.1.1.1.0": "Acme Box snapshot 12345678"})["serial"] is None
    # a MIB object that holds the serial outranks the card's in sysDescr (an APC PDU's rPDU serial)
    assert fallback.SERIAL_LABEL_CONFIDENCE < 55


def test_sysdescr_model_and_firmware_of_an_unknown_appliance():
    # constructed (Perle's model naming; no definition or Recog fingerprint knows it)
    got = best({"1.3.6.1.2.1.1.1.0": "Perle IDS-509 Industrial Ethernet Switch, Firmware Version 2.4.0.1"})
    assert (got["vendor"], got["model"], got["firmware"], got["os_name"]) == ("Perle", "IDS-509", "2.4.0.1", None)


def test_entity_chassis_name_and_software_rev():
    # ENTITY-MIB chassis row whose entPhysicalModelName is empty: the model
    # in entPhysicalName, the firmware in entPhysicalSoftwareRev (no OS named)
    walk = {"1.3.6.1.2.1.1.1.0": "Industrial Ethernet Switch",
            **entity_row(1, 3, descr="Industrial Ethernet Switch", name="IES-3208-PoE", software_rev="2.4.1",
                         serial="K4812345")}
    got = best(walk)
    assert (got["model"], got["serial"], got["firmware"], got["os_version"]) == ("IES-3208-PoE", "K4812345", "2.4.1",
                                                                                 None)
    # "Chassis" or "1" in entPhysicalName, a board revision in entPhysicalSoftwareRev: nothing invented
    walk = {"1.3.6.1.2.1.1.1.0": "Industrial Ethernet Switch",
            **entity_row(1, 3, descr="Chassis", name="Chassis 1", software_rev="A1")}
    got = best(walk)
    assert (got["model"], got["firmware"]) == (None, None)


def test_entity_chassis_descr_after_the_maker():
    walk = {"1.3.6.1.2.1.1.1.0": "Ethernet Switch",
            **entity_row(1, 3, descr="Allied Telesis AT-x230-18GP Layer 2+ switch", name="Switch")}
    assert best(walk)["model"] == "AT-x230-18GP"


def test_entity_chassis_named_so_without_a_class_column():
    # centreon's network-mellanox walk keeps entPhysicalDescr and entPhysicalName only (no
    # entPhysicalClass): the row that calls itself "Chassis" is the box, its description names the model
    ent = "1.3.6.1.2.1.47.1.1.1.1"
    walk = {"1.3.6.1.2.1.1.1.0": "Ethernet Switch",
            f"{ent}.2.1": "HPE SN2100M 100GbE 16QSFP28 Half Width Switch", f"{ent}.7.1": "Chassis",
            f"{ent}.2.2": "MGMT/PS1", f"{ent}.7.2": "PS1"}
    assert best(walk)["model"] == "SN2100M"
    # no row says so: no box to read
    walk[f"{ent}.7.1"] = "Board"
    assert best(walk)["model"] is None


def test_entity_module_model_without_a_chassis_row():
    # an agent listing only a stack and its module (ENTITY-MIB classes 11, 9)
    walk = {"1.3.6.1.2.1.1.1.0": "Ethernet Switch", **entity_row(1, 11, descr="Stack"),
            **entity_row(2, 9, descr="Switch unit 1", model="XS-2210-12")}
    assert best(walk)["model"] == "XS-2210-12"


def test_entity_rows_without_a_class_column_give_the_top_level_rows_model_and_serial():
    # a Cisco 5500 WLC (snmpsim-data cisco-controller) lists row 1 "Chassis" with its model and serial
    # but no entPhysicalClass; a contained row (a module) is not the box
    ent = "1.3.6.1.2.1.47.1.1.1.1"
    walk = {"1.3.6.1.2.1.1.1.0": "Cisco Controller",
            f"{ent}.2.1": "Cisco 5500 Series Wireless LAN Controller", f"{ent}.4.1": 0, f"{ent}.7.1": "Chassis",
            f"{ent}.11.1": "FCW1430L0CZ", f"{ent}.13.1": "AIR-CT5508-K9",
            f"{ent}.4.2": 1, f"{ent}.11.2": "MOD000001", f"{ent}.13.2": "AIR-PWR-5500-AC"}
    got = best(walk)
    assert (got["model"], got["serial"]) == ("AIR-CT5508-K9", "FCW1430L0CZ")


def test_a_series_then_its_model_number_is_one_model():
    # ZTE's "ZXR10 5250-52TM-H": the product line and the number are both the model
    assert maker_model("ZTE Ethernet Switch ZXR10 5250-52TM-H, Version: V2.05.11B19") == ("ZTE", "ZXR10 5250-52TM-H")
    assert maker_model("ZTE ZXR10 5250-52TM-H, Version: V2.05.11B19") == ("ZTE", "ZXR10 5250-52TM-H")
    # what follows a code is no model number when it is a version, a speed or digits only
    assert maker_model("ZyXEL GS1900 2.40 build 1") == ("Zyxel", "GS1900")
    assert maker_model("ZyXEL GS1900 10G uplinks") == ("Zyxel", "GS1900")
    assert maker_model("ZyXEL GS1900 1234") == ("Zyxel", "GS1900")
    # a code that is no bare series keeps its own words
    assert maker_model("ZyXEL ES-2108 2A") == ("Zyxel", "ES-2108")


def test_a_more_specific_model_refines_the_winning_one():
    # the chassis row says the series (58), sysDescr the box (52): the box, just above the series
    walk = {"1.3.6.1.2.1.1.1.0": "IDS-509-SFP", **entity_row(1, 3, descr="Perle IDS-509 Managed Switch")}
    got = identify(simulate(walk_from_mapping(walk)))
    model = max((f for f in got.facts if f.field == "model"), key=lambda f: f.confidence)
    assert (model.value, model.confidence) == ("IDS-509-SFP", 59)
    assert "more specific than 'IDS-509'" in model.evidence and "bare model code" in model.evidence
    # a longer claim that only adds words is no refinement
    walk = {"1.3.6.1.2.1.1.1.0": "ICX 6430-24 Switch", **entity_row(1, 3, descr="Stackable switch", name="ICX")}
    assert best(walk)["model"] != "ICX 6430-24 Switch"


def test_the_boxs_own_spelling_of_glpis_model_wins():
    # GLPI's row for 1991.1.3.57.1.1.1.1 says "ICX 6430-24 Switch"; the box's sysDescr says "ICX6430-24"
    from collector.snmp.claims import Claims
    from collector.snmp.engine import View
    from collector.snmp.fallback import refine_model
    from collector.snmp.mibs import Mibs

    assert generic._sysobject_ids()["1.3.6.1.4.1.1991.1.3.57.1.1.1.1"][2] == "ICX 6430-24 Switch"

    def winner(*claims: tuple[str, str, int]) -> str | None:
        walk = walk_from_mapping({"1.3.6.1.2.1.1.1.0": "x"})
        view = View(walk, Mibs(walk), Claims())
        for origin, value, confidence in claims:
            view.claim(origin, "model", value, confidence, origin)
        refine_model(view)
        return view.claims.best("model")

    assert winner(("glpi-sysobject", "ICX 6430-24 Switch", 50), ("heuristic", "ICX6430-24", 45)) == "ICX6430-24"
    # another model, or the table's spelling winning over a definition's: left as they are
    assert winner(("glpi-sysobject", "ICX 6430-24 Switch", 50), ("heuristic", "ICX6450-24", 45)) == \
        "ICX 6430-24 Switch"
    assert winner(("definition", "ICX 6430-24", 80), ("heuristic", "ICX6430-24", 45)) == "ICX 6430-24"
    # a case-only difference is no other spelling (Junos's sysDescr "... mx960 internet router")
    assert winner(("glpi-sysobject", "MX960", 50), ("heuristic", "mx960", 48)) == "MX960"


def test_the_registrant_of_the_agents_own_mac_addresses_names_the_vendor_weakly():
    # a net-snmp agent (its enterprise is no maker) whose ports carry Synology's OUI 00:11:32
    phys = "1.3.6.1.2.1.2.2.1.6"
    walk = {"1.3.6.1.2.1.1.1.0": "Linux box 4.4.59+ #25426 SMP x86_64", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.8072.3.2.10",
            **_ifaces(("eth0", 6), ("eth1", 6), ("lo", 24)),
            f"{phys}.1": "hex:001132a1b2c3", f"{phys}.2": "hex:001132a1b2c4"}
    vendor = {e["field"]: e for e in identify(walk_from_mapping(walk)).explain()}["vendor"]
    assert vendor["value"] == "Synology"
    assert vendor["confidence"] == generic.OUI_VENDOR
    assert "ifPhysAddress): 2 of 2 registered to Synology" in vendor["evidence"]
    # a maker's enterprise number outranks it
    assert best({**walk, "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.6574.1"})["vendor"] == "Synology"
    assert best({**walk, "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.9.1.1"})["vendor"] == "Cisco"
    # locally administered addresses have no registrant; no majority, no claim
    assert best({**walk, f"{phys}.1": "hex:021132a1b2c3", f"{phys}.2": "hex:021132a1b2c4"})["vendor"] is None
    assert best({**walk, f"{phys}.2": "hex:001b21a1b2c4"})["vendor"] is None  # Synology and Intel, one each


def test_a_sysdescr_naming_an_os_of_the_vocabulary_gives_it_weakly():
    from collector.snmp.fallback import DESCR_OS_CONFIDENCE

    def os_of(descr: str) -> dict[str, object] | None:
        walk = {"1.3.6.1.2.1.1.1.0": descr, "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99998.7"}
        return {e["field"]: e for e in identify(walk_from_mapping(walk)).explain()}.get("os_name")

    got = os_of("Core router SR-X running Vyatta 6.5")
    assert (got["value"], got["confidence"]) == ("Vyatta", DESCR_OS_CONFIDENCE)
    assert "sysDescr names the OS 'Vyatta'" in got["evidence"]
    assert os_of("Box 8202-E4D Base Operating System Runtime AIX version: 07.03.0002.0003")["value"] == "AIX"
    # the vocabulary's spelling, a hyphen written as a space, the longest name where several start
    assert os_of("Edge box running Linux based DrayOS 5.1")["value"] == "Linux-based DrayOS"
    assert os_of("Switch running AlliedWare Plus (TM) 5.4.7")["value"] == "AlliedWare Plus"
    # a name inside a word, or the general-purpose OS an appliance is built on, is not claimed
    assert os_of("Unit AIXON-2 controller") is None
    assert os_of("PDU Ubuntu 16.04.4 LTS Linux 4.4.31 software: PowerAlert 15.5.4") is None
    assert os_of("Firewall appliance on FreeBSD 8.3-RELEASE-p11") is None


def test_a_definitions_model_and_version_win_over_the_fallbacks():
    # Windows names its OS and says where its version lives: XP states none,
    # and sysDescr's "Version 5.1" is the NT version, not a release
    got = best({"1.3.6.1.2.1.1.1.0": "Hardware: x86 Family 6 Model 15 Stepping 13 AT/AT COMPATIBLE - Software: "
                                     "Windows 2000 Version 5.1 (Build 2600 Uniprocessor Free)",
                "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.311.1.1.3.1.1"})
    assert (got["os_name"], got["os_version"], got["firmware"]) == ("Windows XP", None, None)


#: GLPI's sysObjectID table: Marconi MNR18-12, type NETWORKING (no model word says which kind)
MARCONI = "1.3.6.1.4.1.1012.230.1.1.1.11812"
SERVICES, FORWARDING = "1.3.6.1.2.1.1.7.0", "1.3.6.1.2.1.4.1.0"


def test_glpi_networking_and_sysservices_give_the_class():
    base = {"1.3.6.1.2.1.1.1.0": "MNR18-12", "1.3.6.1.2.1.1.2.0": MARCONI}
    assert best({**base, SERVICES: 2})["device_class"] == "switch"  # layer 2 only
    assert best({**base, SERVICES: 4 | 8 | 64, FORWARDING: 1})["device_class"] == "router"  # layer 3, forwarding
    # bridges and routes: no switch (the older ipForwarding heuristic says router, weakly)
    assert best({**base, SERVICES: 2 | 4 | 64, FORWARDING: 1})["device_class"] != "switch"
    # a Wi-Fi radio interface (IANAifType ieee80211): not this rule's to say
    radio = {"1.3.6.1.2.1.2.2.1.2.1": "wlan0", "1.3.6.1.2.1.2.2.1.3.1": 71}
    assert best({**base, SERVICES: 2, **radio})["device_class"] != "switch"


def test_glpi_networking_rule_is_not_for_other_types():
    # GLPI type PRINTER (Brother): the printer rules decide, not sysServices
    got = best({"1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.2435.2.3.9.1", SERVICES: 2})
    assert got["device_class"] != "switch"


def test_serial_of_a_top_level_entity_row_without_chassis_class():
    # the box listed as class other(1), contained in nothing (ENTITY-MIB)
    walk = {"1.3.6.1.2.1.1.1.0": "Media Gateway", **entity_row(1, 1, descr="Media Gateway", serial="MG4A123456"),
            **entity_row(2, 10, descr="eth0", serial="not-a-box")}
    walk[f"{ENT}.4.2"] = 1
    assert best(walk)["serial"] == "MG4A123456"
    # a row inside another is a part, not the box
    walk = {"1.3.6.1.2.1.1.1.0": "Media Gateway", **entity_row(1, 1, descr="Media Gateway"),
            **entity_row(2, 1, descr="Board", serial="BRD0001")}
    walk[f"{ENT}.4.2"] = 1
    assert best(walk)["serial"] is None


def test_software_rev_of_a_stack_row_without_chassis():
    # ENTITY-MIB stack(11) row holding entPhysicalSoftwareRev; a module's own software is not the box's
    walk = {"1.3.6.1.2.1.1.1.0": "Ethernet Switch", **entity_row(1, 11, descr="Stack", software_rev="3.1.4"),
            **entity_row(2, 9, descr="Switch unit 1", model="XS-2210-12", software_rev="9.9.9")}
    assert best(walk)["firmware"] == "3.1.4"
    walk = {"1.3.6.1.2.1.1.1.0": "Ethernet Switch", **entity_row(2, 9, descr="Switch unit 1", software_rev="9.9.9")}
    assert best(walk)["firmware"] is None


def test_an_aten_kvm_under_atens_number_is_no_supermicro_bmc():
    # ATEN's enterprise 21317 names Supermicro's (ATEN-firmware) BMCs and ATEN's own KVMs and PDUs
    got = best({"1.3.6.1.2.1.1.1.0": "ATEN KN2124VA KVM over IP Switch", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.21317.1.2"})
    assert got["device_class"] != "bmc" and got["os_name"] is None
    got = best({"1.3.6.1.2.1.1.1.0": "Linux bmc 2.6.28 #1 ATEN IPMI", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.21317"})
    assert got["device_class"] == "bmc"


def test_another_makers_subtree_does_not_outvote_the_sysobjectid_maker():
    # a box whose sysObjectID is Dell's (674) answering Synology's subtree (6574): Synology's
    # MIB says whose firmware it runs, the sysObjectID whose box it is
    walk = {"1.3.6.1.2.1.1.1.0": "Storage appliance", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.674.99.1",
            "1.3.6.1.4.1.6574.1.5.1.0": "DS920+"}
    explained = {e["field"]: e for e in identify(walk_from_mapping(walk)).explain()}
    assert explained["vendor"]["value"] == "Dell"
    # behind net-snmp's sysObjectID (no maker) the subtree names the maker as before
    walk["1.3.6.1.2.1.1.2.0"] = NET_SNMP
    assert best(walk)["vendor"] == "Synology"


def test_an_exact_glpi_row_names_the_brand_over_the_numbers_registrant():
    # 2467 was ArrowPoint's number; GLPI's table row 2467.4.1 is Cisco's CSS 100 (Cisco bought ArrowPoint)
    walk = {"1.3.6.1.2.1.1.1.0": "Content Services Switch", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.2467.4.1"}
    explained = {e["field"]: e for e in identify(walk_from_mapping(walk)).explain()}
    assert explained["vendor"]["value"] == "Cisco" and "GLPI" in explained["vendor"]["evidence"]
    # a row whose vendor column names no brand does not outrank the registrant
    assert generic._sysobject_ids()["1.3.6.1.4.1.164.6.1.3.82"][0] == "radDataIP-mux1"
    walk["1.3.6.1.2.1.1.2.0"] = "1.3.6.1.4.1.164.6.1.3.82"
    vendors = {f.evidence.split(" (")[0]: f.confidence for f in identify(walk_from_mapping(walk)).facts
               if f.field == "vendor"}
    assert vendors["sysObjectID enterprise 164"] == generic.PEN_VENDOR


def test_a_definition_that_finds_no_version_still_takes_the_chassis_software_revision():
    # cisco-ios reads the release from sysDescr; this one names none, ENTITY-MIB's chassis does
    walk = {"1.3.6.1.2.1.1.1.0": "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M)",
            "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.9.1.1208",
            **entity_row(1001, 3, model="WS-C2960X-24TS-L", software_rev="15.2(4)E10")}
    got = best(walk)
    assert got["os_name"] == "IOS" and got["os_version"] == "15.2(4)E10"
    # but no sysDescr number is guessed for it (Windows XP states no release)
    xp = best({"1.3.6.1.2.1.1.1.0": "Hardware: x86 Family 6 - Software: Windows 2000 Version 5.1 (Build 2600 "
                                    "Uniprocessor Free)", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.311.1.1.3.1.1"})
    assert xp["os_name"] == "Windows XP" and xp["os_version"] is None


def test_a_recog_family_that_is_a_product_line_is_no_os():
    """Recog's os.family is often a product line ("Phaser", "StorageWorks"):
    only names of the OS vocabulary are claimed, Recog's synonyms mapped."""
    from collector.snmp.generic import os_vocabulary
    from collector.snmp.identify import identify
    from collector.snmp.walk import walk_from_mapping

    got = identify(walk_from_mapping({"1.3.6.1.2.1.1.1.0": "Tektronix, Inc., Phaser 860N, PhaserShare Series B "
                                      "Network Interface, (14.44/13.34/14.46/3.38)"})).best()
    assert got.get("os_name") != "Phaser"
    assert os_vocabulary()["data ontap"] == "ONTAP" and os_vocabulary()["aruba"] == "ArubaOS"
    assert "phaser" not in os_vocabulary() and os_vocabulary()["junos"] == "Junos"


def test_microchips_stack_number_names_no_maker():
    """1.3.6.1.4.1.17095 is the Microchip TCP/IP stack's default sysObjectID, kept
    by other makers' sensor gateways and LAN controllers (found by helper dd3)."""
    from collector.snmp.identify import identify
    from collector.snmp.walk import walk_from_mapping

    got = identify(walk_from_mapping({"1.3.6.1.2.1.1.1.0": "Sensor gateway",
                                      "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.17095"})).best()
    assert got.get("vendor") != "Microchip"


def test_a_sysobjectid_a_whole_product_line_shares_names_no_model():
    """GLPI names one model per sysObjectID; SonicWall's 8741.1 and Zyxel's
    890.1.15 are every model's (the definitions say so in shared_ids)."""
    from collector.snmp.identify import identify
    from collector.snmp.walk import walk_from_mapping

    def model(oid):
        return identify(walk_from_mapping({"1.3.6.1.2.1.1.1.0": "x", "1.3.6.1.2.1.1.2.0": oid})).best().get("model")

    assert model("1.3.6.1.4.1.8741.1") is None and model("1.3.6.1.4.1.890.1.15") is None
    assert model("1.3.6.1.4.1.9.1.516") == "Catalyst 3750-24/48"  # a model's own id still names it
