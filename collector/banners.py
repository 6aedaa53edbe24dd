"""Service identification from what a service says: pure functions over a
grabbed greeting or HTTP response, using Recog's fingerprints.

Every string from the network is hostile: it is bounded, decoded
permissively, escaped before it is stored, and never executed or rendered.
"""

from __future__ import annotations

import html
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
MAX_TITLE = 200
#: OS vendors that do not make the device they run on.
SOFTWARE_OS_VENDORS = {"centos", "ubuntu", "debian", "red hat", "redhat", "canonical", "microsoft", "freebsd",
                       "openbsd", "netbsd", "suse", "fedora", "fedora project", "gentoo", "arch linux",
                       "linux", "oracle", "alpine"}
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


def html_title(body: bytes) -> str | None:
    m = re.search(rb"<title[^>]*>(.*?)</title\s*>", body[:65536], re.I | re.S)
    if not m:
        return None
    title = " ".join(html.unescape(m.group(1).decode("utf-8", "replace")).split())
    return title[:MAX_TITLE] or None


def _first_line(raw: bytes) -> str:
    return _text(raw).split("\n", 1)[0].strip("\r\n\x00 ")


def _product(values: dict[str, str]) -> str | None:
    product = values.get("service.product") or values.get("service.family")
    vendor = values.get("service.vendor")
    if product and vendor and (product in GENERIC_PRODUCTS or product.isupper()) and vendor.lower() not in product.lower():
        return f"{vendor} {product}"
    return product


def _facts(values: dict[str, str], evidence: str, base: int) -> list[Fact]:
    """Host-level hints in a Recog match, with confidence scaled by Recog's certainty."""
    facts: list[Fact] = []
    certainty = min(float(values.get("os.certainty", "1.0") or 1.0), 1.0)
    os_conf = max(1, int(base * certainty))
    os_name = values.get("os.product") or values.get("os.family")
    if os_name:
        facts.append(Fact("os_name", os_name, os_conf, SOURCE, evidence))
    if values.get("os.version"):
        facts.append(Fact("os_version", values["os.version"], os_conf, SOURCE, evidence))
    # The device's maker: the hardware vendor, or the OS vendor when that is
    # an appliance maker (Cisco IOS, RouterOS) rather than a software OS.
    vendor = values.get("hw.vendor") or values.get("os.vendor")
    if vendor and (values.get("hw.vendor") or vendor.lower() not in SOFTWARE_OS_VENDORS):
        facts.append(Fact("vendor", vendor, max(1, int(base * 0.8)), SOURCE, evidence))
    product = values.get("hw.product")
    if product and product != values.get("hw.family"):  # "JetDirect" names a family, not a model
        facts.append(Fact("model", product, base, SOURCE, evidence))
    if values.get("hw.serial_number"):
        facts.append(Fact("serial", values["hw.serial_number"], base, SOURCE, evidence))
    device = values.get("hw.device") or values.get("os.device")
    if device and device.lower() in device_map():
        facts.append(Fact("device_class", device_map()[device.lower()], max(1, int(base * 0.8)), SOURCE, evidence))
    if values.get("host.name"):
        facts.append(Fact("hostname", values["host.name"][:255], 40, SOURCE, evidence))
    return facts


def _distro_facts(software: str) -> list[Fact]:
    """Ubuntu/Debian release from the OpenSSH package a banner names
    (``OpenSSH_8.9p1 Ubuntu-3ubuntu0.6`` is what Ubuntu 22.04 ships)."""
    from collector.assess.distro import OPENSSH_DEBIAN, OPENSSH_UBUNTU

    m = re.match(r"OpenSSH_(\S+)\s+(Ubuntu|Debian)", software)
    if not m:
        return []
    table = OPENSSH_UBUNTU if m.group(2) == "Ubuntu" else OPENSSH_DEBIAN
    release = table.get(m.group(1))
    if release is None:
        return []
    evidence = f"OpenSSH {m.group(1)} is the package {m.group(2)} {release} ships"
    return [Fact("os_name", m.group(2), 65, SOURCE, evidence), Fact("os_version", release, 60, SOURCE, evidence)]


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
    if grab.http_status is not None:
        return _identify_http(grab)
    raw = grab.greeting
    line = _first_line(raw)
    if line.startswith("SSH-"):
        software = line.split("-", 2)[2] if line.count("-") >= 2 else ""
        m = rec.match("ssh_banners", software)
        facts = _facts(m.values, f"ssh banner {line[:80]!r}", 70) if m else []
        return _service(grab, "ssh", m, line), facts + _distro_facts(software)
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
    if raw.startswith(b"RTSP/"):
        return _identify_http(grab)
    return Service(grab.port, grab.proto, "open", name, None, None, None, None,
                   escape_banner(raw) if raw else None, SOURCE, 20), []


def _identify_http(grab: Grab) -> tuple[Service, list[Fact]]:
    rec = recog()
    server = grab.headers.get("server", "")
    is_rtsp = (grab.http_status or "").startswith("RTSP/")
    name = "rtsp" if is_rtsp else ("https" if grab.tls else "http")
    title = None if is_rtsp else html_title(grab.body)
    facts: list[Fact] = []
    match = rec.match("rtsp_servers" if is_rtsp else "http_servers", server) if server else None
    if match:
        facts += _facts(match.values, f"HTTP Server header {server[:80]!r}", 70)
    if title:
        tm = rec.match("html_title", title)
        if tm:
            facts += _facts(tm.values, f"HTML title {title[:80]!r}", 60)
            if match is None and tm.values.get("service.product"):
                match = tm
    auth = grab.headers.get("www-authenticate")
    if auth:
        am = rec.match("http_wwwauth", auth)
        if am:
            facts += _facts(am.values, f"WWW-Authenticate {auth[:80]!r}", 60)
    if grab.cert_subject:
        cm = rec.match("x509_subjects", grab.cert_subject)
        if cm:
            facts += _facts(cm.values, f"TLS certificate subject {grab.cert_subject[:80]!r}", 50)
    extra = "; ".join(x for x in (f"title: {title}" if title else None,
                                  f"status: {grab.http_status}" if grab.http_status else None) if x) or None
    banner = f"{grab.http_status} Server: {server}" if server else (grab.http_status or "")
    svc = _service(grab, name, match, banner, extra)
    if svc.product is None and server:
        # an unknown server still names itself: keep it, with low confidence
        product, _, version = server.split(";", 1)[0].partition("/")
        svc = Service(svc.port, svc.proto, "open", name, product.strip()[:80] or None,
                      (version.split()[0][:40] if version.strip() else None), extra, None, svc.banner, SOURCE, 40)
    return svc, facts


def parse_http_response(raw: bytes) -> tuple[str | None, dict[str, str], bytes]:
    """Status line, headers (lower-case names, first wins, bounded) and body."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    lines = _text(head, 16384).splitlines()
    if not lines or not (lines[0].startswith("HTTP/") or lines[0].startswith("RTSP/")):
        return None, {}, b""
    headers: dict[str, str] = {}
    for line in lines[1:65]:
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers.setdefault(name.strip().lower()[:64], value.strip()[:1024])
    return lines[0].strip()[:200], headers, body
