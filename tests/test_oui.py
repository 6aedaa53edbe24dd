"""The MAC vendor table: IEEE MA-L (/24), MA-M (/28) and MA-S (/36) blocks,
longest prefix first, built from Wireshark's manuf with provenance."""

import os
import random
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from collector import oui, refdata
from collector.oui import VendorTable, vendor_for_mac
from collector.refdata.manuf import build_oui, parse_manuf

SHARED = Path(os.environ.get("LAN_COLLECTOR_SHARED_DATA")
              or Path(__file__).resolve().parent.parent.parent / "shared" / "data")
MANUF = SHARED / "wireshark-data" / "manuf"
needs_manuf = pytest.mark.skipif(not MANUF.exists(), reason="shared/data/wireshark-data/manuf not beside the checkout")


def test_known_vendors():
    assert vendor_for_mac("00:11:32:aa:bb:cc") == "Synology Incorporated"
    assert vendor_for_mac("3C:D9:2B:00:00:01") == "Hewlett Packard"
    assert vendor_for_mac("00-00-0c-01-02-03") == "Cisco Systems, Inc"


def test_the_three_block_sizes_longest_first():
    # real registry entries (manuf lines quoted)
    # 00:11:32                 Synology  Synology Incorporated                     (MA-L, /24)
    assert vendor_for_mac("00:11:32:12:34:56") == "Synology Incorporated"
    # 00:55:DA:10:00:00/28     KoolPOS   KoolPOS Inc.                              (MA-M, /28)
    assert vendor_for_mac("00:55:da:1f:ff:ff") == "KoolPOS Inc."
    assert vendor_for_mac("00:55:da:20:00:00") == "Beijing Connected Information Technology Co.,Ltd."
    # 00:1B:C5:00:10:00/36     OpenRBco  OpenRB.com, Direct SIA                    (MA-S, /36)
    assert vendor_for_mac("00:1b:c5:00:1a:bc") == "OpenRB.com, Direct SIA"
    assert vendor_for_mac("00:1b:c5:00:00:01") == "Converging Systems Inc."
    # "70:B3:D5:26:90:00/36 ... Gilbarco Veeder-Root \u200e": the invisible mark dropped, not the entry
    assert vendor_for_mac("70:b3:d5:26:9f:ff") == "Gilbarco Veeder-Root"
    # a /24 the IEEE split up names no maker: 00:69:67:F0:00:00/28 is unassigned
    assert vendor_for_mac("00:69:67:e0:00:01") is not None
    assert vendor_for_mac("00:69:67:f0:00:01") is None


def test_randomised_and_invalid_macs_have_no_vendor():
    rng = random.Random(9)
    for _ in range(2000):
        octets = [rng.randrange(256) for _ in range(6)]
        octets[0] = (octets[0] | 0x02) & 0xFE  # locally administered, unicast: what phones randomise to
        assert vendor_for_mac(":".join(f"{o:02x}" for o in octets)) is None
    assert vendor_for_mac("da:97:79:5e:00:0b") is None
    assert vendor_for_mac("01:00:5e:00:00:fb") is None  # multicast
    assert vendor_for_mac("not a mac") is None
    assert vendor_for_mac(None) is None


def test_the_table_does_not_need_scapy_or_a_cache(monkeypatch, tmp_path):
    import sys

    monkeypatch.setattr(oui, "_table", None)
    monkeypatch.setenv("CACHE_DIRECTORY", str(tmp_path / "nowhere"))
    monkeypatch.setitem(sys.modules, "scapy", None)  # importing scapy would now fail
    assert vendor_for_mac("00:55:da:10:00:01") == "KoolPOS Inc."
    assert not (tmp_path / "nowhere").exists()


def test_packaged_table_has_provenance_and_its_checksum_is_enforced(tmp_path, monkeypatch):
    entry = refdata.provenance()["files"]["oui.bin"]
    assert entry["inputs"].keys() == {"wireshark-data/manuf"}
    assert entry["blocks"]["/24"] > 30000 and entry["blocks"]["/28"] > 5000 and entry["blocks"]["/36"] > 10000
    assert entry["source"]["date"] == "2024-08-25" and "IEEE" in entry["source"]["licence"]
    # a damaged copy is refused, not half-read
    user = tmp_path / "refdata"
    shutil.copytree(Path(str(refdata.PACKAGED)), user)
    with open(user / "oui.bin", "ab") as fh:
        fh.write(b"x")
    monkeypatch.setattr(refdata, "USER_DATA_DIR", user)
    monkeypatch.setattr(oui, "_table", None)
    monkeypatch.setattr(oui, "load_error", None)
    assert vendor_for_mac("00:11:32:00:00:01") is None  # no vendors, but the scan goes on
    assert "does not match its recorded sha256" in oui.load_error


def test_data_status_lists_the_vendor_table():
    from collector.refdata.cli import data

    out = CliRunner().invoke(data, ["status", "--max-age-days", "100000"])
    assert out.exit_code == 0, out.output
    line = next(ln for ln in out.output.splitlines() if "oui.bin" in ln)
    assert re.search(r"oui\.bin: \d{5} entries", line) and "sha256" in line


@needs_manuf
def test_packaged_table_is_what_the_registry_file_gives(tmp_path):
    """Every entry of the source file, of each size, looked up in the packaged table."""
    info = build_oui(SHARED, tmp_path)["oui.bin"]
    packaged = Path(str(refdata.PACKAGED)) / "oui.bin"
    assert (tmp_path / "oui.bin").read_bytes() == packaged.read_bytes()
    assert info["inputs"]["wireshark-data/manuf"] == refdata.provenance()["files"]["oui.bin"]["inputs"][
        "wireshark-data/manuf"]
    tables = parse_manuf(MANUF.read_text(encoding="utf-8"))
    table = VendorTable(packaged.read_bytes())
    assert len(table) == sum(len(t) for t in tables.values())
    rng = random.Random(3)
    checked = {24: 0, 28: 0, 36: 0}
    for bits, entries in tables.items():
        for prefix, name in entries.items():
            # a random address inside the block
            value = (prefix << (48 - bits)) | rng.getrandbits(48 - bits)
            mac = ":".join(f"{(value >> s) & 0xFF:02x}" for s in range(40, -8, -8))
            longer = [b for b in tables if b > bits
                      and (value >> (48 - b)) in tables[b]]
            if longer:
                continue  # a longer block inside this one wins, rightly
            assert table.lookup(mac) == name, (bits, mac)
            checked[bits] += 1
    assert checked[24] > 30000 and checked[28] > 5000 and checked[36] > 10000


@needs_manuf
def test_names_are_the_full_registrant_names():
    tables = parse_manuf(MANUF.read_text(encoding="utf-8"))
    assert tables[24][0x3CD92B] == "Hewlett Packard"  # not the short "HewlettP"
    assert tables[24][0x000013] == "Camex"  # no full name: the short one
    assert all(n.isprintable() and len(n) <= 100 for t in tables.values() for n in t.values())


def test_lab_vendors_match_the_table():
    from collector.lab.topology import PROFILES

    for profile in PROFILES.values():
        if profile.oui:
            assert vendor_for_mac(profile.oui + ":00:00:01") == profile.vendor, profile.kind


@needs_manuf
def test_built_data_is_readable_by_the_unprivileged_service(tmp_path):
    from collector.refdata.build import build

    build(SHARED, tmp_path / "refdata")
    assert (tmp_path / "refdata").stat().st_mode & 0o777 == 0o755  # not mkdtemp's 0700
    assert all(p.stat().st_mode & 0o004 for p in (tmp_path / "refdata").iterdir())
