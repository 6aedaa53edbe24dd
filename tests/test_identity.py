import pytest

from collector.identity import (Candidates, HostEvidence, best_facts, choose_device, is_locally_administered,
                                merge_observations, normalize_mac)
from collector.model import Fact, Observation


@pytest.mark.parametrize("raw, norm", [
    ("AA-BB-CC-DD-EE-F0", "aa:bb:cc:dd:ee:f0"),
    ("aabb.ccdd.eef0", "aa:bb:cc:dd:ee:f0"),
    ("00:11:32:AA:BB:CC", "00:11:32:aa:bb:cc"),
    ("00:00:00:00:00:00", None),
    ("ff:ff:ff:ff:ff:ff", None),
    ("01:00:5e:00:00:fb", None),  # multicast
    ("00:11:22", None),
    ("", None),
    (None, None),
])
def test_normalize_mac(raw, norm):
    assert normalize_mac(raw) == norm


def test_locally_administered():
    assert is_locally_administered("da:97:79:5e:00:0b")
    assert is_locally_administered("02:00:00:00:00:01")
    assert not is_locally_administered("00:11:32:aa:bb:cc")


def test_best_fact_by_confidence_first_seen_wins_ties():
    facts = [Fact("vendor", "Intel", 40, "arp"), Fact("vendor", "Dell", 80, "snmp"),
             Fact("vendor", "Other", 80, "nmap")]
    assert best_facts(facts)["vendor"].value == "Dell"


def test_merge_prefers_arp_mac_and_lowest_rtt():
    obs = [Observation("snmp", "10.0.0.5", mac="00:11:32:00:00:09", rtt_ms=5.0),
           Observation("arp", "10.0.0.5", mac="00:11:32:00:00:01", rtt_ms=0.4,
                       facts=[Fact("vendor", "Synology", 40, "arp")]),
           Observation("arp", "10.0.0.3", mac="3c:d9:2b:00:00:01")]
    hosts = merge_observations(obs)
    assert [h.ip for h in hosts] == ["10.0.0.3", "10.0.0.5"]
    assert hosts[1].mac == "00:11:32:00:00:01" and hosts[1].rtt_ms == 0.4
    assert hosts[1].value("vendor") == "Synology"


def host(mac=None, **facts):
    return HostEvidence(ip="10.0.0.5", mac=mac, facts=[Fact(k, v, 80, "t") for k, v in facts.items()])


def test_choose_by_mac_first():
    assert choose_device(host("00:11:32:00:00:01"), Candidates(by_mac=[7], by_serial=[3])) == (7, "mac")


def test_choose_by_serial_when_mac_changed():
    assert choose_device(host("00:11:32:00:00:02", serial="CN12345678"), Candidates(by_serial=[3])) == (3, "serial")


def test_ip_only_matches_when_no_mac_visible():
    assert choose_device(host(None), Candidates(by_ip_without_mac=[4]))[0] == 4
    assert choose_device(host("00:11:32:00:00:02"), Candidates(by_ip_without_mac=[4]))[0] is None


def test_random_mac_matches_by_hostname():
    h = host("da:00:00:00:00:01", hostname="alices-phone")
    assert choose_device(h, Candidates(by_hostname_random_mac=[9])) == (9, "hostname (randomised mac)")


def test_new_device():
    assert choose_device(host("00:11:32:00:00:01"), Candidates()) == (None, "new")


@pytest.mark.parametrize("serial, ok", [("PHBQB12345", True), ("0000000000", False), ("To Be Filled By O.E.M.", False),
                                        ("N/A", False), ("abc", False), (None, False)])
def test_placeholder_serials_never_link_devices(serial, ok):
    h = host("00:11:32:00:00:02", **({"serial": serial} if serial else {}))
    assert (choose_device(h, Candidates(by_serial=[3]))[0] == 3) is ok


def test_strong_identifier_joins_only_when_one_device_has_it():
    h = host("00:11:32:00:00:02")
    assert choose_device(h, Candidates(by_strong_identifier=[5])) == (5, "identifier")
    # cloned machines share an SMB GUID: two owners means no join
    assert choose_device(h, Candidates(by_strong_identifier=[5, 6]))[0] is None
    # a globally unique MAC still wins
    assert choose_device(h, Candidates(by_mac=[2], by_strong_identifier=[5])) == (2, "mac")


def test_weak_identifier_joins_only_randomised_macs():
    assert choose_device(host("da:00:00:00:00:01"), Candidates(by_weak_identifier_random_mac=[8]))[0] == 8
    assert choose_device(host("00:11:32:00:00:02"), Candidates(by_weak_identifier_random_mac=[8]))[0] is None


def test_unknown_identifier_kind_is_refused():
    from collector.model import Identifier

    with pytest.raises(ValueError):
        Identifier("favourite_colour", "blue", "t")
    with pytest.raises(ValueError):
        Identifier("smb_guid", "", "t")
