"""Device definitions (collector/snmp/defs): every file loads and validates,
uses only the fixed vocabularies, and gives what its own examples say —
the examples are replayed through the scan plan, so a definition also proves
that the collector reads what it needs."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from collector.snmp.definitions import ALIASES, DefinitionError, definitions, load_file, parse, vocabulary
from collector.snmp.identify import identify
from collector.snmp.plan import simulate
from collector.snmp.walk import load_snmprec, walk_from_mapping

FIXTURES = Path(__file__).parent / "fixtures" / "snmp"


def _recording(ref: str):
    kind, _, rel = ref.partition(":")
    if kind == "snmpsim-data":
        snmpsim_data = pytest.importorskip("snmpsim_data")
        return load_snmprec(Path(snmpsim_data.__file__).parent / "data" / rel)
    if kind == "fixtures":
        return load_snmprec(FIXTURES / rel)
    raise AssertionError(f"unknown recording reference {ref!r}")


def _examples():
    for d in definitions():
        for i, ex in enumerate(d.examples):
            yield pytest.param(d, ex, id=f"{d.family}[{i}]")


def test_definitions_load_and_are_many():
    defs = definitions()
    assert len(defs) >= 40
    assert len({d.family for d in defs}) == len(defs)


def test_every_definition_has_an_example():
    assert [d.family for d in definitions() if not d.examples] == []


@pytest.mark.parametrize("definition, example", list(_examples()))
def test_definition_examples(definition, example):
    full = _recording(example["recording"]) if "recording" in example else walk_from_mapping(example["walk"])
    ident = identify(simulate(full))
    got = ident.best()
    expected = {ALIASES.get(k, k): v for k, v in example["expect"].items()}
    assert {k: got[k] for k in expected} == {k: (None if v is None else str(v)) for k, v in expected.items()}, \
        f"{definition.path}: matched {ident.definitions}"
    assert definition.family in ident.definitions


def test_examples_use_the_vocabulary():
    classes, os_names = vocabulary()
    for d in definitions():
        for ex in d.examples:
            exp = {ALIASES.get(k, k): v for k, v in ex["expect"].items()}
            assert exp.get("device_class") in classes | {None}, d.path
            assert exp.get("os_name") in os_names | {None}, d.path


def test_windows_products_are_in_the_vocabulary():
    from collector.assess.winbuilds import table

    _classes, os_names = vocabulary()
    names = {r.product for r in table()}
    assert names | {"Windows"} <= os_names, sorted(names - os_names)


def test_vocabulary_files_are_documented():
    base = Path(__file__).parent.parent / "schemas"
    os_names = json.loads((base / "os_names.json").read_text())["os_names"]
    assert all(isinstance(v, str) and v for v in os_names.values())
    assert (base / "snmp_definitions.md").exists()


GOOD = {"family": "example-os", "vendor": "Example Networks", "class": "switch",
        "match": [{"sys_object_id": "1.3.6.1.4.1.32473.1"}],
        "fields": {"model": [{"oid": "1.3.6.1.4.1.32473.2.1.0"}]}}


@pytest.mark.parametrize("change, where", [
    ({"family": "Bad Name"}, "family"),
    ({"class": "toaster"}, "class"),
    ({"os": "NotAnOS"}, "os"),
    ({"match": []}, "match"),
    ({"match": [{"sys_object_id": "1.3.x"}]}, "match[0].sys_object_id"),
    ({"match": [{"sys_descr": "("}]}, "match[0].sys_descr"),
    ({"match": [{"sysdescr": "x"}]}, "match[0].sysdescr"),
    ({"match": [{"oid": "1.3.6.1.4.1.1.0", "probe": ["linux"]}]}, "match[0].probe"),
    ({"fields": {"modle": [{"oid": "1.3.6.1.4.1.1.0"}]}}, "fields.modle"),
    ({"fields": {"model": [{"oid": "1.3.6.1.4.1.1.0", "from": "sys_descr"}]}}, "fields.model[0]"),
    ({"fields": {"device_class": [{"value": "toaster"}]}}, "fields.device_class[0].value"),
    ({"fields": {"model": [{"hook": "nope"}]}}, "fields.model[0].hook"),
    ({"fields": {"model": [{"entity": "colour"}]}}, "fields.model[0].entity"),
    ({"confidence": 101}, "confidence"),
    ({"examples": [{"walk": {}}]}, "examples[0]"),
    ({"colour": "blue"}, "colour"),
    ({"shared_ids": ["1.3.x"]}, "shared_ids[0]"),
])
def test_a_bad_definition_names_file_and_key(change, where):
    with pytest.raises(DefinitionError) as err:
        parse({**GOOD, **change}, "defs/network/example-os.yaml")
    assert str(err.value).startswith(f"defs/network/example-os.yaml: {where}")


def test_a_good_definition_parses_and_a_file_must_match_its_family(tmp_path):
    d = parse(GOOD, "example-os.yaml")
    assert d.prefixes == ("1.3.6.1.4.1.32473.1",) and d.scalars == ("1.3.6.1.4.1.32473.2.1.0",)
    path = tmp_path / "other-name.yaml"
    path.write_text(yaml.safe_dump(GOOD))
    with pytest.raises(DefinitionError, match="other-name.yaml: family"):
        load_file(path)
    path.write_text("family: [unclosed")
    with pytest.raises(DefinitionError, match="not readable YAML"):
        load_file(path)


def test_families_by_class_cover_the_small_office():
    classes = Counter(d.device_class for d in definitions())
    for cls in ("switch", "router", "firewall", "wireless_ap", "printer", "ups", "nas", "camera"):
        assert classes[cls] >= 1, cls


def test_parsed_definitions_are_cached_and_a_bad_cache_is_ignored(tmp_path, monkeypatch):
    from collector.snmp import definitions as defs

    monkeypatch.setenv("CACHE_DIRECTORY", str(tmp_path))
    paths = defs.definition_files()[:5]
    first = defs._load_all(paths)
    cached = list(tmp_path.glob("snmp-defs-*.json"))
    assert len(cached) == 1
    assert [d.family for d in defs._load_all(paths)] == [d.family for d in first]
    cached[0].write_text("{not json")
    assert [d.family for d in defs._load_all(paths)] == [d.family for d in first]


def test_a_column_source_with_a_regex_takes_the_first_row_it_matches():
    """CISCO-IMAGE-MIB names its rows by their value ("CW_VERSION$...$"); a
    column source with a regex reads the row it matches, wherever it is."""
    from collector.snmp import engine
    from collector.snmp.claims import Claims
    from collector.snmp.mibs import Mibs
    from collector.snmp.walk import walk_from_mapping

    d = parse({**GOOD, "fields": {"os_version": [
        {"column": "1.3.6.1.4.1.32473.3.1", "regex": r"^VERSION\$([^$]+)\$"}]}}, "example-os.yaml")
    walk = walk_from_mapping({"1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.32473.1.7",
                              "1.3.6.1.4.1.32473.3.1.1": "IMAGE$x86_64$",
                              "1.3.6.1.4.1.32473.3.1.2": "VERSION$4.2.1$",
                              "1.3.6.1.4.1.32473.3.1.3": "VERSION$9.9$"})
    view = engine.View(walk, Mibs(walk), Claims())
    matched = engine.match(d, view)
    assert matched is not None
    assert engine.evaluate(d.fields["os_version"][0], view, matched, "os_version") == "4.2.1"
