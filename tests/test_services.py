"""Service identification: recorded banners and nmap reports, hostile input."""

import asyncio
import base64
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from collector.banners import Grab, escape_banner, identify
from collector.webid import html_title, parse_http_response
from collector.identity import best_facts, merge_services
from collector.model import Observation, Service
from collector.nmapxml import NmapXmlError, parse
from collector.plugin import LiveHost
from collector.plugins.banners import LAN_PORTS, NEVER, READ_DEADLINE, RateLimiter, for_nmap, grab_port
from collector.plugins.nmap import command, work_left

FIXTURES = Path(__file__).parent / "fixtures"
BANNER_CASES = sorted(p for p in (FIXTURES / "banners").iterdir() if p.is_dir())
NMAP_CASES = sorted(p for p in (FIXTURES / "nmap").iterdir() if p.is_dir())


def load_grab(case):
    g = json.loads((case / "grab.json").read_text())
    return Grab(port=g["port"], tls=g["tls"], greeting=base64.b64decode(g["greeting"]),
                http_status=g["http_status"], headers=g["headers"], body=base64.b64decode(g["body"]),
                cert_subject=g["cert_subject"], cert_issuer=g.get("cert_issuer"), cert_sha256=g.get("cert_sha256"))


@pytest.mark.parametrize("case", BANNER_CASES, ids=lambda p: p.name)
def test_recorded_banners(case):
    svc, facts = identify(load_grab(case))
    expected = json.loads((case / "expected.json").read_text())
    assert {k: getattr(svc, k) for k in ("name", "product", "version", "cpe")} == expected["service"]
    assert dict(sorted((name, f.value) for name, f in best_facts(facts).items())) == expected["facts"]
    assert svc.banner is None or all(32 <= ord(c) < 127 for c in svc.banner)


@pytest.mark.parametrize("case", NMAP_CASES, ids=lambda p: p.name)
def test_recorded_nmap_reports(case):
    hosts = parse((case / "report.xml").read_bytes())
    got = [{"ip": h.ip, "services": [{k: getattr(s, k) for k in ("port", "proto", "name", "product", "version", "cpe")}
                                     for s in h.services],
            "facts": sorted([f.field, f.value] for f in h.facts)} for h in hosts]
    assert got == json.loads((case / "expected.json").read_text())


@pytest.mark.parametrize("xml, message", [
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><nmaprun>&b;</nmaprun>',
     "not a usable"),
    (b'<nmaprun><host><address addr="10.0.0.1" addrtype="ipv4"/><ports><port', "not a usable"),  # killed nmap
    (b"<html><body>nope</body></html>", "root element"),
    (b"", "not a usable"),
])
def test_hostile_or_broken_nmap_xml(xml, message):
    with pytest.raises(NmapXmlError, match=message):
        parse(xml)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_nmap_parser(data):
    try:
        parse(data)
    except NmapXmlError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([21, 22, 23, 25, 110, 143, 80, 554, 9999]), st.binary(max_size=400))
def test_fuzz_identify_greeting(port, data):
    svc, facts = identify(Grab(port=port, greeting=data))
    assert svc.port == port
    assert svc.banner is None or all(32 <= ord(c) < 127 for c in svc.banner)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_fuzz_http(data):
    status, headers, body = parse_http_response(b"HTTP/1.1 200 OK\r\n" + data)
    svc, _facts = identify(Grab(port=80, http_status=status or "HTTP/1.1 200 OK", headers=headers, body=body))
    assert svc.name == "http"


def test_escape_banner_defuses_terminal_and_html():
    out = escape_banner(b"\x1b[2J\x1b]0;pwned\x07<script>alert(1)</script>\r\n\x00\xff")
    assert "\x1b" not in out and "\\x1b[2J" in out and "\\r\\n" in out and "\\x00\\xff" in out
    assert len(escape_banner(b"A" * 1_000_000)) <= 515


def test_html_title_bounded_and_unescaped():
    assert html_title(b"<html><TITLE>\n Printer &amp; Co\n</TITLE>") == "Printer & Co"
    assert len(html_title(b"<title>" + b"x" * 10000 + b"</title>")) == 200
    assert html_title(b"<title>never closed" + b"y" * 100000) is None


async def _serve(handler):
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def test_slowloris_and_huge_services_are_bounded():
    """Loopback servers that trickle bytes forever or send a megabyte line:
    the grab returns within its deadline with a bounded greeting."""
    async def slow(reader, writer):
        try:
            for _ in range(1000):
                writer.write(b"S")
                await writer.drain()
                await asyncio.sleep(0.05)
        except (ConnectionError, OSError):
            pass

    async def huge(reader, writer):
        try:
            writer.write(b"220 " + b"A" * 1_000_000 + b"\r\n")
            await writer.drain()
        except (ConnectionError, OSError):
            pass

    async def main():
        import time

        limiter = RateLimiter(1000)
        results = {}
        for name, handler in (("slow", slow), ("huge", huge)):
            server, port = await _serve(handler)
            start = time.monotonic()
            grab = await grab_port("127.0.0.1", port, limiter, mode="greeting")
            results[name] = (grab, time.monotonic() - start)
            server.close()
        return results

    results = asyncio.run(main())
    slow_grab, slow_time = results["slow"]
    assert slow_time < READ_DEADLINE + 1.5 and 0 < len(slow_grab.greeting) < 200
    huge_grab, _ = results["huge"]
    assert len(huge_grab.greeting) <= 65536
    svc, _ = identify(huge_grab)
    assert len(svc.banner) <= 515


def test_closed_port_is_none():
    async def main():
        server, port = await _serve(lambda r, w: None)
        server.close()
        await server.wait_closed()
        return await grab_port("127.0.0.1", port, RateLimiter(1000), mode="greeting")

    assert asyncio.run(main()) is None


def test_port_list_is_safe():
    assert not set(LAN_PORTS) & NEVER
    cmd = command("nmap", ["198.18.0.5"], [22, 9100, 9103, 80], rate=300, raw=False, os_detect=True)
    ports = cmd[cmd.index("-p") + 1]
    assert ports == "T:22,80" and "--exclude-ports" in cmd and "9100-9107" in cmd
    assert "-n" in cmd and "-Pn" in cmd and "-sT" in cmd and "-O" not in cmd  # no -O without raw sockets
    assert cmd[cmd.index("--max-rate") + 1] == "300" and "--host-timeout" in cmd
    assert "-O" in command("nmap", ["198.18.0.5"], [22], rate=300, raw=True, os_detect=True)
    assert "-O" not in command("nmap", ["198.18.0.5"], [22], rate=300, raw=True, os_detect=False)


def test_nmap_gets_only_what_banners_left():
    named = Service(22, name="ssh", product="OpenSSH", version="5.3", source="banners", confidence=80)
    silent = Service(445, name="microsoft-ds", source="banners", confidence=20)
    rosssh = Service(2222, name="ssh", source="banners", confidence=30)
    ftp_generic = Service(21, name="ftp", source="banners", confidence=30)
    # everything the banner step could not name goes on, answered or not
    assert for_nmap([named, silent, rosssh, ftp_generic]) == [445, 2222, 21]
    obs = [Observation("banners", "10.0.0.5", services=[named, silent], raw={"for_nmap": [445]}),
           Observation("banners", "10.0.0.6", services=[named], raw={"for_nmap": []})]
    hosts = [LiveHost("10.0.0.5"), LiveHost("10.0.0.6")]
    assert work_left(hosts, obs, banners_ran=True) == {"10.0.0.5": [445]}
    assert work_left(hosts, [], banners_ran=False)["10.0.0.6"] == list(LAN_PORTS)


def test_unnamed_rtsp_is_handed_to_nmap():
    """The recorded Hikvision RTSP answer names no server: the banner step
    learns the maker from the realm but cannot name the product, so nmap
    gets the port (it names it "Hikvision DVR rtspd")."""
    from collector.plugins.banners import services_from

    services, facts = services_from([load_grab(FIXTURES / "banners" / "hikvision-rtsp"),
                                     load_grab(FIXTURES / "banners" / "hikvision-http")])
    assert [(s.port, s.name, s.product) for s in services] == [(80, "http", "App-webs"), (554, "rtsp", None)]
    assert for_nmap(services) == [554]
    assert {f.field: f.value for f in facts}["device_class"] == "camera"
    obs = [Observation("banners", "198.18.0.16", services=services, raw={"for_nmap": for_nmap(services)})]
    assert work_left([LiveHost("198.18.0.16")], obs, banners_ran=True) == {"198.18.0.16": [554]}


def test_answered_unnamed_ports_get_a_short_nmap_budget():
    from collector.plugins.banners import answered
    from collector.plugins.nmap import QUICK_TIMEOUT, nmap_groups, quick_ports

    ftp = Service(21, name="ftp", banner="220 FTP server ready.", source="banners", confidence=30)
    rtsp = Service(554, name="rtsp", banner="RTSP/1.0 401 Unauthorized", source="banners", confidence=30)
    silent = Service(445, name="microsoft-ds", source="banners", confidence=20)
    named = Service(22, name="ssh", product="OpenSSH", source="banners", confidence=80)
    assert answered([ftp, rtsp, silent, named]) == [21, 554]
    obs = [Observation("banners", "10.0.0.5", raw={"for_nmap": [21, 445, 554], "answered": [21, 554]}),
           Observation("banners", "10.0.0.6", raw={"for_nmap": [445], "answered": []}),
           Observation("banners", "10.0.0.7", raw={"for_nmap": [21, 554], "answered": [21, 554]})]
    todo = work_left([LiveHost("10.0.0.5"), LiveHost("10.0.0.6"), LiveHost("10.0.0.7")], obs, banners_ran=True)
    # one quick run per port: nmap's budget is per host, and a port it cannot name
    # in time must not take the host's other ports with it
    assert dict(nmap_groups(todo, quick_ports(obs))) == {((445,), False): ["10.0.0.5", "10.0.0.6"],
                                                         ((21,), True): ["10.0.0.5", "10.0.0.7"],
                                                         ((554,), True): ["10.0.0.5", "10.0.0.7"]}
    cmd = command("nmap", ["10.0.0.5"], [21, 554], rate=300, raw=False, os_detect=False, host_timeout=QUICK_TIMEOUT)
    assert cmd[cmd.index("--host-timeout") + 1] == QUICK_TIMEOUT


def test_merge_prefers_product_and_keeps_banner():
    from_banner = Service(80, name="http", product=None, banner="HTTP/1.1 200 OK", source="banners", confidence=30)
    from_nmap = Service(80, name="http", product="MikroTik router config httpd", source="nmap", confidence=100)
    merged = merge_services([from_banner, from_nmap])
    assert len(merged) == 1 and merged[0].product == "MikroTik router config httpd"
    assert merged[0].banner == "HTTP/1.1 200 OK"


def test_legacy_tls_detected_on_loopback(tmp_path):
    """A server that still accepts TLS 1.0 is reported; a TLS 1.2+ one is not."""
    from pathlib import Path

    from collector.lab.services import tls_contexts
    from collector.plugins.banners import legacy_tls

    contexts = tls_contexts(Path(tmp_path))

    async def main():
        results = {}
        for kind in ("https-legacy", "https"):
            server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0, ssl=contexts[kind])
            port = server.sockets[0].getsockname()[1]
            results[kind] = await legacy_tls("127.0.0.1", port, RateLimiter(1000))
            server.close()
        return results

    assert asyncio.run(main()) == {"https-legacy": ["TLSv1.0"], "https": []}
