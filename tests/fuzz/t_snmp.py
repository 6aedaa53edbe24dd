"""Fuzz targets: snmprec recordings (the walk input layer) and SNMP
identification through its public API (``identify(walk)``), fed walks
parsed from mutated recordings, as a live walk or a replayed file gives it.

A parser of net-snmp ``snmpwalk -On`` text belongs here too, as one more
target with the same mutators (its seeds: recorded walk texts)."""

from __future__ import annotations

import bz2
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from fuzz.mutate import NUMBERS, replace_number, with_tokens
from fuzz.registry import FIXTURES, check, target

#: rows kept per table column of a real recording (identification cost grows with the walk)
ROWS_PER_COLUMN = 12
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"


def _recording_seed(raw: bytes) -> bytes:
    """The part of a full recording a scan reads (collector.snmp.plan.simulate:
    the definitions' plan, round by round), a few rows per column."""
    from collector.snmp.plan import simulate
    from collector.snmp.walk import Walk, WalkError, parse_snmprec_line

    full = Walk()
    lines = raw.decode("latin-1").splitlines()
    for line in lines:
        try:
            parsed = parse_snmprec_line(line)
        except WalkError:
            continue
        if parsed:
            full.data[parsed[0]] = parsed[1]
    read = simulate(full).data
    per_column: dict[str, int] = defaultdict(int)
    out = []
    for line in lines:
        oid = line.split("|", 1)[0]
        if oid not in read:
            continue
        column = oid.rsplit(".", 1)[0]
        per_column[column] += 1
        if per_column[column] <= ROWS_PER_COLUMN:
            out.append(line)
    return "".join(line + "\n" for line in out).encode("latin-1")


def _snmp_seeds() -> list[bytes]:
    seeds = [p.read_bytes() for p in sorted((FIXTURES / "snmp" / "lab").glob("*.snmprec"))]
    try:
        import snmpsim_data  # a test dependency: real device recordings (BSD-2-Clause)
        from pathlib import Path

        data = Path(snmpsim_data.__file__).parent / "data"
    except ImportError:
        return seeds
    for case in sorted((FIXTURES / "snmp" / "snmpsim").glob("*.json")):
        path = data / json.loads(case.read_text())["recording"]
        raw = bz2.decompress(path.read_bytes()) if path.suffix == ".bz2" else path.read_bytes()
        seeds.append(_recording_seed(raw))
    return seeds


_TAGS = ["2", "4", "4x", "5", "6", "64", "64x", "65", "66", "67", "68", "70", "128", "129", "130", "2:numeric",
         "3", "99", "", "x", "04"]
_VALUES = [v.decode("latin-1") for v in NUMBERS] + [
    "", "1.3.6.1.4.1.9.1.1208", "1.3.6.1.4.1.8072.3.2.10", "1.3.6.1.4.1.311.1.1.3.1.1", ".1.3.6", "1.3.6.",
    "1..3", "0.0", "1.3.6.1.4.1." + "4294967296", "1." * 200 + "1", "1.2.3.999", "1.2.3", "10.0.0.1",
    "aabbccddeeff", "00115500aabb", "zz", "f", "\x00" * 6, "RouterOS RB4011", "Cisco IOS Software, Version 15.2(7)E4",
    "Hardware: Intel64 Family 6 - Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)",
    "Linux nas 4.4.59+ #25426 SMP PREEMPT", "A" * 70000, "\x1b[31mred", "é\udcff".encode("utf-8", "surrogatepass")
    .decode("latin-1"), "initial=5", "value=x", "min=1,max=2", "%s%n", "|", "||||"]
_ARCS = ["0", "1", "2", "4294967295", "4294967296", "99999999999", "", "-1", "01", " 1", "1.2.3.4", "6.0.17.1.2.3.4.5"]


def _split(data: bytes) -> list[str]:
    return data.decode("latin-1").split("\n")


def _join(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("latin-1", errors="replace")


def _snmprec_edit(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """A field-level edit of one line: its OID (an arc changed, added or
    dropped, a trailing dot), its type tag or its value (a wrong type, huge,
    empty, malformed)."""
    lines = _split(data)
    i = rng.randrange(len(lines))
    parts = lines[i].split("|", 2)
    if len(parts) != 3:
        return data
    oid, tag, value = parts
    field = rng.randrange(3)
    if field == 0:
        arcs = oid.split(".")
        op = rng.randrange(4)
        if op == 0:
            arcs[rng.randrange(len(arcs))] = rng.choice(_ARCS)
        elif op == 1:
            arcs.append(rng.choice(_ARCS))
        elif op == 2 and len(arcs) > 1:
            del arcs[rng.randrange(len(arcs))]
        else:
            arcs = [""] + arcs if rng.random() < 0.5 else arcs + [""]
        oid = ".".join(arcs)
    elif field == 1:
        tag = rng.choice(_TAGS)
    else:
        value = rng.choice(_VALUES)
        if tag.endswith("x") and rng.random() < 0.5:
            value = value.encode("latin-1", errors="replace").hex()
    lines[i] = f"{oid}|{tag}|{value}"
    return _join(lines)


def _snmprec_lines(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """Whole lines moved: dropped, duplicated (same OID twice), taken from
    another device (a Cisco sysObjectID over a printer's tables), shuffled."""
    lines = _split(data)
    op = rng.randrange(4)
    if op == 0 and len(lines) > 1:
        del lines[rng.randrange(len(lines))]
    elif op == 1:
        i = rng.randrange(len(lines))
        lines[i:i] = [lines[i]] * rng.choice((1, 2, 500))
    elif op == 2:
        other = _split(rng.choice(corpus)) if corpus else lines
        take = [ln for ln in other if ln.startswith(SYS_OBJECT_ID) or rng.random() < 0.2]
        lines = take + lines if rng.random() < 0.5 else lines + take
    else:
        rng.shuffle(lines)
    return _join(lines)


def check_value(where: str, tag: int, value: object, *, null_ok: bool, max_bytes: int | None = None) -> None:
    """The value contract of a parsed walk row, whichever file format it came
    from: integers in their type's range, OIDs that are OIDs, four-byte
    IpAddresses, None only for NULL (snmprec records it; snmpwalk text drops
    it), bytes for the rest."""
    from collector.snmp.walk import INT_RANGES, IPADDR, NULL, OID, valid_oid

    if tag in INT_RANGES:
        low, high = INT_RANGES[tag]
        check(isinstance(value, int) and low <= value <= high, f"{where}{tag} {value!r}")
    elif tag == OID:
        check(isinstance(value, str) and valid_oid(value) == value, f"{where}OID value {value!r}")
    elif tag == IPADDR:
        check(isinstance(value, bytes) and len(value) == 4, f"{where}IpAddress {value!r}")
    elif tag == NULL and null_ok:
        check(value is None, f"{where}NULL")
    else:
        check(isinstance(value, bytes) and (max_bytes is None or len(value) <= max_bytes), f"{where}{tag} {value!r}")


@target("snmprec", "snmprec lines and files (collector/snmp/walk.py parse_snmprec_line); expected: WalkError",
        seeds=_snmp_seeds, mutators=(_snmprec_edit, _snmprec_edit, _snmprec_lines), structured_weight=0.6,
        covers=("collector/snmp/walk.py",))
def run_snmprec(data: bytes) -> object:
    from collector.snmp.walk import Walk, WalkError, parse_snmprec_line, snmprec_lines, valid_oid

    walk = Walk()
    for line in data.decode("latin-1").splitlines()[:5000]:
        try:
            parsed = parse_snmprec_line(line)
        except WalkError:
            continue
        if parsed is None:
            continue
        oid, (tag, value) = parsed
        check(valid_oid(oid) == oid, f"accepted OID {oid!r}")
        check_value("", tag, value, null_ok=True)
        walk.data[oid] = (tag, value)
    # what the collector records replays as the same walk
    again = Walk(dict(p for p in map(parse_snmprec_line, snmprec_lines(walk)) if p))
    check(again.data == walk.data, "snmprec round trip differs")
    return walk


def _parsed_walk(data: bytes) -> Any:
    """The walk the lines of a (mutated) recording give, the unreadable lines skipped, as a
    replayed file gives it."""
    from collector.snmp.walk import Walk, WalkError, parse_snmprec_line

    walk = Walk()
    for line in data.decode("latin-1").splitlines()[:5000]:
        try:
            parsed = parse_snmprec_line(line)
        except WalkError:
            continue
        if parsed:
            walk.data[parsed[0]] = parsed[1]
    return walk


@target("snmp-identify", "SNMP identification (collector.snmp.identify.identify, public API) of walks parsed "
        "from mutated recordings, and what the snmp plugin makes of the result; never raises",
        seeds=_snmp_seeds, mutators=(_snmprec_edit, _snmprec_edit, _snmprec_lines), structured_weight=0.7,
        covers=("collector/snmp/identify.py", "collector/snmp/mibs.py", "collector/snmp/engine.py",
                "collector/snmp/hooks.py", "collector/snmp/defs/"))
def run_identify(data: bytes) -> object:
    from collector.snmp.identify import IDENTITY_FIELDS, MORE_FIELDS, identify

    walk = _parsed_walk(data)
    ident = identify(walk)
    best = ident.best()
    check(set(best) == set(IDENTITY_FIELDS + MORE_FIELDS), "best() fields")
    # the plugin stores these as JSON (store.py: json.dumps(..., default=str))
    json.dumps({"os": ident.os, "identification": best, "definitions": ident.definitions,
                "addresses": ident.addresses, "interfaces": ident.interfaces, "arp": ident.arp, "fdb": ident.fdb,
                "neighbours": ident.neighbours, "extras": ident.extras}, sort_keys=True, default=str)
    for fact in ident.facts:
        check(0 <= fact.confidence <= 100, f"confidence {fact!r}")
        check(fact.value is not None and fact.value != "", f"empty fact {fact!r}")
    return ident


def _draft_error() -> type[Exception]:
    from collector.snmp.draft import DraftError

    return DraftError


@target("snmp-draft", "a draft device definition from walks parsed from mutated recordings (collector.snmp.draft, "
        "`lan-collector identify --draft`): printable text that loads as a definition and recognises its own "
        "example; expected: DraftError for a walk with nothing to recognise, never DraftBug",
        seeds=_snmp_seeds, mutators=(_snmprec_edit, _snmprec_edit, _snmprec_lines), structured_weight=0.7,
        expected=(_draft_error(),), covers=("collector/snmp/draft.py",))
def run_draft(data: bytes) -> object:
    import yaml

    from collector.snmp.definitions import parse
    from collector.snmp.draft import DraftBug, draft

    walk = _parsed_walk(data)
    try:
        text = draft(walk, "fuzz.snmprec")
    except DraftBug as exc:
        raise AssertionError(str(exc)) from None
    check(all(ch.isprintable() or ch == "\n" for ch in text), "an unprintable character in the draft")
    spec = yaml.safe_load(text)
    return parse(spec, f"{spec['family']}.yaml")


# -- snmpwalk -On text (lan-collector identify FILE) ---------------------------------


def _walk_error() -> type[Exception]:
    from collector.snmp.walk import WalkError

    return WalkError


def _snmpwalk_seeds() -> list[bytes]:
    """Real ``snmpwalk -On`` recordings (centreon-plugins' test walks, copied
    by tests/fixtures/snmp/snmpwalk/copy_walks.py)."""
    return [p.read_bytes() for p in sorted((FIXTURES / "snmp" / "snmpwalk").glob("*.snmpwalk"))]


_WALK_TOKENS = (b" = STRING: \"", b" = Hex-STRING: 00 11 ZZ 3", b" = OID: .1.3.6.1.4.1.9.1.1", b" = OID: iso.3.6",
                b" = OID: SNMPv2-SMI::enterprises.", b" = OID: .1..3", b" = Timeticks: (", b") 1 day, 0:00:00.00",
                b" = INTEGER: up(1)", b" = INTEGER: ", b" = Counter64: ", b" = Gauge32: ", b" = IpAddress: ",
                b" = Network Address: 0A:00:00:", b" = BITS: 80 00 ", b" = Opaque: ", b" = NULL", b" = \"\"",
                b" = No Such Instance currently exists at this OID", b"\n.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.",
                b"\n.1.3.6.1.2.1.1.1.0 = STRING: \"", b"\"\n", b"\\\"", b"\xff\xfe", b"\n#", b"(4294967296)",
                b"(-1)", b"(99999999999999999999999)")


def _walk_replace_number(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    return replace_number(rng, data, corpus)


@target("snmpwalk", "snmpwalk -On text files (collector/snmp/walkfile.py parse_snmpwalk, as `lan-collector identify "
        "FILE` reads them) -> identify(walk), explain() and the JSON it prints; expected: WalkError (one line, "
        "exit 2)", seeds=_snmpwalk_seeds, mutators=(with_tokens(_WALK_TOKENS), _walk_replace_number),
        structured_weight=0.6, expected=(_walk_error(),), covers=("collector/snmp/walkfile.py",
                                                               "collector/snmp/identify.py"))
def run_snmpwalk(data: bytes) -> object:
    from collector.snmp.walkfile import parse_snmpwalk

    return _identify_walk_text(data, lambda text: parse_snmpwalk(text, "fuzz.snmpwalk"))


def _identify_walk_text(data: bytes, parse: Any) -> object:
    """A walk file's bytes, decoded as walkfile._text decodes them, parsed;
    each value checked against its type; identified and printed as JSON."""
    from collector.snmp.identify import identify
    from collector.snmp.walk import valid_oid

    text = data.decode("utf-8", errors="replace") if not data.startswith(b"\xff\xfe") else \
        data.decode("utf-16", errors="replace")
    walk = parse(text)
    for oid, (tag, value) in walk.data.items():
        check(valid_oid(oid) == oid, f"accepted OID {oid!r}")
        check_value(f"{oid}: ", tag, value, null_ok=False, max_bytes=65536)
    ident = identify(walk)
    json.dumps({"values": len(walk), "definitions": ident.definitions, "fields": ident.explain()}, default=str)
    return ident


# -- Checkmk stored walks (lan-collector identify FILE) ----------------------------------


def _checkmk_seeds() -> list[bytes]:
    """The lab's recordings written in Checkmk's stored-walk format, as
    Checkmk writes it (tests/checkmk_walks.py; the real stored walks stay in
    shared/data, out of the repository), each cut to its first 300 lines."""
    from checkmk_walks import checkmk_text

    from collector.snmp.walk import load_snmprec

    seeds = []
    for path in sorted((FIXTURES / "snmp" / "lab").glob("*.snmprec")):
        text = checkmk_text(load_snmprec(path))
        seeds.append(("\n".join(text.split("\n")[:300]) + "\n").encode())
    return seeds


_CMK_TOKENS = (b"\n.1.3.6.1.2.1.1.2.0 .1.3.6.1.4.1.", b"\n.1.3.6.1.2.1.1.1.0 \"43 69 73 63 6F 0D 0A \"", b" \"",
               b"\" ", b"0D 0A ", b"FF ", b"\n.1.3.6.1.4.1.9.1.", b" .1..3", b" 4294967296", b" -2147483649",
               b" 99999999999999999999999", b" = STRING: x", b"\n#", b"\xff\xfe", b"\n\n", b" ")


@target("checkmk-walk", "Checkmk stored walks (collector/snmp/walkfile.py parse_checkmk_walk, as `lan-collector "
        "identify FILE` reads them) -> identify(walk), explain() and the JSON it prints; expected: WalkError (one "
        "line, exit 2)", seeds=_checkmk_seeds, mutators=(with_tokens(_CMK_TOKENS), _walk_replace_number),
        structured_weight=0.6, expected=(_walk_error(),), covers=("collector/snmp/walkfile.py",
                                                               "collector/snmp/identify.py"))
def run_checkmk_walk(data: bytes) -> object:
    from collector.snmp.walkfile import parse_checkmk_walk

    return _identify_walk_text(data, lambda text: parse_checkmk_walk(text, "fuzz.walk"))


# -- SNMP v1/v2c messages as the collector decodes them (collector/snmp/ber.py) ------------------


def _ber_seeds() -> list[bytes]:
    """Response messages holding the lab recordings' values (every type a
    walk meets), encoded by pysnmp's encoder, v2c and v1, with an exception
    value and an error status among them."""
    from pyasn1.codec.ber import encoder
    from pysnmp.proto import api

    from collector.snmp.walk import (COUNTER32, COUNTER64, GAUGE32, INTEGER, IPADDR, NULL, OCTETS, OID, OPAQUE,
                                     TIMETICKS, load_snmprec)

    seeds = []
    for version in (api.SNMP_VERSION_2C, api.SNMP_VERSION_1):
        p = api.PROTOCOL_MODULES[version]
        v2 = version == api.SNMP_VERSION_2C  # v1 (RFC 1155) names its types Counter and Gauge
        types = {INTEGER: p.Integer, OCTETS: p.OctetString, NULL: lambda _v: p.Null(""), OID: p.ObjectIdentifier,
                 IPADDR: p.IpAddress, COUNTER32: p.Counter32 if v2 else p.Counter,
                 GAUGE32: p.Gauge32 if v2 else p.Gauge, TIMETICKS: p.TimeTicks, OPAQUE: p.Opaque}
        if v2:
            types[COUNTER64] = p.Counter64
        for path in sorted((FIXTURES / "snmp" / "lab").glob("*.snmprec"))[:6]:
            rows = list(load_snmprec(path).data.items())[:40]
            binds = [(oid, types[tag](value)) for oid, (tag, value) in rows if tag in types]
            if version == api.SNMP_VERSION_2C:
                binds.append(("1.3.6.1.2.1.1.9.0", p.NoSuchObject()))
                binds.append(("1.3.6.1.2.1.99.0", p.EndOfMibView()))
            msg = p.Message()
            p.apiMessage.set_defaults(msg)
            p.apiMessage.set_community(msg, "public")
            pdu = p.GetResponsePDU()
            p.apiPDU.set_defaults(pdu)
            p.apiPDU.set_request_id(pdu, 1234567)
            p.apiPDU.set_varbinds(pdu, binds)
            if version == api.SNMP_VERSION_1 and len(seeds) % 3 == 0:
                p.apiPDU.set_error_status(pdu, 2)
                p.apiPDU.set_error_index(pdu, 1)
            p.apiMessage.set_pdu(msg, pdu)
            seeds.append(encoder.encode(msg))
    return seeds


def _ber_error() -> type[Exception]:
    from collector.snmp.ber import BerError

    return BerError


_BER_TOKENS = (b"\x30\x84\xff\xff\xff\xff", b"\x30\x80", b"\x06\x00", b"\x06\x81\x80", b"\x02\x09" + b"\xff" * 9,
               b"\x41\x05\x80\x00\x00\x00\x00", b"\x46\x09\x01" + b"\x00" * 8, b"\x40\x03\x0a\x00\x00",
               b"\x82\x00", b"\x80\x00", b"\xa2", b"\xa0", b"\x1f\x01", b"\x06\x02\x2b\xff", b"\x04\x82\xff\xff")


@target("snmp-ber", "SNMP v1/v2c response messages (collector/snmp/ber.py decode_response, what the client reads "
        "from every datagram); expected: BerError (the datagram is dropped)", seeds=_ber_seeds,
        mutators=(with_tokens(_BER_TOKENS),), structured_weight=0.4, expected=(_ber_error(),),
        covers=("collector/snmp/ber.py",))
def run_ber(data: bytes) -> object:
    from collector.snmp.ber import Exception_, Value, decode_response
    from collector.snmp.walk import valid_oid

    response = decode_response(data)
    for oid, value in response.varbinds:
        check(valid_oid(oid) == oid, f"accepted OID {oid!r}")
        check(isinstance(value, (Value, Exception_)), f"{oid}: {value!r}")
        if isinstance(value, Value):
            check_value(f"{oid}: ", value.vb[0], value.vb[1], null_ok=True, max_bytes=4096)
    return response
