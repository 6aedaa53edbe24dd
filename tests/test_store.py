import json
import os
import sqlite3
import subprocess
import sys
from importlib import resources

import jsonschema
import pytest

from collector.identity import HostEvidence
from collector.model import Fact, Outcome, ProbeResult, Service, Software
from collector.store import Inventory, ScanLock, StoreError, schema_version

SCHEMA = json.loads(resources.files("collector.schemas").joinpath("export.schema.json").read_text())


@pytest.fixture
def inv(tmp_path):
    with Inventory(tmp_path / "inv.db") as inventory:
        yield inventory


def scan(inv):
    return inv.begin_scan({"networks": ["10.0.0.0/24"]}, {"requested": ["arp"]}, {}, 254)


def printer(mac="3c:d9:2b:00:00:01", ip="10.0.0.10", **extra):
    facts = [Fact("vendor", "Hewlett Packard", 40, "arp"), Fact("hostname", "printer1", 70, "snmp")]
    facts += [Fact(k, v, 90, "snmp") for k, v in extra.items()]
    return HostEvidence(ip=ip, mac=mac, rtt_ms=0.5, facts=facts,
                        services=[Service(80, name="http", product="HP HTTP Server", source="nmap")],
                        software=[Software("firmware", "2.1", source="snmp")])


def test_schema_migrated_wal_and_foreign_keys(inv):
    assert schema_version(inv.db) == ["0001_initial.sql", "0002_links.sql", "0003_identifiers.sql"]
    assert inv.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert inv.db.execute("pragma foreign_keys").fetchone()[0] == 1
    for table in ("scans", "devices", "addresses", "services", "software", "flags", "observations", "probes",
                  "sightings", "device_facts", "interfaces", "identifiers"):
        assert inv.db[table].exists(), table


def test_reopen_applies_nothing_twice(tmp_path):
    Inventory(tmp_path / "a.db").close()
    with Inventory(tmp_path / "a.db") as again:
        assert schema_version(again.db) == ["0001_initial.sql", "0002_links.sql", "0003_identifiers.sql"]


def test_a_version_1_inventory_gains_the_links_table(tmp_path):
    import sqlite3

    db = tmp_path / "old.db"
    Inventory(db).close()
    conn = sqlite3.connect(db)  # make it look like a file written before 0002 existed
    conn.execute("drop table links")
    conn.execute("delete from _sqlite_migrations where name = '0002_links.sql'")
    conn.commit()
    conn.close()
    with Inventory(db) as inv:
        assert inv.db["links"].exists() and inv.links() == []


def test_same_device_twice_is_one_device_two_sightings(inv):
    s1 = scan(inv)
    d1, new1 = inv.record_host(s1, printer())
    inv.finish_scan(s1, "complete")
    s2 = scan(inv)
    d2, new2 = inv.record_host(s2, printer())
    inv.finish_scan(s2, "complete")
    assert (d1, new1, new2) == (d2, True, False)
    assert inv.db["devices"].count == 1 and inv.db["addresses"].count == 1
    assert inv.db["services"].count == 1 and inv.db["software"].count == 1
    assert [s["scan_id"] for s in inv.sightings(d1)] == [s1, s2]
    assert inv.scan(s2)["hosts_up"] == 1 and inv.scan(s2)["devices_new"] == 0
    assert inv.scan(s1)["devices_new"] == 1


def test_new_ip_same_mac_keeps_device_and_history(inv):
    s = scan(inv)
    d1, _ = inv.record_host(s, printer())
    d2, _ = inv.record_host(s, printer(ip="10.0.0.99"))
    assert d1 == d2
    assert inv.device_records()[0]["ips"][0] == "10.0.0.99"
    assert set(inv.device_records()[0]["ips"]) == {"10.0.0.10", "10.0.0.99"}


def test_serial_links_a_replaced_nic(inv):
    s = scan(inv)
    d1, _ = inv.record_host(s, printer(serial="PHBQB12345"))
    d2, new = inv.record_host(s, printer(mac="3c:d9:2b:00:00:99", ip="10.0.0.11", serial="PHBQB12345"))
    assert d1 == d2 and not new


def test_losing_values_stay_visible(inv):
    s = scan(inv)
    host = printer()
    host.facts.append(Fact("vendor", "Hewlett Packard Enterprise", 90, "snmp", "sysObjectID"))
    d, _ = inv.record_host(s, host)
    record = inv.device_records([d])[0]
    assert record["vendor"] == "HPE"
    vendors = [(f["value"], f["source"], f["evidence"]) for f in inv.device_facts(d) if f["field"] == "vendor"]
    # one spelling per maker; what each source said stays in the evidence
    assert vendors == [("HPE", "snmp", "sysObjectID [as 'Hewlett Packard Enterprise']"),
                       ("HP", "arp", "[as 'Hewlett Packard']")]


def test_export_matches_json_schema_and_nulls(inv):
    s = scan(inv)
    inv.record_host(s, printer())
    inv.record_host(s, HostEvidence(ip="10.0.0.20", mac="da:00:00:00:00:01",
                                    facts=[Fact("mac_random", True, 90, "arp")]))
    records = inv.device_records()
    jsonschema.validate(records, SCHEMA)
    phone = records[1]
    assert phone["vendor"] is None and phone["model"] is None and phone["mac_random"] is True
    assert records[0]["services"] == [{"port": 80, "proto": "tcp", "name": "http", "product": "HP HTTP Server",
                                       "version": None, "cpe": None}]


def test_probes_recorded(inv):
    s = scan(inv)
    inv.record_probes(s, [ProbeResult("arp", "10.0.0.1", Outcome.NO_RESPONSE, 12.5, "no reply")])
    assert inv.probes_for(["10.0.0.1"])[0]["outcome"] == "timeout"


def test_dead_running_scan_marked_interrupted(tmp_path):
    path = tmp_path / "inv.db"
    code = ("import sys; from collector.store import Inventory; i = Inventory(sys.argv[1]);"
            "i.begin_scan({}, {}, {}, 1); import os; os._exit(9)")
    subprocess.run([sys.executable, "-c", code, str(path)], check=False)
    with Inventory(path) as inv:
        assert inv.scan(1)["status"] == "running"
        assert inv.mark_dead_scans() == [1]
        assert inv.scan(1)["status"] == "interrupted"


def test_failed_host_write_rolls_back_whole_host(inv):
    s = scan(inv)
    bad = printer()
    bad.services.append(Service(70000, source="x"))  # violates the port CHECK
    with pytest.raises(sqlite3.IntegrityError):
        inv.record_host(s, bad)
    assert inv.db["devices"].count == 0 and inv.db["addresses"].count == 0


def test_not_an_inventory(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(StoreError, match="not an inventory"):
        Inventory(junk)
    with pytest.raises(StoreError, match="no such inventory"):
        Inventory(tmp_path / "none.db", create=False)


def test_lock_is_exclusive(tmp_path):
    with ScanLock(tmp_path / "x.db"):
        with pytest.raises(StoreError, match="already writing"):
            with ScanLock(tmp_path / "x.db"):
                pass


def test_resolve_device(inv):
    s = scan(inv)
    d, _ = inv.record_host(s, printer())
    assert inv.resolve_device("10.0.0.10") == d
    assert inv.resolve_device("3C-D9-2B-00-00-01") == d
    assert inv.resolve_device("printer1") == d
    assert inv.resolve_device(str(d)) == d
    with pytest.raises(StoreError, match="no device matches"):
        inv.resolve_device("10.9.9.9")


def test_the_snmp_credential_that_worked_is_remembered_by_name(inv):
    from collector.model import Observation

    host = printer()
    host.observations = [Observation("snmp", host.ip, raw={"credential": "office-v3", "snmp_version": "v3",
                                                           "interfaces": [{"if_index": 1, "name": "eth0",
                                                                           "mac": host.mac}],
                                                           "fdb": [{"mac": "00:11:22:33:44:55", "port": 3,
                                                                    "if_name": "Gi0/3", "vlan": None}]})]
    device_id, _ = inv.record_host(scan(inv), host)
    assert inv.hints() == {host.ip: {"snmp_credential": "office-v3"}, host.mac: {"snmp_credential": "office-v3"}}
    assert [(r["kind"], r["local_port"], r["remote_mac"]) for r in inv.links(device_id)] == [
        ("fdb", "Gi0/3", "00:11:22:33:44:55")]
    assert [i["name"] for i in inv.interfaces(device_id)] == ["eth0"]


def test_a_routers_second_address_is_kept_on_the_same_device(inv):
    host = printer(ip="10.0.0.1")
    host.aliases = [("10.0.1.1", "3c:d9:2b:00:00:02")]
    device_id, _ = inv.record_host(scan(inv), host)
    record = inv.device_records([device_id])[0]
    assert record["ips"] == ["10.0.0.1", "10.0.1.1"]


def test_the_same_value_claimed_twice_by_a_source_keeps_the_strongest_claim(inv):
    host = printer()
    host.facts += [Fact("model", "S5720", 75, "snmp", "vendor module"), Fact("model", "S5720", 45, "snmp", "guess")]
    device_id, _ = inv.record_host(scan(inv), host)
    rows = [f for f in inv.device_facts(device_id) if f["field"] == "model"]
    assert [(r["confidence"], r["evidence"]) for r in rows] == [(75, "vendor module")]


def test_a_strong_identifier_keeps_a_device_whose_mac_changed(inv):
    from collector.model import Identifier

    s = scan(inv)
    first = printer()
    first.identifiers = [Identifier("upnp_udn", "uuid:2f402f80-da50-11e1-9b23-3cd92b000001", "ssdp")]
    d1, _ = inv.record_host(s, first)
    moved = printer(mac="3c:d9:2b:00:00:77", ip="10.0.0.12")
    moved.identifiers = list(first.identifiers)
    d2, new = inv.record_host(s, moved)
    assert d1 == d2 and not new
    assert [i["kind"] for i in inv.identifiers(d1)] == ["upnp_udn"]


def test_new_fields_reach_the_export(inv):
    s = scan(inv)
    d, _ = inv.record_host(s, printer(os_build="10.0.19045", kernel_version="5.4.0-150-generic"))
    rec = inv.device_records([d])[0]
    assert rec["os_build"] == "10.0.19045" and rec["kernel_version"] == "5.4.0-150-generic"
    jsonschema.validate([rec], SCHEMA)
