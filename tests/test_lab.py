"""Integration: real scapy ARP and real snmpd, inside the namespace lab."""

from __future__ import annotations

import json
import shutil
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from collector.lab.guard import check_lab_targets
from collector.lab.netns import LabError, isolation_problems
from collector.store import Inventory
from collector.vendornames import canonical_vendor

pytestmark = pytest.mark.lab


def export(db):
    with Inventory(db, create=False) as inv:
        return inv.device_records()


def test_scan_finds_every_lan_host_with_mac_and_vendor(lab, tmp_path):
    db = tmp_path / "inv.db"
    out = lab.scan("198.18.0.0/24", "--plugins", "arp,snmp", "--db", str(db))
    devices = {d["ips"][0]: d for d in export(db)}
    expected = lab.on("lan")
    assert len(devices) == len(expected), out.stdout
    for host in expected:
        d = devices[host["ip"]]
        if host["kind"] == "router":
            # one device for both its interfaces: its SNMP agent lists the branch address as its own
            assert d["macs"][0] == host["mac"] and d["ips"] == [host["ip"], host["extra_ip"]]
        else:
            assert d["macs"] == [host["mac"]]
        # the OUI's registrant ("Dell Inc.") as the inventory writes every maker ("Dell")
        vendor = canonical_vendor(lab.topology.PROFILES[host["kind"]].vendor)
        if lab.topology.PROFILES[host["kind"]].random_mac:
            assert d["vendor"] is None and d["mac_random"] is True
        else:
            # the OUI's vendor is recorded; a more specific source (SNMP) may win
            with Inventory(db) as inv:
                facts = {(f["field"], f["value"], f["source"]) for f in inv.device_facts(d["id"])}
            assert ("vendor", vendor, "arp") in facts and d["mac_random"] is False
            assert d["vendor"] in (vendor, "MikroTik", "Cisco", "HP", "APC", "Ubiquiti", "Synology")
        snmp = lab.topology.PROFILES[host["kind"]].snmp
        if snmp and snmp.community == "public":
            assert d["hostname"] == host["hostname"]  # sysName from the host's own snmpd
        elif snmp:
            assert d["hostname"] is None  # its community is not the default the scan tries
    assert f"{len(expected)} host(s) up of 254 address(es)" in out.stdout


def test_second_scan_adds_sightings_not_devices(lab, tmp_path):
    db = tmp_path / "inv.db"
    lab.scan("198.18.0.0/24", "--plugins", "arp", "--db", str(db))
    first = export(db)
    out = lab.scan("198.18.0.0/24", "--plugins", "arp", "--db", str(db))
    second = export(db)
    assert "\nnew devices: 0\n" in out.stdout and "\nknown devices not seen: 0\n" in out.stdout
    assert [d["id"] for d in first] == [d["id"] for d in second]
    with Inventory(db) as inv:
        assert inv.db["scans"].count == 2
        assert inv.db.execute("select count(*) from sightings").fetchone()[0] == 2 * len(first)
        assert [r["status"] for r in inv.db["scans"].rows] == ["complete", "complete"]
        assert inv.scan(2)["devices_new"] == 0


def test_probes_explain_silent_addresses(lab, tmp_path):
    db = tmp_path / "inv.db"
    lab.scan("198.18.0.200-202", "198.18.1.10", "--plugins", "arp", "--db", str(db))
    with Inventory(db) as inv:
        probes = {p["target"]: p for p in inv.db["probes"].rows}
    assert probes["198.18.0.200"]["outcome"] == "timeout"
    assert "no ARP reply after 2 request(s)" in probes["198.18.0.200"]["detail"]
    assert probes["198.18.1.10"]["outcome"] == "skipped"
    assert "does not cross routers" in probes["198.18.1.10"]["detail"]


@pytest.fixture
def shared_dir():
    import shutil
    import tempfile
    from pathlib import Path

    shared = Path(tempfile.mkdtemp(prefix="lc-unpriv-", dir="/tmp"))
    shared.chmod(0o777)  # pytest's tmp_path is private to root
    yield shared
    shutil.rmtree(shared)


def test_unprivileged_scan_degrades_and_says_why(lab, shared_dir):
    _unprivileged(lab, shared_dir / "inv.db")


def test_unprivileged_with_cap_net_raw_sweeps_fully(lab, shared_dir):
    """What the systemd unit runs as: a dynamic user with CAP_NET_RAW only."""
    db = shared_dir / "inv.db"
    out = lab.scan("198.18.0.0/24", "--plugins", "arp", "--db", str(db), user="65534", caps="+net_raw")
    assert "degraded" not in out.stdout
    assert {d["ips"][0] for d in export(db)} == {h["ip"] for h in lab.on("lan")}


def _unprivileged(lab, db):
    out = lab.scan("198.18.0.0/24", "--plugins", "arp", "--db", str(db), user="65534")
    assert "\nplugin arp: degraded: no raw sockets" in out.stdout, out.stdout
    devices = {d["ips"][0]: d for d in export(db)}
    # hosts with a TCP service answer the connect ping; the kernel table gives their MAC
    srv = next(h for h in lab.hosts if h["kind"] == "linux_server")
    assert devices[srv["ip"]]["macs"] == [srv["mac"]]
    with Inventory(db) as inv:
        scan = inv.scan(1)
    assert "no raw sockets" in scan["plugins"]["degraded"]["arp"]


def test_killed_scan_is_marked_and_next_run_is_clean(lab, tmp_path):
    from collector.lab.cli import in_lab_command, lab_scan_argv

    db = tmp_path / "inv.db"
    lab.scan("198.18.0.0/24", "--plugins", "arp", "--db", str(db))
    before = export(db)
    # A slow scan (1 packet/s), killed hard in the middle of its sweep.
    proc = subprocess.Popen(in_lab_command(lab_scan_argv(["198.18.0.0/24", "--plugins", "arp", "--rate", "1",
                                                          "--db", str(db), "-q"])),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(3)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert export(db) == before  # previous inventory intact
    lab.scan("198.18.0.0/24", "--plugins", "arp", "--db", str(db))
    after = export(db)
    assert [d["id"] for d in after] == [d["id"] for d in before]
    with Inventory(db) as inv:
        statuses = [r["status"] for r in inv.db.query("select status from scans order by id")]
    assert statuses == ["complete", "interrupted", "complete"]


def test_sigterm_marks_scan_interrupted(lab, tmp_path):
    from collector.lab.cli import in_lab_command, lab_scan_argv

    db = tmp_path / "inv.db"
    proc = subprocess.Popen(in_lab_command(lab_scan_argv(["198.18.0.0/24", "--plugins", "arp", "--rate", "5",
                                                          "--db", str(db), "-q"])),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    # ip netns exec execs the guard which execs python: the pid is the scan
    os.kill(proc.pid, signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    with Inventory(db) as inv:
        assert inv.scan(1)["status"] == "interrupted"


def test_another_session_cannot_scan_or_exec_in_the_lab(lab):
    """`lab scan` / `lab exec` by hand while a test session holds the lab:
    refused in one line (the session's own children may)."""
    import sys

    from collector.lab.netns import HOLDER_ENV

    env = {k: v for k, v in os.environ.items() if k != HOLDER_ENV}
    for argv in (["exec", "true"], ["scan", "--plugins", "arp", "198.18.0.10"]):
        proc = subprocess.run([sys.executable, "-m", "collector", "lab", *argv], env=env, capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 2, proc  # as every lab error
        assert "in use by a test or benchmark session" in proc.stderr and "Traceback" not in proc.stderr
    own = subprocess.run([sys.executable, "-m", "collector", "lab", "exec", "true"], capture_output=True, text=True,
                         timeout=60)
    assert own.returncode == 0, own.stderr


def test_collector_namespace_is_isolated(lab):
    assert isolation_problems("lcl-col") == []
    out = lab.exec("ip", "-o", "link")
    assert sorted(l.split(":")[1].strip().split("@")[0] for l in out.stdout.splitlines()) == ["eth0", "lo"]
    routes = lab.exec("ip", "route").stdout
    assert "default" not in routes


@pytest.mark.parametrize("target", ["192.168.1.0/24", "8.8.8.8", "10.0.0.1", "198.18.0.0/14", "localhost"])
def test_lab_refuses_targets_outside_the_lab(target):
    with pytest.raises(LabError, match="refusing lab target"):
        check_lab_targets([target])


def test_lab_scan_refuses_no_targets_and_files():
    from collector.lab.cli import lab_scan_argv

    with pytest.raises(LabError):
        check_lab_targets([])
    with pytest.raises(LabError, match="not supported in the lab"):
        lab_scan_argv(["@/tmp/targets.txt"])
    with pytest.raises(LabError, match="not supported in the lab"):
        lab_scan_argv(["--config", "/etc/lan-collector/config.toml"])
    # no targets: the lab's own subnets, never auto-detection
    argv = lab_scan_argv(["--plugins", "arp"])
    assert argv[-2:] == ["198.18.0.0/24", "198.18.1.0/24"]


def test_guard_refuses_outside_the_lab_namespace(lab):
    # run from the root namespace: the guard must refuse before running anything
    proc = subprocess.run([sys.executable, "-m", "collector.lab.guard", "touch", "/tmp/should-not-exist"],
                          capture_output=True, text=True)
    assert proc.returncode == 3 and "not in the lab namespace" in proc.stderr
    assert not os.path.exists("/tmp/should-not-exist")


def test_snmp_agents_answer_inside_the_lab_only(lab):
    printer = next(h for h in lab.hosts if h["kind"] == "printer")
    out = lab.exec("snmpget", "-v2c", "-c", "public", "-On", "-t", "1", "-r", "0", printer["ip"],
                   "1.3.6.1.2.1.1.5.0")
    assert printer["hostname"] in out.stdout


def test_lab_status_command(lab):
    out = subprocess.run([sys.executable, "-m", "collector", "lab", "status"], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "200"})
    assert out.returncode == 0 and "service daemon: up" in out.stdout
    assert "lcl-h001" in out.stdout


def test_hosts_behind_the_router_found_by_tcp_ping(lab, tmp_path):
    db = tmp_path / "inv.db"
    out = lab.scan("198.18.1.0/24", "--plugins", "arp,tcpping", "--db", str(db))
    found = {d["ips"][0]: d for d in export(db)}
    for host in lab.on("branch"):
        assert host["ip"] in found, out.stdout
        assert found[host["ip"]]["macs"] == []  # a MAC does not cross a router
    assert lab.topology.ROUTER_BRANCH_IP in found  # the router's own branch-side address
    with Inventory(db) as inv:
        probes = {p["target"]: p for p in inv.db.query("select * from probes where plugin = 'tcpping'")}
    assert probes["198.18.1.200"]["outcome"] == "timeout"
    assert probes[lab.on("branch")[0]["ip"]]["outcome"] == "ok"


def test_lab_services_are_recognised_by_nmap(lab):
    """The lab's banners are the real products' greetings: nmap -sV, run
    inside the lab, names them."""
    srv = next(h for h in lab.hosts if h["kind"] == "linux_server")
    ws = next(h for h in lab.hosts if h["kind"] == "windows_workstation")
    sw = next(h for h in lab.hosts if h["kind"] == "switch")
    out = lab.exec("nmap", "-n", "-Pn", "-sV", "-p", "21,22,23,80,445", srv["ip"], ws["ip"], sw["ip"],
                   timeout=120).stdout
    for expected in ("vsftpd 2.3.4", "OpenSSH 5.3", "Apache httpd 2.2.15", "Windows 7 - 10 microsoft-ds",
                     "Cisco IOS telnetd", "Cisco SSH 1.25"):
        assert expected in out, out


def test_every_lab_service_identified(lab, tmp_path):
    """banners + nmap over the lab: each emulated product and version is named."""
    db = tmp_path / "inv.db"
    lab.scan("198.18.0.0/24", "--plugins", "arp,banners,nmap", "--db", str(db), timeout=300)
    by_kind = {}
    for h in lab.on("lan"):
        by_kind.setdefault(h["kind"], h["ip"])  # the first host of each kind
    services = {}
    for d in export(db):
        for s in d["services"]:
            services[(d["ips"][0], s["port"])] = s
    expected = {
        ("linux_server", 21): ("vsFTPd", "2.3.4"), ("linux_server", 22): ("OpenSSH", "5.3"),
        ("linux_server", 80): ("Apache HTTPD", "2.2.15"), ("linux_server", 25): ("Postfix", None),
        ("switch", 22): ("Cisco SSH", "1.25"), ("switch", 23): ("Cisco IOS telnetd", None),
        ("router", 22): ("MikroTik RouterOS sshd", None), ("wireless_ap", 22): ("Dropbear SSH", "2019.78"),
        ("modern_linux", 22): ("OpenSSH", "9.6p1"), ("nas", 22): ("OpenSSH", "7.4"), ("nas", 5000): ("nginx", None),
        ("windows_workstation", 445): ("Microsoft Windows 7 - 10 microsoft-ds", None),
        ("windows_server", 445): ("Microsoft Windows Server 2008 R2 microsoft-ds", None),
        ("ups", 80): ("RomPager", "4.01"), ("printer", 80): ("JetDirect", None),
    }
    for (kind, port), (product, version) in expected.items():
        svc = services[(by_kind[kind], port)]
        assert (svc["product"], svc["version"]) == (product, version), (kind, port, svc)
    assert services[(by_kind["linux_server"], 22)]["cpe"] == "cpe:2.3:a:openbsd:openssh:5.3:*:*:*:*:*:*:*"
    # no printer raw port was ever touched
    assert not any(9100 <= port <= 9107 for (_ip, port) in services)
    devices = {d["ips"][0]: d for d in export(db)}
    printer = next(h for h in lab.on("lan") if h["kind"] == "printer")
    assert devices[by_kind["printer"]]["serial"] == lab.topology.serial_for(printer["index"])
    assert devices[by_kind["printer"]]["device_class"] == "printer"


def test_old_hosts_flagged_modern_host_clean(lab, tmp_path):
    db = tmp_path / "inv.db"
    lab.scan("198.18.0.0/24", "--db", str(db), timeout=300)  # default plugins: the full job
    with Inventory(db) as inv:
        flags = inv.flags(70)
    got = {}
    for f in flags:
        got.setdefault(f["ip"], set()).add(f["rule"])
    first = {}
    for h in lab.on("lan"):
        first.setdefault(h["kind"], h)
    srv, ws, dc, sw = (first[k]["ip"] for k in ("linux_server", "windows_workstation", "windows_server", "switch"))
    assert {"unpatched/backdoor", "unpatched/cve", "legacy/eol", "legacy/ftp",
            "legacy/snmp-default-community"} <= got[srv]
    assert {"legacy/eol", "legacy/smbv1"} <= got[ws] and {"legacy/eol", "legacy/smbv1"} <= got[dc]
    assert "legacy/telnet" in got[sw]
    titles = {f["title"] for f in flags}
    assert any(t.startswith("CVE-2011-2523") for t in titles)
    assert any(t.startswith("OpenSSH 5.3:") for t in titles)
    assert any(t.startswith("Apache HTTPD 2.2.15: end of security support") for t in titles)
    assert any(t.startswith("Windows 7 SP1: end of security support") for t in titles)
    assert any(t.startswith("Windows Server 2008 R2 SP1: end of security support") for t in titles)
    assert first["modern_linux"]["ip"] not in got  # nothing at confidence >= 70
    # precision against the lab's ground truth
    truth = {(h["ip"], r) for h in lab.on("lan") for r in lab.topology.EXPECTED_FLAGS[h["kind"]]}
    flagged = {(ip, r) for ip, rules in got.items() for r in rules if ip.startswith("198.18.0.")}
    assert flagged <= truth, flagged - truth


# -- SNMP inventory in the lab (issue 3) --------------------------------------

def test_router_arp_table_reveals_the_hosts_behind_it(lab, tmp_path):
    db = tmp_path / "inv.db"
    router = next(h for h in lab.hosts if h["kind"] == "router")
    lab.scan(router["ip"], "198.18.1.0/24", "--plugins", "tcpping,snmp", "--db", str(db))
    devices = export(db)
    by_ip = {ip: d for d in devices for ip in d["ips"]}
    branch = lab.on("branch")
    assert branch
    for host in branch:
        # no ARP reaches the branch: the MAC can only come from the router's ipNetToMediaTable
        assert by_ip[host["ip"]]["macs"] == [host["mac"]], host
        with Inventory(db) as inv:
            facts = {(f["field"], f["value"], f["source"]) for f in inv.device_facts(by_ip[host["ip"]]["id"])}
        oui_vendor = canonical_vendor(lab.topology.PROFILES[host["kind"]].vendor)
        assert ("vendor", oui_vendor, "snmp-arp") in facts  # the MAC's OUI
    with Inventory(db) as inv:
        arp = inv.links(by_ip[router["ip"]]["id"], "arp")
    assert {(h["ip"], h["mac"]) for h in branch} <= {(r["remote_ip"], r["remote_mac"]) for r in arp}
    # the router is one device with both its addresses
    assert by_ip[router["ip"]]["id"] == by_ip[router["extra_ip"]]["id"]


def test_switch_forwarding_table_maps_lab_macs_to_ports(lab, tmp_path):
    db = tmp_path / "inv.db"
    lab.scan("198.18.0.0/24", "--plugins", "arp,snmp", "--db", str(db))
    switch = next(h for h in lab.hosts if h["kind"] == "switch")
    links = {d["ips"][0]: d for d in export(db)}
    sw_id = links[switch["ip"]]["id"]
    with Inventory(db) as inv:
        fdb = {(r["remote_mac"], r["local_port"]) for r in inv.links(sw_id, "fdb")}
        assert inv.db["devices"].get(sw_id)["device_class"] == "switch"
    # ground truth: the lab bridge itself, read in the switch namespace
    def in_switch_ns(*argv):  # read-only, inside the lab's bridge namespace
        return json.loads(subprocess.run(["ip", "netns", "exec", lab.topology.SWITCH_NS, *argv], check=True,
                                         capture_output=True, text=True).stdout)

    ports = {l["ifname"]: l["ifindex"] for l in in_switch_ns("ip", "-j", "link", "show", "master", "br0")}
    truth = {(e["mac"], f"port {ports[e['ifname']]}")
             for e in in_switch_ns("bridge", "-j", "fdb", "show", "br", "br0")
             if e.get("ifname") in ports and e.get("state") != "permanent" and not int(e["mac"][:2], 16) & 1}
    lan_macs = {h["mac"] for h in lab.on("lan")}
    expected = {t for t in truth if t[0] in lan_macs}
    assert len(expected) >= len(lan_macs) - 1  # every host that spoke has been learned
    assert expected <= fdb


def test_snmpv3_authpriv_credential_reaches_the_modern_host(lab, tmp_path):
    db = tmp_path / "inv.db"
    host = next(h for h in lab.hosts if h["kind"] == "modern_linux")
    v3 = lab.topology.LAB_V3
    out = lab.scan(host["ip"], "--plugins", "arp,snmp", "--db", str(db),
                   "--snmp-v3", f"{v3['user']}:sha256:{v3['auth_key']}:aes128:{v3['priv_key']}")
    assert v3["auth_key"] not in out.stdout + out.stderr
    with Inventory(db) as inv:
        probe = [p for p in inv.probes_for([host["ip"]]) if p["plugin"] == "snmp"][0]
        raw = json.loads(inv.db.execute("select data from observations where plugin = 'snmp'").fetchone()[0])
        text = "\n".join(" ".join(map(str, r)) for t in ("observations", "scans", "probes", "device_facts")
                         for r in inv.db.execute(f"select * from {t}").fetchall())
    assert probe["outcome"] == "ok" and "v3 authPriv as v3-flag-1" in probe["detail"]
    assert raw["raw"]["credential"] == "v3-flag-1" and raw["raw"]["default_community"] is False
    assert v3["auth_key"] not in text and v3["priv_key"] not in text  # secrets never stored
    assert export(db)[0]["hostname"] == host["hostname"]


def test_the_credential_that_worked_is_tried_first_next_time(lab, tmp_path):
    db = tmp_path / "inv.db"
    host = next(h for h in lab.hosts if h["kind"] == "modern_linux")
    args = (host["ip"], "--plugins", "arp,snmp", "--db", str(db), "--snmp-community", "public",
            "--snmp-community", "office-ro-7f3a")
    lab.scan(*args)
    lab.scan(*args)
    with Inventory(db) as inv:
        raws = [json.loads(r[0])["raw"] for r in inv.db.execute(
            "select data from observations where plugin = 'snmp' order by id")]
    # first scan: public v2c, public v1, then the site community; second: the site community at once
    assert [(r["credential"], r["contact_attempts"]) for r in raws] == [("community-2", 3), ("community-2", 1)]


# -- Windows, Samba, NetBIOS and WS-Discovery (issue 11) -----------------------

_WINDOWS = {"windows_workstation": ("Windows 7", "SP1", "6.1.7601"),
            "windows_server": ("Windows Server 2008 R2", "SP1", "6.1.7601"),
            "windows10": ("Windows 10", "2004-22H2", "10.0.19041"),  # NTLMSSP states the servicing base
            "windows_server2022": ("Windows Server 2022", None, "10.0.20348"),
            "workstation": ("Windows 7", "SP1", "6.1.7601")}


def test_windows_and_samba_hosts_identified_without_snmp(lab, tmp_path):
    from collector.lab import samba

    db = tmp_path / "inv.db"
    lab.scan("198.18.0.0/24", "198.18.1.0/24", "--plugins", "arp,tcpping,banners,smb,netbios,wsd", "--db", str(db))
    devices = {ip: d for d in export(db) for ip in d["ips"]}
    with Inventory(db) as inv:
        ids = {ip: {(i["kind"], i["value"]) for i in inv.identifiers(devices[ip]["id"])} for ip in devices}
        flags = inv.flags(70)
    got_flags: dict[str, set[str]] = {}
    for f in flags:
        got_flags.setdefault(f["ip"], set()).add(f["rule"])
    for host in lab.hosts:
        d = devices[host["ip"]]
        if host["kind"] in _WINDOWS:
            os_name, release, build = _WINDOWS[host["kind"]]
            assert (d["os_name"], d["os_version"], d["os_build"]) == (os_name, release, build), (host, d)
            name = host["hostname"].upper()
            assert any(k == "netbios_name" and v.startswith(name) for k, v in ids[host["ip"]]), ids[host["ip"]]
            assert any(k == "smb_guid" for k, _v in ids[host["ip"]])
            assert ("legacy/eol" in got_flags.get(host["ip"], set())) == (host["kind"] != "windows_server2022")
        if host["kind"] in samba.SAMBA_KINDS and not samba.available():
            [svc] = [s for s in d["services"] if s["port"] == 445]
            assert svc["product"] == "Samba smbd"
            smb1 = samba.SAMBA_KINDS[host["kind"]][0]
            assert (svc["version"] or "").startswith("4.") == smb1  # Samba names its version only over SMB1
            assert ("legacy/smbv1" in got_flags.get(host["ip"], set())) == smb1
    # NetBIOS gives the MAC of hosts behind the router, which ARP cannot see
    branch_ws = next(h for h in lab.on("branch") if h["kind"] == "workstation")
    assert devices[branch_ws["ip"]]["macs"] == [branch_ws["mac"]]
    # WS-Discovery: Windows computers by name; Samba's wsdd; never an out-of-scope fetch
    with Inventory(db) as inv:
        wsd = {r["ip"]: json.loads(r["data"])["raw"]["wsd"] for r in inv.db.query(
            "select ip, data from observations where plugin = 'wsd'")}
    win10 = next(h for h in lab.hosts if h["kind"] == "windows10")
    assert wsd[win10["ip"]]["metadata"]["computer"] == win10["hostname"].upper()
    assert "Computer" in wsd[win10["ip"]]["types"]
    if shutil.which("wsdd"):
        srv = next(h for h in lab.hosts if h["kind"] == "linux_server")
        assert "Computer" in wsd[srv["ip"]]["types"]
