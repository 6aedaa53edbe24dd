"""A deliberately broken SNMP v2c agent for tests, on a loopback address.

Modes (one per agent):

- ``garbage``: answers every request with bytes that are not BER;
- ``loop``: GETNEXT/GETBULK answers repeat the requested OID (a looping agent);
- ``endless``: walks never end (every answer is a larger OID in the subtree);
- ``huge``: a 60 KB sysDescr and 60 KB table values;
- ``wrongtypes``: sysObjectID as an integer, MACs as integers, ifIndex as text;
- ``good``: a small, correct agent (the control);
- ``flaky``: the good agent, but it drops every other request (a busy agent:
  first contact and later steps time out and must be retried);
- ``v1``: the good agent speaking SNMPv1 only (v2c requests go unanswered;
  a GET with an absent object fails whole, with noSuchName).
"""

from __future__ import annotations

import socket
import threading

from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api

P = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
P1 = api.PROTOCOL_MODULES[api.SNMP_VERSION_1]
SYS = "1.3.6.1.2.1.1"
GOOD = {
    f"{SYS}.1.0": P.OctetString("Linux hostile-test 6.1.0 #1 SMP x86_64"),
    f"{SYS}.2.0": P.ObjectIdentifier("1.3.6.1.4.1.8072.3.2.10"),
    f"{SYS}.5.0": P.OctetString("hostile"),
    "1.3.6.1.2.1.2.2.1.2.1": P.OctetString("eth0"),
    "1.3.6.1.2.1.2.2.1.6.1": P.OctetString(bytes.fromhex("0242ac110002")),
}


def _key(oid: str) -> tuple[int, ...]:
    return tuple(int(x) for x in oid.split("."))


class HostileAgent:
    def __init__(self, mode: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.mode = mode
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, port))
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self._stop = True
        self.sock.close()

    def _data(self) -> dict[str, object]:
        data = dict(GOOD)
        if self.mode == "huge":
            data[f"{SYS}.1.0"] = P.OctetString(b"A" * 60000)
            data["1.3.6.1.2.1.2.2.1.2.1"] = P.OctetString(b"B" * 60000)
        if self.mode == "wrongtypes":
            data[f"{SYS}.2.0"] = P.Integer(42)
            data[f"{SYS}.1.0"] = P.ObjectIdentifier("1.3.6.1.4.1.9")
            data["1.3.6.1.2.1.2.2.1.6.1"] = P.Integer(7)
            data["1.3.6.1.2.1.4.22.1.2.1.10.0.0.1"] = P.Integer(1)
            data["1.3.6.1.2.1.47.1.1.1.1.5.1"] = P.OctetString("chassis")
            data["1.3.6.1.2.1.47.1.1.1.1.13.1"] = P.Counter32(5)
        return data

    def _next(self, data: dict[str, object], oid: str) -> tuple[str, object]:
        if self.mode == "loop":
            return oid, P.OctetString("again")
        if self.mode == "endless":
            return oid + ".1", P.Integer(1)
        later = sorted((o for o in data if _key(o) > _key(oid)), key=_key)
        return (later[0], data[later[0]]) if later else (oid, P.EndOfMibView())

    def _serve(self) -> None:
        while not self._stop:
            try:
                msg, addr = self.sock.recvfrom(65535)
            except OSError:
                return
            self.requests += 1
            if self.mode == "garbage":
                self.sock.sendto(b"\x30\x82\xff\xff garbage \x00\x01" * 3, addr)
                continue
            if self.mode == "flaky" and self.requests % 2 == 1:
                continue  # busy: this one is lost
            if self.mode == "v1":
                self._serve_v1(msg, addr)
                continue
            try:
                req, _ = decoder.decode(msg, asn1Spec=P.Message())
            except Exception:
                continue
            pdu = P.apiMessage.get_pdu(req)
            rsp_msg = P.apiMessage.get_response(req)
            rsp = P.apiMessage.get_pdu(rsp_msg)
            data = self._data()
            out = []
            binds = [(str(o), v) for o, v in P.apiPDU.get_varbinds(pdu)]
            if pdu.isSameTypeWith(P.GetRequestPDU()):
                out = [(o, data.get(o, P.NoSuchObject())) for o, _ in binds]
            elif pdu.isSameTypeWith(P.GetNextRequestPDU()):
                out = [self._next(data, o) for o, _ in binds]
            elif pdu.isSameTypeWith(P.GetBulkRequestPDU()):
                reps = min(int(P.apiBulkPDU.get_max_repetitions(pdu)), 20)
                cur = [o for o, _ in binds]
                for _ in range(reps):
                    row = [self._next(data, o) for o in cur]
                    out += row
                    cur = [o for o, _ in row]
            else:
                continue
            P.apiPDU.set_varbinds(rsp, out)
            try:
                self.sock.sendto(encoder.encode(rsp_msg), addr)
            except OSError:
                pass

    def _serve_v1(self, msg: bytes, addr: object) -> None:
        """SNMPv1 only: GET of an absent object -> noSuchName for the whole
        request (error-index names it); GETNEXT past the end -> noSuchName."""
        try:
            if int(api.decodeMessageVersion(msg)) != api.SNMP_VERSION_1:
                return  # a v2c request: a v1 agent does not answer
            req, _ = decoder.decode(msg, asn1Spec=P1.Message())
        except Exception:
            return
        pdu = P1.apiMessage.get_pdu(req)
        rsp_msg = P1.apiMessage.get_response(req)
        rsp = P1.apiMessage.get_pdu(rsp_msg)
        data = {o: (P1.OctetString(bytes(v)) if isinstance(v, P.OctetString) else
                    P1.ObjectIdentifier(str(v)) if isinstance(v, P.ObjectIdentifier) else v)
                for o, v in GOOD.items()}
        binds = [(str(o), v) for o, v in P1.apiPDU.get_varbinds(pdu)]
        out = []
        for i, (oid, value) in enumerate(binds, 1):
            if pdu.isSameTypeWith(P1.GetRequestPDU()):
                found = data.get(oid)
            else:
                later = sorted((o for o in data if _key(o) > _key(oid)), key=_key)
                oid, found = (later[0], data[later[0]]) if later else (oid, None)
            if found is None:
                P1.apiPDU.set_error_status(rsp, 2)
                P1.apiPDU.set_error_index(rsp, i)
                out = binds
                break
            out.append((oid, found))
        P1.apiPDU.set_varbinds(rsp, out)
        try:
            self.sock.sendto(encoder.encode(rsp_msg), addr)
        except OSError:
            pass
