"""The Windows build table (derived from endoflife.date) and the end-of-life
rule for Windows, whatever source stated the build."""

from __future__ import annotations

import datetime as dt

import pytest

from collector.assess import assess
from collector.assess.winbuilds import derive, releases_for, table
from collector.identity import HostEvidence
from collector.model import Fact, Observation, Service

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize("build, kw, expected", [
    (19045, {}, ["Windows 10 22H2"]),
    (22000, {}, ["Windows 11 21H2"]),
    (22631, {}, ["Windows 11 23H2"]),
    (26200, {}, ["Windows 11 25H2"]),
    (10240, {}, ["Windows 10 1507"]),
    (20348, {}, ["Windows Server 2022"]),
    (14393, {"server": True}, ["Windows Server 2016"]),
    (17763, {"server": True}, ["Windows Server 1809", "Windows Server 2019"]),
    (26100, {"server": True}, ["Windows Server 2025"]),
    (7601, {"server": False}, ["Windows 7 SP1"]),
    (7600, {"server": False}, ["Windows 7"]),  # curated: endoflife.date has no RTM cycle
    (7600, {"server": True}, ["Windows Server 2008 R2"]),
    (6002, {"server": False}, ["Windows Vista SP2"]),  # curated: endoflife.date says 6.0.6200
    (6002, {"server": True}, ["Windows Server 2008 SP2"]),
    (2600, {}, ["Windows XP"]),
    (9600, {"server": True}, ["Windows Server 2012 R2"]),
    (9200, {"server": False}, ["Windows 8"]),
])
def test_build_to_release(build, kw, expected):
    assert sorted({r.label for r in releases_for(build, **kw)}) == expected


def test_ntlm_base_builds_cover_their_enablement_releases():
    labels = {r.label for r in releases_for(19041, ntlm=True, server=False)}
    assert labels == {"Windows 10 2004", "Windows 10 20H2", "Windows 10 21H1", "Windows 10 21H2", "Windows 10 22H2"}
    assert {r.label for r in releases_for(22621, ntlm=True)} == {"Windows 11 22H2", "Windows 11 23H2"}
    assert {r.label for r in releases_for(18362, ntlm=True, server=False)} == {"Windows 10 1903", "Windows 10 1909"}


def test_table_is_derived_from_the_data_not_typed_in():
    # a new cycle in endoflife.date appears without touching code
    data = {"products": {"windows": {"releases": [
        {"cycle": "12-27h2-w", "label": "12 27H2 (W)", "eol": "2030-01-01", "latest": "10.0.30500"}]},
        "windows-server": {"releases": [{"cycle": "2028", "eol": "2038-01-01", "latest": "10.0.30500"}]}}}
    rows = derive(data)
    assert {r.label for r in releases_for(30500, rows=rows)} == {"Windows 12 27H2", "Windows Server 2028"}
    assert len(table()) > 60


def _smb(build: int, ntlm: bool = True, nt: str = "10.0", **extra) -> Observation:
    return Observation("smb", "10.0.0.5", raw={"windows": {"nt": nt, "build": build, "ntlm": ntlm,
                                                           "how": "NTLMSSP version (SMB)", **extra}})


def eol_flags(host):
    return [f for f in assess(host, TODAY) if f.rule == "legacy/eol"]


def test_windows_10_22h2_exact_build_mentions_esu():
    host = HostEvidence("10.0.0.5", observations=[_smb(19045, ntlm=False, server=False)])
    [flag] = eol_flags(host)
    assert flag.title.startswith("Windows 10 22H2: end of security support since 2025-10-14")
    assert "Extended Security Updates until 2028-10-10" in flag.title
    assert flag.confidence == 75  # we cannot see whether ESU was bought
    assert any("cannot see whether this device is enrolled" in n for n in flag.evidence["notes"])


def test_windows_10_ntlm_base_build_is_flagged_as_the_family():
    [flag] = eol_flags(HostEvidence("10.0.0.5", observations=[_smb(19041)]))
    assert flag.title.startswith("Windows 10 2004-22H2: end of security support since 2025-10-14")
    assert flag.confidence == 75 and "servicing base" in flag.evidence["note_build"]


def test_windows_11_only_some_releases_ended_is_below_the_threshold():
    # 26100 = 24H2 (Home/Pro ended 2026-10-13) or 25H2 (supported): possible, not likely
    [flag] = eol_flags(HostEvidence("10.0.0.5", observations=[_smb(26100, server=False)]))
    assert flag.confidence == 40


def test_server_2022_and_2019_are_not_flagged():
    assert not eol_flags(HostEvidence("10.0.0.5", observations=[_smb(20348)]))
    dc = HostEvidence("10.0.0.5", observations=[_smb(17763)], services=[
        Service(88, name="kerberos", source="banners"), Service(389, name="ldap", source="banners")])
    assert not eol_flags(dc)  # a domain controller: Server 2019


def test_server_2012_r2_after_its_esu():
    host = HostEvidence("10.0.0.5", observations=[_smb(9600, nt="6.3", server=True)])
    [flag] = eol_flags(host)
    assert flag.title.startswith("Windows Server 2012 R2: end of security support since 2023-10-10")
    assert flag.confidence == 80  # its paid ESU ended 2026-10-13 too


@pytest.mark.parametrize("build, nt, server, title", [
    (7601, "6.1", False, "Windows 7 SP1: "), (7600, "6.1", False, "Windows 7: "),
    (2600, "5.1", False, "Windows XP: "), (6002, "6.0", True, "Windows Server 2008 SP2: "),
    (7601, "6.1", True, "Windows Server 2008 R2 SP1: "),
])
def test_old_windows(build, nt, server, title):
    [flag] = eol_flags(HostEvidence("10.0.0.5", observations=[_smb(build, ntlm=False, nt=nt, server=server)]))
    assert flag.title.startswith(title) and flag.confidence == 80


def test_role_from_device_class_and_netbios_names():
    ws = HostEvidence("10.0.0.5", observations=[_smb(17763)],
                      facts=[Fact("device_class", "workstation", 85, "snmp")])
    [flag] = eol_flags(ws)  # Windows 10 1809 (LTSC 2019 would still be supported: 75)
    assert flag.title.startswith("Windows 10 1809") and flag.confidence == 75
    dc = HostEvidence("10.0.0.5", observations=[_smb(17763), Observation("netbios", "10.0.0.5", raw={
        "netbios": {"names": [{"name": "OFFICE", "suffix": "1c", "group": True}]}})])
    assert not eol_flags(dc)


def test_windows_10_snmp_reports_nt_6_3():
    host = HostEvidence("10.0.0.5", observations=[Observation("snmp", "10.0.0.5", raw={"system": {
        "sysDescr": "Hardware: Intel64 Family 6 Model 158 Stepping 10 AT/AT COMPATIBLE - Software: Windows "
                    "Version 6.3 (Build 19045 Multiprocessor Free)", "sysObjectID": "1.3.6.1.4.1.311.1.1.3.1.1"}})])
    [flag] = eol_flags(host)
    assert flag.title.startswith("Windows 10 22H2")
