"""The battery of bad inputs: every flag, every TOML key, the environment,
targets, files and inventories. Each must give exactly one
``lan-collector: error:`` line that names the problem, the documented exit
code (2 bad input, 1 unusable file or failure), no traceback and no hang.

Scans in this battery can never reach a network: their only target is
127.0.0.1 with the tcpping plugin, which skips attached subnets (loopback is
one), so even a bad input that slipped through would send nothing; and they
all must be refused before a scan starts.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from collector.cli import cli
from collector.identity import HostEvidence
from collector.store import Inventory

SAFE = ["127.0.0.1", "--plugins", "tcpping"]  # nothing is ever sent (see module doc)
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("LAN_COLLECTOR_")}


def case(id, args, code, says, env=None, files=None):
    return pytest.param(args, code, says, env or {}, files or {}, id=id)


def scan(*args):
    return ["scan", *SAFE, *args, "--db", "{tmp}/scan.db"]  # the case's flags come last and win


def toml(id, text, says):
    return case(f"toml-{id}", scan("--config", "{tmp}/c.toml"), 2, says, files={"c.toml": text})


def env(id, name, value, says, args=None):
    return case(f"env-{name}={value}", args or scan(), 2, says, env={name: value})


FLAGS = [
    case("rate-word", scan("--rate", "abc"), 2, "'abc' is not a valid integer"),
    case("rate-0", scan("--rate", "0"), 2, "--rate: must be at least 1"),
    case("rate-negative", scan("--rate", "-5"), 2, "--rate: must be at least 1"),
    case("rate-huge", scan("--rate", "100001"), 2, "at most 100,000 packets per second"),
    case("rate-1e23", scan("--rate", "1e23"), 2, "not a valid integer"),
    case("retries-negative", scan("--retries", "-1"), 2, "--retries: must be at least 0"),
    case("retries-11", scan("--retries", "11"), 2, "--retries: must be at least 0 and at most 10"),
    case("retries-word", scan("--retries", "x"), 2, "not a valid integer"),
    case("timeout-inf", scan("--timeout", "inf"), 2, "--timeout: must be a finite number"),
    case("timeout-nan", scan("--timeout", "nan"), 2, "--timeout: must be a finite number"),
    case("timeout-1e309", scan("--timeout", "1e309"), 2, "--timeout: must be a finite number"),
    case("timeout-0", scan("--timeout", "0"), 2, "--timeout: must be more than 0 and at most 60 seconds"),
    case("timeout-negative", scan("--timeout", "-1"), 2, "--timeout: must be more than 0"),
    case("timeout-61", scan("--timeout", "61"), 2, "at most 60 seconds"),
    case("timeout-word", scan("--timeout", "soon"), 2, "'soon' is not a valid float"),
    case("snmp-port-0", scan("--snmp-port", "0"), 2, "--snmp-port: must be at least 1 and at most 65,535"),
    case("snmp-port-70000", scan("--snmp-port", "70000"), 2, "--snmp-port: must be at least 1 and at most 65,535"),
    case("snmp-port-99999", scan("--snmp-port", "99999"), 2, "got 99,999"),
    case("snmp-port-negative", scan("--snmp-port", "-1"), 2, "--snmp-port: must be at least 1"),
    case("max-hosts-0", scan("--max-hosts", "0"), 2, "--max-hosts: must be at least 1"),
    case("max-hosts-negative", scan("--max-hosts", "-5"), 2, "--max-hosts: must be at least 1"),
    case("max-hosts-2^24", scan("--max-hosts", "16777216"), 2, "at most 262,144 addresses"),
    case("plugins-unknown", scan("--plugins", "nope"), 2, "unknown plugin(s): nope"),
    case("plugins-empty", ["scan", "127.0.0.1", "--plugins", "", "--db", "{tmp}/s.db"], 2, "needs at least one plugin"),
    case("exclude-bad", scan("--exclude", "10.0.0.300"), 2, "octet 4 (300) is more than 255"),
    case("snmp-v3-format", scan("--snmp-v3", "user:md5"), 2, "expected USER, USER:AUTHPROTO:AUTHKEY"),
    case("snmp-v3-proto", scan("--snmp-v3", "user:foo:12345678"), 2, "auth_protocol must be one of"),
    case("snmp-v3-short-key", scan("--snmp-v3", "user:sha:short"), 2, "at least 8 characters"),
    case("snmp-v3-env-unset", scan("--snmp-v3", "user:sha:env:LC_TEST_UNSET_KEY"), 2, "LC_TEST_UNSET_KEY is not set"),
    case("snmp-community-empty", scan("--snmp-community", ""), 2, "--snmp-community: has an empty entry"),
    case("unknown-option", scan("--nope"), 2, "No such option '--nope'"),
    case("flag-with-value", scan("--nmap-os=yes"), 2, "does not take a value"),
    case("missing-option-value", ["scan", "--rate"], 2, "'--rate' requires an argument"),
    case("db-empty", ["scan", *SAFE, "--db", ""], 2, "--db: must name a file"),
    case("db-directory", ["scan", *SAFE, "--db", "{tmp}"], 2, "is a directory"),
    case("unknown-command", ["bogus"], 2, "No such command 'bogus'"),
    case("config-missing", scan("--config", "{tmp}/nope.toml"), 2, "does not exist"),
    case("config-directory", scan("--config", "{tmp}"), 2, "is a directory"),
    case("flags-min-confidence", ["flags", "--db", "{tmp}/good.db", "--min-confidence", "101"], 2,
         "101 is not in the range 0<=x<=100"),
    case("flags-kind", ["flags", "--db", "{tmp}/good.db", "--kind", "bogus"], 2, "'bogus' is not one of"),
    case("export-format", ["export", "--db", "{tmp}/good.db", "--format", "xml"], 2, "'xml' is not one of"),
    case("show-no-device", ["show", "--db", "{tmp}/good.db"], 2, "Missing argument 'DEVICE'"),
    case("plugins-config-latin1", ["plugins", "--config", "{tmp}/latin1.txt"], 2, "is not UTF-8 text"),
    case("devices-config-bad-key", ["devices", "--db", "{tmp}/good.db", "--config", "{tmp}/badkey.toml"], 2,
         "unknown setting 'store.dbb' (did you mean store.db?)"),
]

TARGETS = [case(f"target-{spec or 'empty'}", ["scan", spec, "--plugins", "tcpping", "--db", "{tmp}/s.db"], 2, says)
           for spec, says in [
               ("10.0.0.300", "more than 255"),
               ("10.0.0.0/33", "prefix must be /0 to /32"),
               ("10.0.0.0/-1", "prefix must be /0 to /32"),
               ("10.0.0.1/24/8", "prefix must be /0 to /32"),
               ("10.0.0.0/", "prefix must be /0 to /32"),
               ("10.0.0.9-3", "ends before it starts"),
               ("10.0.0.5-10.0.0.1", "ends before it starts"),
               ("10.0.0", "expected four octets"),
               ("10.0.0.0.0", "expected four octets"),
               ("10", "expected four octets"),
               ("167772161", "expected four octets"),
               ("10.0.0.l", "octet 4 ('l') is not a number"),
               ("10.0.0.1a", "octet 4 ('1a') is not a number"),
               ("10..0.1", "octet 2 is empty"),
               ("010.0.0.1", "leading zero"),
               ("0x0a000001", "write the address as a.b.c.d"),
               ("10.0.0.1,,5", "empty list entry"),
               ("10.0.0.-", "range without ends"),
               ("10.0.0.1-2-3", "not a number"),
               ("10.0.*.0/24", "cannot be combined with octet ranges"),
               ("10.0.0.256-300", "more than 255"),
               ("bad_host!", "not an address, network, range or host name"),
               ("", "target: has an empty entry"),
               ("   ", "target: has an empty entry"),
               ("-", "-: expected four octets"),
               ("fe80::1", "IPv6 targets are not supported"),
               ("8.8.8.8", "needs --allow-public"),
               ("10,8.0.0.1", "needs --allow-public"),
               ("224.0.0.1", "multicast"),
               ("255.255.255.255", "reserved"),
               ("0.0.0.0/8", "this network"),
               ("169.254.169.254", "cloud metadata"),
               ("127.0.0.0-10.0.0.5", "ends before it starts"),
               ("10.0.0.0/8", "16,777,214 addresses is more than the limit of 65,536"),
               ("10.*.*.*", "16,777,216 addresses is more than the limit"),
               ("*.*.*.*", "4,294,967,296 addresses is more than the limit"),
               ("1-223.*.*.*", "3,741,319,168 addresses"),
               ("1" * 2000, "target too long"),
               ("@", "target file: empty file name"),
               ("@{tmp}/nope.txt", "does not exist"),
               ("@{tmp}", "is a directory"),
               ("@{tmp}/latin1.txt", "is not UTF-8 text (byte 0xe9 on line 2)"),
               ("@{tmp}/empty.txt", "lists no targets"),
               ("@{tmp}/comments.txt", "lists no targets"),
               ("@{tmp}/huge.txt", "is too big"),
               ("@{tmp}/badline.txt", "10.0.0.999: octet 4 (999) is more than 255"),
               ("@/dev/zero", "is not a regular file"),
           ]] + [
    case("targets-file-missing", ["scan", "--targets-file", "{tmp}/nope.txt", "--db", "{tmp}/s.db"], 2, "does not exist"),
    case("targets-file-latin1", ["scan", "--targets-file", "{tmp}/latin1.txt", "--db", "{tmp}/s.db"], 2, "not UTF-8"),
    case("targets-file-empty", ["scan", "--targets-file", "{tmp}/empty.txt", "--db", "{tmp}/s.db"], 2, "lists no targets"),
    case("targets-file-dir", ["scan", "--targets-file", "{tmp}", "--db", "{tmp}/s.db"], 2, "is a directory"),
    case("max-hosts-8", ["scan", "10.0.0.0/8", "--max-hosts", "16777216", "--db", "{tmp}/s.db"], 2,
         "--max-hosts: must be at least 1 and at most 262,144"),
    case("max-hosts-too-small", ["scan", "10.0.0.0/24", "--max-hosts", "100", "--db", "{tmp}/s.db"], 2,
         "254 addresses is more than the limit of 100; raise it with --max-hosts"),
    case("max-hosts-together", ["scan", "10.0.0.0/24", "10.0.1.0/24", "--max-hosts", "300", "--db", "{tmp}/s.db"],
         2, "the targets together hold up to: 508 addresses is more than the limit of 300"),
    case("all-excluded", ["scan", "10.0.0.1", "--exclude", "10.0.0.0/24", "--plugins", "tcpping", "--db",
                          "{tmp}/s.db"], 2, "the exclusions cover every target"),
]

TOML = [
    toml("db-number", "[store]\ndb = 5\n", "store.db: expected a string, got a number 5"),
    toml("db-empty", "[store]\ndb = ''\n", "store.db: must name a file"),
    toml("db-list", "[store]\ndb = ['a']\n", "store.db: expected a string"),
    toml("targets-numbers", "[scan]\ntargets = [1, 2]\n", "scan.targets: expected a list of strings"),
    toml("targets-number", "[scan]\ntargets = 5\n", "scan.targets: expected a list of strings"),
    toml("exclude-bool", "[scan]\nexclude = [true]\n", "scan.exclude: expected a list of strings"),
    toml("plugins-empty", "[scan]\nplugins = []\n", "scan.plugins: needs at least one plugin"),
    toml("plugins-number", "[scan]\nplugins = [5]\n", "scan.plugins: expected a list of strings"),
    toml("rate-1e23", "[scan]\nrate = 1e23\n", "scan.rate: must be at least 1 and at most 100,000"),
    toml("rate-nan", "[scan]\nrate = nan\n", "scan.rate: expected a whole number, got nan"),
    toml("rate-inf", "[scan]\nrate = inf\n", "scan.rate: expected a whole number, got inf"),
    toml("rate-bool", "[scan]\nrate = true\n", "scan.rate: expected a number, got true/false"),
    toml("rate-fraction", "[scan]\nrate = 1.5\n", "scan.rate: expected a whole number"),
    toml("rate-0", "[scan]\nrate = 0\n", "scan.rate: must be at least 1"),
    toml("rate-word", "[scan]\nrate = 'fast'\n", "scan.rate: expected a whole number, got 'fast'"),
    toml("retries-11", "[scan]\nretries = 11\n", "scan.retries: must be at least 0 and at most 10"),
    toml("retries-negative", "[scan]\nretries = -1\n", "scan.retries: must be at least 0"),
    toml("timeout-nan", "[scan]\ntimeout = nan\n", "scan.timeout: must be a finite number"),
    toml("timeout-inf", "[scan]\ntimeout = inf\n", "scan.timeout: must be a finite number"),
    toml("timeout-0", "[scan]\ntimeout = 0\n", "scan.timeout: must be more than 0"),
    toml("timeout-61", "[scan]\ntimeout = 61\n", "scan.timeout: must be more than 0 and at most 60 seconds"),
    toml("timeout-word", "[scan]\ntimeout = 'x'\n", "scan.timeout: expected a number, got 'x'"),
    toml("allow-public-word", "[scan]\nallow_public = 'maybe'\n", "scan.allow_public: expected true or false"),
    toml("allow-public-number", "[scan]\nallow_public = 1\n", "scan.allow_public: expected true or false, got a number"),
    toml("max-hosts-0", "[scan]\nmax_hosts = 0\n", "scan.max_hosts: must be at least 1"),
    toml("max-hosts-2^24", "[scan]\nmax_hosts = 16777216\n", "scan.max_hosts: must be at least 1 and at most 262,144"),
    toml("concurrency-0", "[scan]\nconcurrency = 0\n", "scan.concurrency: must be at least 1 and at most 1,024"),
    toml("concurrency-huge", "[scan]\nconcurrency = 5000\n", "scan.concurrency: must be at least 1 and at most 1,024"),
    toml("nmap-os-word", "[nmap]\nos = 'perhaps'\n", "nmap.os: expected true or false"),
    toml("communities-empty", "[snmp]\ncommunities = ['']\n", "snmp.communities: has an empty entry"),
    toml("communities-number", "[snmp]\ncommunities = [1]\n", "snmp.communities: expected a list of strings"),
    toml("snmp-timeout-nan", "[snmp]\ntimeout = nan\n", "snmp.timeout: must be a finite number"),
    toml("snmp-timeout-0", "[snmp]\ntimeout = 0\n", "snmp.timeout: must be more than 0"),
    toml("snmp-timeout-100", "[snmp]\ntimeout = 100\n", "snmp.timeout: must be more than 0 and at most 60"),
    toml("snmp-retries-20", "[snmp]\nretries = 20\n", "snmp.retries: must be at least 0 and at most 10"),
    toml("snmp-port-0", "[snmp]\nport = 0\n", "snmp.port: must be at least 1 and at most 65,535"),
    toml("snmp-port-70000", "[snmp]\nport = 70000\n", "snmp.port: must be at least 1 and at most 65,535"),
    toml("snmp-port-99999", "[snmp]\nport = 99999\n", "snmp.port: must be at least 1"),
    toml("snmp-port-word", "[snmp]\nport = 'snmp'\n", "snmp.port: expected a whole number"),
    toml("max-values-0", "[snmp]\nmax_values = 0\n", "snmp.max_values: must be at least 1"),
    toml("max-values-huge", "[snmp]\nmax_values = 10000000\n", "snmp.max_values: must be at least 1 and at most 1,000,000"),
    toml("device-budget-0", "[snmp]\ndevice_budget = 0\n", "snmp.device_budget: must be more than 0"),
    toml("device-budget-nan", "[snmp]\ndevice_budget = nan\n", "snmp.device_budget: must be a finite number"),
    toml("device-budget-huge", "[snmp]\ndevice_budget = 7200\n", "snmp.device_budget: must be more than 0 and at most 3,600"),
    toml("record-dir-number", "[snmp]\nrecord_dir = 5\n", "snmp.record_dir: expected a string"),
    toml("v3-bad", "[snmp]\nv3 = ['u:bad']\n", "expected USER, USER:AUTHPROTO:AUTHKEY"),
    toml("credentials-number", "[snmp]\ncredentials = 5\n", "snmp.credentials: expected [[snmp.credentials]] tables"),
    toml("credentials-strings", "[snmp]\ncredentials = ['x']\n", "expected [[snmp.credentials]] tables"),
    toml("credential-no-name", "[[snmp.credentials]]\nversion = '2c'\ncommunity = 'x'\n", "every credential needs a name"),
    toml("credential-version", "[[snmp.credentials]]\nname = 'a'\nversion = '4'\ncommunity = 'x'\n",
         "version must be one of 1, 2c, 3"),
    toml("credential-range", "[[snmp.credentials]]\nname = 'a'\ncommunity = 'x'\nranges = ['10.0.0.0/33']\n",
         "is not a network"),
    toml("credential-key", "[[snmp.credentials]]\nname = 'a'\ncommunity = 'x'\ncolour = 'red'\n", "unknown key(s) colour"),
    toml("credential-short-key", "[[snmp.credentials]]\nname = 'a'\nversion = '3'\nuser = 'u'\n"
         "auth_protocol = 'sha'\nauth_key = 'short'\n", "at least 8 characters"),
    toml("credential-secret-latin1", "[[snmp.credentials]]\nname = 'a'\ncommunity = 'file:{tmp}/latin1.txt'\n",
         "is not UTF-8 text"),
    toml("credential-secret-missing", "[[snmp.credentials]]\nname = 'a'\ncommunity = 'file:{tmp}/nope'\n",
         "does not exist"),
    toml("credential-secret-dir", "[[snmp.credentials]]\nname = 'a'\ncommunity = 'file:{tmp}'\n", "is a directory"),
    toml("credential-env-unset", "[[snmp.credentials]]\nname = 'a'\ncommunity = 'env:LC_TEST_UNSET'\n",
         "LC_TEST_UNSET is not set"),
    toml("credential-names-twice", "[[snmp.credentials]]\nname = 'a'\ncommunity = 'x'\n"
         "[[snmp.credentials]]\nname = 'a'\ncommunity = 'y'\n", "names must be unique: a"),
    toml("unknown-key", "[scan]\nspeed = 5\n", "unknown setting 'scan.speed'"),
    toml("misspelt-key", "[scan]\nrtae = 5\n", "unknown setting 'scan.rtae' (did you mean scan.rate?)"),
    toml("unknown-section", "[colour]\nred = 1\n", "unknown setting 'colour.red'"),
    toml("top-level-key", "rate = 5\n", "top-level key 'rate' must be a [section]"),
    toml("array-of-sections", "[[scan]]\nrate = 5\n", "top-level key 'scan' must be a [section]"),
    toml("sub-table", "[scan.more]\nrate = 5\n", "unknown setting 'scan.more'"),
    toml("invalid", "[scan\n", "not valid TOML"),
    toml("duplicate-key", "[scan]\nrate = 5\nrate = 6\n", "not valid TOML"),
    case("toml-latin1", scan("--config", "{tmp}/latin1.txt"), 2, "is not UTF-8 text (byte 0xe9 on line 2)"),
    case("toml-huge", scan("--config", "{tmp}/huge.txt"), 2, "is too big"),
]

ENV = [
    env(1, "LAN_COLLECTOR_SCAN_RATE", "abc", "LAN_COLLECTOR_SCAN_RATE: expected a whole number, got 'abc'"),
    env(2, "LAN_COLLECTOR_SCAN_RATE", "0", "LAN_COLLECTOR_SCAN_RATE: must be at least 1"),
    env(3, "LAN_COLLECTOR_SCAN_RATE", "1e23", "LAN_COLLECTOR_SCAN_RATE: expected a whole number, got '1e23'"),
    env(4, "LAN_COLLECTOR_SCAN_RATE", "inf", "LAN_COLLECTOR_SCAN_RATE: expected a whole number"),
    env(5, "LAN_COLLECTOR_SCAN_TIMEOUT", "nan", "LAN_COLLECTOR_SCAN_TIMEOUT: must be a finite number"),
    env(6, "LAN_COLLECTOR_SCAN_TIMEOUT", "inf", "LAN_COLLECTOR_SCAN_TIMEOUT: must be a finite number"),
    env(7, "LAN_COLLECTOR_SCAN_TIMEOUT", "-1", "LAN_COLLECTOR_SCAN_TIMEOUT: must be more than 0"),
    env(8, "LAN_COLLECTOR_SCAN_TIMEOUT", "0", "LAN_COLLECTOR_SCAN_TIMEOUT: must be more than 0"),
    env(9, "LAN_COLLECTOR_SCAN_RETRIES", "-1", "LAN_COLLECTOR_SCAN_RETRIES: must be at least 0"),
    env(10, "LAN_COLLECTOR_SNMP_PORT", "0", "LAN_COLLECTOR_SNMP_PORT: must be at least 1 and at most 65,535"),
    env(11, "LAN_COLLECTOR_SNMP_PORT", "70000", "LAN_COLLECTOR_SNMP_PORT: must be at least 1 and at most 65,535"),
    env(12, "LAN_COLLECTOR_SCAN_MAX_HOSTS", "0", "LAN_COLLECTOR_SCAN_MAX_HOSTS: must be at least 1"),
    env(13, "LAN_COLLECTOR_SCAN_MAX_HOSTS", "99999999", "at most 262,144 addresses"),
    env(14, "LAN_COLLECTOR_SCAN_CONCURRENCY", "0", "LAN_COLLECTOR_SCAN_CONCURRENCY: must be at least 1"),
    env(15, "LAN_COLLECTOR_SCAN_CONCURRENCY", "100000", "at most 1,024 hosts"),
    env(16, "LAN_COLLECTOR_SCAN_ALLOW_PUBLIC", "maybe", "LAN_COLLECTOR_SCAN_ALLOW_PUBLIC: expected true or false"),
    env(17, "LAN_COLLECTOR_NMAP_OS", "perhaps", "LAN_COLLECTOR_NMAP_OS: expected true or false"),
    env(18, "LAN_COLLECTOR_SCAN_RAET", "5", "unknown environment variable LAN_COLLECTOR_SCAN_RAET (did you mean "
        "LAN_COLLECTOR_SCAN_RATE?)"),
    env(19, "LAN_COLLECTOR_CONFIG", "/nonexistent/c.toml", "config file /nonexistent/c.toml does not exist"),
    env(20, "LAN_COLLECTOR_CONFIG", "", "LAN_COLLECTOR_CONFIG is set but empty"),
    env(21, "LAN_COLLECTOR_STORE_DB", "", "LAN_COLLECTOR_STORE_DB: must name a file",
        args=["scan", *SAFE]),
    env(22, "LAN_COLLECTOR_SNMP_RETRIES", "-1", "LAN_COLLECTOR_SNMP_RETRIES: must be at least 0"),
    env(23, "LAN_COLLECTOR_SNMP_TIMEOUT", "nan", "LAN_COLLECTOR_SNMP_TIMEOUT: must be a finite number"),
    env(24, "LAN_COLLECTOR_SNMP_DEVICE_BUDGET", "0", "LAN_COLLECTOR_SNMP_DEVICE_BUDGET: must be more than 0"),
    env(25, "LAN_COLLECTOR_SNMP_MAX_VALUES", "0", "LAN_COLLECTOR_SNMP_MAX_VALUES: must be at least 1"),
    env(26, "LAN_COLLECTOR_SCAN_TARGETS", "10.0.0.300", "10.0.0.300: octet 4 (300) is more than 255",
        args=["scan", "--plugins", "tcpping", "--db", "{tmp}/s.db"]),
    env(27, "LAN_COLLECTOR_SCAN_PLUGINS", "nope", "unknown plugin(s): nope", args=["scan", "127.0.0.1", "--db",
                                                                                  "{tmp}/s.db"]),
    env(28, "LAN_COLLECTOR_SNMP_V3", "u:bad", "expected USER, USER:AUTHPROTO:AUTHKEY"),
    env(29, "LAN_COLLECTOR_SCAN_RATE", "1_000_000", "at most 100,000 packets per second"),
    env(30, "LAN_COLLECTOR_CONFIG", "{tmp}/latin1.txt", "is not UTF-8 text", args=["devices", "--db", "{tmp}/good.db"]),
]


def inventory_cases():
    out = []
    for command in (["devices"], ["show", "1"], ["export"], ["flags"]):
        name = command[0]
        out += [
            case(f"{name}-missing", [*command, "--db", "{tmp}/none.db"], 1, "no such inventory file"),
            case(f"{name}-empty", [*command, "--db", "{tmp}/empty.db"], 1, "is empty: no scan has written to it"),
            case(f"{name}-directory", [*command, "--db", "{tmp}"], 2, "is a directory"),
            case(f"{name}-not-sqlite", [*command, "--db", "{tmp}/junk.db"], 1, "not an inventory (not an SQLite file)"),
            case(f"{name}-foreign-sqlite", [*command, "--db", "{tmp}/foreign.db"], 1,
                 "is an SQLite file but not an inventory"),
            case(f"{name}-corrupt", [*command, "--db", "{tmp}/corrupt.db"], 1, "corrupt.db is damaged"),
            case(f"{name}-newer", [*command, "--db", "{tmp}/newer.db"], 1,
                 "has schema version 99 (0099_future), written by a newer lan-collector"),
        ]
    out += [
        case("scan-corrupt", ["scan", *SAFE, "--db", "{tmp}/corrupt.db"], 1, "corrupt.db is damaged"),
        case("scan-newer", ["scan", *SAFE, "--db", "{tmp}/newer.db"], 1, "written by a newer lan-collector"),
        case("scan-not-sqlite", ["scan", *SAFE, "--db", "{tmp}/junk.db"], 1, "not an inventory"),
        case("scan-foreign-sqlite", ["scan", *SAFE, "--db", "{tmp}/foreign.db"], 1,
             "is an SQLite file but not an inventory"),
        case("show-unknown-device", ["show", "10.9.9.9", "--db", "{tmp}/good.db"], 1, "no device matches '10.9.9.9'"),
        case("show-empty-device", ["show", "", "--db", "{tmp}/good.db"], 1, "no device matches"),
        case("export-missing-dir", ["export", "--db", "{tmp}/good.db", "-o", "{tmp}/no/such/dir/out.json"], 1,
             "cannot write"),
        case("export-to-directory", ["export", "--db", "{tmp}/good.db", "-o", "{tmp}"], 2, "is a directory"),
    ]
    return out


INVENTORIES = inventory_cases()
BATTERY = FLAGS + TARGETS + TOML + ENV + INVENTORIES


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    (tmp / "latin1.txt").write_bytes(b"# targets\n10.0.0.1 # caf\xe9\n")
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "comments.txt").write_text("# nothing here\n\n   # really\n")
    (tmp / "huge.txt").write_bytes(b"10.0.0.1\n" * (1 << 20))  # 9 MiB
    (tmp / "badline.txt").write_text("10.0.0.1\n10.0.0.999\n")
    (tmp / "badkey.toml").write_text("[store]\ndbb = 'x.db'\n")
    (tmp / "empty.db").write_bytes(b"")
    (tmp / "junk.db").write_bytes(b"this is not a database\n" * 100)
    foreign = sqlite3.connect(tmp / "foreign.db")
    foreign.execute("create table t (x)")
    foreign.commit()
    foreign.close()
    make_inventory(tmp / "good.db")
    make_inventory(tmp / "newer.db")
    conn = sqlite3.connect(tmp / "newer.db", isolation_level=None)
    conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) values "
                 "('lan_collector', '0099_future.sql', '2030-01-01')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    make_inventory(tmp / "corrupt.db", hosts=400)
    damage(tmp / "corrupt.db")
    return tmp


def make_inventory(path, hosts=3):
    with Inventory(path) as inv:
        s = inv.begin_scan({}, {}, {}, hosts)
        for i in range(hosts):
            inv.record_host(s, HostEvidence(ip=f"10.0.{i // 250}.{i % 250 + 1}", mac=f"02:00:00:00:{i // 256:02x}:"
                                                                                   f"{i % 256:02x}"))
        inv.finish_scan(s, "complete")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def damage(path):
    """Garbage written over pages in the middle of a real inventory."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(bytes(range(256)) * 16)


@contextmanager
def deadline(seconds):
    def expired(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def fill(items, tmp):
    return [str(x).replace("{tmp}", str(tmp)) for x in items]


def check_one_error_line(stderr, stdout, code, expected_code, says):
    assert "Traceback" not in stderr + stdout
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == expected_code, (code, stderr, stdout)
    assert len(lines) == 1, stderr
    assert lines[0].startswith("lan-collector: error: "), lines
    assert says in lines[0], lines[0]


@pytest.mark.parametrize("args, code, says, environ, extra", BATTERY)
def test_bad_input_gives_one_clear_line(files, args, code, says, environ, extra):
    for name, text in extra.items():
        (files / name).write_text(text.replace("{tmp}", str(files)))
    before = {p.name: p.stat().st_mtime_ns for p in files.glob("*.db")}
    with deadline(60):
        result = CliRunner().invoke(cli, fill(args, files), env={**{k: None for k in os.environ
                                                                    if k.startswith("LAN_COLLECTOR_")},
                                                                 **{k: fill([v], files)[0] for k, v in environ.items()}})
    created = [name for name in ("scan.db", "s.db") if (files / name).exists()]
    for name in created:
        (files / name).unlink()
    check_one_error_line(result.stderr, result.stdout, result.exit_code, code, says)
    assert {p.name: p.stat().st_mtime_ns for p in files.glob("*.db") if p.name in before} == before  # untouched
    assert not created  # refused before the inventory was opened


def test_the_battery_is_broad():
    assert len(BATTERY) >= 200, len(BATTERY)
    assert len({p.id for p in BATTERY}) == len(BATTERY)


# The same through the real program, one of each kind: nothing in between.
REAL = ["rate-0", "timeout-inf", "timeout-nan", "snmp-port-70000", "max-hosts-2^24", "unknown-option",
        "target-10.0.0.l", "target-0x0a000001", "target-@{tmp}/latin1.txt", "target-@/dev/zero",
        "toml-rate-1e23", "toml-db-number", "toml-latin1", "env-LAN_COLLECTOR_SCAN_TIMEOUT=nan",
        "devices-corrupt", "export-corrupt", "show-corrupt", "flags-newer", "scan-corrupt", "devices-empty",
        "scan-newer", "max-hosts-8"]


@pytest.mark.parametrize("args, code, says, environ, extra", [p for p in BATTERY if p.id in REAL])
def test_bad_input_through_the_real_program(files, args, code, says, environ, extra):
    for name, text in extra.items():
        (files / name).write_text(text.replace("{tmp}", str(files)))
    proc = subprocess.run([sys.executable, "-m", "collector", *fill(args, files)], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL,
                          env={**CLEAN_ENV, **{k: fill([v], files)[0] for k, v in environ.items()}})
    check_one_error_line(proc.stderr, proc.stdout, proc.returncode, code, says)


def test_all_real_cases_exist():
    assert set(REAL) <= {p.id for p in BATTERY}


def test_undecodable_argument_is_one_line(files):
    """A target that is not valid text (bytes from a broken shell script)."""
    proc = subprocess.run([sys.executable.encode(), b"-m", b"collector", b"scan", b"10.0.0.\xff", b"--db",
                           str(files / "s.db").encode()], capture_output=True, timeout=60, env=CLEAN_ENV)
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(b"lan-collector: error: 10.0.0.")


def test_readme_states_the_battery():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    counts = (f"A battery of {len(BATTERY)} bad inputs", f"{len(FLAGS)} flags, {len(TARGETS)} targets and files",
              f"{len(TOML)} TOML keys and files", f"{len(ENV)}\nenvironment variables", f"{len(INVENTORIES)} inventories",
              f"{len(REAL)} of them through\nthe installed program: all {len(BATTERY)} are handled")
    for text in counts:
        assert " ".join(text.split()) in " ".join(readme.split()), text
