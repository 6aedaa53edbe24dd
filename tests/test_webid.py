"""HTTP(S)/TLS identification beyond the banner: Recog's real strings (HP
Server headers, favicon hashes, certificate names), hostile redirects and
favicons, the lab's web content, and the http plugin against loopback."""

import asyncio
import datetime
import hashlib

import pytest
from hypothesis import given, settings, strategies as st

from collector.banners import Grab, identify
from collector.identity import best_facts
from collector.lab import topology as topo, web
from collector.plugins.banners import RateLimiter
from collector.plugins.http import follow
from collector.webid import (cert_facts, cert_info, favicon_facts, favicon_md5, hp_server_facts, icon_path,
                             parse_http_response, redirect_target, same_origin_path)

ORIGIN = ("http", "198.18.0.20", 80)


def best(facts):
    return {name: f.value for name, f in best_facts(facts).items()}


@pytest.mark.parametrize("server, model, serial", [
    # Recog http_servers.xml examples (real HP Server headers)
    ("HP HTTP Server; HP Photosmart C309a series - CC335A; Serial Number: abc123; Vader Built:Wed Apr 15, 2009 "
     "11:40:58AM {abc123, ASIC id 0x00280004}", "Photosmart C309a series", "abc123"),
    ("HP HTTP Server; HP Officejet 6500 E709n - CB057A; Serial Number: abc123; Rainbow Built:Sat Dec 13, 2008 "
     "10:58:21AM {abc123, ASIC id 0x00ffc2105}", "Officejet 6500 E709n", "abc123"),
    ("HP HTTP Server; Hewlett-Packard HP Designjet T520 36in - ABC123; Serial Number: 0123456789; Built:Tue Sep 09, "
     "2014 08:32:54AM {012345678901}", "Designjet T520 36in", "0123456789"),
    ("HP HTTP Server; HP LaserJet Pro M404dn - W1A53A; Serial Number: PHBQB12345; Built:Thu Feb 18, 2022 "
     "09:14:20AM {TJSJPBP2207}", "LaserJet Pro M404dn", "PHBQB12345"),
])
def test_hp_server_header_names_model_and_serial(server, model, serial):
    facts = best(hp_server_facts(server))
    assert facts == {"vendor": "HP", "device_class": "printer", "model": model, "serial": serial}
    svc, all_facts = identify(Grab(port=80, http_status="HTTP/1.1 200 OK", headers={"server": server}))
    assert svc.product == "JetDirect" and best(all_facts)["model"] == model  # Recog's "LaserJet Pro" OS is gone


@pytest.mark.parametrize("server", ["HP HTTP Server", "HP HTTP Server; HP LaserJet; Serial Number: ;",
                                    "HP HTTP Server; HP X - Y; Serial Number: \x1b[2J;", "Apache/2.4.41 (Ubuntu)"])
def test_hp_server_header_without_model_says_nothing(server):
    assert hp_server_facts(server) == []


@pytest.mark.parametrize("md5, vendor, device_class", [
    ("89b932fcc47cf4ca3faadb0cfdef89cf", "Hikvision", "camera"),  # Recog favicons.xml examples
    ("a3fd8705f010b90e37d42128000f620b", "Axis", "camera"),  # Recog says "AXIS": one spelling per maker
])
def test_favicon_hash_as_recog_keys_it(md5, vendor, device_class):
    facts = best(favicon_facts(md5, "80/favicon.ico"))
    assert facts["vendor"] == vendor and facts["device_class"] == device_class
    assert favicon_facts(hashlib.md5(b"not an icon anyone knows").hexdigest(), "80/favicon.ico") == []


def test_favicon_md5_only_of_a_whole_icon():
    icon = web.favicon("hp-printer")
    ok = favicon_md5("HTTP/1.1 200 OK", {"content-length": str(len(icon))}, icon)
    assert ok == hashlib.md5(icon).hexdigest()
    assert favicon_md5("HTTP/1.1 404 Not Found", {}, icon) is None
    assert favicon_md5("HTTP/1.1 200 OK", {}, b"<html><title>Login</title></html>") is None  # a page, not an icon
    assert favicon_md5("HTTP/1.1 200 OK", {"content-length": "99999"}, icon) is None  # cut short
    assert favicon_md5("HTTP/1.1 200 OK", {}, b"\0" * 70000) is None  # too big to be one
    assert favicon_md5("HTTP/1.1 200 OK", {}, b"") is None


@pytest.mark.parametrize("target, path", [
    ("/logon.htm", "/logon.htm"),
    ("logon.htm", "/logon.htm"),
    ("http://198.18.0.20/logon.htm", "/logon.htm"),
    ("http://198.18.0.20:80/a?b=1", "/a?b=1"),
    ("/doc/page/login page.asp", "/doc/page/login%20page.asp"),
    ("http://198.18.0.99/logon.htm", None),  # another host: never followed, in scope or not
    ("http://169.254.169.254/latest/meta-data/", None),
    ("https://198.18.0.20/logon.htm", None),  # another scheme
    ("http://198.18.0.20:8080/", None),  # another port
    ("//evil.example/x", None),
    ("/x\r\nHost: evil", None),
    ("http://198.18.0.20:bad/", None),
    ("", None),
])
def test_redirects_stay_on_the_same_service(target, path):
    assert same_origin_path(ORIGIN, "/", target) == path


def test_redirect_and_icon_from_a_page():
    assert redirect_target(ORIGIN, "HTTP/1.1 303 See Other", {"location": "http://198.18.0.20/logon.htm"},
                           b"") == "/logon.htm"
    assert redirect_target(ORIGIN, "HTTP/1.1 200 OK", {}, b'<meta http-equiv="refresh" content="0; url=/home.htm">'
                           ) == "/home.htm"
    assert redirect_target(ORIGIN, "HTTP/1.1 200 OK", {}, b"<script>window.location.href='/x'</script>") is None
    assert redirect_target(ORIGIN, "HTTP/1.1 302 Found", {"location": "http://attacker.example/"}, b"") is None
    assert icon_path(ORIGIN, "/", b'<link rel="icon" href="/img/fav.png">') == "/img/fav.png"
    assert icon_path(ORIGIN, "/doc/", b'<link rel="shortcut icon" href="fav.ico">') == "/doc/fav.ico"
    assert icon_path(ORIGIN, "/", b'<link rel="icon" href="http://cdn.example/f.ico">') == "/favicon.ico"
    assert icon_path(ORIGIN, "/", b"<html></html>") == "/favicon.ico"


def _cert(subject, issuer=None):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name.from_rfc4514_string(subject)
    cert = (x509.CertificateBuilder().subject_name(name)
            .issuer_name(x509.Name.from_rfc4514_string(issuer) if issuer else name).public_key(key.public_key())
            .serial_number(1).not_valid_before(datetime.datetime(2020, 1, 1))
            .not_valid_after(datetime.datetime(2040, 1, 1)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


@pytest.mark.parametrize("subject, issuer, expected", [
    # Recog x509_subjects / x509_issuers examples
    ("CN=64167F169981,O=Polycom Inc.", None, {"vendor": "Polycom", "device_class": "voip"}),
    ("CN=axis-accc8ea31abf,O=Axis Communications AB", None, {"vendor": "Axis", "device_class": "camera"}),
    ("CN=HPD49F21,OU=HP-IPG,O=HP,L=Vancouver,ST=Washington,C=US", None,
     {"vendor": "HP", "device_class": "printer", "hostname": "HPD49F21"}),
    ("CN=805EC0000001", "CN=Yealink Equipment Issuing CA,OU=yealink.com,O=Yealink Network Technology Co.\\,Ltd.,"
     "L=Xiamen,ST=Fujian,C=CN", {"vendor": "Yealink", "device_class": "voip"}),
    ("CN=ZA1117619249,OU=Internally Generated Certificate,O=American Power Conversion Corp,L=Default Locality,"
     "ST=Default State,C=US", None, {"vendor": "APC", "device_class": "ups"}),
    ("CN=www.example.org", "CN=R3,O=Let's Encrypt,C=US", {}),  # a public CA says nothing of the device
])
def test_certificate_subject_and_issuer(subject, issuer, expected):
    info = cert_info(_cert(subject, issuer))
    assert info.subject == subject and info.issuer == (issuer or subject)  # Recog's RFC 4514 form
    assert len(info.sha256) == 64
    got = best(cert_facts(info.subject, info.issuer))
    assert {k: got.get(k) for k in expected} == expected and ("vendor" in got) == bool(expected)


def test_garbage_certificate_still_has_a_fingerprint():
    info = cert_info(b"\x30\x03\x02\x01\x00")
    assert info.subject is None and info.sha256 == hashlib.sha256(b"\x30\x03\x02\x01\x00").hexdigest()
    assert cert_info(b"") is None and cert_info(b"\0" * 70000) is None


def _host(kind):
    h = next(h for h in topo.plan(40).hosts if h.kind == kind)
    return {"index": h.index, "mac": h.mac, "ip": h.ip, "hostname": h.hostname, "ns": h.ns}


@pytest.mark.parametrize("kind, port, expected", [
    ("printer", 443, {"vendor": "HP", "device_class": "printer", "model": "LaserJet Pro M404dn"}),
    ("camera", 443, {"vendor": "Hikvision", "device_class": "camera"}),
    ("voip", 443, {"vendor": "Yealink", "device_class": "voip"}),
    ("polycom", 443, {"vendor": "Polycom", "device_class": "voip", "model": "VVX 250"}),
    ("ups", 443, {"vendor": "APC", "device_class": "ups"}),
])
def test_lab_web_content_identifies_its_product(kind, port, expected, tmp_path):
    """What the lab serves (pages and made-at-start certificates) is what
    identification expects from the real product."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    host = _host(kind)
    spec = next(s for s in topo.PROFILES[kind].services if s.port == port)
    status, headers, body = parse_http_response(web.respond(spec.site, spec.banner, host, "GET", "/"))
    cert_file, _key = web.certificate(spec.site, host, tmp_path)
    der = x509.load_pem_x509_certificate(cert_file.read_bytes()).public_bytes(serialization.Encoding.DER)
    info = cert_info(der)
    _svc, facts = identify(Grab(port=port, tls=True, http_status=status, headers=headers, body=body,
                                cert_subject=info.subject, cert_issuer=info.issuer))
    got = best(facts)
    assert {k: got.get(k) for k in expected} == expected


def test_http_plugin_follows_the_same_service_only():
    """A loopback server playing the lab's APC card, whose "/" redirects to its
    log-on page: the plugin fetches that page and its favicon. When the
    redirect names another address, only the favicon is fetched."""
    requests = []
    state = {}

    async def handler(reader, writer):
        path = (await reader.readline()).decode().split()[1]
        requests.append(path)
        while (await reader.readline()).strip():
            pass
        writer.write(web.respond("apc", "Allegro-Software-RomPager/4.01", state["host"], "GET", path))
        await writer.drain()
        writer.close()

    async def visit(ip_in_location):
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        state["host"] = {"index": 12, "mac": "00:c0:b7:54:00:0c", "ip": ip_in_location.format(port=port),
                         "hostname": "ups", "ns": "x"}
        origin = ("http", "127.0.0.1", port)
        status, headers, body = parse_http_response(web.respond("apc", "", state["host"], "GET", "/"))
        page = {"port": port, "tls": False, "redirect": redirect_target(origin, status, headers, body),
                "icon": icon_path(origin, "/", body)}
        try:
            return await follow("127.0.0.1", page, RateLimiter(1000))
        finally:
            server.close()

    facts, seen = asyncio.run(visit("127.0.0.1:{port}"))
    assert requests == ["/logon.htm", "/favicon.ico"]
    assert seen["page"] == {"path": "/logon.htm", "status": "HTTP/1.1 200 OK"}
    assert seen["favicon"]["md5"] == hashlib.md5(web.favicon("apc")).hexdigest() and facts == []
    requests.clear()
    _facts, seen = asyncio.run(visit("127.0.0.2:{port}"))  # the card names another address
    assert requests == ["/favicon.ico"] and "page" not in seen


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_fuzz_same_origin_path(target):
    path = same_origin_path(ORIGIN, "/", target)
    assert path is None or (path.startswith("/") and not any(c in path for c in " \r\n\t\\"))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["server", "www-authenticate", "location", "content-length"]),
                       st.text(max_size=200)), st.binary(max_size=400))
def test_fuzz_identify_http(headers, body):
    svc, facts = identify(Grab(port=443, tls=True, http_status="HTTP/1.1 200 OK", headers=headers, body=body,
                               cert_subject=headers.get("server"), cert_issuer=headers.get("location")))
    assert svc.name == "https" and all(f.value for f in facts)


def test_certificate_fingerprint_is_a_weak_identifier_once_per_host():
    from collector.model import IDENTIFIER_KINDS
    from collector.plugins.banners import identifiers_from, web_pages

    grabs = [Grab(port=443, tls=True, cert_sha256="ab" * 32), Grab(port=8443, tls=True, cert_sha256="ab" * 32),
             Grab(port=22, greeting=b"SSH-2.0-x")]
    ids = identifiers_from(grabs)
    assert [(i.kind, i.value) for i in ids] == [("tls_cert_sha256", "ab" * 32)]
    assert IDENTIFIER_KINDS["tls_cert_sha256"] == "weak"
    page = Grab(port=80, http_status="HTTP/1.1 303 See Other", headers={"location": "/logon.htm"},
                body=b'<link rel="icon" href="/i.png">')
    assert web_pages("198.18.0.20", [page, grabs[2]]) == [
        {"port": 80, "tls": False, "status": "HTTP/1.1 303 See Other", "redirect": "/logon.htm", "icon": "/i.png"}]


def test_fuzz_findings_in_page_links_and_favicons():
    """Fuzz findings: a Location with an unclosed IPv6 bracket raised
    ValueError out of urlsplit (the banners plugin then failed for the host);
    ``Content-Length: ²`` passed isdigit() and broke int(); a status line
    with control characters was stored as it came."""
    from collector.plugins.banners import web_pages

    origin = ("http", "198.18.0.20", 80)
    assert redirect_target(origin, "HTTP/1.1 303 See Other", {"location": "//["}, b"") is None
    assert same_origin_path(origin, "/", "http://[::1/x") is None
    assert favicon_md5("HTTP/1.1 200 OK", {"content-length": "\u00b2"}, b"\x00\x00\x01\x00") is not None
    status, headers, body = parse_http_response(b"HTTP/1.1 200 OK\x1b[2J\x80\r\n\r\n")
    [page] = web_pages("198.18.0.20", [Grab(port=80, http_status=status, headers=headers, body=body)])
    assert page["status"] == "HTTP/1.1 200 OK\\x1b[2J\\x80"
