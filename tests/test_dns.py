"""Reverse DNS: the plugin against a tiny DNS server bound to loopback,
queried directly (never the system resolver), and its hostile-answer rules."""

import asyncio
import socket

import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest

from collector.config import Settings
from collector.model import Outcome
from collector.plugin import LiveHost, ScanContext, check_need
from collector.plugins.dns import DnsPlugin, clean_name, make_resolver, system_nameservers

SERVER_IP = "127.0.0.77"
#: PTR records the test server knows (the reverse names of lab-like addresses)
RECORDS = {
    "10.0.18.198.in-addr.arpa.": ["printer-2.office.example.org."],
    "11.0.18.198.in-addr.arpa.": ["evil\\027[2J.example.org."],  # an escape sequence in a label
    "12.0.18.198.in-addr.arpa.": ["a." * 140],  # longer than any host name
}
SILENT = "13.0.18.198.in-addr.arpa."  # the server never answers this one


class Server(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport
        self.queries = 0

    def datagram_received(self, data, addr):
        self.queries += 1
        query = dns.message.from_wire(data)
        qname = query.question[0].name.to_text()
        if qname == SILENT:
            return
        response = dns.message.make_response(query)
        if qname in RECORDS:
            response.answer.append(dns.rrset.from_text_list(qname, 60, dns.rdataclass.IN, dns.rdatatype.PTR,
                                                            RECORDS[qname]))
        else:
            response.set_rcode(dns.rcode.NXDOMAIN)
        self.transport.sendto(response.to_wire(), addr)


def _ctx():
    from collector.scope import build_scope

    return ScanContext(Settings(), build_scope(["198.18.0.0/24"]), [], {})


def test_reverse_lookups_against_a_loopback_server(tmp_path):
    conf = tmp_path / "resolv.conf"
    conf.write_text(f"# test resolver\nnameserver {SERVER_IP}\n")

    async def main():
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((SERVER_IP, 0))
        transport, server = await loop.create_datagram_endpoint(Server, sock=sock)
        try:
            plugin = DnsPlugin(conf, port=sock.getsockname()[1])
            hosts = [LiveHost(f"198.18.0.{i}") for i in (10, 11, 12, 13, 14)]
            return await plugin.enrich(_ctx(), hosts), server.queries
        finally:
            transport.close()

    report, queries = asyncio.run(main())
    by_ip = {o.ip: o for o in report.observations}
    assert list(by_ip) == ["198.18.0.10"]  # hostile and oversized names are not kept
    obs = by_ip["198.18.0.10"]
    assert [(f.field, f.value, f.confidence) for f in obs.facts] == [("hostname", "printer-2.office.example.org", 45)]
    assert [(i.kind, i.value) for i in obs.identifiers] == [("dns_name", "printer-2.office.example.org")]
    outcomes = {p.target: (p.outcome, p.detail) for p in report.probes}
    assert outcomes["198.18.0.11"] == (Outcome.OK, "PTR answer is not a host name")
    assert outcomes["198.18.0.13"][0] == Outcome.NO_RESPONSE  # bounded by the lifetime, not a hang
    assert outcomes["198.18.0.14"] == (Outcome.OK, "no PTR record")
    assert queries >= 5


def test_no_resolver_means_skipped(tmp_path):
    empty = tmp_path / "resolv.conf"
    empty.write_text("")  # as the lab's collector namespace has
    assert system_nameservers(empty) == [] and make_resolver(empty) is None
    assert system_nameservers(tmp_path / "missing") == []
    report = asyncio.run(DnsPlugin(empty).enrich(_ctx(), [LiveHost("198.18.0.10")]))
    assert report.observations == [] and "no nameserver" in report.degraded


def test_need_follows_the_system_configuration(monkeypatch, tmp_path):
    import collector.plugins.dns as plugin

    conf = tmp_path / "resolv.conf"
    conf.write_text("nameserver 127.0.0.78\n")
    monkeypatch.setattr(plugin, "RESOLV_CONF", conf)
    monkeypatch.setattr(plugin.system_nameservers, "__defaults__", (conf,))
    assert check_need("dns_resolver")
    conf.write_text("search example.org\n")
    assert not check_need("dns_resolver")


@pytest.mark.parametrize("text, name", [
    ("Printer-2.Office.Example.ORG.", "printer-2.office.example.org"),
    ("host_1.lan.", "host_1.lan"),
    ("evil\\027[2J.example.", None),
    ("-bad.example.", None),
    ("a" * 64 + ".example.", None),
    ("x." * 130, None),
    ("", None),
])
def test_clean_name(text, name):
    assert clean_name(text) == name
