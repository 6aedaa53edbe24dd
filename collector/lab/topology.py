"""The simulated office: which hosts exist, what they are and what they say.

Pure data and planning; :mod:`collector.lab.netns` builds it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

#: Everything the lab uses lives in 198.18.0.0/15 (RFC 2544 benchmarking
#: space: never routed on a real LAN), and only inside lab namespaces.
LAB_SUPERNET = ipaddress.IPv4Network("198.18.0.0/15")
LAN = ipaddress.IPv4Network("198.18.0.0/24")
BRANCH = ipaddress.IPv4Network("198.18.1.0/24")
ROUTER_LAN_IP = "198.18.0.1"
ROUTER_BRANCH_IP = "198.18.1.1"
COLLECTOR_IP = "198.18.0.2"
COLLECTOR_MAC = "02:1c:00:00:00:02"
FIRST_HOST = 10  # LAN hosts get .10 upwards (the router keeps .1)
MAX_HOSTS = 240
PREFIX = "lcl"  # every lab namespace is named lcl-...
SWITCH_NS = f"{PREFIX}-sw"
COLLECTOR_NS = f"{PREFIX}-col"


#: The lab's SNMPv3 user (on the modern Linux host): lab-only secrets, public on purpose.
LAB_V3 = {"user": "labinv", "auth_key": "lab-auth-secret-1", "priv_key": "lab-priv-secret-1"}


@dataclass(frozen=True)
class ServiceSpec:
    port: int
    kind: str  # ssh | ftp | telnet | http | https | https-legacy (TLS 1.0 too) | smtp | rtsp | smb | open
    banner: str = ""
    title: str = ""  # HTML title for http
    proto: str = "tcp"
    #: web content and certificate of the real product (collector.lab.web.SITES)
    site: str = ""


@dataclass(frozen=True)
class SnmpSpec:
    sys_descr: str
    sys_object_id: str
    community: str = "public"
    location: str = "Office"
    contact: str = "it@example.org"


@dataclass(frozen=True)
class Profile:
    """One kind of lab host."""

    kind: str
    vendor: str  # what the OUI table says for ``oui``
    oui: str
    name: str  # hostname stem
    snmp: SnmpSpec | None = None
    services: tuple[ServiceSpec, ...] = ()
    random_mac: bool = False


_CISCO_IOS = ("Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, "
              "RELEASE SOFTWARE (fc2)\r\nTechnical Support: http://www.cisco.com/techsupport\r\n"
              "Copyright (c) 1986-2021 by Cisco Systems, Inc.\r\nCompiled Tue 09-Feb-21 02:05 by mcpre")

_HP_SERVER = ("HP HTTP Server; HP LaserJet Pro M404dn - W1A53A; Serial Number: {serial}; "
              "Built:Thu Feb 18, 2022 09:14:20AM {TJSJPBP2207}")

PROFILES: dict[str, Profile] = {p.kind: p for p in (
    Profile("router", "Routerboard.com", "4c:5e:0c", "gw",
            SnmpSpec("RouterOS RB4011iGS+", "1.3.6.1.4.1.14988.1"),
            (ServiceSpec(22, "ssh", "SSH-2.0-ROSSSH"), ServiceSpec(80, "http", "", "RouterOS router configuration page"))),
    Profile("printer", "Hewlett Packard", "3c:d9:2b", "printer",
            SnmpSpec("HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI24090012,CIDATE 02/18/2022",
                     "1.3.6.1.4.1.11.2.3.9.1"),
            (ServiceSpec(80, "http", _HP_SERVER, "HP LaserJet Pro M404dn", site="hp-printer"),
             ServiceSpec(443, "https-legacy", _HP_SERVER, "HP LaserJet Pro M404dn", site="hp-printer"),
             ServiceSpec(631, "http", "HP HTTP Server", "IPP"))),
    Profile("switch", "Cisco Systems, Inc", "f4:cf:e2", "sw",
            SnmpSpec(_CISCO_IOS, "1.3.6.1.4.1.9.1.1208"),
            (ServiceSpec(23, "telnet", "\r\n\r\nUser Access Verification\r\n\r\nUsername: "),
             ServiceSpec(22, "ssh", "SSH-2.0-Cisco-1.25"))),
    Profile("windows_workstation", "Dell Inc.", "18:db:f2", "ws",
            SnmpSpec("Hardware: Intel64 Family 6 Model 58 Stepping 9 AT/AT COMPATIBLE - Software: Windows Version "
                     "6.1 (Build 7601 Multiprocessor Free)", "1.3.6.1.4.1.311.1.1.3.1.1"),
            (ServiceSpec(135, "open"), ServiceSpec(139, "open"), ServiceSpec(445, "smb", "win7"),
             ServiceSpec(3389, "open"))),
    Profile("windows_server", "Dell Inc.", "d0:94:66", "dc",
            SnmpSpec("Hardware: Intel64 Family 6 Model 45 Stepping 7 AT/AT COMPATIBLE - Software: Windows Version "
                     "6.1 (Build 7601 Multiprocessor Free)", "1.3.6.1.4.1.311.1.1.3.1.2"),
            (ServiceSpec(53, "open"), ServiceSpec(88, "open"), ServiceSpec(135, "open"), ServiceSpec(139, "open"),
             ServiceSpec(389, "open"), ServiceSpec(445, "smb", "win2008r2"), ServiceSpec(3389, "open"))),
    Profile("linux_server", "Super Micro Computer, Inc.", "0c:c4:7a", "srv",
            SnmpSpec("Linux srv 2.6.32-754.35.1.el6.x86_64 #1 SMP Sat Nov 7 12:42:14 UTC 2020 x86_64",
                     "1.3.6.1.4.1.8072.3.2.10"),
            (ServiceSpec(21, "ftp", "220 (vsFTPd 2.3.4)"), ServiceSpec(22, "ssh", "SSH-2.0-OpenSSH_5.3"),
             ServiceSpec(80, "http", "Apache/2.2.15 (CentOS)", "Apache HTTP Server Test Page powered by CentOS"),
             ServiceSpec(25, "smtp", "220 srv.example.org ESMTP Postfix"))),
    Profile("nas", "Synology Incorporated", "00:11:32", "nas",
            SnmpSpec("Linux DiskStation 4.4.59+ #25426 SMP PREEMPT Mon Dec 14 18:48:50 CST 2020 x86_64",
                     "1.3.6.1.4.1.8072.3.2.10"),
            # DSM 7 has SMB1 off: it drops an SMB1 negotiate, as served here
            # port 445 is real Samba (collector/lab/samba.py), SMB2 only
            (ServiceSpec(22, "ssh", "SSH-2.0-OpenSSH_7.4"), ServiceSpec(5000, "http", "nginx", "Synology DiskStation"))),
    Profile("camera", "Hangzhou Hikvision Digital Technology Co.,Ltd.", "c0:56:e3", "cam",
            None,
            # Hikvision firmware: "App-webs/" web server, a factory certificate, an RTSP
            # server that names nothing and asks for credentials (realm "Hikvision")
            (ServiceSpec(80, "http", "App-webs/", site="hikvision"),
             ServiceSpec(443, "https", "App-webs/", site="hikvision"),
             ServiceSpec(554, "rtsp", "", site="hikvision"))),
    Profile("voip", "Yealink(Xiamen) Network Technology Co.,Ltd.", "80:5e:c0", "phone",
            None, (ServiceSpec(80, "http", "yealink embed httpd", "Yealink T46S", site="yealink"),
                   # HTTPS with the device certificate Yealink's factory CA issued
                   ServiceSpec(443, "https", "yealink embed httpd", site="yealink"),
                   ServiceSpec(5060, "open"))),
    Profile("wireless_ap", "Ubiquiti Inc", "fc:ec:da", "ap",
            SnmpSpec("Linux 3.3.8 #1 Tue Jan 28 09:38:15 UTC 2020 mips", "1.3.6.1.4.1.41112.1.6"),
            (ServiceSpec(22, "ssh", "SSH-2.0-dropbear_2019.78"),)),
    Profile("laptop", "", "", "laptop", None, (), random_mac=True),
    Profile("ups", "American Power Conversion Corp", "00:c0:b7", "ups",
            SnmpSpec("APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.8.2 PN:apc_hw05_aos_682.bin AF1:v6.8.2 "
                     "AN1:apc_hw05_sumx_682.bin MN:AP9630 HR:05 SN: 5A1234E56789 MD:01/01/2018)",
                     "1.3.6.1.4.1.318.1.3.27"),
            (ServiceSpec(80, "http", "Allegro-Software-RomPager/4.01", site="apc"),
             ServiceSpec(443, "https-legacy", "Allegro-Software-RomPager/4.01", site="apc"),
             ServiceSpec(21, "ftp", "220 FTP server ready."))),
    Profile("modern_linux", "Raspberry Pi Trading Ltd", "dc:a6:32", "pi",
            # a well-run modern host: SNMP only with a site-specific community
            SnmpSpec("Linux pi 6.8.0-45-generic #45-Ubuntu SMP PREEMPT_DYNAMIC aarch64", "1.3.6.1.4.1.8072.3.2.10",
                     community="office-ro-7f3a"),
            (ServiceSpec(22, "ssh", "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5"),
             ServiceSpec(443, "https", "nginx/1.24.0 (Ubuntu)", "Welcome to nginx!"))),
    # Windows hosts without SNMP (as most are): what they answer over SMB, NetBIOS and WS-Discovery
    # (collector/lab/winreplay.py) is all there is to know them by
    Profile("windows10", "Hewlett Packard", "3c:52:82", "pc",
            None, (ServiceSpec(135, "open"), ServiceSpec(139, "open"), ServiceSpec(445, "smb", "win10"),
                   ServiceSpec(3389, "open"))),
    Profile("windows_server2022", "Hewlett Packard Enterprise", "94:40:c9", "dc",
            None, (ServiceSpec(53, "open"), ServiceSpec(88, "open"), ServiceSpec(135, "open"), ServiceSpec(139, "open"),
                   ServiceSpec(389, "open"), ServiceSpec(445, "smb", "win2022"), ServiceSpec(3389, "open"))),
    # distributions as their package banners name them (issue 11)
    Profile("debian6", "Dell Inc.", "14:18:77", "deb",
            None, (ServiceSpec(22, "ssh", "SSH-2.0-OpenSSH_5.5p1 Debian-6+squeeze5"),
                   ServiceSpec(80, "http", "Apache/2.2.16 (Debian)", site="apache-debian"))),
    Profile("raspbian9", "Raspberry Pi Foundation", "b8:27:eb", "rpi",
            None, (ServiceSpec(22, "ssh", "SSH-2.0-OpenSSH_7.4p1 Raspbian-10+deb9u7"),
                   ServiceSpec(80, "http", "Apache/2.4.25 (Raspbian)", site="apache-raspbian"))),
    Profile("ubuntu2004", "VMware, Inc.", "00:0c:29", "ubu",
            None, (ServiceSpec(22, "ssh", "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5"),
                   ServiceSpec(80, "http", "Apache/2.4.41 (Ubuntu)", site="apache-ubuntu"))),
    Profile("polycom", "Polycom", "64:16:7f", "vvx",
            None, (ServiceSpec(80, "http", "Polycom SoundPoint IP Telephone HTTPd", site="polycom"),
                   ServiceSpec(443, "https", "Polycom SoundPoint IP Telephone HTTPd", site="polycom"),
                   ServiceSpec(5060, "open"))),
    # announcing devices (collector.lab.announce): avahi-daemon publishes their
    # recorded mDNS records, cupsd serves the print queue, gmediarender (a
    # real UPnP MediaRenderer) makes a Raspberry Pi a network speaker
    Profile("mac", "Apple, Inc.", "a4:83:e7", "mac", None, ()),
    Profile("iphone", "", "", "iphone", None, (), random_mac=True),
    Profile("apple_tv", "Apple, Inc.", "f0:b3:ec", "appletv", None, ()),
    Profile("ipp_printer", "Raspberry Pi Trading Ltd", "e4:5f:01", "print", None, ()),
    Profile("media_renderer", "Raspberry Pi Foundation", "b8:27:eb", "speaker", None, ()),
    Profile("homekit", "Eve Systems GmbH", "00:0c:6c", "eve", None, ()),
    Profile("workstation", "Dell Inc.", "a4:bb:6d", "pc",
            None, (ServiceSpec(135, "open"), ServiceSpec(139, "open"), ServiceSpec(445, "smb", "win7"))),
)}

_SNMP = "legacy/snmp-default-community"
_HTTP = "legacy/http-management"
#: Ground truth for the flags benchmark: what a careful human would flag on
#: each kind as the lab builds it (snmpd answering "public", the old
#: software its banners show, management UIs on plain HTTP, ...).
EXPECTED_FLAGS: dict[str, frozenset[str]] = {
    "router": frozenset({_SNMP, _HTTP}),
    "printer": frozenset({_SNMP, _HTTP, "legacy/tls10"}),
    "switch": frozenset({_SNMP, "legacy/telnet", "unpatched/cve"}),  # IOS 15.2(7)E4 is listed in 3 CVEs
    "windows_workstation": frozenset({_SNMP, "legacy/smbv1", "legacy/eol"}),
    "windows_server": frozenset({_SNMP, "legacy/smbv1", "legacy/eol"}),
    # its Samba still allows SMB1
    "linux_server": frozenset({_SNMP, "unpatched/backdoor", "unpatched/cve", "legacy/eol", "legacy/ftp",
                               "legacy/smbv1"}),
    "nas": frozenset({_SNMP, _HTTP, "unpatched/cve"}),  # OpenSSH 7.4; DSM's admin UI on plain HTTP :5000
    "camera": frozenset({_HTTP}),
    "voip": frozenset({_HTTP}),
    "wireless_ap": frozenset({_SNMP, "unpatched/cve"}),  # Dropbear 2019.78
    "laptop": frozenset(),
    "ups": frozenset({_SNMP, _HTTP, "legacy/ftp", "legacy/tls10"}),
    "modern_linux": frozenset(),
    "mac": frozenset(),
    "iphone": frozenset(),
    "apple_tv": frozenset(),
    "ipp_printer": frozenset({_HTTP}),  # CUPS's web interface on plain HTTP :631, a print server
    "media_renderer": frozenset(),
    "homekit": frozenset(),
    # Windows 10 22H2 ended 2025-10-14 (paid ESU aside): the most common legacy finding in offices
    "windows10": frozenset({"legacy/eol"}),
    "windows_server2022": frozenset(),
    # Windows 7 SP1 (its SMB1 NativeOS says so)
    "workstation": frozenset({"legacy/smbv1", "legacy/eol"}),
    "debian6": frozenset({"legacy/eol"}),  # Debian 6 and its Apache 2.2
    "raspbian9": frozenset({"legacy/eol"}),
    # Ubuntu 20.04 left standard support on 2025-05-31: flagged below 70, as
    # Expanded Security Maintenance may still patch it
    "ubuntu2004": frozenset(),
    "polycom": frozenset({_HTTP}),
}

#: One of each kind first (the order the first hosts get), then office filler.
CORE_KINDS = ("router", "printer", "switch", "windows_workstation", "windows_server", "linux_server", "nas",
              "camera", "voip", "wireless_ap", "laptop", "ups", "modern_linux", "windows10", "windows_server2022",
              "debian6", "raspbian9", "ubuntu2004", "polycom",
              "mac", "iphone", "apple_tv", "ipp_printer", "media_renderer", "homekit")


def full_size() -> int:
    """A lab with one host of every kind and a few office fillers (tests, the
    demo, the benchmarks' default)."""
    return len(CORE_KINDS) + 4


FILLER_KINDS = ("workstation", "laptop", "workstation", "voip", "workstation", "printer", "laptop", "camera")
#: Hosts placed on the branch subnet behind the router (when the lab has one).
BRANCH_KINDS = ("workstation", "printer")


@dataclass(frozen=True)
class LabHost:
    index: int
    ns: str
    kind: str
    ip: str
    mac: str
    hostname: str
    subnet: str  # "lan" | "branch"
    extra_ip: str | None = None  # the router's branch-side address

    @property
    def profile(self) -> Profile:
        return PROFILES[self.kind]

    @property
    def serial(self) -> str:
        """This host's hardware serial ({serial} in its banners): unique per host."""
        return serial_for(self.index)


def serial_for(index: int) -> str:
    return f"PHBQB{index:05d}"


@dataclass
class LabPlan:
    hosts: list[LabHost] = field(default_factory=list)

    @property
    def router(self) -> LabHost | None:
        return next((h for h in self.hosts if h.kind == "router"), None)

    def on(self, subnet: str) -> list[LabHost]:
        return [h for h in self.hosts if h.subnet == subnet]


def _mac(profile: Profile, index: int) -> str:
    if profile.random_mac:
        # locally administered, as phones and laptops randomise per network
        return f"da:{(index * 37) % 256:02x}:{(index * 11) % 256:02x}:5e:{index // 256:02x}:{index % 256:02x}"
    return f"{profile.oui}:{(index * 7) % 256:02x}:{index // 256:02x}:{index % 256:02x}"


def plan(n: int) -> LabPlan:
    """The lab with ``n`` hosts on the LAN (1..240); with a router among them,
    two more hosts sit on the branch subnet behind it."""
    if not 1 <= n <= MAX_HOSTS:
        raise ValueError(f"lab size must be 1..{MAX_HOSTS}, not {n}")
    kinds = list(CORE_KINDS[:n])
    while len(kinds) < n:
        kinds.append(FILLER_KINDS[(len(kinds) - len(CORE_KINDS)) % len(FILLER_KINDS)])
    result = LabPlan()
    for i, kind in enumerate(kinds, start=1):
        profile = PROFILES[kind]
        if kind == "router":
            ip, extra = ROUTER_LAN_IP, ROUTER_BRANCH_IP
        else:
            ip, extra = str(LAN.network_address + FIRST_HOST + i - 2), None
        result.hosts.append(LabHost(i, f"{PREFIX}-h{i:03d}", kind, ip, _mac(profile, i), f"{profile.name}{i:03d}",
                                    "lan", extra))
    if result.router is not None:
        for j, kind in enumerate(BRANCH_KINDS):
            i = len(result.hosts) + 1
            profile = PROFILES[kind]
            result.hosts.append(LabHost(i, f"{PREFIX}-h{i:03d}", kind, str(BRANCH.network_address + FIRST_HOST + j),
                                        _mac(profile, i), f"{profile.name}{i:03d}", "branch"))
    return result
