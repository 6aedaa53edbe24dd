"""Fuzz targets: what a service says, through the whole banner path (HTTP /
RTSP response parsing, greetings, Recog matching, service records), TLS
certificate subjects, and Recog's fingerprint databases on their own."""

from __future__ import annotations

import base64
import datetime
import json
import random
import re
from collections.abc import Sequence

from fuzz.mutate import with_tokens
from fuzz.registry import FIXTURES, check, target

# -- raw service bytes -> banner identification ---------------------------------

#: ports that take each path: greetings (ssh, telnet, ftp, smtp, pop, imap, vnc), http, https, rtsp, silent
PORTS = (21, 22, 23, 25, 110, 143, 587, 2222, 3306, 5900, 80, 631, 8080, 443, 5001, 8443, 554, 9999, 5060, 0, 65535)
_HEADER = re.compile(rb"PORT (\d{1,5}) TLS ([01])\n")


def _banner_seeds() -> list[bytes]:
    """Each recorded grab as the bytes the service sent, after a one-line
    header naming the port (which picks the path) and TLS."""
    seeds = []
    for path in sorted((FIXTURES / "banners").glob("*/grab.json")):
        g = json.loads(path.read_text())
        if g["http_status"]:
            head = g["http_status"] + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in g["headers"].items())
            sent = head.encode("latin-1") + b"\r\n" + base64.b64decode(g["body"])
        else:
            sent = base64.b64decode(g["greeting"])
        seeds.append(b"PORT %d TLS %d\n" % (g["port"], g["tls"]) + sent)
    return seeds


def _banner_port(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    m = _HEADER.match(data)
    body = data[m.end():] if m else data
    return b"PORT %d TLS %d\n" % (rng.choice(PORTS), rng.random() < 0.3) + body


_SERVICE_TOKENS = (b"\r\n", b"\r\n\r\n", b"\n\n", b"HTTP/1.1 200 OK\r\n", b"RTSP/1.0 200 OK\r\n", b"Server: ",
                   b"Server: Apache/2.2.15 (CentOS)\r\n", b"WWW-Authenticate: Basic realm=\"", b"<title>",
                   b"</title>", b"<TITLE x>", b"&#x1b;", b"&amp;", b"&#99999999;", b"SSH-2.0-", b"SSH-1.99-",
                   b"220 ", b"220-", b"+OK ", b"* OK ", b"RFB 003.008\n", b"\xff\xfb\x01", b"\xff\xfa\x18",
                   b"\xff\xf0", b"\xff\xff", b"Content-Length: 99999999999\r\n", b":", b"; ", b"/")


@target("banners", "raw service bytes through the banner path (plugins/banners.py port_mode, "
        "collector/webid.py parse_http_response, collector/banners.py identify, Recog matching); never raises",
        seeds=_banner_seeds, mutators=(_banner_port, with_tokens(_SERVICE_TOKENS)),
        covers=("collector/banners.py", "plugins/banners.py", "collector/refdata/recog.py", "collector/cpe.py"))
def run_banners(data: bytes) -> object:
    from collector.banners import MAX_BANNER, Grab, identify
    from collector.webid import parse_http_response
    from collector.plugins.banners import port_mode, services_from

    m = _HEADER.match(data)
    port, tls, sent = (int(m.group(1)), m.group(2) == b"1", data[m.end():]) if m else (9999, False, data)
    grab = Grab(port=port, tls=tls or port_mode(port) in ("https", "tls"))
    if port_mode(port) in ("http", "https", "rtsp"):
        grab.http_status, grab.headers, grab.body = parse_http_response(sent[:65536])
    else:
        grab.greeting = sent[:65536]
    svc, facts = identify(grab)
    services, _ = services_from([grab])
    for s in [svc] + services:
        check(s.port == port, "port")
        check(s.banner is None or (s.banner.isprintable() and len(s.banner) <= MAX_BANNER + 3),
              f"banner not escaped or not bounded: {s.banner!r}")
        for text in (s.name, s.product, s.version, s.extra, s.cpe):
            check(text is None or isinstance(text, str), f"not text: {text!r}")
        check(0 <= s.confidence <= 100, "confidence")
    for fact in facts:
        check(fact.value not in (None, ""), f"empty fact {fact!r}")
        check(0 < fact.confidence <= 100, f"confidence {fact!r}")
    return svc


# -- TLS certificate subjects -------------------------------------------------


def _cert(subject: list[tuple[str, str]], serial: int) -> bytes:
    """A self-signed certificate made from fixed key bytes and dates, so the
    seeds are the same bytes on every run (Ed25519 signing is deterministic)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.x509.oid import NameOID

    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    name = x509.Name([x509.NameAttribute(getattr(NameOID, k), v) for k, v in subject])
    when = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(serial).not_valid_before(when).not_valid_after(when + datetime.timedelta(days=3650))
            .sign(key, None))
    return cert.public_bytes(serialization.Encoding.DER)


def _tls_seeds() -> list[bytes]:
    """The lab's device certificate subject, and subjects Recog's own
    x509_subjects examples carry (real devices' certificates)."""
    from collector.refdata.recog import recog

    subjects = [[("COMMON_NAME", "lan-collector lab device")]]
    for text, _expected, _d in list(recog().examples("x509_subjects"))[:60]:
        pairs = []
        for part in re.split(r"(?<!\\),", text):
            key, _, value = part.partition("=")
            oid = {"CN": "COMMON_NAME", "O": "ORGANIZATION_NAME", "OU": "ORGANIZATIONAL_UNIT_NAME",
                   "L": "LOCALITY_NAME", "ST": "STATE_OR_PROVINCE_NAME", "C": "COUNTRY_NAME",
                   "emailAddress": "EMAIL_ADDRESS"}.get(key.strip())
            if oid and value and (oid != "COUNTRY_NAME" or len(value) == 2):
                pairs.append((oid, value))
        if pairs:
            subjects.append(pairs)
    return [_cert(s, i + 1) for i, s in enumerate(subjects)]


@target("tls", "TLS certificates (DER) -> subject, issuer, sha256 (collector/webid.py cert_info) -> identification "
        "of an HTTPS service by its certificate (Recog x509_subjects, x509_issuers); never raises", seeds=_tls_seeds,
        covers=("collector/webid.py", "collector/banners.py"))
def run_tls(data: bytes) -> object:
    from collector.banners import Grab, identify
    from collector.webid import cert_info

    info = cert_info(data)
    subject = issuer = digest = None
    if info is not None:
        subject, issuer, digest = info.subject, info.issuer, info.sha256
        check(subject is None or (isinstance(subject, str) and len(subject) <= 512), "subject")
        check(issuer is None or (isinstance(issuer, str) and len(issuer) <= 512), "issuer")
        check(isinstance(digest, str) and len(digest) == 64, "sha256")
    svc, facts = identify(Grab(port=443, tls=True, http_status="HTTP/1.1 200 OK", headers={}, cert_subject=subject,
                               cert_issuer=issuer, cert_sha256=digest))
    return svc, facts


# -- Recog on its own --------------------------------------------------------------


def _recog_seeds() -> list[bytes]:
    from collector.refdata.recog import recog

    r = recog()
    for db in r.databases:  # compiled once, before the workers fork
        r.match(db, "")
        r.match(db, "x" * 100)
    return [db.encode() + b"\n" + text.encode("utf-8", "surrogateescape") for db in r.databases
            for text, _e, _d in r.examples(db)]


@target("recog", "Recog fingerprint matching (collector/refdata/recog.py) of every database's own examples, "
        "mutated; never raises", seeds=_recog_seeds, covers=("collector/refdata/recog.py",))
def run_recog(data: bytes) -> object:
    from collector.refdata.recog import recog

    r = recog()
    db, _, text = data.partition(b"\n")
    name = db.decode("latin-1")
    if name not in r.databases:
        name = r.databases[sum(db) % len(r.databases)]
    m = r.match(name, text.decode("utf-8", errors="replace"))
    if m is not None:
        check(all(isinstance(k, str) and isinstance(v, str) for k, v in m.values.items()), "values are text")
    return m


# -- a web page's redirect, favicon link, favicon answer ----------------------------------


def _http_seeds() -> list[bytes]:
    """The recorded HTTP answers (status line, headers, body) of fixtures/banners."""
    return [s[_HEADER.match(s).end():] for s in _banner_seeds()  # type: ignore[union-attr]
            if s[_HEADER.match(s).end():].startswith(b"HTTP/")]  # type: ignore[union-attr]


_PAGE_TOKENS = (b"HTTP/1.1 302 Found\r\n", b"HTTP/1.0 200 OK\r\n", b"Location: ", b"Location: /login.html\r\n",
                b"Location: http://198.18.0.20:80/x\r\n", b"Location: //evil.example/x\r\n", b"Location: https://[::1/\r\n",
                b"Location: http://198.18.0.20:99999/\r\n", b"Location: /a b\x1b[2J\r\n", b"Content-Length: ",
                b"Content-Length: \xc2\xb2\r\n", b"Content-Length: 12\r\n", b"Content-Length: \xd9\xa3\r\n",
                b"<meta http-equiv=\"refresh\" content=\"0; url=", b"<link rel=\"icon\" href=\"",
                b"<link rel='shortcut icon' href=", b"/favicon.ico", b"../../x", b"?a=\x00", b"%2e%2e/", b"\"/>",
                b"\x00\x00\x01\x00", b"\x89PNG\r\n\x1a\n", b"\r\n\r\n")


@target("http-page", "what a web page says beyond its banner (collector/webid.py redirect_target, icon_path, "
        "same_origin_path, favicon_md5 -> Recog favicons; plugins/banners.py web_pages, the record the http "
        "plugin follows); never raises", seeds=_http_seeds, mutators=(with_tokens(_PAGE_TOKENS),),
        covers=("collector/webid.py", "plugins/banners.py", "plugins/http.py"))
def run_http_page(data: bytes) -> object:
    from collector.banners import Grab
    from collector.webid import favicon_facts, favicon_md5, icon_path, parse_http_response, redirect_target
    from fuzz.t_proto import _walk_json
    from collector.plugins.banners import web_pages

    origin = ("http", "198.18.0.20", 80)
    status, headers, body = parse_http_response(data)
    pages = web_pages("198.18.0.20", [Grab(port=80, tls=False, http_status=status, headers=headers, body=body)])
    _walk_json(pages, "web page")
    redirect = redirect_target(origin, status, headers, body)
    paths = [redirect, icon_path(origin, "/", body), icon_path(origin, redirect or "/", body)]
    for path in paths:
        # each goes on a request line: f"GET {path} HTTP/1.0"
        check(path is None or re.fullmatch(r"/[\x21-\x7e]{0,199}", path), f"not a request path: {path!r}")
    md5 = favicon_md5(status, headers, body)
    if md5 is not None:
        check(re.fullmatch(r"[0-9a-f]{32}", md5), f"md5 {md5!r}")
        for fact in favicon_facts(md5, f"80{paths[1]}"):
            check(0 < fact.confidence <= 100 and fact.value not in (None, ""), f"fact {fact!r}")
    return paths
