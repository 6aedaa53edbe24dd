"""Service identification from what a service says: pure functions over a
grabbed greeting or HTTP response, using Recog's fingerprints.

Every string from the network is hostile: it is bounded, decoded
permissively, escaped before it is stored, and never executed or rendered.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from collector.cpe import to_cpe23
from collector.model import Fact, Service

if TYPE_CHECKING:
    from collector.refdata.recog import Match, Recog


def recog() -> Recog:
    # imported on first use: it pulls in defusedxml and the fingerprint data,
    # which a scan without the banners plugin never needs
    from collector.refdata.recog import recog as load

    return load()

SOURCE = "banners"
MAX_BANNER = 512  # characters kept in the inventory
#: OS vendors that do not make the device they run on.
SOFTWARE_OS_VENDORS = {"centos", "ubuntu", "debian", "raspbian", "raspberry pi os", "red hat", "redhat", "canonical",
                       "microsoft", "freebsd", "openbsd", "netbsd", "suse", "fedora", "fedora project", "gentoo",
                       "arch linux", "linux", "oracle", "alpine", "openwrt"}
#: Recog products that mean little without their vendor ("HTTPD" is Apache's).
GENERIC_PRODUCTS = {"HTTPD", "SSH", "FTP", "TELNETD", "SMTPD", "HTTP Server", "Web Server", "Server"}


@dataclass
class Grab:
    """What one open port said."""

    port: int
    proto: str = "tcp"
    tls: bool = False
    greeting: bytes = b""
    http_status: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    cert_subject: str | None = None
    cert_issuer: str | None = None
    #: SHA-256 of the DER certificate (a weak identifier: some makers ship one certificate on every unit)
    cert_sha256: str | None = None
    #: obsolete TLS versions the service still accepted
    legacy_tls: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def device_map() -> dict[str, str]:
    data = json.loads(resources.files("collector.schemas").joinpath("device_classes.json").read_text())
    return {k.lower(): v for k, v in data["recog_device_map"].items()}


def escape_banner(raw: bytes | str, limit: int = MAX_BANNER) -> str:
    """Printable ASCII kept, everything else as \\xNN / \\r / \\n; bounded."""
    data = raw.encode("latin-1", "replace") if isinstance(raw, str) else raw
    out = []
    for b in data[: limit * 4]:
        ch = chr(b)
        if ch == "\\":
            out.append("\\\\")
        elif 32 <= b < 127:
            out.append(ch)
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        else:
            out.append(f"\\x{b:02x}")
    text = "".join(out)
    return text[:limit] + ("..." if len(text) > limit else "")


def _text(raw: bytes, limit: int = 4096) -> str:
    return raw[:limit].decode("latin-1")


def _strip_telnet(raw: bytes) -> bytes:
    """Remove telnet option negotiation (IAC sequences)."""
    out = bytearray()
    i = 0
    while i < len(raw):
        b = raw[i]
        if b == 0xFF and i + 1 < len(raw):
            cmd = raw[i + 1]
            if cmd in (0xFB, 0xFC, 0xFD, 0xFE):
                i += 3
                continue
            if cmd == 0xFA:  # subnegotiation until IAC SE
                end = raw.find(b"\xff\xf0", i + 2)
                i = len(raw) if end < 0 else end + 2
                continue
            i += 2
            continue
        out.append(b)
        i += 1
    return bytes(out)


def _first_line(raw: bytes) -> str:
    return _text(raw).split("\n", 1)[0].strip("\r\n\x00 ")


def _product(values: dict[str, str]) -> str | None:
    product = values.get("service.product") or values.get("service.family")
    vendor = values.get("service.vendor")
    if product and vendor and (product in GENERIC_PRODUCTS or product.isupper()) and vendor.lower() not in product.lower():
        return f"{vendor} {product}"
    return product


def _certainty(values: dict[str, str], key: str) -> float:
    try:
        return min(max(float(values.get(key, "1.0") or 1.0), 0.0), 1.0)
    except ValueError:
        return 1.0


def _facts(values: dict[str, str], evidence: str, base: int, *, os_banner: bool = False) -> list[Fact]:
    """Host-level hints in a Recog match, with confidence scaled by Recog's
    certainty. ``os_banner``: the match read a software banner (SSH, ...), so
    what it says of the hardware is an inference from the OS build."""
    from collector.assess.distro import NAMES, TOKENS

    facts: list[Fact] = []
    os_conf = max(1, int(base * _certainty(values, "os.certainty")))
    hw_conf = max(1, int((50 if os_banner else base) * _certainty(values, "hw.certainty")))
    os_vendor = values.get("os.vendor") or ""
    distro = TOKENS.get(os_vendor.lower())
    os_name = values.get("os.product") or values.get("os.family")
    if distro and os_name in (None, "Linux"):
        os_name = NAMES[distro]  # "Ubuntu 20.04", never "Linux 20.04"
    if os_name:
        facts.append(Fact("os_name", os_name, os_conf, SOURCE, evidence))
    if values.get("os.version"):
        facts.append(Fact("os_version", values["os.version"], os_conf, SOURCE, evidence))
    # The device's maker: the hardware vendor, or the OS vendor when that is
    # an appliance maker (Cisco IOS, RouterOS) rather than a software OS
    # (an OS is not a hardware maker: Raspbian runs on a Raspberry Pi).
    vendor = values.get("hw.vendor") or (os_vendor if os_vendor.lower() not in SOFTWARE_OS_VENDORS else None)
    if vendor:
        facts.append(Fact("vendor", vendor, max(1, int((hw_conf if values.get("hw.vendor") else base) * 0.8)),
                          SOURCE, evidence))
    product = values.get("hw.product")
    if product and product != values.get("hw.family"):  # "JetDirect" names a family, not a model
        # a fingerprint that reads a model number ("VVX250") beats one that names a line ("SoundPoint")
        facts.append(Fact("model", product, hw_conf + (5 if values.get("hw.model") else 0), SOURCE, evidence))
        if product == "Raspberry Pi" and not values.get("hw.vendor"):
            facts.append(Fact("vendor", "Raspberry Pi", hw_conf, SOURCE, evidence))
    if values.get("hw.serial_number"):
        facts.append(Fact("serial", values["hw.serial_number"], hw_conf, SOURCE, evidence))
    device = values.get("hw.device") or values.get("os.device")
    if device and device.lower() in device_map():
        facts.append(Fact("device_class", device_map()[device.lower()], max(1, int(hw_conf * 0.8)), SOURCE,
                          evidence))
    if values.get("host.name"):
        facts.append(Fact("hostname", values["host.name"][:255], 40, SOURCE, evidence))
    return facts


def distro_facts(text: str, kind: str) -> list[Fact]:
    """The distribution and release a package banner names: ``OpenSSH_7.4p1
    Raspbian-10+deb9u7`` (kind "ssh") is Raspbian 9, ``Apache/2.2.15
    (CentOS)`` (kind "server") CentOS 6 (see :mod:`collector.assess.distro`)."""
    from collector.assess.distro import table

    found = table().from_ssh(text) if kind == "ssh" else table().from_server(text)
    if found is None:
        return []
    facts = [Fact("os_name", found.name, 75, SOURCE, found.how)]
    if found.cycle:
        facts.append(Fact("device_class", "server", 35, SOURCE,
                          f"a general-purpose distribution ({found.name}) serving {'SSH' if kind == 'ssh' else 'HTTP'}"))
        facts.append(Fact("os_version", found.cycle, 75 if found.exact else 70, SOURCE, found.how))
    return facts


def _service(grab: Grab, name: str, match: Match | None, banner: str | bytes, extra: str | None = None,
             confidence: int = 80) -> Service:
    values = match.values if match else {}
    return Service(
        port=grab.port, proto=grab.proto, state="open", name=name,
        product=_product(values), version=values.get("service.version"),
        extra=extra, cpe=to_cpe23(values.get("service.cpe23")),
        banner=escape_banner(banner), source=SOURCE,
        confidence=confidence if match and _product(values) else 30,
    )


#: Ports whose service speaks first, by the service name to report.
SPEAKS_FIRST = {21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 110: "pop3", 143: "imap", 587: "smtp",
                2222: "ssh", 3306: "mysql", 5900: "vnc"}


def identify(grab: Grab) -> tuple[Service, list[Fact]]:
    """Name, product, version and CPE of one service, and host-level hints."""
    rec = recog()
    if grab.http_status is not None or grab.greeting.startswith(b"RTSP/"):
        from collector.webid import identify_http

        return identify_http(grab)
    raw = grab.greeting
    line = _first_line(raw)
    if line.startswith("SSH-"):
        software = line.split("-", 2)[2] if line.count("-") >= 2 else ""
        m = rec.match("ssh_banners", software)
        facts = _facts(m.values, f"ssh banner {escape_banner(line, 80)!r}", 70, os_banner=True) if m else []
        distro = distro_facts(software, "ssh")
        if distro:  # the package suffix says more than Recog's guess ("Debian 10.2" for deb10u2)
            known = {f.field for f in distro}
            facts = [f for f in facts if f.field not in known]
        return _service(grab, "ssh", m, line), facts + distro
    if raw.startswith(b"\xff") or grab.port == 23:
        text = _text(_strip_telnet(raw))
        m = rec.match("telnet_banners", text)
        return _service(grab, "telnet", m, raw), _facts(m.values, "telnet banner", 60) if m else []
    code = re.match(r"^(\d{3})[ -](.*)", line)
    name = SPEAKS_FIRST.get(grab.port)
    if code and (name == "ftp" or (name is None and "ftp" in line.lower())):
        m = rec.match("ftp_banners", code.group(2))
        return _service(grab, "ftp", m, line), _facts(m.values, f"ftp banner {line[:80]!r}", 60) if m else []
    if code and (name == "smtp" or (name is None and "smtp" in line.lower())):
        m = rec.match("smtp_banners", code.group(2))
        return _service(grab, "smtp", m, line), _facts(m.values, f"smtp banner {line[:80]!r}", 60) if m else []
    if line.startswith("+OK"):
        m = rec.match("pop_banners", line[3:].strip())
        return _service(grab, "pop3", m, line), _facts(m.values, "pop3 banner", 60) if m else []
    if line.startswith("* OK"):
        m = rec.match("imap_banners", line[4:].strip())
        return _service(grab, "imap", m, line), _facts(m.values, "imap banner", 60) if m else []
    if line.startswith("RFB "):
        return Service(grab.port, grab.proto, "open", "vnc", None, None, f"protocol {line[4:]}", None,
                       escape_banner(line), SOURCE, 50), []
    return Service(grab.port, grab.proto, "open", name, None, None, None, None,
                   escape_banner(raw) if raw else None, SOURCE, 20), []
