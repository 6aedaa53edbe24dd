"""SNMP credentials from config: versions, ranges, secrets by reference."""

from __future__ import annotations

import pytest

from collector.config import ConfigError, load_settings, public_view
from collector.snmp.credentials import CredentialError, credentials_from, parse_credential, parse_v3_flag


def write(tmp_path, text):
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


def test_order_ranges_and_secrets_from_env_and_file(tmp_path):
    (tmp_path / "priv").write_text("priv-secret-123\n")
    cfg = write(tmp_path, f"""
[[snmp.credentials]]
name = "office-v3"
version = "3"
user = "inv"
auth_protocol = "SHA-256"
auth_key = "env:AUTHKEY"
priv_protocol = "aes256"
priv_key = "file:{tmp_path / 'priv'}"
ranges = ["10.1.0.0/16"]

[[snmp.credentials]]
name = "printers"
version = "1"
community = "print-ro"
ranges = ["10.1.5.0/24"]

[snmp]
communities = ["public"]
""")
    env = {"AUTHKEY": "auth-secret-123"}
    settings = load_settings(cfg, environ=env)
    creds = credentials_from(settings, env)
    assert [c.name for c in creds] == ["office-v3", "printers", "community-1"]
    v3 = creds[0]
    assert (v3.auth_key, v3.priv_key, v3.auth_protocol, v3.level) == ("auth-secret-123", "priv-secret-123",
                                                                      "sha256", "authPriv")
    assert v3.allows("10.1.2.3") and not v3.allows("10.2.0.1")
    assert creds[1].allows("10.1.5.9") and not creds[1].allows("10.1.6.9")
    assert creds[2].allows("192.168.1.1")
    # nothing secret in what gets logged or stored
    view = str(public_view(settings))
    assert "auth-secret" not in view and "print-ro" not in view and "env:AUTHKEY" not in view
    assert "auth-secret" not in repr(v3) and "auth-secret" not in v3.describe()


@pytest.mark.parametrize("entry, message", [
    ({"version": "2c", "community": "x"}, "needs a name"),
    ({"name": "a", "version": "4", "community": "x"}, "version must be"),
    ({"name": "a", "version": "2c"}, "needs a community"),
    ({"name": "a", "version": "3"}, "needs a user"),
    ({"name": "a", "version": "3", "user": "u", "auth_protocol": "sha1x", "auth_key": "12345678"}, "auth_protocol"),
    ({"name": "a", "version": "3", "user": "u", "priv_protocol": "aes", "priv_key": "12345678"}, "privacy needs"),
    ({"name": "a", "version": "3", "user": "u", "auth_protocol": "sha", "auth_key": "short"}, "at least 8"),
    ({"name": "a", "version": "3", "user": "u", "auth_protocol": "sha", "auth_key": "env:NOPE"}, "NOPE is not set"),
    ({"name": "a", "community": "x", "ranges": ["not-a-net"]}, "not a network"),
    ({"name": "a", "community": "x", "colour": "blue"}, "unknown key"),
    ({"name": "a", "version": "2c", "community": "x", "user": "u"}, "only apply to version 3"),
])
def test_bad_credentials_get_clear_errors(entry, message):
    with pytest.raises(CredentialError, match=message):
        parse_credential(entry, "snmp.credentials[0]", environ={})


def test_bad_credential_in_a_config_file_is_a_config_error(tmp_path):
    cfg = write(tmp_path, '[[snmp.credentials]]\nname = "x"\nversion = "3"\n')
    with pytest.raises(ConfigError, match="needs a user"):
        load_settings(cfg, environ={})


def test_v3_flag_forms():
    assert parse_v3_flag("inv", 1, {}).level == "noAuthNoPriv"
    c = parse_v3_flag("inv:sha:env:K:aes128:env:K", 2, {"K": "k-secret-99"})
    assert (c.name, c.level, c.auth_key, c.priv_protocol) == ("v3-flag-2", "authPriv", "k-secret-99", "aes128")
    with pytest.raises(CredentialError, match="expected USER"):
        parse_v3_flag("inv:sha", 1, {})


def test_duplicate_names_refused(tmp_path):
    cfg = write(tmp_path, '[[snmp.credentials]]\nname = "a"\ncommunity = "x"\n'
                          '[[snmp.credentials]]\nname = "a"\ncommunity = "y"\n')
    with pytest.raises(ConfigError, match="unique"):
        load_settings(cfg, environ={})
