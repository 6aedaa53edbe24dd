import ipaddress

import pytest
from hypothesis import given, strategies as st

from collector.netinfo import Attached
from collector.scope import ScopeError, build_scope, parse_target


def addrs(scope):
    return [str(a) for a in scope.addresses()]


@pytest.mark.parametrize("spec, expected", [
    ("10.0.0.0/30", ["10.0.0.1", "10.0.0.2"]),
    ("10.0.0.7", ["10.0.0.7"]),
    ("10.0.0.7/32", ["10.0.0.7"]),
    ("10.0.0.6/31", ["10.0.0.6", "10.0.0.7"]),  # RFC 3021: both usable
    ("10.0.0.5-8", ["10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8"]),
    ("10.0.0.254-10.0.1.1", ["10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1"]),
    ("10.0.0.10-58", [f"10.0.0.{i}" for i in range(10, 59)]),  # aligned blocks inside a range count whole
    ("10.0.0.0-3", ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3"]),
    ("100.64.0.1", ["100.64.0.1"]),  # shared address space (CGNAT) is not public
    ("192.168.1.5/24", [f"192.168.1.{i}" for i in range(1, 255)]),  # host bits ignored
])
def test_targets(spec, expected):
    assert addrs(build_scope([spec])) == expected


@pytest.mark.parametrize("spec, message", [
    ("8.8.8.8", "needs --allow-public"),
    ("1.0.0.0/24", "public"),
    ("10.0.0.0/7", "public"),
    ("224.0.0.1", "multicast"),
    ("255.255.255.255", "reserved"),
    ("0.0.0.0/8", "this network"),
    ("169.254.169.254", "metadata"),
    ("fe80::1", "IPv6"),
    ("2001:db8::/64", "IPv6"),
    ("10.0.0.9-3", "ends before it starts"),
    ("10.0.0.300", "more than 255"),
    ("10.0.0.0/33", "prefix must be /0 to /32"),
    ("bad_host!", "not an address"),
    ("10.0.0.0/8", "more than the limit"),
])
def test_refused(spec, message):
    with pytest.raises(ScopeError, match=message):
        build_scope([spec])


def test_public_allowed_with_flag():
    assert addrs(build_scope(["8.8.8.8"], allow_public=True)) == ["8.8.8.8"]


def test_multicast_refused_even_with_allow_public():
    with pytest.raises(ScopeError, match="multicast"):
        build_scope(["239.1.1.1"], allow_public=True)


def test_max_hosts_raises_limit():
    assert build_scope(["10.0.0.0/15"], max_hosts=131072).size() == 131070


def test_exclusions_win():
    scope = build_scope(["10.0.0.0/29"], ["10.0.0.2", "10.0.0.4-5"])
    assert addrs(scope) == ["10.0.0.1", "10.0.0.3", "10.0.0.6"]
    assert "10.0.0.2" not in scope and "10.0.0.3" in scope


def test_overlapping_targets_each_address_once():
    assert addrs(build_scope(["10.0.0.0/30", "10.0.0.2", "10.0.0.1-2"])) == ["10.0.0.1", "10.0.0.2"]


def test_loopback_only_explicit():
    assert addrs(build_scope(["127.0.0.5"])) == ["127.0.0.5"]
    lo = Attached("lo", ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv4Network("127.0.0.0/8"))
    with pytest.raises(ScopeError, match="loopback"):
        build_scope([], interfaces=[lo])


def test_target_file(tmp_path):
    f = tmp_path / "targets.txt"
    f.write_text("# office\n10.0.0.1\n10.0.0.2 10.0.0.3  # printers\n\n")
    assert addrs(build_scope([f"@{f}"])) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    with pytest.raises(ScopeError, match="does not exist"):
        build_scope([f"@{tmp_path / 'missing'}"])


def test_hostname_resolves():
    assert addrs(build_scope(["localhost"])) == ["127.0.0.1"]


def att(iface, cidr, p2p=False):
    i = ipaddress.IPv4Interface(cidr)
    return Attached(iface, i.ip, i.network, "02:00:00:00:00:01", p2p)


def test_auto_detect_skips_what_it_must():
    interfaces = [
        att("lo", "127.0.0.1/8"),
        att("eth0", "192.168.10.5/24"),
        att("tun0", "10.8.0.2/32", p2p=True),
        att("eth1", "169.254.3.4/16"),
        att("eth2", "10.0.0.1/8"),
        att("eth3", "8.8.4.4/24"),
        att("eth0", "192.168.10.6/24"),  # second address, same subnet
    ]
    scope = build_scope([], interfaces=interfaces)
    assert scope.auto and scope.networks == ["192.168.10.0/24"]
    notes = "\n".join(scope.notes)
    for word in ("loopback", "point-to-point", "link-local", "over the limit", "allow-public"):
        assert word in notes


def test_auto_detect_nothing_usable():
    with pytest.raises(ScopeError, match="no usable attached IPv4 subnet"):
        build_scope([], interfaces=[att("lo", "127.0.0.1/8")])


@given(st.text(max_size=60))
def test_parse_target_only_raises_scope_error(text):
    try:
        parse_target(text, resolve=False)
    except ScopeError:
        pass


def test_scope_overlaps_a_network():
    import ipaddress

    scope = build_scope(["10.0.0.5-10.0.0.9", "10.0.2.0/24"], ["10.0.2.0/25"])
    assert scope.overlaps(ipaddress.IPv4Network("10.0.0.0/29"))
    assert not scope.overlaps(ipaddress.IPv4Network("10.0.1.0/24"))
    assert not scope.overlaps(ipaddress.IPv4Network("10.0.2.0/25"))  # excluded whole
    assert scope.overlaps(ipaddress.IPv4Network("10.0.2.128/25"))


def test_scope_covers_a_whole_subnet_only_without_exclusions():
    import ipaddress

    net = ipaddress.IPv4Network("10.0.2.0/24")
    assert build_scope(["10.0.2.0/24"]).covers(net)
    assert build_scope(["10.0.0.0/16"]).covers(net)
    assert not build_scope(["10.0.2.0/24"], ["10.0.2.7"]).covers(net)  # the excluded host would hear it
    assert not build_scope(["10.0.2.1-10.0.2.100"]).covers(net)
