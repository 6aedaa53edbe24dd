"""Distribution releases from package suffixes and the derived table; the
end-of-life that follows; vendor stays the hardware maker."""

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from collector.assess import assess
from collector.assess.distro import DistroTable, Release, distro_release, release_base, support_state, table
from collector.assess.rules import reference
from collector.banners import Grab, identify
from collector.identity import HostEvidence, best_facts
from collector.model import Observation, Service

TODAY = dt.date(2026, 11, 22)
SHARED = Path(os.environ.get("LAN_COLLECTOR_SHARED_DATA")
              or Path(__file__).resolve().parent.parent.parent / "shared" / "data")


@pytest.mark.parametrize("software, distro, cycle, exact", [
    # the banners of issue 11, and their neighbours
    ("OpenSSH_5.5p1 Debian-6+squeeze5", "debian", "6", True),
    ("OpenSSH_7.4p1 Raspbian-10+deb9u7", "raspbian", "9", True),
    ("OpenSSH_7.9p1 Debian-10+deb10u2", "debian", "10", True),
    ("OpenSSH_9.2p1 Debian-2+deb12u3", "debian", "12", True),
    ("OpenSSH_6.6.1p1 Debian-4~bpo70+1", "debian", "7", True),  # a backport installed on Debian 7
    ("OpenSSH_8.2p1 Ubuntu-4ubuntu0.5", "ubuntu", "20.04", False),
    ("OpenSSH_8.9p1 Ubuntu-3ubuntu0.6", "ubuntu", "22.04", False),
    ("OpenSSH_9.6p1 Ubuntu-3ubuntu13.5", "ubuntu", "24.04", False),
    ("OpenSSH_7.6p1 Ubuntu-4ubuntu0.7+esm1", "ubuntu", "18.04", False),
    ("OpenSSH_7.9p1 Debian-10", "debian", "10", False),  # a release's own version: from the table
    ("OpenSSH_9.2p1 Debian-2", "debian", "12", False),
    ("OpenSSH_9.9p1 Ubuntu-3ubuntu3", "ubuntu", None, False),  # not in the table: the distribution only
])
def test_release_from_openssh_banner(software, distro, cycle, exact):
    found = table().from_ssh(software)
    assert (found.distro, found.cycle, found.exact) == (distro, cycle, exact)
    assert found.esm == ("esm" in software)


@pytest.mark.parametrize("server, distro, cycle", [
    ("Apache/2.2.15 (CentOS)", "centos", "6"),
    ("Apache/2.4.6 (CentOS) OpenSSL/1.0.2k-fips", "centos", "7"),
    ("Apache/2.4.41 (Ubuntu)", "ubuntu", "20.04"),
    ("Apache/2.4.52 (Ubuntu)", "ubuntu", "22.04"),
    ("Apache/2.2.16 (Debian)", "debian", None),  # Debian rebases Apache in stable: no table
    ("nginx/1.24.0 (Ubuntu)", "ubuntu", None),
    ("Apache/2.4.57 (Unix)", None, None),
])
def test_release_from_http_server(server, distro, cycle):
    found = table().from_server(server)
    assert ((found.distro, found.cycle) if found else (None, None)) == (distro, cycle)


@pytest.mark.parametrize("revision, base", [
    ("10+deb9u7", "10"), ("6+squeeze5", "6"), ("4ubuntu0.5", "4"), ("3ubuntu13.5", "3ubuntu13"),
    ("2ubuntu2.13", "2ubuntu2"), ("4~bpo70+1", "4"), ("1.woody.3", "1"), ("6build1", "6build1"),
])
def test_release_base(revision, base):
    assert release_base(revision) == base


def test_kernel_and_centos_banner_together():
    host = HostEvidence("10.0.0.1", services=[Service(80, name="http", banner="HTTP/1.1 200 OK Server: Apache/2.2.15 "
                                                                               "(CentOS)")],
                        observations=[Observation("snmp", "10.0.0.1", raw={"system": {
                            "sysDescr": "Linux srv 2.6.32-754.35.1.el6.x86_64 #1 SMP x86_64"}})])
    found = distro_release(host)
    assert (found.distro, found.cycle, found.exact, found.label) == ("centos", "6", True, "CentOS 6")


def _release(distro, cycle, esm=False):
    return Release(distro, cycle, "test", esm=esm)


@pytest.mark.parametrize("release, phase, confidence", [
    (_release("debian", "6"), "ended", 80),
    (_release("raspbian", "9"), "ended", 80),
    (_release("centos", "6"), "ended", 80),
    (_release("ubuntu", "20.04"), "extended", 60),  # standard support ended 2025-05-31; ESM needs Ubuntu Pro
    (_release("ubuntu", "20.04", esm=True), "extended", 30),  # the banner shows ESM packages
    (_release("debian", "11"), "ended", 80),  # LTS ended 2026-08-31
    (_release("debian", "12"), "extended", 30),  # regular support ended 2026-07-11, LTS reaches everyone
    (_release("ubuntu", "24.04"), "supported", 0),
])
def test_support_state(release, phase, confidence):
    releases = reference().eol["products"][release.slug]["releases"]
    assert support_state(release, releases, TODAY)[:2] == (phase, confidence)


@pytest.mark.parametrize("banners, label, confidence", [
    (["SSH-2.0-OpenSSH_5.5p1 Debian-6+squeeze5", "HTTP/1.1 200 OK Server: Apache/2.2.16 (Debian)"], "Debian 6", 80),
    (["SSH-2.0-OpenSSH_7.4p1 Raspbian-10+deb9u7"], "Raspbian 9", 80),
    (["SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5", "HTTP/1.1 200 OK Server: Apache/2.4.41 (Ubuntu)"], "Ubuntu 20.04", 60),
])
def test_distribution_end_of_life_flag(banners, label, confidence):
    host = HostEvidence("10.0.0.1", services=[Service(22 + i, name="x", banner=b) for i, b in enumerate(banners)])
    eol = [f for f in assess(host, TODAY) if f.rule == "legacy/eol" and f.title.startswith(label)]
    assert len(eol) == 1 and eol[0].confidence == confidence
    assert eol[0].evidence["distribution"] == label.split()[0] and eol[0].evidence["release"] == label.split()[1]
    if confidence < 70:
        assert "Ubuntu Pro" in eol[0].evidence["note"]


def test_ended_upstream_cycle_of_dead_release_is_eol():
    apache = Service(80, name="http", product="Apache HTTPD", version="2.2.16",
                     cpe="cpe:2.3:a:apache:http_server:2.2.16:*:*:*:*:*:*:*",
                     banner="HTTP/1.1 200 OK Server: Apache/2.2.16 (Debian)")
    ssh = Service(22, name="ssh", banner="SSH-2.0-OpenSSH_5.5p1 Debian-6+squeeze5")
    flags = {f.title.split(":")[0]: f for f in assess(HostEvidence("10.0.0.1", services=[apache, ssh]), TODAY)
             if f.rule == "legacy/eol"}
    assert flags["Apache HTTPD 2.2.16"].confidence == 80 and "unsupported too" in flags["Apache HTTPD 2.2.16"].evidence[
        "note"]


@pytest.mark.parametrize("banner, expected", [
    ("SSH-2.0-OpenSSH_7.4p1 Raspbian-10+deb9u7",
     {"os_name": "Raspbian", "os_version": "9", "vendor": "Raspberry Pi", "model": "Raspberry Pi",
      "device_class": "server"}),
    ("SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5", {"os_name": "Ubuntu", "os_version": "20.04", "device_class": "server"}),
    # not Recog's "10.2"
    ("SSH-2.0-OpenSSH_7.9p1 Debian-10+deb10u2", {"os_name": "Debian", "os_version": "10", "device_class": "server"}),
    ("SSH-2.0-OpenSSH_7.6p1 Ubuntu-4", {"os_name": "Ubuntu", "os_version": "18.04", "device_class": "server"}),
])
def test_banner_facts_name_the_distribution_and_never_make_it_the_vendor(banner, expected):
    _svc, facts = identify(Grab(port=22, greeting=banner.encode() + b"\r\n"))
    best = {name: f.value for name, f in best_facts(facts).items()}
    assert best == expected
    assert not any(f.field == "vendor" and f.value in ("Raspbian", "Ubuntu", "Debian") for f in facts)
    assert not any(f.field == "os_name" and f.value == "Linux" for f in facts)


def test_table_entries_carry_their_source():
    data = json.loads((Path(str(__import__("collector.refdata", fromlist=["PACKAGED"]).PACKAGED)) /
                       "distro.json").read_text())
    entries = [e for p in data["packages"].values() for d in p.values() for e in d.values()]
    assert entries and all(e["source"].startswith(("recog", "curated: ")) for e in entries)
    curated = json.loads((Path(__file__).parent.parent / "collector/refdata/curated/distro_packages.json").read_text())
    for e in curated["entries"]:
        assert data["packages"][e["package"]][e["distro"]][e["version"]]["releases"] == [e["release"]]
        assert e["ref"]
    assert data["releases"]["debian"]["6"]["codename"] == "squeeze"


def test_ambiguous_versions_name_no_release():
    dt_ = DistroTable({"releases": {"debian": {"11": {}, "12": {}}}, "packages": {"apache2": {"debian": {
        "2.4.62": {"releases": ["11", "12"], "source": "test"}}}}})
    assert dt_.from_server("Apache/2.4.62 (Debian)").cycle is None


@pytest.mark.skipif(not SHARED.exists(), reason="shared/data not beside the checkout")
def test_curated_entry_contradicting_derived_data_is_refused(tmp_path, monkeypatch):
    from collector.refdata import DataError
    from collector.refdata import distro_build

    real = distro_build._curated

    def contradicting(releases, entries, inputs):
        entries[("ubuntu", "openssh", "8.2p1-4")] = {"releases": ["19.10"], "source": "recog"}
        return real(releases, entries, inputs)

    monkeypatch.setattr(distro_build, "_curated", contradicting)
    with pytest.raises(DataError, match="says 20.04"):
        distro_build.build_distro(SHARED, tmp_path)
