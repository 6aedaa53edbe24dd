"""Recog fingerprints as shipped: every example string Recog carries is a
test case (the fingerprint's own expected values must come out)."""

import os
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from collector import refdata
from collector.refdata.build import build
from collector.refdata.recog import DATABASES, Recog, ruby_to_python, recog

SHARED = Path(os.environ.get("LAN_COLLECTOR_SHARED_DATA")
              or Path(__file__).resolve().parent.parent.parent / "shared" / "data")
REC = recog()


def all_examples():
    for db in DATABASES:
        for i, (text, expected, description) in enumerate(REC.examples(db)):
            yield pytest.param(db, text, expected, id=f"{db}-{i}")


@pytest.mark.parametrize("db, text, expected", list(all_examples()))
def test_recog_example(db, text, expected):
    """The first match in the database (Recog's rule) gives the example's values."""
    match = REC.match(db, text)
    assert match is not None
    assert {k: match.values.get(k, "") for k in expected} == expected


def test_example_count_is_the_whole_table():
    assert sum(1 for _ in all_examples()) > 3000


@pytest.mark.parametrize("ruby, python", [
    (r"^(?<name>\w+)$", r"^(?P<name>\w+)$"),
    (r"(?<=a)b", r"(?<=a)b"),
    (r"(?<!a)b", r"(?<!a)b"),
    (r"\h+", r"[0-9a-fA-F]+"),
    (r"end\z", r"end\Z"),
    (r"end\Z", r"end(?=\n?\Z)"),
    (r"(?m)^a.b", r"(?s)^a.b"),
    (r"\\h", r"\\h"),
])
def test_ruby_to_python(ruby, python):
    assert ruby_to_python(ruby) == python


def test_real_banners():
    ssh = REC.match("ssh_banners", "OpenSSH_5.3")
    assert ssh and ssh.values["service.product"] == "OpenSSH" and ssh.values["service.version"] == "5.3"
    ubuntu = REC.match("ssh_banners", "OpenSSH_8.9p1 Ubuntu-3ubuntu0.6")
    assert ubuntu.values["os.product"] == "Linux" and "Ubuntu" in ubuntu.values.get("os.vendor", "")
    ftp = REC.match("ftp_banners", "(vsFTPd 2.3.4)")
    assert ftp and ftp.values["service.version"] == "2.3.4"
    http = REC.match("http_servers", "Apache/2.2.15 (CentOS)")
    assert http.values["service.product"] == "HTTPD" and http.values["service.version"] == "2.2.15"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_fuzz_matching_never_raises(text):
    for db in ("ssh_banners", "http_servers", "ftp_banners", "telnet_banners"):
        REC.match(db, text)


def test_huge_input_is_bounded():
    import time

    start = time.monotonic()
    # only the first MAX_INPUT characters are looked at: a server name after
    # a megabyte of junk is not seen, and the junk costs little
    assert REC.match("http_servers", " " * 1_000_000 + "Apache/2.4.1") is None
    assert time.monotonic() - start < 2


def test_packaged_data_is_verified_and_has_provenance():
    prov = refdata.provenance()
    entry = prov["files"]["recog.json"]
    assert entry["source"]["commit"] == "14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5"
    assert entry["source"]["licence"] == "BSD-2-Clause"
    assert "recog.LICENSE" in entry["licence_files"]


def test_age_warning_uses_given_day():
    assert refdata.age_warnings(dt.date(2026, 7, 1)) == []
    warnings = refdata.age_warnings(dt.date(2027, 6, 1))
    assert any(w.startswith("recog.json: source snapshot is 337 days old") for w in warnings)


@pytest.mark.skipif(not SHARED.exists(), reason="shared/data not beside the checkout")
def test_packaged_data_rebuilds_identically(tmp_path):
    build(SHARED, tmp_path / "out")
    for name in ("recog.json", "distro.json", "vendors.json", "pen.json", "sysobject.json"):
        packaged = Path(str(refdata.PACKAGED)) / name
        assert (tmp_path / "out" / name).read_bytes() == packaged.read_bytes(), name


@pytest.mark.skipif(not SHARED.exists(), reason="shared/data not beside the checkout")
def test_bad_update_leaves_installed_data(tmp_path):
    from collector.refdata import DataError

    good = tmp_path / "installed"
    build(SHARED, good)
    before = (good / "recog.json").read_bytes()
    broken = tmp_path / "broken"
    (broken / "recog" / "xml").mkdir(parents=True)
    (broken / "recog" / "xml" / "ssh_banners.xml").write_text("<fingerprints><fingerprint pattern='('/>")
    with pytest.raises(DataError):
        build(broken, good)
    assert (good / "recog.json").read_bytes() == before
    assert not list(tmp_path.glob(".refdata-*"))


def test_tampered_data_is_refused(tmp_path, monkeypatch):
    import shutil

    from collector.refdata import DataError, load_json, path_of

    user = tmp_path / "refdata"
    shutil.copytree(Path(str(refdata.PACKAGED)), user)
    (user / "kev.json").write_text("{}")
    with open(user / "cves.sqlite", "ab") as fh:
        fh.write(b"x")
    monkeypatch.setattr(refdata, "USER_DATA_DIR", user)
    with pytest.raises(DataError, match="does not match its recorded sha256"):
        load_json("kev.json")
    with pytest.raises(DataError, match="does not match its recorded sha256"):
        path_of("cves.sqlite")
    assert load_json("eol.json")["products"]["windows"]
