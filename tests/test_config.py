import pytest

from collector.config import ConfigError, env_name, load_settings, public_view


def test_precedence_file_env_flag(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[scan]\nrate = 100\nretries = 3\nplugins = ["arp"]\n[store]\ndb = "/x.db"\n')
    s = load_settings(cfg, environ={})
    assert (s.rate, s.retries, s.plugins, s.db) == (100, 3, ["arp"], "/x.db")
    s = load_settings(cfg, environ={"LAN_COLLECTOR_SCAN_RATE": "200"})
    assert s.rate == 200 and s.retries == 3
    s = load_settings(cfg, {"rate": 300, "retries": None}, environ={"LAN_COLLECTOR_SCAN_RATE": "200"})
    assert s.rate == 300 and s.retries == 3


def test_env_lists_and_bools():
    s = load_settings(None, environ={"LAN_COLLECTOR_SCAN_PLUGINS": "arp, snmp",
                                     "LAN_COLLECTOR_SCAN_ALLOW_PUBLIC": "yes"})
    assert s.plugins == ["arp", "snmp"] and s.allow_public is True


def test_config_from_env_path(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[scan]\ntimeout = 1.5\n")
    assert load_settings(None, environ={"LAN_COLLECTOR_CONFIG": str(cfg)}).timeout == 1.5


@pytest.mark.parametrize("text, message", [
    ("[scan]\nrate = 'fast'\n", "scan.rate"),
    ("[scan]\nrate = -5\n", "at least 1 and at most 100,000"),
    ("[scan]\nrate = 0\n", "at least 1"),
    ("[scan]\nspeed = 5\n", "unknown setting 'scan.speed'"),
    ("rate = 5\n", "must be a \\[section\\]"),
    ("[scan\n", "not valid TOML"),
    ("[scan]\nallow_public = 'maybe'\n", "true or false"),
    ("[scan]\ntargets = [1, 2]\n", "list of strings"),
])
def test_bad_config_is_a_clear_error(tmp_path, text, message):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(cfg, environ={})


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_secrets_never_in_public_view():
    s = load_settings(None, {"snmp_communities": ("s3cret", "other")}, environ={})
    view = public_view(s)
    assert "s3cret" not in repr(view) and view["snmp_communities"] == "<2 secret(s)>"


def test_env_names():
    assert env_name("scan.rate") == "LAN_COLLECTOR_SCAN_RATE"


def test_every_numeric_setting_has_documented_bounds():
    from dataclasses import fields

    from collector.config import BOUNDS, KEYS, Settings

    readme = (__import__("pathlib").Path(__file__).parent.parent / "README.md").read_text()
    defaults = Settings()
    for key, attr in KEYS.items():
        value = getattr(defaults, attr)
        if attr == "max_hosts" or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            assert attr in BOUNDS, f"{key} needs bounds in collector.config.BOUNDS"
            row = next((line for line in readme.splitlines() if line.startswith("| `") and f"`{key}`" in
                        line.split("|")[1]), "")
            assert row.count("|") >= 5, f"README's settings table needs a bounds column for {key}"
    assert {f.name for f in fields(Settings)} == set(KEYS.values())
