"""Settings: defaults < TOML file < environment (LAN_COLLECTOR_*) < flags.

One name per setting everywhere: TOML ``scan.rate``, environment
``LAN_COLLECTOR_SCAN_RATE``, flag ``--rate`` / ``--scan-rate``. Every value
is checked for its type and range wherever it comes from, so a bad value is
one clear error naming where it was written, never a hang later (a timeout
of ``inf``) or a traceback (``nan``).
"""

from __future__ import annotations

import difflib
import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DEFAULT_CONFIG = Path("/etc/lan-collector/config.toml")
#: A config file is a page of settings; a bigger one is a mistake.
MAX_CONFIG_BYTES = 1 << 20
#: The largest scope a scan accepts whatever --max-hosts says (a /14): every
#: address costs memory in the probe journal, so bigger scans must be split.
MAX_SCOPE = 262144


class ConfigError(ValueError):
    pass


@dataclass
class Settings:
    # [store]
    db: str = "inventory.db"
    # [scan]
    targets: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    plugins: list[str] = field(default_factory=lambda: ["arp", "tcpping", "snmp", "banners", "http", "dns", "nmap",
                                                        "smb", "netbios", "wsd", "mdns", "ssdp"])
    rate: int = 2000  # packets per second, global cap
    retries: int = 1  # extra rounds for silent addresses (2 tries in all, as arp-scan)
    timeout: float = 0.5  # longest wait for late replies after a round (adaptive below it)
    allow_public: bool = False
    max_hosts: int | None = None
    concurrency: int = 32  # hosts probed at once by enrich plugins
    # [nmap]
    nmap_os: bool = False  # nmap -O (needs raw sockets; heavier, opt-in)
    # [snmp]
    snmp_communities: list[str] = field(default_factory=lambda: ["public"])
    snmp_timeout: float = 1.0
    snmp_retries: int = 1
    snmp_credentials: list[dict[str, Any]] = field(default_factory=list)  # [[snmp.credentials]] tables
    snmp_v3: list[str] = field(default_factory=list)  # --snmp-v3 USER:AUTH:KEY[:PRIV:KEY]
    snmp_port: int = 161
    snmp_max_values: int = 20000  # per device: values read before the walk stops
    snmp_device_budget: float = 60.0  # per device: seconds before the walk stops
    snmp_record_dir: str = ""  # write each device's walk there as <ip>.snmprec (bug reports, fixtures)
    # [mdns] / [ssdp] / [passive]
    mdns_listen_seconds: float = 3.0  # how long mDNS answers are collected (runs beside the other probes)
    ssdp_listen_seconds: float = 2.0  # how long M-SEARCH answers are collected before descriptions are read
    passive_enabled: bool = False  # also run the passive listener (only listens: DHCP, mDNS, SSDP)
    # [smb] [netbios] [wsd]
    smb_timeout: float = 2.0  # per SMB exchange (connect, negotiate, session setup)
    netbios_timeout: float = 1.0  # wait for node-status replies after the last query
    wsd_timeout: float = 2.5  # WS-Discovery: how long to listen for ProbeMatches
    wsd_metadata: bool = True  # fetch WSD metadata (model, serial, computer name) from in-scope XAddrs


#: TOML section.key -> Settings attribute
KEYS: dict[str, str] = {
    "store.db": "db",
    "scan.targets": "targets",
    "scan.exclude": "exclude",
    "scan.plugins": "plugins",
    "scan.rate": "rate",
    "scan.retries": "retries",
    "scan.timeout": "timeout",
    "scan.allow_public": "allow_public",
    "scan.max_hosts": "max_hosts",
    "scan.concurrency": "concurrency",
    "nmap.os": "nmap_os",
    "snmp.communities": "snmp_communities",
    "snmp.timeout": "snmp_timeout",
    "snmp.retries": "snmp_retries",
    "snmp.credentials": "snmp_credentials",
    "snmp.v3": "snmp_v3",
    "snmp.port": "snmp_port",
    "snmp.max_values": "snmp_max_values",
    "snmp.device_budget": "snmp_device_budget",
    "snmp.record_dir": "snmp_record_dir",
    "mdns.listen_seconds": "mdns_listen_seconds",
    "ssdp.listen_seconds": "ssdp_listen_seconds",
    "passive.enabled": "passive_enabled",
    "smb.timeout": "smb_timeout",
    "netbios.timeout": "netbios_timeout",
    "wsd.timeout": "wsd_timeout",
    "wsd.metadata": "wsd_metadata",
}
#: Settings that must never be printed or stored.
SECRET = {"snmp_communities", "snmp_v3"}


@dataclass(frozen=True)
class Bound:
    """The accepted range of a numeric setting: ``low`` excluded when
    ``open_low`` (a timeout of 0 makes no sense), ``high`` included."""

    low: float
    high: float
    unit: str = ""
    open_low: bool = False

    def describe(self) -> str:
        low = f"more than {_num(self.low)}" if self.open_low else f"at least {_num(self.low)}"
        return f"{low} and at most {_num(self.high)}{' ' + self.unit if self.unit else ''}"


#: Every numeric setting and its bounds (README "Configuration" lists them).
BOUNDS: dict[str, Bound] = {
    "rate": Bound(1, 100_000, "packets per second"),
    "retries": Bound(0, 10),
    "timeout": Bound(0, 60, "seconds", open_low=True),
    "max_hosts": Bound(1, MAX_SCOPE, "addresses"),
    "concurrency": Bound(1, 1024, "hosts"),
    "snmp_timeout": Bound(0, 60, "seconds", open_low=True),
    "snmp_retries": Bound(0, 10),
    "snmp_port": Bound(1, 65535),
    "snmp_max_values": Bound(1, 1_000_000, "values"),
    "snmp_device_budget": Bound(0, 3600, "seconds", open_low=True),
    "mdns_listen_seconds": Bound(0, 30, "seconds", open_low=True),
    "ssdp_listen_seconds": Bound(0, 30, "seconds", open_low=True),
    "smb_timeout": Bound(0, 60, "seconds", open_low=True),
    "netbios_timeout": Bound(0, 60, "seconds", open_low=True),
    "wsd_timeout": Bound(0, 60, "seconds", open_low=True),
}
#: Longest list a list setting may hold, and longest item.
MAX_ITEMS, MAX_ITEM_CHARS = 100_000, 4096
#: Flag names where they are not ``--`` + the attribute.
FLAG_NAMES = {"targets": "target", "snmp_communities": "--snmp-community"}


def env_name(key: str) -> str:
    return "LAN_COLLECTOR_" + key.replace(".", "_").upper()


def flag_name(attr: str) -> str:
    return FLAG_NAMES.get(attr, "--" + attr.replace("_", "-"))


def _num(x: float) -> str:
    if isinstance(x, int) and abs(x) > 10 ** 18:  # printing a 5,000-digit number is itself an error
        return f"{'-' if x < 0 else ''}about 2^{abs(x).bit_length()}"
    return f"{int(x):,}" if float(x).is_integer() else str(x)


def _defaults() -> dict[str, Any]:
    defaults = Settings()
    return {f.name: getattr(defaults, f.name) for f in fields(Settings)}


def _text(value: Any, typed: bool, what: str) -> str:
    if not isinstance(value, str):
        if typed:
            raise ValueError(f"expected {what}, got {_show(value)}")
        value = str(value)
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    if len(value) > MAX_ITEM_CHARS:
        raise ValueError(f"is too long ({len(value):,} characters; at most {MAX_ITEM_CHARS:,})")
    return value


def _show(value: Any) -> str:
    kind = {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)
    text = repr(value)
    return f"{kind} {text[:60]}{'...' if len(text) > 60 else ''}"


def _coerce(attr: str, value: Any, where: str, typed: bool) -> Any:
    """``value`` as the setting's type, within its bounds. ``typed`` values
    come from TOML or flags and must already have the right type; the
    environment gives strings, which are parsed."""
    default = _defaults()[attr]
    try:
        if isinstance(default, bool):
            if isinstance(value, bool):
                return value
            if typed and not isinstance(value, str):
                raise ValueError(f"expected true or false, got {_show(value)}")
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"expected true or false, got {value!r}")
        if attr == "snmp_credentials":
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise ValueError("expected [[snmp.credentials]] tables")
            if len(value) > 1000:
                raise ValueError("at most 1,000 credentials")
            return value  # checked entry by entry at the end of load_settings
        if isinstance(default, list):
            if isinstance(value, str):
                items = [v.strip() for v in value.split(",") if v.strip()]
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                items = list(value)
            else:
                raise ValueError(f"expected a list of strings, got {_show(value)}")
            if len(items) > MAX_ITEMS:
                raise ValueError(f"has {len(items):,} entries; at most {MAX_ITEMS:,}")
            for item in items:
                _text(item, True, "a string")
                if not item.strip():
                    raise ValueError("has an empty entry")
            if attr == "plugins" and not items:
                raise ValueError("needs at least one plugin")
            return items
        if attr in BOUNDS or isinstance(default, (int, float)):
            # a numeric setting without declared bounds (tests require them) is at least finite and >= 0
            bound = BOUNDS.get(attr, Bound(0, 2 ** 31))
            number = _number(value, whole=isinstance(default, int) or attr == "max_hosts")
            if not math.isfinite(number):
                raise ValueError(f"must be a finite number ({bound.describe()}), got {value!r}")
            if number < bound.low or (bound.open_low and number <= bound.low) or number > bound.high:
                raise ValueError(f"must be {bound.describe()}, got {_num(number)}")
            return number
        if isinstance(default, str):
            text = _text(value, typed, "a string")
            if attr == "db" and not text.strip():
                raise ValueError("must name a file (it is empty)")
            return text
        raise ValueError(f"unsupported value {_show(value)}")
    except (TypeError, ValueError, OverflowError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _number(value: Any, whole: bool) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {_show(value)}")
    if isinstance(value, str):
        text = value.strip()
        try:
            number: Any = int(text) if whole else float(text)
        except ValueError:
            raise ValueError(f"expected {'a whole number' if whole else 'a number'}, got {value!r}") from None
        return number
    if not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {_show(value)}")
    if whole:
        if isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                raise ValueError(f"expected a whole number, got {value!r}")
            return int(value)
        return value
    return float(value)


def load_settings(config_path: str | Path | None = None, overrides: dict[str, Any] | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Build settings. ``overrides`` maps Settings attributes to flag values
    (None means the flag was not given)."""
    environ = dict(os.environ if environ is None else environ)
    settings = Settings()
    path = config_path or environ.get("LAN_COLLECTOR_CONFIG")
    if path is not None and config_path is None and not str(path).strip():
        raise ConfigError("LAN_COLLECTOR_CONFIG is set but empty: unset it or name a config file")
    if path:
        _apply_file(settings, Path(path))
    _check_env_names(environ)
    for key, attr in KEYS.items():
        if env_name(key) in environ:
            setattr(settings, attr, _coerce(attr, environ[env_name(key)], env_name(key), typed=False))
    for attr, value in (overrides or {}).items():
        if value is None or value == () or value == []:
            continue
        setattr(settings, attr, _coerce(attr, list(value) if isinstance(value, tuple) else value, flag_name(attr),
                                        typed=not isinstance(value, (tuple, list))))
    if settings.passive_enabled and "passive" not in settings.plugins:
        settings.plugins = [*settings.plugins, "passive"]
    if settings.snmp_v3 or settings.snmp_credentials:
        from collector.snmp.credentials import CredentialError, credentials_from

        try:
            credentials_from(settings, environ)
        except CredentialError as exc:
            raise ConfigError(f"SNMP credentials: {exc}") from None
    return settings


#: Prefixes of setting variables: an unknown name under them is a typo.
_ENV_SECTIONS = tuple(sorted({env_name(k.split(".")[0]) + "_" for k in KEYS}))


def _check_env_names(environ: dict[str, str]) -> None:
    known = {env_name(k) for k in KEYS}
    for name in sorted(environ):
        if name.startswith(_ENV_SECTIONS) and name not in known:
            raise ConfigError(f"unknown environment variable {name}{_suggest(name, known)}")


def _suggest(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _apply_file(settings: Settings, path: Path) -> None:
    from collector.textfile import TextFileError, read_text_file

    try:
        data = tomllib.loads(read_text_file(path, "config file", MAX_CONFIG_BYTES))
    except TextFileError as exc:
        raise ConfigError(str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except ValueError as exc:  # tomllib itself: an integer of thousands of digits
        raise ConfigError(f"{path}: not a usable TOML value: {str(exc)[:120]}") from None
    for section, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: top-level key {section!r} must be a [section]")
        for key, value in table.items():
            full = f"{section}.{key}"
            if full not in KEYS:
                hint = _suggest(full, KEYS) or f" (known: {', '.join(sorted(KEYS))})"
                raise ConfigError(f"{path}: unknown setting {full!r}{hint}")
            attr = KEYS[full]
            setattr(settings, attr, _coerce(attr, value, f"{path}: {full}", typed=True))


def public_view(settings: Settings) -> dict[str, Any]:
    """Settings safe to log or store: secrets replaced by a count."""
    out: dict[str, Any] = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if f.name == "snmp_credentials":
            out[f.name] = [{k: v for k, v in c.items() if k in ("name", "version", "user", "auth_protocol",
                                                                "priv_protocol", "ranges")} for c in value]
        else:
            out[f.name] = f"<{len(value)} secret(s)>" if f.name in SECRET else value
    return out
