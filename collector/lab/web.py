"""What the lab's web devices answer: pages, headers, favicons, RTSP and
TLS certificates.

The identifying strings are real ones: Server headers, page titles,
WWW-Authenticate realms and certificate names as Recog's examples record
them from real devices (``Polycom SoundPoint IP Telephone HTTPd``, title
``VVX250``, ``CN=<MAC>,O=Polycom Inc.``, the Hikvision DVR certificate,
Yealink's factory CA ``Yealink Equipment Issuing CA``, APC's ``Internally
Generated Certificate``, HP's ``OU=HP-IPG`` certificate), an HP printer's
Server header that names model and serial, and the RTSP answers Hikvision
recorders give. Page structure (redirects, favicon links) follows the
products; the favicon images are the lab's own (a real product's icon,
whose MD5 Recog lists, is not ours to ship), so in the lab a favicon is
fetched and hashed but matches nothing. Certificates and keys are made at
lab start, never committed.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Page:
    status: str = "200 OK"
    title: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""


@dataclass(frozen=True)
class Site:
    pages: dict[str, Page] = field(default_factory=dict)
    #: RFC 4514 templates ({mac_hex} {mac6} {serial} {ip} {hostname}); issuer None = self-signed
    cert_subject: str | None = None
    cert_issuer: str | None = None
    favicon: bool = True


_ICON = '<link rel="shortcut icon" href="/favicon.ico" type="image/x-icon">'
SITES: dict[str, Site] = {
    "hp-printer": Site(
        {"/": Page(title="HP LaserJet Pro M404dn", body=_ICON)},
        cert_subject="CN=HP{mac6},OU=HP-IPG,O=HP,L=Vancouver,ST=Washington,C=US"),
    "hikvision": Site(
        # the root page of Hikvision IP cameras: a script sends the browser to the login page
        {"/": Page(body='<script>window.location.href = "/doc/page/login.asp?_" + (new Date()).getTime();</script>'),
         "/doc/page/login.asp": Page(title="", body="")},
        cert_subject="CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"),
    "yealink": Site(
        {"/": Page(title="Yealink T46S")},
        cert_subject="CN={mac_hex},O=Yealink Network Technology Co.\\,Ltd.",
        cert_issuer="CN=Yealink Equipment Issuing CA,OU=yealink.com,O=Yealink Network Technology Co.\\,Ltd.,"
                    "L=Xiamen,ST=Fujian,C=CN"),
    "polycom": Site(
        {"/": Page(title="VVX250", body=_ICON)},
        cert_subject="CN={mac_hex},O=Polycom Inc."),
    "apc": Site(
        # the management card sends the browser to its log-on page
        {"/": Page("303 See Other", headers=(("Location", "http://{ip}/logon.htm"),)),
         "/logon.htm": Page(title="Log On", body=_ICON)},
        cert_subject="CN={serial},OU=Internally Generated Certificate,O=American Power Conversion Corp,"
                     "L=Default Locality,ST=Default State,C=US"),
    "apache-debian": Site({"/": Page(body="<h1>It works!</h1>")}, favicon=False),
    "apache-raspbian": Site({"/": Page(title="Apache2 Debian Default Page: It works")}, favicon=False),
    "apache-ubuntu": Site({"/": Page(title="Apache2 Ubuntu Default Page: It works")}, favicon=False),
}


def render(template: str, host: dict[str, Any]) -> str:
    from collector.lab.topology import serial_for

    mac_hex = host["mac"].replace(":", "").upper()
    values = {"mac_hex": mac_hex, "mac6": mac_hex[-6:], "serial": serial_for(host["index"]), "ip": host["ip"],
              "hostname": host["hostname"]}
    for name, value in values.items():  # not str.format: real banners carry braces of their own
        template = template.replace("{" + name + "}", value)
    return template


def favicon(site: str) -> bytes:
    """A 1x1 ICO of the site's own colour (lab-made: matches no Recog entry)."""
    colour = hashlib.sha256(site.encode()).digest()[:3]
    pixels = bytes(colour) + b"\xff"
    bmp = struct.pack("<IiiHHIIiiII", 40, 1, 2, 1, 32, 0, len(pixels) + 4, 0, 0, 0, 0) + pixels + b"\0\0\0\0"
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 1, 1, 0, 0, 1, 32, len(bmp), 22) + bmp


def respond(site_name: str, server: str, host: dict[str, Any], method: str, path: str) -> bytes:
    """The HTTP answer of ``site_name`` to one request (``server``: its Server header)."""
    site = SITES[site_name]
    path = path.split("?", 1)[0] or "/"
    headers: tuple[tuple[str, str], ...] = ()
    if path == "/favicon.ico" and site.favicon:
        status, ctype, body = "200 OK", "image/x-icon", favicon(site_name)
    elif path in site.pages:
        page = site.pages[path]
        title = f"<title>{page.title}</title>" if page.title is not None else ""
        body = f"<!DOCTYPE html><html><head>{title}</head><body>{page.body}</body></html>\n".encode()
        status, ctype, headers = page.status, "text/html", page.headers
    else:
        status, ctype = "404 Not Found", "text/html"
        body = b"<html><head><title>404 Not Found</title></head><body>Not Found</body></html>\n"
    lines = [f"HTTP/1.1 {status}", f"Server: {render(server, host)}" if server else None,
             *(f"{k}: {render(v, host)}" for k, v in headers), f"Content-Type: {ctype}",
             f"Content-Length: {len(body)}", "Connection: close"]
    out = ("\r\n".join(h for h in lines if h) + "\r\n\r\n").encode()
    return out + (body if method == "GET" else b"")


def rtsp_response(site_name: str, server: str, request: bytes) -> bytes:
    """An RTSP answer. Hikvision recorders refuse OPTIONS without credentials
    and name no server (nmap knows the answer as "Hikvision DVR rtspd"); the
    CSeq is echoed only when the client sent one."""
    cseq = None
    for line in request.split(b"\r\n"):
        if line.lower().startswith(b"cseq:"):
            cseq = line.split(b":", 1)[1].strip()[:16]
    head = [b"RTSP/1.0 401 Unauthorized" if site_name == "hikvision" else b"RTSP/1.0 200 OK"]
    if cseq is not None:
        head.append(b"CSeq: " + cseq)
    if site_name == "hikvision":
        nonce = os.urandom(16).hex().encode()
        head += [b'WWW-Authenticate: Digest realm="Hikvision", nonce="' + nonce + b'", stale="FALSE"',
                 b'WWW-Authenticate: Basic realm="/"']
    else:
        if server:
            head.append(b"Server: " + server.encode())
        head.append(b"Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN")
    return b"\r\n".join(head) + b"\r\n\r\n"


def certificate(site_name: str, host: dict[str, Any], directory: Path) -> tuple[Path, Path] | None:
    """A certificate with the site's subject (and issuer: a lab CA of that
    name signs it), made now, for one host; None when the site has none."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    site = SITES.get(site_name)
    if site is None or site.cert_subject is None:
        return None
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name.from_rfc4514_string(render(site.cert_subject, host))
    issuer_key, issuer = key, subject
    if site.cert_issuer:
        issuer_key, issuer = ec.generate_private_key(ec.SECP256R1()), x509.Name.from_rfc4514_string(
            render(site.cert_issuer, host))
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime(2020, 1, 1)).not_valid_after(datetime.datetime(2040, 1, 1))
            .sign(issuer_key, hashes.SHA256()))
    stem = directory / f"tls-{host['ns']}-{site_name}"
    cert_file, key_file = stem.with_suffix(".crt"), stem.with_suffix(".key")
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    os.chmod(key_file, 0o600)
    return cert_file, key_file
