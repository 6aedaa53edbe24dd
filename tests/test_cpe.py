import pytest
from hypothesis import given, strategies as st

from collector.cpe import cpe23_fields, to_cpe23


@pytest.mark.parametrize("uri, fs", [
    ("cpe:/a:openbsd:openssh:5.3", "cpe:2.3:a:openbsd:openssh:5.3:*:*:*:*:*:*:*"),
    ("cpe:/a:openbsd:openssh:7.4p1", "cpe:2.3:a:openbsd:openssh:7.4p1:*:*:*:*:*:*:*"),
    ("cpe:/o:microsoft:windows", "cpe:2.3:o:microsoft:windows:*:*:*:*:*:*:*:*"),
    ("cpe:/a:apache:http_server:2.2.15", "cpe:2.3:a:apache:http_server:2.2.15:*:*:*:*:*:*:*"),
    ("cpe:/o:cisco:ios:12.2%2855%29se", "cpe:2.3:o:cisco:ios:12.2\\(55\\)se:*:*:*:*:*:*:*"),
    ("cpe:/o:canonical:ubuntu_linux:-", "cpe:2.3:o:canonical:ubuntu_linux:-:*:*:*:*:*:*:*"),
    ("cpe:/a:vendor:product:1.0:sp1:~~pro~linux~x64~", "cpe:2.3:a:vendor:product:1.0:sp1:*:*:pro:linux:x64:*"),
    ("cpe:/h:HP:LaserJet", "cpe:2.3:h:hp:laserjet:*:*:*:*:*:*:*:*"),
    ("cpe:2.3:a:openbsd:openssh:5.3:*:*:*:*:*:*:*", "cpe:2.3:a:openbsd:openssh:5.3:*:*:*:*:*:*:*"),
])
def test_to_cpe23(uri, fs):
    assert to_cpe23(uri) == fs


@pytest.mark.parametrize("bad", [None, "", "openssh", "cpe:/x:a:b", "cpe:2.3:a:b", "cpe:/a:1:2:3:4:5:6:7:8"])
def test_not_a_cpe(bad):
    assert to_cpe23(bad) is None


def test_fields():
    f = cpe23_fields("cpe:2.3:o:cisco:ios:12.2\\(55\\)se:*:*:*:*:*:*:*")
    assert f["vendor"] == "cisco" and f["version"] == "12.2\\(55\\)se"


@given(st.text(max_size=80))
def test_fuzz(text):
    out = to_cpe23("cpe:/a:" + text)
    assert out is None or out.startswith("cpe:2.3:a:")
