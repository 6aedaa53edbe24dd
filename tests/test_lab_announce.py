"""Integration: mdns, ssdp and passive against real avahi-daemon, minidlna,
cupsd and gmediarender, inside the namespace lab."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from collector.store import Inventory

pytestmark = pytest.mark.lab

APPLE = {"mac": ("workstation", "macOS", "MacBook Pro (14-Inch, M1, 2021)", "12"),
         "iphone": ("phone", "iOS", "iPhone 13 Pro", None),
         "apple_tv": ("media", "tvOS", "Apple TV 4K", "14.7")}


@pytest.fixture(autouse=True)
def _daemons() -> None:
    missing = [d for d in ("avahi-daemon", "minidlnad", "cupsd", "udhcpc") if shutil.which(d) is None]
    if missing:
        pytest.skip(f"announce lab tests need {', '.join(missing)} (apt-get install avahi-daemon minidlna "
                    "cups-daemon udhcpc)")


def _devices(db) -> dict[str, dict]:
    with Inventory(db, create=False) as inv:
        return {d["ips"][0]: d for d in inv.device_records()}


def _host(lab, kind: str) -> dict:
    return next(h for h in lab.hosts if h["kind"] == kind)


def test_announcing_devices_get_class_os_and_model(lab, tmp_path):
    db = tmp_path / "inv.db"
    lab.scan("198.18.0.0/24", "--plugins", "arp,mdns,ssdp", "--db", str(db))
    devices = _devices(db)
    for kind, (device_class, os_name, model, version) in APPLE.items():
        d = devices[_host(lab, kind)["ip"]]
        assert (d["vendor"], d["device_class"], d["os_name"], d["model"]) == ("Apple", device_class, os_name, model)
        assert d["os_version"] == version
        assert d["hostname"] == _host(lab, kind)["hostname"]
    speaker = devices[_host(lab, "media_renderer")["ip"]]
    # gmediarender on a Raspberry Pi: a media device made by Raspberry Pi, running gmediarender (not made by it)
    assert speaker["device_class"] == "media" and speaker["vendor"].startswith("Raspberry Pi")
    assert ["gmediarender", "0.1"] in [[s["name"], s["version"]] for s in speaker["software"]]
    printer = devices[_host(lab, "ipp_printer")["ip"]]
    assert (printer["device_class"], printer["model"]) == ("printer", "HP LaserJet Pro M404dn")
    eve = devices[_host(lab, "homekit")["ip"]]
    assert (eve["device_class"], eve["model"]) == ("iot", "Eve Energy 20EBO8301")
    nas = devices[_host(lab, "nas")["ip"]]
    assert any(s["name"].endswith("(MiniDLNA)") and s["version"] for s in nas["software"]), nas["software"]
    with Inventory(db) as inv:
        kinds = {(r[0], r[1]) for r in inv.db.execute(
            "select i.kind, a.ip from identifiers i join addresses a on a.device_id = i.device_id")}
    assert ("upnp_udn", _host(lab, "nas")["ip"]) in kinds and ("upnp_udn", speaker["ips"][0]) in kinds
    assert ("mdns_host", _host(lab, "iphone")["ip"]) in kinds
    # nothing outside the announcing hosts got an mDNS class or model by mistake
    for h in lab.on("lan"):
        if h["kind"] in ("router", "switch", "windows_workstation", "laptop", "ups"):
            assert devices[h["ip"]]["device_class"] is None, h


def test_phone_with_a_new_random_mac_stays_one_device(lab, tmp_path):
    db = tmp_path / "inv.db"
    phone = _host(lab, "iphone")
    # the first inventory must know the phone by its mDNS name (what links its next MAC to it);
    # right after another test's scan a responder may still hold back (avahi rate-limits
    # repeated answers): scan again, from scratch, until it answers
    deadline = time.monotonic() + 60
    while True:
        db.unlink(missing_ok=True)
        lab.scan("198.18.0.0/24", "--plugins", "arp,mdns", "--db", str(db))
        first = _devices(db)[phone["ip"]]
        if first["hostname"] or time.monotonic() > deadline:
            break
        time.sleep(3)
    assert first["hostname"], "the phone never answered mDNS in the first inventory"
    new_mac = "da:11:22:33:44:55"
    subprocess.run(["ip", "-n", phone["ns"], "link", "set", "eth0", "address", new_mac], check=True)
    try:
        # avahi sees the link change and probes its names again before it
        # answers (a few seconds; longer on a loaded machine): scan until it does
        # (each try starts again from the first scan's inventory)
        first_db = tmp_path / "first.db"
        shutil.copy(db, first_db)
        deadline = time.monotonic() + 180  # seconds: a machine busy with other work re-probes late
        while time.monotonic() < deadline:
            time.sleep(3)
            shutil.copy(first_db, db)
            lab.scan("198.18.0.0/24", "--plugins", "arp,mdns", "--db", str(db))
            second = _devices(db)[phone["ip"]]
            # the phone answered with its new MAC under its own name (after a link change
            # avahi may first pick "name-2" while the lab's other responders still cache the
            # old record; a renamed phone is another name, not what this test is about)
            if new_mac in second["macs"] and second["model"] and second["hostname"] == first["hostname"]:
                break
    finally:
        subprocess.run(["ip", "-n", phone["ns"], "link", "set", "eth0", "address", phone["mac"]], check=True)
    assert new_mac in second["macs"] and second["model"] and second["hostname"] == first["hostname"], \
        f"the phone never answered mDNS with its new MAC under its name ({second['hostname']!r})"
    assert second["id"] == first["id"] and set(second["macs"]) == {phone["mac"], new_mac}
    assert len(_devices(db)) == len(lab.on("lan"))


def test_passive_hears_dhcp_and_announcements_without_sending(lab, tmp_path, monkeypatch):
    db = tmp_path / "inv.db"
    pi = _host(lab, "modern_linux")
    monkeypatch.setenv("LAN_COLLECTOR_MDNS_LISTEN_SECONDS", "6")
    # a real DHCP client asks for its address while the collector listens
    client = subprocess.Popen(["ip", "netns", "exec", pi["ns"], "udhcpc", "-i", "eth0", "-f", "-q", "-n", "-t", "6",
                               "-T", "1", "-r", pi["ip"], "-x", f"hostname:{pi['hostname']}", "-s", "/bin/true"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lab.scan("198.18.0.0/24", "--plugins", "arp,mdns,passive", "--db", str(db))
    finally:
        client.kill()
        client.wait()
    with Inventory(db) as inv:
        rows = inv.db.execute("select o.ip, o.data from observations o where o.plugin = 'passive'").fetchall()
        idents = {(r[0], r[1]) for r in inv.db.execute(
            "select i.kind, a.ip from identifiers i join addresses a on a.device_id = i.device_id")}
    heard: dict[str, str] = {}
    for ip, data in rows:
        heard[ip] = heard.get(ip, "") + data
    assert pi["ip"] in heard and "dhcp" in heard[pi["ip"]]
    assert ("dhcp_client_id", pi["ip"]) in idents
    assert _host(lab, "nas")["ip"] in heard  # minidlna's ssdp:alive NOTIFY (every 5 s in the lab)
    assert _host(lab, "apple_tv")["ip"] in heard  # its mDNS answers, multicast on the link
