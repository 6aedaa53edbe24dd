"""HTTP(S), RTSP and TLS identification beyond the Server header: pure
functions over one recorded response, its certificate and its favicon.

Recog databases used: ``http_servers`` / ``rtsp_servers`` (the Server
header), ``html_title``, ``http_wwwauth`` (the realm a device asks
credentials for), ``x509_subjects`` and ``x509_issuers`` (appliances put
their maker and model in a self-signed or factory certificate) and
``favicons`` (the MD5 of ``/favicon.ico``, as Recog hashes it). Some headers
say more than Recog reads: an HP printer's ``Server`` names its model,
product number and serial.

Everything here is hostile text: bounded before it is matched, escaped
before it is stored.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from collector.banners import SOURCE, Grab, _facts, _service, distro_facts, escape_banner, recog
from collector.model import Fact, Service

MAX_TITLE = 200
#: Favicons larger than this are not hashed (Recog's are a few KiB).
MAX_FAVICON = 65536
#: "HP HTTP Server; HP LaserJet Pro M404dn - W1A53A; Serial Number: PHBQB12345; Built:..."
HP_SERVER = re.compile(r"^HP HTTP Server;\s*(?:Hewlett-Packard\s+)?(?:HP\s+)?(?P<model>[^;]{2,80}?)\s+-\s+"
                       r"(?P<sku>[A-Z0-9]{5,8})\s*;\s*Serial Number:\s*(?P<serial>[A-Za-z0-9]{4,32})\s*;")
_ICON_LINK = re.compile(rb"<link\b[^>]*\brel=[\"']?(?:shortcut )?icon[\"']?[^>]*>", re.I)
_HREF = re.compile(rb"\bhref=[\"']?([^\"' >]{1,200})", re.I)
_META_REFRESH = re.compile(rb"<meta\b[^>]*http-equiv=[\"']?refresh[\"']?[^>]*content=[\"']?\d+\s*;\s*url=([^\"' >]{1,200})",
                           re.I)


def html_title(body: bytes) -> str | None:
    m = re.search(rb"<title[^>]*>(.*?)</title\s*>", body[:65536], re.I | re.S)
    if not m:
        return None
    title = " ".join(html.unescape(m.group(1).decode("utf-8", "replace")).split())
    return title[:MAX_TITLE] or None


def parse_http_response(raw: bytes) -> tuple[str | None, dict[str, str], bytes]:
    """Status line, headers (lower-case names, first wins, bounded) and body."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    lines = head[:16384].decode("latin-1").splitlines()
    if not lines or not (lines[0].startswith("HTTP/") or lines[0].startswith("RTSP/")):
        return None, {}, b""
    headers: dict[str, str] = {}
    for line in lines[1:65]:
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers.setdefault(name.strip().lower()[:64], value.strip()[:1024])
    return lines[0].strip()[:200], headers, body


#: (scheme, host, port) of the service a page came from
Origin = tuple[str, str, int]


def same_origin_path(origin: Origin, base_path: str, target: str) -> str | None:
    """A path on the same service for a redirect or icon link, or None when it
    points anywhere else: another host, scheme or port is never followed
    (a page can name any address, in or out of the scan's scope)."""
    target = target.strip()
    if not target or any(c in target for c in "\r\n\t\\") or len(target) > 200:
        return None
    scheme, host, port = origin
    try:  # urlsplit refuses some (an unclosed "[" of an IPv6 host), .port a port past 65535
        parts = urlsplit(target)
        their_port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        if parts.scheme.lower() != scheme or (parts.hostname or "") != host or their_port != port:
            return None
    joined = urlsplit(urljoin(base_path or "/", urlsplit(target)._replace(scheme="", netloc="").geturl()))
    path = joined.path or "/"
    if not path.startswith("/"):
        return None
    # as it goes on a request line: no spaces or controls, whatever the page wrote
    return quote(path + (f"?{joined.query}" if joined.query else ""), safe="/?&=%:@!$'()*+,;~-._")[:200]


def redirect_target(origin: Origin, status: str | None, headers: dict[str, str], body: bytes) -> str | None:
    """Where a page sends the browser (3xx Location or a meta refresh), same service only."""
    code = (status or "").split(" ")[1:2]
    if code and code[0] in ("301", "302", "303", "307", "308") and headers.get("location"):
        return same_origin_path(origin, "/", headers["location"])
    m = _META_REFRESH.search(body[:65536])
    return same_origin_path(origin, "/", m.group(1).decode("latin-1")) if m else None


def icon_path(origin: Origin, page: str, body: bytes) -> str:
    """The favicon a page declares (same service), else ``/favicon.ico``."""
    for link in _ICON_LINK.findall(body[:65536]):
        m = _HREF.search(link)
        if m:
            path = same_origin_path(origin, page, m.group(1).decode("latin-1"))
            if path:
                return path
    return "/favicon.ico"


def favicon_md5(status: str | None, headers: dict[str, str], body: bytes) -> str | None:
    """Recog's favicon key: the MD5 of the whole icon; None unless a complete
    image-like 200 answer (an HTML error page is not an icon)."""
    if not (status or "").split(" ")[1:2] == ["200"] or not body or len(body) > MAX_FAVICON:
        return None
    length = headers.get("content-length", "")
    if length.isascii() and length.isdigit() and int(length) != len(body):  # "²".isdigit() too, not int()
        return None  # cut short: its hash would match nothing
    if body.lstrip()[:1] == b"<":
        return None
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def favicon_facts(md5: str, where: str) -> list[Fact]:
    m = recog().match("favicons", md5)
    return _facts(m.values, f"favicon {where} md5 {md5} (Recog: {m.description})", 55) if m else []


def hp_server_facts(server: str) -> list[Fact]:
    """HP printers name their model, product number and serial in Server."""
    m = HP_SERVER.match(server[:512])
    if not m:
        return []
    evidence = f"HTTP Server header {escape_banner(server, 120)!r}"
    return [Fact("vendor", "HP", 80, SOURCE, evidence), Fact("device_class", "printer", 80, SOURCE, evidence),
            Fact("model", m.group("model").strip(), 80, SOURCE, f"{evidence} (product number {m.group('sku')})"),
            Fact("serial", m.group("serial"), 85, SOURCE, evidence)]


def cert_facts(subject: str | None, issuer: str | None) -> list[Fact]:
    """Who made the device, from its certificate's subject or issuer."""
    facts: list[Fact] = []
    for db, name, text in (("x509_subjects", "subject", subject), ("x509_issuers", "issuer", issuer)):
        if not text:
            continue
        m = recog().match(db, text)
        if m and not m.description.endswith("assert nothing."):  # public CAs say nothing of the device
            facts += _facts(m.values, f"TLS certificate {name} {escape_banner(text, 100)!r} (Recog: {m.description})",
                            60)
    return facts


def identify_http(grab: Grab) -> tuple[Service, list[Fact]]:
    """An HTTP(S) or RTSP answer: the service and what it says of the device."""
    server = grab.headers.get("server", "")
    is_rtsp = (grab.http_status or "").startswith("RTSP/")
    name = "rtsp" if is_rtsp else ("https" if grab.tls else "http")
    title = None if is_rtsp else html_title(grab.body)
    facts: list[Fact] = hp_server_facts(server) if server else []
    match = recog().match("rtsp_servers" if is_rtsp else "http_servers", server) if server else None
    if match:
        recog_facts = _facts(match.values, f"HTTP Server header {escape_banner(server, 80)!r}", 70)
        if facts:  # the HP header parse is more precise than Recog's ("LaserJet Pro" as an OS)
            recog_facts = [f for f in recog_facts if f.field not in ("os_name", "os_version", "model", "serial")]
        facts += recog_facts
    facts += distro_facts(server, "server") if server else []
    if title:
        tm = recog().match("html_title", title)
        if tm:
            facts += _facts(tm.values, f"HTML title {title[:80]!r}", 60)
            if match is None and tm.values.get("service.product"):
                match = tm
    auth = grab.headers.get("www-authenticate")
    if auth:
        am = recog().match("http_wwwauth", auth)
        if am:
            facts += _facts(am.values, f"WWW-Authenticate {escape_banner(auth, 80)!r}", 60)
    facts += cert_facts(grab.cert_subject, grab.cert_issuer)
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


@dataclass(frozen=True)
class CertInfo:
    subject: str | None
    issuer: str | None
    sha256: str


def cert_info(der: bytes) -> CertInfo | None:
    """Subject and issuer in RFC 4514 form (as Recog writes them) and the
    SHA-256 of the DER certificate; None for what is not a certificate."""
    if not der or len(der) > 65536:
        return None
    digest = hashlib.sha256(der).hexdigest()
    try:
        from cryptography import x509

        cert = x509.load_der_x509_certificate(der)
        return CertInfo(cert.subject.rfc4514_string()[:512], cert.issuer.rfc4514_string()[:512], digest)
    except Exception:  # a malformed certificate still has a fingerprint
        return CertInfo(None, None, digest)
