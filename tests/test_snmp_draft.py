"""`lan-collector identify FILE --draft`: a draft device definition from a
walk, which loads as a user's definition and recognises the device it was
written from; device strings in it are inert text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector.snmp.definitions import ALIASES, definitions, parse, substituted
from collector.snmp.draft import DraftError, draft, quote
from collector.snmp.identify import identify
from collector.snmp.plan import simulate
from collector.snmp.walk import OCTETS, Walk, load_snmprec, walk_from_mapping

FIXTURES = Path(__file__).parent / "fixtures" / "snmp"

#: a switch of a maker no definition knows (32473: IANA's enterprise number for documentation)
ACME = """\
1.3.6.1.2.1.1.1.0|4|AcmeOS 4.2.1 (build 77) on AS-24
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.32473.1.7
1.3.6.1.2.1.1.5.0|4|sw-lobby
1.3.6.1.4.1.32473.2.1.0|4|AS-24
1.3.6.1.4.1.32473.2.2.0|4|ACM123456789
1.3.6.1.4.1.32473.2.3.0|2|7
"""


def _replay(text: str) -> tuple[dict, dict]:
    """What tests/test_snmp_definitions.py checks of a packaged definition,
    for a draft: (what its example gives with the draft loaded, its expect)."""
    data = yaml.safe_load(text)
    defn = parse(data, f"{data['family']}.yaml")
    example = data["examples"][0]
    with substituted(definitions() + (defn,)):
        ident = identify(simulate(walk_from_mapping(example["walk"])))
    assert defn.family in ident.definitions
    expected = {ALIASES.get(k, k): v for k, v in example["expect"].items()}
    return {k: ident.best()[k] for k in expected}, expected


def test_a_draft_for_an_unknown_maker_recognises_its_device(tmp_path):
    rec = tmp_path / "acme.snmprec"
    rec.write_text(ACME)
    text = draft(load_snmprec(rec), rec.name)
    data = yaml.safe_load(text)
    assert data["match"] == [{"sys_object_id": "1.3.6.1.4.1.32473.1.7"}]
    # the version is read from sysDescr by a pattern anchored on the word before it
    assert data["fields"]["firmware"] == [{"from": "sys_descr", "regex": r"AcmeOS\s*([^\s,;]+)"}]
    # the maker's objects the writer may choose from for what was not found
    assert '1.3.6.1.4.1.32473.2.1.0 = "AS-24"' in text and '1.3.6.1.4.1.32473.2.2.0 = "ACM123456789"' in text
    # the example holds only what the definition reads (not the host name)
    assert set(data["examples"][0]["walk"]) == {"1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0"}
    got, expected = _replay(text)
    assert got == expected and expected["os_version" if "os_version" in expected else "firmware"] == "4.2.1"


def test_a_draft_saved_as_a_users_definition_is_loaded_by_a_new_process(tmp_path):
    """The workflow end to end, through the installed command: draft, save
    in LAN_COLLECTOR_SNMP_DEFS, identify again."""
    rec = tmp_path / "acme.snmprec"
    rec.write_text(ACME)
    cmd = [sys.executable, "-m", "collector", "identify"]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run(cmd + ["--draft", "--family", "acme-os", str(rec)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    defs = tmp_path / "defs"
    defs.mkdir()
    # the writer picks the model object the draft listed and names the class
    text = out.stdout.replace("# class: one of schemas/device_classes.json (nothing in the walk said it)",
                              "class: switch")
    text = text.replace("fields:\n", "fields:\n  model:\n    - {oid: 1.3.6.1.4.1.32473.2.1.0, name: ACME-MIB::acmeModel}\n")
    (defs / "acme-os.yaml").write_text(text)
    again = subprocess.run(cmd + ["--json", str(rec)], capture_output=True, text=True,
                           env={**env, "LAN_COLLECTOR_SNMP_DEFS": str(defs)}, timeout=120)
    assert again.returncode == 0, again.stderr
    import json

    result = json.loads(again.stdout)
    fields = {f["field"]: f["value"] for f in result["fields"]}
    assert "acme-os" in result["definitions"]
    assert (fields["model"], fields["device_class"]) == ("AS-24", "switch")


def test_a_net_snmp_appliance_is_recognised_by_its_makers_subtree():
    walk = walk_from_mapping({
        "1.3.6.1.2.1.1.1.0": "Linux nas01 4.4.180+ #42962 SMP x86_64",
        "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.8072.3.2.10",
        "1.3.6.1.4.1.32473.5.1.0": "NX-200",
        "1.3.6.1.4.1.32473.5.2.0": "2.1.3",
    })
    text = draft(walk, "nas01.snmprec")
    data = yaml.safe_load(text)
    assert data["match"] == [{"enterprise": 32473}]
    assert "1.3.6.1.4.1.32473.5.1.0" in data["examples"][0]["walk"]
    got, expected = _replay(text)
    assert got == expected


def test_values_found_in_objects_become_oid_and_entity_sources():
    """A value identification found in the ENTITY-MIB chassis row is read
    from there, and the example carries the row's class and containment."""
    walk = walk_from_mapping({
        "1.3.6.1.2.1.1.1.0": "Acme switch",
        "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.32473.1.9",
        "1.3.6.1.2.1.47.1.1.1.1.4.1": 0,
        "1.3.6.1.2.1.47.1.1.1.1.5.1": 3,
        "1.3.6.1.2.1.47.1.1.1.1.11.1": "SN0042",
        "1.3.6.1.2.1.47.1.1.1.1.13.1": "AS-48",
    })
    data = yaml.safe_load(draft(walk, "x.snmprec"))
    assert data["fields"]["serial"] == [{"entity": "serial"}]
    assert data["fields"]["model"] == [{"entity": "model"}]
    assert data["examples"][0]["walk"]["1.3.6.1.2.1.47.1.1.1.1.5.1"] == 3


def test_drafts_of_recorded_walks_replay():
    for name in ("ups", "printer", "nas"):
        text = draft(load_snmprec(FIXTURES / "lab" / f"{name}.snmprec"), f"{name}.snmprec")
        got, expected = _replay(text)
        assert got == expected, name


HOSTILE = "\x1b[2J\x1b]0;pwned\x07 \"quoted\" \\back\\ \u202eevil\u2028line\nnext \x9b31m [bold]x[/bold] :smile:"


def _inert(text: str) -> None:
    assert all(ch.isprintable() or ch == "\n" for ch in text), "a control character reached the draft"


def test_device_strings_are_inert_in_the_draft():
    walk = walk_from_mapping({
        "1.3.6.1.2.1.1.1.0": "AcmeOS 1.2 " + HOSTILE,
        "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.32473.1.3",
        "1.3.6.1.4.1.32473.2.9.0": HOSTILE,
    })
    text = draft(walk, "bad\x1b[0m.snmprec")
    _inert(text)
    data = yaml.safe_load(text)
    # a value that is not printable text goes into the example as its bytes
    descr = data["examples"][0]["walk"]["1.3.6.1.2.1.1.1.0"]
    assert descr.startswith("hex:") and bytes.fromhex(descr[4:]).decode() == "AcmeOS 1.2 " + HOSTILE
    got, expected = _replay(text)
    assert got == expected


@pytest.mark.parametrize("text", ["", "plain", 'a "b" \\c', "\x00\x1b\x7f\x9b", "\u202e\u2028\U0001f600"])
def test_quote_round_trips_through_yaml(text):
    q = quote(text)
    _inert(q)
    assert "\n" not in q
    assert yaml.safe_load(f"k: {q}")["k"] == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(descr=st.text(max_size=80), value=st.text(max_size=40),
       sub=st.integers(min_value=1, max_value=2**31 - 1))
def test_any_walk_gives_a_loadable_draft_or_one_clear_error(descr, value, sub):
    data = {"1.3.6.1.2.1.1.1.0": descr, "1.3.6.1.2.1.1.2.0": f"1.3.6.1.4.1.32473.{sub}",
            "1.3.6.1.4.1.32473.2.1.0": value}
    walk = walk_from_mapping({k: v for k, v in data.items() if not str(v).startswith(("oid:", "hex:", "ip:"))})
    try:
        text = draft(walk, "fuzz.snmprec")
    except DraftError:
        return
    _inert(text)
    got, expected = _replay(text)
    assert got == expected


def test_cli_draft_errors_are_one_line(tmp_path):
    from collector.cli import cli as main

    empty = tmp_path / "empty.snmprec"
    empty.write_text("")
    rec = tmp_path / "acme.snmprec"
    rec.write_text(ACME)
    runner = CliRunner()
    for args in (["identify", "--draft", str(empty)], ["identify", "--family", "x", str(rec)],
                 ["identify", "--draft", "--json", str(rec)], ["identify", "--draft", "--family", "Bad Name", str(rec)],
                 ["identify", "--draft", "--family", "cisco-ios", str(rec)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and result.output.count("\n") <= 1, (args, result.output)


def test_a_value_in_a_makers_object_is_read_from_it_by_its_mib_name():
    walk = walk_from_mapping({
        "1.3.6.1.2.1.1.1.0": "Linux ds 4.4.302+ #72806 SMP x86_64",
        "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.8072.3.2.10",
        "1.3.6.1.4.1.6574.1.5.1.0": "DS920+",
        "1.3.6.1.4.1.6574.1.5.2.0": "2040QWR012345",
    })
    data = yaml.safe_load(draft(walk, "ds.snmprec"))
    assert data["match"] == [{"enterprise": 6574}]
    assert data["fields"]["model"] == [{"oid": "1.3.6.1.4.1.6574.1.5.1.0", "name": "SYNOLOGY-SYSTEM-MIB::modelName"}]
    assert data["fields"]["serial"] == [{"oid": "1.3.6.1.4.1.6574.1.5.2.0", "name": "SYNOLOGY-SYSTEM-MIB::serialNumber"}]


@pytest.fixture(scope="module")
def unknown_maker_agent(tmp_path_factory):
    """A real snmpd on loopback that says it is a product of enterprise 32473
    (no definition knows it) and serves that maker's objects beside its own."""
    import shutil

    if shutil.which("snmpd") is None:
        pytest.skip("net-snmp snmpd not installed")
    from snmpd_agent import run_snmpd

    def config(port: int) -> list[str]:
        # (HOST-RESOURCES describes the machine the tests run on, a Debian host: not served)
        return ["view box included .1", "view box excluded .1.3.6.1.2.1.25", "rocommunity public 127.0.0.1 -V box",
                "sysDescr AcmeOS 4.2.1 (build 77)",
                "sysObjectID .1.3.6.1.4.1.32473.1.7", "sysName acme-lab",
                'override .1.3.6.1.4.1.32473.2.1.0 octet_str "AS-24"',
                'override .1.3.6.1.4.1.32473.2.2.0 octet_str "ACM123456789"',
                "override .1.3.6.1.4.1.32473.2.3.0 integer 7"]

    yield from run_snmpd(tmp_path_factory.mktemp("snmpd-acme"), config)


def test_a_recorded_unknown_device_holds_its_makers_objects_and_drafts_from_them(tmp_path, unknown_maker_agent):
    """snmp.record_dir keeps, for an agent no definition recognises, its
    maker's enterprise subtree (which the scan itself never reads: no
    definition asks for it), so the draft lists the objects to read; the
    scan's identification is the same with and without the record."""
    import datetime as dt

    from collector.config import Settings
    from collector.engine import run_scan
    from collector.store import Inventory

    results = {}
    for record in (False, True):
        s = Settings(db=str(tmp_path / f"{record}.db"), targets=["127.0.0.1"], plugins=["snmp"],
                     snmp_port=unknown_maker_agent, snmp_timeout=1.0, snmp_retries=1,
                     snmp_record_dir=str(tmp_path / "walks") if record else "")
        run_scan(s, today=dt.date(2026, 12, 1))
        with Inventory(s.db) as inv:
            rec = next(r for r in inv.device_records() if "127.0.0.1" in r["ips"])
        results[record] = {k: rec.get(k) for k in ("vendor", "model", "serial", "os_name", "os_version",
                                                   "firmware", "device_class")}
    assert results[True] == results[False]
    walk = load_snmprec(tmp_path / "walks" / "127.0.0.1.snmprec")
    assert walk.text("1.3.6.1.4.1.32473.2.1.0") == "AS-24" and walk.int("1.3.6.1.4.1.32473.2.3.0") == 7
    text = draft(walk, "127.0.0.1.snmprec")
    assert '1.3.6.1.4.1.32473.2.1.0 = "AS-24"' in text and '1.3.6.1.4.1.32473.2.2.0 = "ACM123456789"' in text


def test_a_recognised_device_is_recorded_as_read():
    from collector.snmp.draft import record_roots

    assert record_roots(load_snmprec(FIXTURES / "lab" / "ups.snmprec")) == []
    walk = walk_from_mapping({"1.3.6.1.2.1.1.1.0": "Linux box 5.10.0 #1 SMP x86_64",
                              "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.8072.3.2.10",
                              "1.3.6.1.4.1.32473.9.1.0": "x", "1.3.6.1.4.1.2021.4.5.0": 1024})
    # a net-snmp host no definition but Linux's recognises: the maker's subtree it answers, not UCD's
    assert record_roots(walk) == ["1.3.6.1.4.1.32473"]
    # an appliance built on Debian is still an unknown device (its maker's subtree is recorded)
    on_debian = walk_from_mapping({"1.3.6.1.2.1.1.1.0": "Linux nas 6.1.0-18-amd64 #1 SMP Debian 6.1.76-1 x86_64",
                                   "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.8072.3.2.10",
                                   "1.3.6.1.4.1.32473.9.1.0": "x"})
    assert "debian" in identify(on_debian).definitions
    assert record_roots(on_debian) == ["1.3.6.1.4.1.32473"]


def test_a_sysobjectid_that_is_no_oid_stays_out_of_the_example():
    """Fuzz finding: an agent sent sysObjectID as a string. Identification
    ignores it, but an example's sysObjectID is always an OBJECT IDENTIFIER,
    which would have made the example another device (an Eaton card's)."""
    walk = Walk()
    walk.set("1.3.6.1.2.1.1.2.0", OCTETS, b"1.3.6.1.4.1.705.1")
    walk.set("1.3.6.1.4.1.32473.2.1.0", OCTETS, b"AS-24")
    data = yaml.safe_load(draft(walk, "odd.snmprec"))
    assert data["match"] == [{"enterprise": 32473}]
    assert "1.3.6.1.2.1.1.2.0" not in data["examples"][0]["walk"]
    got, expected = _replay(yaml.dump(data))
    assert got == expected
