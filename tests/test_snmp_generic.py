"""Generic identification rules (collector/snmp/generic.py, engine.py) on
constructed walks: each test is a small walk built from the standard and
vendor MIBs it cites, with the fields the rule must give (or must not)."""

from __future__ import annotations

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


def test_many_wired_ports_and_a_radio_stay_a_switch():
    walk = {**EMBEDDED, **_ifaces(*[(f"port{i}", 6) for i in range(1, 11)], ("wlan0", 71))}
    assert best(walk)["device_class"] == "switch"


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


def test_sysdescr_keywords_keep_routers_and_firewalls_apart_from_access_points():
    for descr, cls in (("802.11ac Dual Band Wireless Router", "router"),
                       ("Wireless-N Broadband Router with 802.11n Access Point", "router"),
                       ("Enterprise Access Point, IEEE 802.11ax", "wireless_ap"),
                       ("Outdoor IEEE 802.11n CPE", "wireless_ap"),
                       ("Adaptive Security Appliance Version 9.8(4)", "firewall"),
                       ("VPN Firewall Router", "firewall")):
        got = best({"1.3.6.1.2.1.1.1.0": descr, "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99998.2"})
        assert got["device_class"] == cls, descr
