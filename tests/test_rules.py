"""Golden tests per rule, on crafted host evidence and the shipped data.
``today`` is always given: nothing here depends on the wall clock."""

import datetime as dt

import pytest

from collector.assess import assess
from collector.assess.model import CONFIRMED, POSSIBLE, VERSION
from collector.assess.rules import reference
from collector.identity import HostEvidence
from collector.model import Fact, Observation, Service

TODAY = dt.date(2026, 11, 22)


def svc(port, name, product=None, version=None, cpe=None, banner=None, source="banners", confidence=80):
    return Service(port, name=name, product=product, version=version, cpe=cpe, banner=banner, source=source,
                   confidence=confidence)


def rules(flags):
    return {(f.rule, f.confidence) for f in flags}


OPENSSH_53 = svc(22, "ssh", "OpenSSH", "5.3", "cpe:2.3:a:openbsd:openssh:5.3:*:*:*:*:*:*:*", "SSH-2.0-OpenSSH_5.3")


def test_cve_ranges_openssh_53():
    flags = assess(HostEvidence("10.0.0.1", services=[OPENSSH_53]), TODAY)
    cve = next(f for f in flags if f.rule == "unpatched/cve")
    assert cve.confidence == VERSION and cve.evidence["installed_version"] == "5.3"
    assert cve.evidence["cve_count"] >= 5 and "CVE-2016-10009" in cve.evidence["cves"]
    assert "CVE-2008-3844" not in cve.evidence["cves"]  # trojaned Red Hat packages: platform not seen
    assert cve.severity in ("high", "critical") and cve.remediation


def test_distro_banner_caps_confidence_and_says_why():
    ubuntu = svc(22, "ssh", "OpenSSH", "8.9p1", "cpe:2.3:a:openbsd:openssh:8.9p1:*:*:*:*:*:*:*",
                 "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6")
    flags = assess(HostEvidence("10.0.0.1", services=[ubuntu]), TODAY)
    cve = next(f for f in flags if f.rule == "unpatched/cve")
    assert cve.confidence == POSSIBLE and "backported" in cve.evidence["note"]


def test_fixed_version_gets_no_likely_cve():
    modern = svc(22, "ssh", "OpenSSH", "9.9p2", "cpe:2.3:a:openbsd:openssh:9.9p2:*:*:*:*:*:*:*", "SSH-2.0-OpenSSH_9.9p2")
    flags = [f for f in assess(HostEvidence("10.0.0.1", services=[modern]), TODAY) if f.rule == "unpatched/cve"]
    # only CVE-2008-3844 (Red Hat's trojaned packages) names every OpenSSH version, on a platform not seen
    assert all(f.confidence == POSSIBLE for f in flags)
    assert all(f.evidence["platform_not_verified"] == ["CVE-2008-3844"] for f in flags)


def test_kev_membership_raises_and_is_stated():
    ref = reference()
    # find a KEV CVE whose range names an exact product version we can feed back
    for cve_id in ref.kev["cves"]:
        if cve_id not in ref.cves:
            continue
        rec = ref.cves.record(cve_id)
        for conf in rec.get("configurations", []):
            for node in conf.get("nodes", []):
                for m in node.get("cpeMatch", []):
                    parts = m["criteria"].split(":")
                    if (m.get("vulnerable", True) and parts[2] == "a" and parts[5] not in ("*", "-", "{version}")
                            and len(conf.get("nodes", [])) == 1 and "products" not in m):
                        s = svc(443, "https", parts[4], parts[5], m["criteria"])
                        flags = assess(HostEvidence("10.0.0.1", services=[s]), TODAY, ref)
                        kev = [f for f in flags if f.rule == "unpatched/kev" and f.evidence["cve"] == cve_id]
                        assert kev and kev[0].severity in ("high", "critical")
                        assert "exploited" in kev[0].remediation
                        return
    pytest.fail("no usable KEV record in the data")


def test_backdoor_vsftpd_234():
    s = svc(21, "ftp", "vsFTPd", "2.3.4", "cpe:2.3:a:vsftpd_project:vsftpd:2.3.4:*:*:*:*:*:*:*", "220 (vsFTPd 2.3.4)")
    flags = assess(HostEvidence("10.0.0.1", services=[s]), TODAY)
    assert ("unpatched/backdoor", VERSION) in rules(flags)
    assert ("legacy/ftp", CONFIRMED) in rules(flags)


@pytest.mark.parametrize("today, flagged", [(dt.date(2017, 7, 10), False), (dt.date(2017, 7, 11), True)])
def test_eol_depends_on_given_day(today, flagged):
    apache = svc(80, "http", "Apache HTTPD", "2.2.15", "cpe:2.3:a:apache:http_server:2.2.15:*:*:*:*:*:*:*",
                 "HTTP/1.1 200 OK Server: Apache/2.2.15")
    eol = [f for f in assess(HostEvidence("10.0.0.1", services=[apache]), today) if f.rule == "legacy/eol"]
    assert bool(eol) is flagged
    if eol:
        assert eol[0].evidence["eol"] == "2017-07-11" and eol[0].evidence["cycle"] == "2.2"


def test_current_cycle_is_not_eol():
    apache = svc(80, "http", "Apache HTTPD", "2.4.62", "cpe:2.3:a:apache:http_server:2.4.62:*:*:*:*:*:*:*")
    assert not [f for f in assess(HostEvidence("10.0.0.1", services=[apache]), TODAY) if f.rule == "legacy/eol"]


@pytest.mark.parametrize("oid, label", [
    ("1.3.6.1.4.1.311.1.1.3.1.1", "Windows 7 SP1"),
    ("1.3.6.1.4.1.311.1.1.3.1.2", "Windows Server 2008 R2 SP1"),
    ("1.3.6.1.4.1.311.1.1.3.1.3", "Windows Server 2008 R2 SP1"),
])
def test_windows_eol_by_build(oid, label):
    descr = ("Hardware: Intel64 Family 6 Model 58 Stepping 9 AT/AT COMPATIBLE - Software: Windows Version 6.1 "
             "(Build 7601 Multiprocessor Free)")
    host = HostEvidence("10.0.0.1", observations=[Observation("snmp", "10.0.0.1", raw={
        "system": {"sysDescr": descr, "sysObjectID": oid}})])
    eol = [f for f in assess(host, TODAY) if f.rule == "legacy/eol"]
    assert eol and eol[0].title.startswith(label) and eol[0].evidence["eol"] == "2020-01-14"


@pytest.mark.parametrize("descr, oid, label, eol", [
    # XP reports itself as "Windows 2000 Version 5.1"; its role does not matter: XP has no server build
    ("Hardware: x86 Family 6 Model 15 Stepping 13 AT/AT COMPATIBLE - Software: Windows 2000 Version 5.1 "
     "(Build 2600 Uniprocessor Free)", "1.3.6.1.4.1.311.1.1.3.1.1", "Windows XP", "2014-04-08"),
    ("Hardware: x86 Family 6 - Software: Windows 2000 Version 5.1 (Build 2600 Uniprocessor Free)",
     "1.3.6.1.4.1.311.1.1.3.1", "Windows XP", "2014-04-08"),
    ("Hardware: Intel64 Family 6 Model 42 Stepping 7 AT/AT COMPATIBLE - Software: Windows Version 6.1 "
     "(Build 7600 Multiprocessor Free)", "1.3.6.1.4.1.311.1.1.3.1.1", "Windows 7", "2013-04-09"),  # RTM, before SP1
    ("Hardware: Intel64 - Software: Windows Version 6.3 (Build 19045 Multiprocessor Free)",
     "1.3.6.1.4.1.311.1.1.3.1.1", "Windows 10 22H2", "2025-10-14"),
    ("Hardware: Intel64 - Software: Windows Version 6.3 (Build 14393 Multiprocessor Free)",
     "1.3.6.1.4.1.311.1.1.3.1.1", "Windows 10 1607", "2019-04-09"),
    ("Hardware: Intel64 - Software: Windows Version 5.2 (Build 3790 Multiprocessor Free)",
     "1.3.6.1.4.1.311.1.1.3.1.2", "Windows Server 2003", "2015-07-14"),
])
def test_windows_eol_every_old_release(descr, oid, label, eol):
    host = HostEvidence("10.0.0.1", observations=[Observation("snmp", "10.0.0.1", raw={
        "system": {"sysDescr": descr, "sysObjectID": oid}})])
    flags = [f for f in assess(host, TODAY) if f.rule == "legacy/eol"]
    assert flags and flags[0].title.startswith(label) and flags[0].evidence["eol"] == eol
    assert flags[0].confidence >= 70


def test_windows_current_release_is_not_flagged():
    host = HostEvidence("10.0.0.1", observations=[Observation("snmp", "10.0.0.1", raw={
        "system": {"sysDescr": "Hardware: Intel64 - Software: Windows Version 6.3 (Build 20348 Multiprocessor Free)",
                   "sysObjectID": "1.3.6.1.4.1.311.1.1.3.1.2"}})])
    assert not [f for f in assess(host, TODAY) if f.rule == "legacy/eol"]


def test_windows_unknown_role_names_both_releases_when_both_ended():
    # 6.1.7601 is Windows 7 SP1 or Server 2008 R2 SP1: both ended (and 2008 R2's paid ESU too)
    host = HostEvidence("10.0.0.1", observations=[Observation("snmp", "10.0.0.1", raw={
        "system": {"sysDescr": "Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)",
                   "sysObjectID": "1.3.6.1.4.1.8072.3.2.10"}})])
    eol = [f for f in assess(host, TODAY) if f.rule == "legacy/eol"]
    assert eol and eol[0].title.startswith("Windows 7 SP1 or Windows Server 2008 R2 SP1")


def test_windows_unknown_role_is_not_guessed_when_one_release_lives():
    # 10.0.17763: Windows 10 1809 (ended) or Server 2019 (supported): no flag
    host = HostEvidence("10.0.0.1", observations=[Observation("smb", "10.0.0.1", raw={
        "windows": {"nt": "10.0", "build": 17763, "ntlm": True, "how": "NTLMSSP version"}})])
    assert not [f for f in assess(host, TODAY) if f.rule == "legacy/eol"]


def test_insecure_protocols():
    host = HostEvidence("10.0.0.1", facts=[Fact("device_class", "printer", 80, "banners")], services=[
        svc(23, "telnet", banner="\\xff\\xfb\\x01login: ", confidence=30),
        svc(80, "http", "JetDirect"),
        svc(445, "microsoft-ds", "Microsoft Windows 7 - 10 microsoft-ds", source="nmap", confidence=100),
    ], observations=[Observation("snmp", "10.0.0.1", raw={"snmp_version": "v2c", "default_community": True})])
    got = rules(assess(host, TODAY))
    assert {("legacy/telnet", CONFIRMED), ("legacy/http-management", 75), ("legacy/smbv1", CONFIRMED),
            ("legacy/snmp-default-community", CONFIRMED)} <= got


def test_modern_host_has_nothing_at_70():
    host = HostEvidence("10.0.0.1", services=[
        svc(22, "ssh", "OpenSSH", "9.6p1", "cpe:2.3:a:openbsd:openssh:9.6p1:*:*:*:*:*:*:*",
            "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5"),
        svc(443, "https", None, None, None, None, confidence=20)])
    assert [f for f in assess(host, TODAY) if f.confidence >= 70] == []


def _snmp_host(descr):
    from collector.snmp.identify import os_from_sysdescr

    return HostEvidence("10.0.0.1", observations=[Observation("snmp", "10.0.0.1", raw={
        "os": os_from_sysdescr(descr), "system": {"sysDescr": descr}})])


def test_os_from_snmp_exact_listed_release():
    host = _snmp_host("Cisco IOS Software, C3750 Software (C3750-IPSERVICESK9-M), Version 12.2(55)SE, "
                      "RELEASE SOFTWARE (fc2)")
    cve = next(f for f in assess(host, TODAY) if f.rule == "unpatched/cve")
    assert cve.confidence == VERSION and cve.evidence["installed_version"] == "12.2(55)SE"
    assert cve.evidence["cve_count"] >= 10 and cve.evidence["service"] == "0/tcp"


def test_cisco_train_coarse_ranges_are_only_possible():
    host = _snmp_host("Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, "
                      "RELEASE SOFTWARE (fc2)")
    flags = assess(host, TODAY)
    cve = next(f for f in flags if f.rule == "unpatched/cve")
    assert cve.confidence == VERSION and set(cve.evidence["cves"]) == {"CVE-2023-20080", "CVE-2024-20311",
                                                                      "CVE-2024-20433"}
    # CVE-2017-6743 (KEV) reaches 15.2(7)E4 only through NVD's coarse 15.0-15.6 range
    assert "CVE-2017-6743" in cve.evidence["platform_not_verified"]
    assert not [f for f in flags if f.rule == "unpatched/kev"]


APACHE_CENTOS = svc(80, "http", "Apache HTTPD", "2.2.15", "cpe:2.3:a:apache:http_server:2.2.15:*:*:*:*:*:*:*",
                    "HTTP/1.1 200 OK Server: Apache/2.2.15 (CentOS)")


def test_distro_package_of_dead_release_is_eol():
    host = HostEvidence("10.0.0.1", services=[APACHE_CENTOS], observations=[Observation("snmp", "10.0.0.1", raw={
        "system": {"sysDescr": "Linux srv 2.6.32-754.35.1.el6.x86_64 #1 SMP x86_64"}})])
    eol = {f.title.split(":")[0]: f for f in assess(host, TODAY) if f.rule == "legacy/eol"}
    assert eol["Apache HTTPD 2.2.15"].confidence == VERSION and "unsupported too" in eol["Apache HTTPD 2.2.15"].evidence["note"]
    # the kernel's .el6 gives the release, the Apache banner names CentOS
    assert eol["CentOS 6"].confidence == VERSION and eol["CentOS 6"].evidence["endoflife_product"] == "centos"


def test_enterprise_linux_kernel_alone():
    host = HostEvidence("10.0.0.1", observations=[Observation("snmp", "10.0.0.1", raw={
        "system": {"sysDescr": "Linux srv 2.6.32-754.35.1.el6.x86_64 #1 SMP x86_64"}})])
    eol = [f for f in assess(host, TODAY) if f.rule == "legacy/eol"]
    assert [f.title.split(":")[0] for f in eol] == ["Red Hat Enterprise Linux 6"] and eol[0].confidence == VERSION


def test_distro_package_of_unknown_release_is_only_possible():
    apache = svc(80, "http", "Apache HTTPD", "2.2.22", "cpe:2.3:a:apache:http_server:2.2.22:*:*:*:*:*:*:*",
                 "HTTP/1.1 200 OK Server: Apache/2.2.22 (Ubuntu)")  # Ubuntu 12.04's: not in the table
    eol = [f for f in assess(HostEvidence("10.0.0.1", services=[apache]), TODAY) if f.rule == "legacy/eol"]
    assert eol and eol[0].confidence == POSSIBLE


def test_apache_version_places_centos_release():
    eol = {f.title.split(":")[0]: f for f in assess(HostEvidence("10.0.0.1", services=[APACHE_CENTOS]), TODAY)
           if f.rule == "legacy/eol"}
    assert eol["CentOS 6"].confidence == VERSION and eol["Apache HTTPD 2.2.15"].confidence == VERSION


@pytest.mark.parametrize("banner, release", [
    ("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6", ("ubuntu", "22.04")),
    ("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5", ("ubuntu", "24.04")),
    ("SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7", ("debian", "9")),
    ("SSH-2.0-OpenSSH_9.9p2", None),
])
def test_distro_release_from_openssh(banner, release):
    from collector.assess.distro import distro_release

    found = distro_release(HostEvidence("10.0.0.1", services=[svc(22, "ssh", banner=banner)]))
    assert ((found.slug, found.cycle) if found else None) == release


def test_supported_ubuntu_is_not_eol_at_70():
    nginx = svc(443, "https", "nginx", "1.24.0", "cpe:2.3:a:f5:nginx:1.24.0:*:*:*:*:*:*:*",
                "HTTP/1.1 200 OK Server: nginx/1.24.0 (Ubuntu)")
    ssh = svc(22, "ssh", "OpenSSH", "9.6p1", "cpe:2.3:a:openbsd:openssh:9.6p1:*:*:*:*:*:*:*",
              "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5")
    flags = assess(HostEvidence("10.0.0.1", services=[nginx, ssh]), TODAY)
    assert [f for f in flags if f.confidence >= 70] == []
    assert [f for f in flags if f.rule == "legacy/eol" and "supported release" in f.evidence.get("note", "")]
