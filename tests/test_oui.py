from collector.oui import vendor_for_mac


def test_known_vendors():
    assert vendor_for_mac("00:11:32:aa:bb:cc") == "Synology Incorporated"
    assert vendor_for_mac("3C:D9:2B:00:00:01") == "Hewlett Packard"


def test_random_and_invalid_have_no_vendor():
    assert vendor_for_mac("da:97:79:5e:00:0b") is None
    assert vendor_for_mac("not a mac") is None
