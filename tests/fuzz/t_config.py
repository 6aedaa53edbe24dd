"""Fuzz targets: configuration (TOML files and LAN_COLLECTOR_* environment
values through collector.config.load_settings) and scan targets
(collector.scope.build_scope, directly and through a targets file).

Nothing here resolves a name or reads a file outside the run's own
directory: targets are parsed with ``resolve=False`` and no attached
interfaces, ``@FILE`` and ``file:`` secrets are pointed into a private
temporary directory."""

from __future__ import annotations

import atexit
import ipaddress
import math
import os
import random
import re
import shutil
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from collector.config import ConfigError
from collector.scope import ScopeError
from fuzz.mutate import NUMBERS, with_tokens
from fuzz.registry import check, target

REPO = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def _workdir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="lan-collector-fuzz-"))
    owner = os.getpid()  # forked workers share it; the process that made it removes it
    atexit.register(lambda: os.getpid() == owner and shutil.rmtree(path, ignore_errors=True))
    (path / "secret").write_text("s3cret-key\n")
    (path / "targets.txt").write_text("10.0.0.1\n")
    return path


# -- configuration ----------------------------------------------------------------


def _uncommented(text: str) -> str:
    """The shipped example with its commented-out settings switched on."""
    out = []
    for line in text.splitlines():
        m = re.match(r"# ((?:\[\[?[a-z.]+\]\]?)|(?:[a-z_]+ = .*))$", line)
        out.append(m.group(1) if m else line)
    return "\n".join(out) + "\n"


def _config_seeds() -> list[bytes]:
    _workdir()  # made here, in the runner's main process, before the workers fork
    example = (REPO / "systemd" / "config.toml.example").read_text()
    every_key = ('[store]\ndb = "/var/lib/lan-collector/inventory.db"\n'
                 '[scan]\ntargets = ["10.0.0.0/24", "10.0.1.5-40"]\nexclude = ["10.0.0.1"]\n'
                 'plugins = ["arp", "snmp"]\nrate = 100\nretries = 3\ntimeout = 1.5\nallow_public = false\n'
                 'max_hosts = 4096\nconcurrency = 8\n[nmap]\nos = true\n'
                 '[snmp]\ncommunities = ["public", "private"]\ntimeout = 1.0\nretries = 1\n'
                 'v3 = ["inventory:sha256:authkey123:aes128:privkey123"]\nport = 161\nmax_values = 20000\n'
                 'device_budget = 60.0\nrecord_dir = "/tmp/walks"\n'
                 '[[snmp.credentials]]\nname = "v1"\nversion = "1"\ncommunity = "env:PRINTER_COMMUNITY"\n'
                 'ranges = ["10.0.0.200/29"]\n')
    return [example.encode(), _uncommented(example).encode(), every_key.encode()]


_TOML_TOKENS = tuple(v for v in NUMBERS if v) + (
    b"[scan]\n", b"[snmp]\n", b"[[snmp.credentials]]\n", b"[store]\n", b"[nmap]\n", b" = ", b'"', b"'", b'"""',
    b"[", b"]", b"{", b"}", b",", b"true", b"false", b"1979-05-27T07:32:00Z", b"[[1, 2], [3]]", b"{a = 1}",
    b"[" * 60 + b"]" * 60, b"x.y.z = 1\n", b"rate = ", b"timeout = ", b"port = ", b"ranges = ", b"version = ",
    b"env:", b"file:secret", b"auth_protocol = \"md7\"\n", b"priv_key = \"\"\n", b"\\u0000", b"\\x", b"#")


def _config_swap(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """A setting's value replaced by one of another TOML type."""
    lines = data.split(b"\n")
    settable = [i for i, ln in enumerate(lines) if b" = " in ln and not ln.startswith(b"#")]
    if not settable:
        return data
    i = rng.choice(settable)
    key = lines[i].split(b" = ", 1)[0]
    value = rng.choice([b'"x"', b"''", b"-1", b"0", b"inf", b"nan", b"-inf", b"1e308", b"99999999999999999999",
                        b"true", b"[]", b"[1]", b'["a", 1]', b"{}", b"{x = 1}", b"1979-05-27", b"0.0001", b"07:32:00",
                        b'"10.0.0.0/33"', b'["@/dev/null"]', b'"env:NOPE"', b'"file:secret"', b'"' + b"A" * 5000 + b'"'])
    lines[i] = key + b" = " + value
    return b"\n".join(lines)


def _safe_secrets(data: bytes) -> bytes:
    # file: secrets may only name files in the fuzz directory
    return re.sub(rb"file:/*", b"file:" + str(_workdir()).encode() + b"/", data)


def _check_settings(settings: object) -> None:
    from collector.config import Settings

    assert isinstance(settings, Settings)
    defaults = Settings()
    for name, default in vars(defaults).items():
        value = getattr(settings, name)
        if isinstance(default, bool):
            check(isinstance(value, bool), f"{name} = {value!r}")
        elif isinstance(default, int) or name == "max_hosts":
            check(value is None if name == "max_hosts" and value is None else isinstance(value, int),
                  f"{name} = {value!r}")
        elif isinstance(default, float):
            check(isinstance(value, float) and math.isfinite(value) and value >= 0, f"{name} = {value!r}")
        elif isinstance(default, list):
            check(isinstance(value, list), f"{name} = {value!r}")
    from collector.config import BOUNDS

    for name, bound in BOUNDS.items():  # every declared bound holds
        value = getattr(settings, name)
        if value is not None:
            check(bound.low <= value <= bound.high and not (bound.open_low and value <= bound.low),
                  f"{name} = {value!r} outside {bound.describe()}")


@target("config-toml", "TOML configuration files (collector/config.py load_settings, credentials); "
        "expected: ConfigError", seeds=_config_seeds, expected=(ConfigError,), mutators=(_config_swap, with_tokens(_TOML_TOKENS)),
        covers=("collector/config.py", "collector/snmp/credentials.py"))
def run_config_toml(data: bytes) -> object:
    from collector.config import load_settings

    path = _workdir() / f"config-{os.getpid()}.toml"
    path.write_bytes(_safe_secrets(data))
    settings = load_settings(path, environ={"PRINTER_COMMUNITY": "printers"})
    _check_settings(settings)
    return settings



def _env_seeds() -> list[bytes]:
    from collector.config import KEYS, env_name

    values = {"store.db": "/var/lib/lan-collector/inventory.db", "scan.targets": "10.0.0.0/24,10.0.1.5-40",
              "scan.exclude": "10.0.0.1", "scan.plugins": "arp,snmp", "scan.rate": "100", "scan.retries": "2",
              "scan.timeout": "0.5", "scan.allow_public": "no", "scan.max_hosts": "4096", "scan.concurrency": "8",
              "nmap.os": "1", "snmp.communities": "public,private", "snmp.timeout": "1.0", "snmp.retries": "1",
              "snmp.credentials": "", "snmp.v3": "inventory:sha:authkey123:aes128:privkey123", "snmp.port": "161",
              "snmp.max_values": "20000", "snmp.device_budget": "60", "snmp.record_dir": "/tmp/walks"}
    from collector.config import Settings

    defaults = Settings()

    def value_of(key: str) -> str:
        if key in values:
            return values[key]
        default = getattr(defaults, KEYS[key])
        return ",".join(default) if isinstance(default, list) else str(default).lower() \
            if isinstance(default, bool) else str(default)

    lines = [f"{env_name(k)}={value_of(k)}" for k in KEYS]
    return ["\n".join(lines[i::3]).encode() for i in range(3)] + ["\n".join(lines).encode()]


@target("config-env", "LAN_COLLECTOR_* environment values (collector/config.py load_settings); "
        "expected: ConfigError", seeds=_env_seeds, expected=(ConfigError,), mutators=(with_tokens(_TOML_TOKENS),),
        covers=("collector/config.py", "collector/snmp/credentials.py"))
def run_config_env(data: bytes) -> object:
    from collector.config import load_settings

    environ = {}
    for line in _safe_secrets(data).decode("utf-8", errors="surrogateescape").split("\n"):
        name, eq, value = line.partition("=")
        if eq and name != "LAN_COLLECTOR_CONFIG":
            environ[name] = value
    settings = load_settings(None, environ=environ)
    _check_settings(settings)
    return settings


# -- scan targets --------------------------------------------------------------

TARGET_SEEDS = [
    # the syntax the README and tests/test_scope.py use, and lab scopes
    "192.168.1.0/24", "10.0.0.5-40", "10.0.0.5-10.0.1.9", "10.0.0.0/30\n10.0.0.7\n10.0.0.6/31",
    "10.0.0.254-10.0.1.1\n!10.0.0.255", "100.64.0.1", "192.168.1.5/24\n!192.168.1.7-9",
    "198.18.0.0/24\n198.18.1.0/24", "8.8.8.8", "10.0.0.0/8", "printer.office.example", "# office\n10.0.0.1\n",
    "10.0.0.2 10.0.0.3  # printers", "127.0.0.5", "fe80::1", "10.0.0.9-3", "10.0.0.300", "10.0.1-3.1-254",
    "198.18.0.1-", "10.0.0.1,5,7", "10.0.0.*", "@targets.txt",
]


def _target_seeds() -> list[bytes]:
    return [s.encode() for s in TARGET_SEEDS]


_TARGET_TOKENS = (b"/", b"-", b".", b",", b"*", b"!", b"@", b"#", b" ", b"\n", b"/0", b"/32", b"/33", b"0.0.0.0",
                  b"255.255.255.255", b"224.0.0.1", b"169.254.169.254", b"::", b"%eth0", b"0x7f.1", b"017.0.0.1",
                  b"1e3", b"\xd9\xa1", b"localhost")


def _check_scope(scope: object, limit: int) -> None:
    from collector.scope import Scope

    assert isinstance(scope, Scope)
    check(scope.size() <= limit, f"scope of {scope.size()} over the limit")
    refused = [(int(ipaddress.IPv4Address("224.0.0.0")), int(ipaddress.IPv4Address("255.255.255.255"))),
               (int(ipaddress.IPv4Address("169.254.169.254")),) * 2, (0, int(ipaddress.IPv4Address("0.255.255.255")))]
    for first, last in scope.intervals():
        for low, high in refused:
            check(last < low or first > high, f"refused addresses in scope: {first}-{last}")
    scope.describe()


def _specs(text: str) -> tuple[list[str], list[str]]:
    targets, excludes = [], []
    for line in text.split("\n"):
        for spec in line.split(" ") if not line.startswith("#") else []:
            if spec.startswith("@"):
                spec = "@" + str(_workdir() / "targets.txt")  # @FILE reads only the fuzz directory's file
            (excludes if spec.startswith("!") else targets).append(spec.lstrip("!"))
    return targets, excludes


@target("targets", "scan targets and exclusions (collector/scope.py build_scope, parse_target), without "
        "name resolution; expected: ScopeError", seeds=_target_seeds, expected=(ScopeError,), mutators=(with_tokens(_TARGET_TOKENS),),
        covers=("collector/scope.py",))
def run_targets(data: bytes) -> object:
    from collector.scope import build_scope

    targets, excludes = _specs(data.decode("utf-8", errors="replace"))
    limit = 65536
    scope = build_scope(targets, excludes, allow_public=bool(len(data) % 2), max_hosts=limit, interfaces=[],
                        resolve=False)
    _check_scope(scope, limit)
    return scope


@target("targets-file", "a targets file as read from disk (collector/scope.py read_target_file via @FILE); "
        "expected: ScopeError", seeds=_target_seeds, expected=(ScopeError,), mutators=(with_tokens(_TARGET_TOKENS),),
        covers=("collector/scope.py",))
def run_targets_file(data: bytes) -> object:
    from collector.scope import build_scope

    path = _workdir() / f"targets-{os.getpid()}.txt"
    path.write_bytes(data)
    scope = build_scope([f"@{path}"], interfaces=[], resolve=False)
    _check_scope(scope, 65536)
    return scope
