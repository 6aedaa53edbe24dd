"""The collector's own SNMP v1/v2c codec and socket (collector/snmp/ber.py,
udp.py): what it sends is what pysnmp reads, what it reads from pysnmp's
encoder is what the pysnmp path gave, garbage never raises anything but
BerError, answers from the wrong place are dropped, and a real net-snmp agent
on loopback gives the same walk through both paths."""

from __future__ import annotations

import asyncio
import shutil
import socket
import time

import pytest
from snmpd_agent import run_snmpd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api

from collector.snmp import ber
from collector.snmp.client import Agent, SnmpFailure, Transports, convert
from collector.snmp.credentials import Credential
from collector.snmp.udp import Timeout, UdpClient
from collector.snmp.walk import Walk

P2 = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
P1 = api.PROTOCOL_MODULES[api.SNMP_VERSION_1]


@pytest.mark.parametrize("version, kind", [("2c", "get"), ("2c", "next"), ("2c", "bulk"), ("1", "get"),
                                           ("1", "next")])
def test_requests_read_back_with_pysnmp(version, kind):
    oids = ["1.3.6.1.2.1.1.2.0", "1.3.6.1.4.1.2021.250", "1.3.6.1.4.1.4294967295.1", "2.999.1", "0.39"]
    msg = ber.encode_request(version, b"s3cret", kind, 123456789, oids, 17)
    proto = P1 if version == "1" else P2
    decoded, rest = decoder.decode(msg, asn1Spec=proto.Message())
    assert rest == b""
    assert int(decoded["version"]) == ber.VERSIONS[version]
    assert bytes(decoded["community"]) == b"s3cret"
    pdu = proto.apiMessage.get_pdu(decoded)
    assert int(proto.apiPDU.get_request_id(pdu)) == 123456789
    assert [str(o) for o, _v in proto.apiPDU.get_varbinds(pdu)] == oids
    expected = {"get": proto.GetRequestPDU, "next": proto.GetNextRequestPDU}.get(kind, P2.GetBulkRequestPDU)
    assert pdu.isSameTypeWith(expected())
    if kind == "bulk":
        assert int(P2.apiBulkPDU.get_max_repetitions(pdu)) == 17
        assert int(P2.apiBulkPDU.get_non_repeaters(pdu)) == 0


@pytest.mark.parametrize("oid", ["", "1", "1.3.", "1..3", "3.1", "1.40", "1.3.-1", "1.3.4294967296", "1.x", "1. 3", "1.+3",
                                 ".".join(["1"] * 129)])
def test_what_is_not_an_oid_is_not_sent(oid):
    with pytest.raises(ValueError):
        ber.encode_oid(oid)


VALUES = [
    P2.OctetString(b"Linux box 6.1 \x00\xff"), P2.OctetString(b""), P2.Integer(-2**31), P2.Integer(2**31 - 1),
    P2.Integer(0), P2.ObjectIdentifier("1.3.6.1.4.1.8072.3.2.10"), P2.ObjectIdentifier("2.999.4294967295"),
    P2.IpAddress("10.1.2.3"), P2.Counter32(0), P2.Counter32(2**32 - 1), P2.Gauge32(123456), P2.TimeTicks(2**32 - 1),
    P2.Counter64(2**64 - 1), P2.Counter64(5), P2.Opaque(b"\x9f\x78\x04\x3f\x80\x00\x00"), P2.Null(),
    P2.OctetString(b"x" * 5000),
]


def response(proto, binds, request_id=42, status=0, index=0) -> bytes:
    msg = proto.Message()
    proto.apiMessage.set_defaults(msg)
    proto.apiMessage.set_community(msg, "public")
    pdu = proto.GetResponsePDU()
    proto.apiPDU.set_defaults(pdu)
    proto.apiPDU.set_request_id(pdu, request_id)
    proto.apiPDU.set_error_status(pdu, status)
    proto.apiPDU.set_error_index(pdu, index)
    proto.apiPDU.set_varbinds(pdu, binds)
    proto.apiMessage.set_pdu(msg, pdu)
    return encoder.encode(msg)


def test_responses_read_as_the_pysnmp_path_read_them():
    binds = [(f"1.3.6.1.4.1.99.{i}.0", v) for i, v in enumerate(VALUES)]
    binds += [("1.3.6.1.2.1.1.9.0", P2.NoSuchObject()), ("1.3.6.1.2.1.1.9.1", P2.NoSuchInstance()),
              ("1.3.6.1.2.1.1.9.2", P2.EndOfMibView())]
    got = ber.decode_response(response(P2, binds, request_id=2**31 - 1))
    assert (got.version, got.request_id, got.error_status, got.error_index) == (1, 2**31 - 1, 0, 0)
    assert [o for o, _v in got.varbinds] == [o for o, _v in binds]
    for (oid, ours), (_o, theirs) in zip(got.varbinds, binds):
        assert convert(ours) == convert(theirs), oid
        assert type(ours).__name__ == type(theirs).__name__ or isinstance(ours, ber.Value)


def test_v1_error_status_and_index():
    got = ber.decode_response(response(P1, [("1.3.6.1.2.1.1.1.0", P1.Null())], request_id=7, status=2, index=1))
    assert (got.version, got.error_name, got.error_index) == (0, "noSuchName", 1)


@pytest.mark.parametrize("body, expected", [
    (b"\x41\x04\xff\xff\xff\xff", (65, 2**32 - 1)),  # Counter32 sent without its leading zero
    (b"\x41\x06\x01\x00\x00\x00\x00\x00", (68, b"\x01\x00\x00\x00\x00\x00")),  # too big for a Counter32
    (b"\x02\x05\x01\x00\x00\x00\x00", (68, b"\x01\x00\x00\x00\x00")),  # too big for an INTEGER
    (b"\x06\x02\x2b\x86", (68, b"\x2b\x86")),  # an OID value cut short
    (b"\x47\x01\x05", (68, b"\x05")),  # an unknown application type (UInteger32)
    (b"\x40\x02\x0a\x01", (68, b"\x0a\x01")),  # an IpAddress of the wrong size
])
def test_odd_values_are_kept_as_bytes_not_lost(body, expected):
    bind = b"\x06\x03\x2b\x06\x01" + body
    bind = b"\x30" + bytes((len(bind),)) + bind
    binds = b"\x30" + bytes((len(bind),)) + bind
    pdu = b"\x02\x01\x01\x02\x01\x00\x02\x01\x00" + binds
    pdu = b"\xa2" + bytes((len(pdu),)) + pdu
    body_ = b"\x02\x01\x01\x04\x06public" + pdu
    got = ber.decode_response(b"\x30" + bytes((len(body_),)) + body_)
    assert got.varbinds[0][0] == "1.3.6.1"
    assert convert(got.varbinds[0][1]) == expected


@pytest.mark.parametrize("data", [
    b"", b"\x30", b"\x30\x82\xff\xff garbage", b"\x30\x80\x00\x00", b"\x30\x03\x02\x01\x01\x00",
    response(P2, [("1.3.6.1", P2.Integer(1))])[:-1],
    response(P2, [("1.3.6.1", P2.Integer(1))]) + b"\x00",
    b"\x30\x00", b"\x1f\x01\x00",
])
def test_garbage_is_a_ber_error(data):
    with pytest.raises(ber.BerError):
        ber.decode_response(data)


def test_a_request_is_not_a_response():
    with pytest.raises(ber.BerError):
        ber.decode_response(ber.encode_request("2c", b"public", "get", 5, ["1.3.6.1.2.1.1.1.0"]))


SEED = response(P2, [("1.3.6.1.2.1.1.1.0", P2.OctetString(b"hello")), ("1.3.6.1.2.1.1.2.0",
                                                                         P2.ObjectIdentifier("1.3.6.1.4.1.9.1.1")),
                     ("1.3.6.1.2.1.2.2.1.10.1", P2.Counter32(99)), ("1.3.6.1.2.1.1.3.0", P2.EndOfMibView())])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300),
                 st.tuples(st.integers(0, len(SEED) - 1), st.integers(0, 255), st.integers(0, len(SEED))).map(
                     lambda t: (SEED[:t[0]] + bytes((t[1],)) + SEED[t[0] + 1:])[:t[2] or None])))
def test_any_datagram_decodes_or_is_a_ber_error(data):
    try:
        got = ber.decode_response(data)
    except ber.BerError:
        return
    for oid, value in got.varbinds:
        assert len(oid.split(".")) <= 128
        assert isinstance(value, (ber.Value, ber.Exception_))


# -- the socket ----------------------------------------------------------------

class Responder:
    """Answers each request on 127.0.0.x: first with a wrong request-id, from
    another port, then rightly (after ``drop`` requests left unanswered)."""

    def __init__(self, host: str, drop: int = 0, tricks: bool = True) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(5)
        self.other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.other.bind((host, 0))
        self.port, self.drop, self.tricks, self.seen = self.sock.getsockname()[1], drop, tricks, 0

    def serve_once(self) -> None:
        import threading

        def run() -> None:
            while True:
                try:
                    msg, addr = self.sock.recvfrom(65535)
                except OSError:
                    return
                self.seen += 1
                if self.seen <= self.drop:
                    continue
                req, _ = decoder.decode(msg, asn1Spec=P2.Message())
                rid = int(P2.apiPDU.get_request_id(P2.apiMessage.get_pdu(req)))
                good = response(P2, [("1.3.6.1.2.1.1.5.0", P2.OctetString(b"right"))], request_id=rid)
                if self.tricks:
                    wrong = response(P2, [("1.3.6.1.2.1.1.5.0", P2.OctetString(b"wrong"))], request_id=rid + 1)
                    self.sock.sendto(wrong, addr)
                    elsewhere = response(P2, [("1.3.6.1.2.1.1.5.0", P2.OctetString(b"spoof"))], request_id=rid)
                    self.other.sendto(elsewhere, addr)
                    self.sock.sendto(b"\x30\x03garbage", addr)
                    time.sleep(0.05)
                self.sock.sendto(good, addr)
                return

        threading.Thread(target=run, daemon=True).start()

    def close(self) -> None:
        self.sock.close()
        self.other.close()


def _get(port: int, timeout: float = 1.0, retries: int = 0) -> Walk:
    async def run() -> Walk:
        t = Transports()
        try:
            agent = Agent(t, "127.0.0.4", Credential("t", "2c", community="public"), timeout=timeout,
                          retries=retries, port=port)
            return await agent.get(["1.3.6.1.2.1.1.5.0"])
        finally:
            t.close()
    return asyncio.run(run())


def test_only_the_right_answer_from_the_right_place_counts():
    r = Responder("127.0.0.4")
    r.serve_once()
    try:
        assert _get(r.port).text("1.3.6.1.2.1.1.5.0") == "right"
    finally:
        r.close()


def test_a_lost_request_is_sent_again():
    r = Responder("127.0.0.4", drop=1, tricks=False)
    r.serve_once()
    try:
        assert _get(r.port, timeout=0.3, retries=1).text("1.3.6.1.2.1.1.5.0") == "right"
        assert r.seen == 2
    finally:
        r.close()


def test_silence_is_a_timeout():
    r = Responder("127.0.0.4", drop=99)
    r.serve_once()
    try:
        with pytest.raises(SnmpFailure) as err:
            _get(r.port, timeout=0.2, retries=1)
        assert err.value.kind == "timeout" and r.seen == 2
    finally:
        r.close()


def test_udp_client_timeout_leaves_nothing_pending():
    async def run() -> None:
        c = UdpClient()
        try:
            rid = c.new_request_id()
            with pytest.raises(Timeout):
                await c.request("127.0.0.4", 9, b"\x30\x00", rid, 1, 0.05, 0)
            assert not c._pending
        finally:
            c.close()
    asyncio.run(run())


# -- a real agent ----------------------------------------------------------------

@pytest.fixture(scope="module")
def snmpd_port(tmp_path_factory):
    if shutil.which("snmpd") is None:
        pytest.skip("net-snmp snmpd not installed")
    yield from run_snmpd(tmp_path_factory.mktemp("snmpd-v2c"),
                         lambda port: ["sysName codec-test-agent", "rocommunity codec 127.0.0.1"])


#: system, interfaces, IP addresses, HOST-RESOURCES storage: every type a walk meets
ROOTS = ["1.3.6.1.2.1.1", "1.3.6.1.2.1.2.2.1", "1.3.6.1.2.1.4.20.1", "1.3.6.1.2.1.25.2.3.1",
         "1.3.6.1.2.1.31.1.1.1"]


def _walk_both(port: int, version: str) -> tuple[Walk, Walk]:
    from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

    async def run(engine) -> Walk:
        agent = Agent(engine, "127.0.0.1", Credential("t", version, community="codec"), timeout=2.0, retries=1,
                      port=port)
        walk = await agent.get(["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.99.0"])
        await agent.walk(ROOTS, walk)
        return walk

    async def both() -> tuple[Walk, Walk]:
        ours, theirs = Transports(), SnmpEngine()
        try:
            return await run(ours), await run(theirs)
        finally:
            ours.close()
            theirs.close_dispatcher()
    return asyncio.run(both())


@pytest.mark.parametrize("version", ["2c", "1"])
def test_a_real_agent_gives_the_same_walk_through_both_codecs(snmpd_port, version):
    ours, theirs = _walk_both(snmpd_port, version)
    assert ours.text("1.3.6.1.2.1.1.5.0") == "codec-test-agent"
    assert len(ours) > 30
    # values that change between the two walks (uptime, counters) are compared by type
    assert set(ours.data) == set(theirs.data)
    for oid, (tag, value) in ours.data.items():
        assert tag == theirs.data[oid][0], oid
        if tag in (4, 6, 64, 2):
            assert value == theirs.data[oid][1], oid
