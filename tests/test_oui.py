from collector.oui import vendor_for_mac


def test_known_vendors():
    assert vendor_for_mac("00:11:32:aa:bb:cc") == "Synology Incorporated"
    assert vendor_for_mac("3C:D9:2B:00:00:01") == "Hewlett Packard"


def test_random_and_invalid_have_no_vendor():
    assert vendor_for_mac("da:97:79:5e:00:0b") is None
    assert vendor_for_mac("not a mac") is None


def test_the_cached_index_gives_scapys_own_answers(tmp_path, monkeypatch):
    import random

    from scapy.config import conf

    from collector import oui

    monkeypatch.setenv("CACHE_DIRECTORY", str(tmp_path))
    monkeypatch.setattr(oui, "_table", None)
    table = oui._load()  # derived from scapy's table, written to the cache
    assert list(tmp_path.glob("oui-scapy-*.tsv"))
    monkeypatch.setattr(oui, "_table", None)
    assert oui._load() == table  # read back from the cache
    rng = random.Random(7)
    for key in rng.sample(sorted(table), 500):
        mac = f"{key[:2]}:{key[2:4]}:{key[4:]}:01:02:03"
        theirs = conf.manufdb._get_manuf(mac)
        if int(key[:2], 16) & 2:
            continue  # locally administered: no vendor by design
        assert oui.vendor_for_mac(mac) == (None if theirs.lower() == mac else theirs)


def test_a_corrupt_cache_is_rebuilt(tmp_path, monkeypatch):
    from collector import oui

    monkeypatch.setenv("CACHE_DIRECTORY", str(tmp_path))
    oui._cache_path().write_text("garbage\nno tabs here\n")
    monkeypatch.setattr(oui, "_table", None)
    assert oui.vendor_for_mac("00:00:0c:01:02:03") == "Cisco Systems, Inc"
    assert len(oui._cache_path().read_text().splitlines()) > 10000
