"""Settings: defaults < TOML file < environment (LAN_COLLECTOR_*) < flags.

One name per setting everywhere: TOML ``scan.rate``, environment
``LAN_COLLECTOR_SCAN_RATE``, flag ``--rate`` / ``--scan-rate``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DEFAULT_CONFIG = Path("/etc/lan-collector/config.toml")


class ConfigError(ValueError):
    pass


@dataclass
class Settings:
    # [store]
    db: str = "inventory.db"
    # [scan]
    targets: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    plugins: list[str] = field(default_factory=lambda: ["arp", "tcpping", "snmp", "banners", "http", "dns", "nmap"])
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
}
#: Settings that must never be printed or stored.
SECRET = {"snmp_communities", "snmp_v3"}


def env_name(key: str) -> str:
    return "LAN_COLLECTOR_" + key.replace(".", "_").upper()


def _types() -> dict[str, Any]:
    defaults = Settings()
    return {f.name: getattr(defaults, f.name) for f in fields(Settings)}


def _coerce(attr: str, value: Any, where: str) -> Any:
    default = _types()[attr]
    try:
        if isinstance(default, bool):
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"expected true or false, got {value!r}")
        if attr == "snmp_credentials":
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise ValueError("expected [[snmp.credentials]] tables")
            return value  # checked entry by entry at the end of load_settings
        if isinstance(default, list):
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return value
            raise ValueError(f"expected a list of strings, got {value!r}")
        if isinstance(default, int) or (default is None and attr == "max_hosts"):
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(f"expected a whole number, got {value!r}")
            number = int(value)
            if number < 0:
                raise ValueError("must not be negative")
            return number
        if isinstance(default, float):
            seconds = float(value)
            if seconds < 0:
                raise ValueError("must not be negative")
            return seconds
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def load_settings(config_path: str | Path | None = None, overrides: dict[str, Any] | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Build settings. ``overrides`` maps Settings attributes to flag values
    (None means the flag was not given)."""
    environ = dict(os.environ if environ is None else environ)
    settings = Settings()
    path = config_path or environ.get("LAN_COLLECTOR_CONFIG")
    if path:
        _apply_file(settings, Path(path))
    for key, attr in KEYS.items():
        if env_name(key) in environ:
            setattr(settings, attr, _coerce(attr, environ[env_name(key)], env_name(key)))
    for attr, value in (overrides or {}).items():
        if value is None or value == () or value == []:
            continue
        setattr(settings, attr, _coerce(attr, list(value) if isinstance(value, tuple) else value, f"--{attr}"))
    if settings.rate == 0:
        raise ConfigError("scan.rate must be at least 1 packet per second")
    if settings.snmp_v3 or settings.snmp_credentials:
        from collector.snmp.credentials import CredentialError, credentials_from

        try:
            credentials_from(settings, environ)
        except CredentialError as exc:
            raise ConfigError(f"SNMP credentials: {exc}") from None
    return settings


def _apply_file(settings: Settings, path: Path) -> None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    for section, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: top-level key {section!r} must be a [section]")
        for key, value in table.items():
            full = f"{section}.{key}"
            if full not in KEYS:
                known = ", ".join(sorted(KEYS))
                raise ConfigError(f"{path}: unknown setting {full!r} (known: {known})")
            attr = KEYS[full]
            setattr(settings, attr, _coerce(attr, value, f"{path}: {full}"))


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
