"""Hostile and broken SNMP agents (on loopback): malformed BER, looping and
endless walks, huge strings, wrong types. A bad device is recorded with a
probe outcome; the scan goes on and the good device next to it is complete."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector.config import Settings
from collector.engine import run_scan
from collector.snmp.identify import identify
from collector.snmp.walk import WalkError, Walk, parse_snmprec_line
from collector.store import Inventory
from hostile_agent import HostileAgent

TODAY = dt.date(2026, 11, 22)


def scan_pair(tmp_path, mode: str, **extra):
    """A hostile agent on 127.0.0.2 and a good one on 127.0.0.3, same port."""
    bad = HostileAgent(mode, "127.0.0.2")
    good = HostileAgent("good", "127.0.0.3", bad.port)
    try:
        s = Settings(db=str(tmp_path / f"{mode}.db"), targets=["127.0.0.2", "127.0.0.3"], plugins=["snmp"],
                     snmp_port=bad.port, snmp_timeout=0.3, snmp_retries=0, **extra)
        summary = run_scan(s, today=TODAY)
    finally:
        bad.close()
        good.close()
    with Inventory(s.db) as inv:
        probes = {p["target"]: p for p in inv.probes_for(["127.0.0.2", "127.0.0.3"]) if p["plugin"] == "snmp"}
        records = {r["ips"][0]: r for r in inv.device_records()}
    return summary, probes, records, bad


def assert_good_neighbour_complete(probes, records):
    assert probes["127.0.0.3"]["outcome"] == "ok"
    assert records["127.0.0.3"]["hostname"] == "hostile"
    assert records["127.0.0.3"]["os_name"] == "Linux"


def test_malformed_ber_is_a_silent_agent(tmp_path):
    summary, probes, records, _ = scan_pair(tmp_path, "garbage")
    assert summary.status == "complete"
    assert probes["127.0.0.2"]["outcome"] == "timeout"
    assert "127.0.0.2" not in records
    assert_good_neighbour_complete(probes, records)


def test_looping_walk_stops_with_a_note(tmp_path):
    summary, probes, records, bad = scan_pair(tmp_path, "loop")
    assert summary.status == "complete"
    assert probes["127.0.0.2"]["outcome"] == "ok"
    assert "non-increasing OID" in probes["127.0.0.2"]["detail"]
    assert bad.requests < 60  # one answer per column, then the column stops
    assert_good_neighbour_complete(probes, records)


def test_endless_walk_stops_at_the_per_device_cap(tmp_path):
    summary, probes, records, bad = scan_pair(tmp_path, "endless", snmp_max_values=500)
    assert summary.status == "complete"
    assert "per-device cap of 500" in probes["127.0.0.2"]["detail"]
    assert bad.requests < 200
    assert_good_neighbour_complete(probes, records)


def test_endless_walk_stops_at_the_time_budget(tmp_path):
    summary, probes, _records, _ = scan_pair(tmp_path, "endless", snmp_max_values=10**9, snmp_device_budget=1.0)
    assert summary.status == "complete"
    assert probes["127.0.0.2"]["outcome"] == "degraded"
    assert "time budget" in probes["127.0.0.2"]["detail"]


def test_huge_strings_are_bounded(tmp_path):
    _summary, probes, records, _ = scan_pair(tmp_path, "huge")
    rec = records["127.0.0.2"]
    # the GET of a 60 KB sysDescr is answered; bulk answers of 60 KB values do not fit a datagram, so the
    # walk times out: the device is kept with what was read, marked degraded
    assert probes["127.0.0.2"]["outcome"] in ("ok", "degraded") and rec["hostname"] == "hostile"
    with Inventory(tmp_path / "huge.db") as inv:
        data = inv.db.execute("select max(length(data)) from observations").fetchone()[0]
        facts = inv.device_facts(rec["id"])
    assert data < 60000  # neither 60 KB value is stored whole
    assert all(len(f["value"]) <= 1024 for f in facts)
    assert_good_neighbour_complete(probes, records)


def test_wrong_types_do_not_break_identification(tmp_path):
    summary, probes, records, _ = scan_pair(tmp_path, "wrongtypes")
    assert summary.status == "complete"
    assert probes["127.0.0.2"]["outcome"] == "ok"
    assert records["127.0.0.2"]["hostname"] == "hostile"
    assert_good_neighbour_complete(probes, records)


def test_a_busy_agent_loses_nothing(tmp_path):
    """Every other request is lost: first contact and every later step time
    out once and are asked again with the normal timeout (issue 10, #8)."""
    _summary, probes, records, _ = scan_pair(tmp_path, "flaky")
    rec = records["127.0.0.2"]
    assert (rec["hostname"], rec["os_name"], rec["kernel_version"]) == ("hostile", "Linux", "6.1.0")
    assert probes["127.0.0.2"]["outcome"] == "ok"


def test_a_v1_only_agent_gets_its_system_group(tmp_path):
    """v2c goes unanswered; over v1 a GET that names one absent object fails
    whole (noSuchName): the absent object is dropped and the rest asked again."""
    _summary, probes, records, _ = scan_pair(tmp_path, "v1")
    rec = records["127.0.0.2"]
    assert (rec["hostname"], rec["os_name"]) == ("hostile", "Linux")
    assert probes["127.0.0.2"]["detail"].startswith("v1 ")


def test_the_same_walk_gives_the_same_identification():
    from collector.snmp.plan import simulate
    from collector.snmp.walk import load_snmprec
    from pathlib import Path

    walk = load_snmprec(Path(__file__).parent / "fixtures" / "snmp" / "lab" / "switch.snmprec")
    runs = [[(f.field, f.value, f.confidence, f.evidence) for f in identify(simulate(walk)).facts] for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


# -- fuzzing the decode-side code paths -----------------------------------------

ROOTS = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.7.0", "1.3.6.1.2.1.47.1.1.1.1.5",
         "1.3.6.1.2.1.47.1.1.1.1.13", "1.3.6.1.2.1.47.1.1.1.1.11", "1.3.6.1.2.1.2.2.1.6", "1.3.6.1.2.1.2.2.1.3",
         "1.3.6.1.2.1.4.20.1.2", "1.3.6.1.2.1.4.22.1.2", "1.3.6.1.2.1.4.35.1.4", "1.3.6.1.2.1.17.4.3.1.2",
         "1.3.6.1.2.1.17.7.1.2.2.1.2", "1.0.8802.1.1.2.1.4.1.1.5", "1.0.8802.1.1.2.1.4.2.1.3",
         "1.3.6.1.2.1.25.6.3.1.2", "1.3.6.1.2.1.25.3.2.1.2", "1.3.6.1.2.1.43.11.1.1.9", "1.3.6.1.2.1.33.1.1.2.0",
         "1.3.6.1.4.1.9.9.23.1.2.1.1.4", "1.3.6.1.4.1.318.1.1.4.1.4.0", "1.3.6.1.4.1.2636.3.1.3.0"]
values = st.one_of(
    st.tuples(st.just(2), st.integers(min_value=-2**31, max_value=2**64)),
    st.tuples(st.just(4), st.binary(max_size=300)),
    st.tuples(st.just(6), st.sampled_from(["1.3.6.1.4.1.9.1.516", "1.3.6.1.4.1.8072.3.2.10", "0.0",
                                           "1.3.6.1.4.1.311.1.1.3.1.2", "1.3.6.1.2.1.25.3.1.5"])),
    st.tuples(st.just(64), st.binary(min_size=0, max_size=8)),
    st.tuples(st.just(5), st.none()),
)
suffixes = st.lists(st.integers(min_value=0, max_value=300), min_size=0, max_size=9).map(
    lambda parts: "".join(f".{p}" for p in parts))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(ROOTS), suffixes, values), max_size=40))
def test_identify_survives_any_walk(entries):
    walk = Walk()
    for root, suffix, (tag, value) in entries:
        walk.set(root + suffix, tag, value)
    ident = identify(walk)
    json.dumps([f.__dict__ for f in ident.facts] + ident.interfaces + ident.arp + ident.fdb + ident.neighbours,
               default=str)
    assert all(0 <= f.confidence <= 100 for f in ident.facts)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_snmprec_parser_gives_a_record_or_a_clear_error(line):
    try:
        parse_snmprec_line(line)
    except WalkError:
        pass


@pytest.mark.parametrize("line,expected", [
    ("1.3.6.1.2.1.1.1.0|4|Linux box", ("1.3.6.1.2.1.1.1.0", (4, b"Linux box"))),
    ("1.3.6.1.2.1.1.1.0|4x|4a756e6970", ("1.3.6.1.2.1.1.1.0", (4, b"Junip"))),
    ("1.3.6.1.2.1.1.1.0|4x|Juniper", ("1.3.6.1.2.1.1.1.0", (4, b"Juniper"))),  # seen in a real recording
    ("1.3.6.1.4.1.318.1.1.26.9.2.3.1.5.1|2:numeric|min=1,max=2,initial=2", ("1.3.6.1.4.1.318.1.1.26.9.2.3.1.5.1",
                                                                            (2, 2))),
    ("1.3.6.1.2.1.4.20.1.1.10.0.0.1|64|10.0.0.1", ("1.3.6.1.2.1.4.20.1.1.10.0.0.1", (64, b"\n\x00\x00\x01"))),
])
def test_snmprec_lines(line, expected):
    assert parse_snmprec_line(line) == expected
