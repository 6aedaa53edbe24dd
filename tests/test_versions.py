"""Table-driven version comparison and range matching."""

import pytest

from collector.assess.versions import in_range, parse


@pytest.mark.parametrize("product, a, b", [
    ("openbsd:openssh", "7.4p1", "7.5"),
    ("openbsd:openssh", "7.4", "7.4p1"),
    ("openbsd:openssh", "5.3", "5.3p1"),
    ("openbsd:openssh", "8.9p1", "9.6p1"),
    ("openssl:openssl", "1.0.2k", "1.0.2l"),
    ("openssl:openssl", "1.0.2", "1.0.2a"),
    ("openssl:openssl", "1.0.2zk", "1.1.0"),
    ("cisco:ios", "12.2(55)SE", "12.2(58)SE"),
    ("cisco:ios", "15.2(7)E4", "15.2(7)E10"),
    ("apache:http_server", "2.2.15", "2.2.34"),
    ("apache:http_server", "2.2.34", "2.4.1"),
    ("beasts:vsftpd", "2.3.3", "2.3.4"),
    ("dropbear_ssh_project:dropbear_ssh", "2019.78", "2020.79"),
])
def test_ordering(product, a, b):
    assert parse(product, a) < parse(product, b)


@pytest.mark.parametrize("text", [None, "", "*", "-", "latest", "???"])
def test_unparseable(text):
    assert parse("openbsd:openssh", text) is None


@pytest.mark.parametrize("version, match, exact, expected", [
    ("5.3", {"versionEndExcluding": "7.4"}, "*", True),
    ("7.4", {"versionEndExcluding": "7.4"}, "*", False),
    ("7.4p1", {"versionEndIncluding": "7.4"}, "*", False),
    ("7.4p1", {"versionStartIncluding": "7.0", "versionEndExcluding": "7.5"}, "*", True),
    ("6.9", {"versionStartIncluding": "7.0", "versionEndExcluding": "7.5"}, "*", False),
    ("2.3.4", {}, "2.3.4", True),
    ("2.3.5", {}, "2.3.4", False),
    ("2.3.4", {}, "*", True),
    ("2.3.4", {}, "-", None),
    ("junk", {"versionEndExcluding": "1"}, "*", None),
])
def test_in_range(version, match, exact, expected):
    assert in_range("x:y", version, match, exact) is expected


def test_cpe_quoted_versions():
    assert parse("cisco:ios", "12.2\\(55\\)se") == parse("cisco:ios", "12.2(55)SE")
    assert in_range("cisco:ios", "12.2(55)SE", {}, "12.2\\(55\\)se") is True
    assert in_range("cisco:ios", "12.2(55)SE", {}, "12.2\\(55\\)se3") is False
