"""The ``lan-collector`` command."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from collector import __version__
from collector.config import ConfigError, Settings, load_settings
from collector.textsafe import cell, one_line

from collector.cli_errors import EXIT_FAILED, EXIT_INTERRUPTED, fail as _fail, one_line_errors, write_failed


def _console() -> Any:
    """Rich output that never interprets what it prints: no markup (a sysName
    ``[link=...]`` stays text), no emoji codes (a MAC holds ``:cd:``), no
    highlighting. Device strings additionally go through textsafe (controls
    escaped)."""
    from rich.console import Console

    if sys.stdout.isatty():
        return Console(highlight=False, markup=False, emoji=False)
    # piped or logged: do not squeeze tables into 80 columns
    return Console(highlight=False, markup=False, emoji=False, width=_columns())


def _columns() -> int:
    try:
        return max(40, min(1000, int(os.environ.get("COLUMNS", "200"))))
    except ValueError:
        return 200


def _settings(config: str | None, **overrides: Any) -> Settings:
    try:
        return load_settings(config, overrides)
    except ConfigError as exc:
        _fail(str(exc))
        raise  # unreachable


class SafeFormatter(logging.Formatter):
    """Log lines (the journal under systemd) with device strings' control
    characters escaped: a message may quote what a device said."""

    def format(self, record: logging.LogRecord) -> str:
        return one_line(super().format(record))


def _sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class LazyGroup(click.Group):
    """Command groups imported only when used (click's documented lazy
    loading): `lab` and `data` stay off the start-up path of a scan."""

    lazy = {"lab": "collector.lab.cli:lab", "data": "collector.refdata.cli:data", "systemd": "collector.units:systemd",
            "identify": "collector.snmp.cli:identify"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        one_line_errors(lambda: super(LazyGroup, self).main(args, prog_name, complete_var, False, **extra), args)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            import importlib

            module, attr = self.lazy[name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lan-collector")
def cli() -> None:
    """Find every device on the LAN, say what it is, and keep it in one SQLite file.

    Start safely with the built-in lab: `lan-collector lab demo` (needs root).
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter("lan-collector: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


db_option = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                         help="Inventory file (store.db; default ./inventory.db).")
config_option = click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
                             help="TOML config file (or LAN_COLLECTOR_CONFIG).")


@cli.command()
@click.argument("targets", nargs=-1)
@db_option
@config_option
@click.option("--plugins", help="Comma-separated plugins to run (scan.plugins; default arp,tcpping,snmp,banners,nmap,mdns,ssdp; passive is opt-in).")
@click.option("--exclude", multiple=True, help="Address, range or network never to probe (repeatable; wins).")
@click.option("--rate", "--scan-rate", "rate", type=int, help="Packets per second, global cap (scan.rate; 2000).")
@click.option("--retries", type=int, help="Extra ARP rounds for silent addresses (scan.retries; 1).")
@click.option("--timeout", type=float, help="Seconds to wait for late replies (scan.timeout; 0.5).")
@click.option("--snmp-community", "snmp_communities", multiple=True,
              help="SNMP v1/v2c community to try, in order (repeatable; snmp.communities; default public).")
@click.option("--snmp-v3", "snmp_v3", multiple=True, metavar="USER[:AUTH:KEY[:PRIV:KEY]]",
              help="SNMP v3 user, e.g. inv:sha256:env:AUTHKEY:aes128:file:/etc/priv (repeatable; keys may be "
                   "env:NAME or file:PATH; prefer [[snmp.credentials]] in the config).")
@click.option("--snmp-port", type=int, help="SNMP agent UDP port (snmp.port; 161).")
@click.option("--allow-public", is_flag=True, default=None, help="Allow public (global) address ranges.")
@click.option("--nmap-os", is_flag=True, default=None, help="Let the nmap plugin run OS detection (-O; nmap.os).")
@click.option("--max-hosts", type=int, help="Largest number of addresses to scan (default 65536, a /16).")
@click.option("--targets-file", type=click.Path(exists=True, dir_okay=False),
              help="File with one target per line (same as @FILE).")
@click.option("-q", "--quiet", is_flag=True, help="No progress, only the summary.")
def scan(targets: tuple[str, ...], db: str | None, config: str | None, plugins: str | None,
         exclude: tuple[str, ...], rate: int | None, retries: int | None, timeout: float | None,
         snmp_communities: tuple[str, ...], snmp_v3: tuple[str, ...], snmp_port: int | None,
         allow_public: bool | None, nmap_os: bool | None, max_hosts: int | None, targets_file: str | None, quiet: bool) -> None:
    """Scan TARGETS (CIDR, 10.0.0.5-40, IP, hostname, @FILE) into the inventory.

    Without TARGETS the attached IPv4 subnets are scanned (loopback, link-local,
    point-to-point and networks over /16 are skipped).
    """
    from collector.engine import ScanError, make_scope, run_scan
    from collector.progress import make_progress
    from collector.scope import ScopeError
    from collector.store import StoreError

    target_list = list(targets) + ([f"@{targets_file}"] if targets_file else [])
    settings = _settings(config, db=db, targets=target_list, exclude=exclude, rate=rate, retries=retries,
                         timeout=timeout, snmp_communities=snmp_communities, snmp_v3=snmp_v3,
                         snmp_port=snmp_port, allow_public=allow_public,
                         nmap_os=nmap_os,
                         max_hosts=max_hosts, plugins=plugins)
    signal.signal(signal.SIGTERM, _sigterm)
    try:
        scope = make_scope(settings)
        progress = make_progress(quiet)
        if progress is None:
            summary = run_scan(settings, None, scope)
        else:
            with progress:
                summary = run_scan(settings, progress, scope)
    except (ScopeError, ScanError) as exc:
        _fail(str(exc))
        return
    except StoreError as exc:
        _fail(str(exc), EXIT_FAILED)
        return
    except KeyboardInterrupt:
        _fail("scan interrupted; hosts saved so far are kept and the scan is marked interrupted",
              EXIT_INTERRUPTED)
        return
    except OSError as exc:
        _fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""), EXIT_FAILED)
        return
    except sqlite3.Error as exc:
        _fail(write_failed(settings.db, exc), EXIT_FAILED)
    _print_summary(summary)
    _SCAN_DONE[0] = True


SUMMARY_ROWS = 25


def _print_summary(summary: Any) -> None:
    """Counts, then the devices that are new in this scan (the rest are in
    `lan-collector devices`): rich tables on a terminal, plain lines for logs
    (the journal under systemd) and scripts."""
    new = [h for h in summary.hosts if h.new]
    rows = [("scope", summary.scope), ("addresses scanned", str(summary.addresses)),
            ("hosts up", str(len(summary.hosts))), ("new devices", str(summary.new_devices)),
            ("known devices not seen", str(summary.missing)),
            ("flags (confidence >= 70)", f"{summary.flags}  (lan-collector flags --db {summary.db})"),
            ("plugins ran", ", ".join(summary.ran) or "none")]
    rows += [(f"plugin {name}", f"skipped: {why}") for name, why in summary.skipped.items()]
    rows += [(f"plugin {name}", f"degraded: {why}") for name, why in summary.degraded.items()]
    if getattr(summary, "unclassified_line", None) and summary.unclassified_line():
        rows.append(("not identified by SNMP", summary.unclassified_line()))
    rows += [("duration", f"{summary.seconds:.1f} s"), ("status", summary.status),
             ("inventory", str(Path(summary.db).resolve()))]
    final = (f"scan {summary.scan_id}: {len(summary.hosts)} host(s) up of {summary.addresses} address(es) "
             f"scanned, {summary.new_devices} new device(s), status {summary.status}.")
    if not sys.stdout.isatty():
        for h in new[:SUMMARY_ROWS]:
            click.echo(f"new device {h.device_id}: {h.ip} {h.mac or '-'} vendor={one_line(h.vendor) or '-'} "
                       f"hostname={one_line(h.hostname) or '-'} class={one_line(h.device_class) or '-'}")
        if len(new) > SUMMARY_ROWS:
            click.echo(f"... and {len(new) - SUMMARY_ROWS} more new device(s)")
        for key, value in rows:
            click.echo(f"{key}: {one_line(value)}")
        click.echo(final)
        return
    from rich.table import Table

    console = _console()
    if new:
        table = Table(title=f"New devices in scan {summary.scan_id}", title_justify="left")
        for col in ("id", "ip", "mac", "vendor", "hostname", "class"):
            table.add_column(col)
        for h in new[:SUMMARY_ROWS]:
            table.add_row(cell(h.device_id), cell(h.ip), cell(h.mac), cell(h.vendor), cell(h.hostname),
                          cell(h.device_class))
        console.print(table)
        if len(new) > SUMMARY_ROWS:
            console.print(f"... and {len(new) - SUMMARY_ROWS} more new device(s)")
    table = Table(title=f"Scan {summary.scan_id} summary", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value")
    for key, value in rows:
        table.add_row(cell(key), cell(value))
    console.print(table)
    console.print(final)


def _open(db: str | None, config: str | None) -> Any:
    """The inventory, read-only: read commands never write (see inventory_file)."""
    from collector.store import Inventory, StoreError

    settings = _settings(config, db=db)
    try:
        return Inventory(settings.db, readonly=True)
    except StoreError as exc:
        _fail(str(exc), EXIT_FAILED)


@cli.command()
@db_option
@config_option
def devices(db: str | None, config: str | None) -> None:
    """List the devices in the inventory."""
    from rich.table import Table

    with _open(db, config) as inv:
        records = inv.device_records()
    table = Table()
    for col in ("id", "ips", "macs", "vendor", "hostname", "class", "model", "os", "last seen"):
        table.add_column(col)
    for d in records:
        os_text = " ".join(x for x in (d["os_name"], d["os_version"]) if x)
        table.add_row(cell(d["id"]), cell(" ".join(d["ips"])), cell(" ".join(d["macs"])), cell(d["vendor"]),
                      cell(d["hostname"]), cell(d["device_class"]), cell(d["model"]), cell(os_text),
                      cell(d["last_seen"][:19]))
    _console().print(table)
    _console().print(f"{len(records)} device(s)")


@cli.command()
@click.argument("device")
@db_option
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the export record as JSON.")
@click.option("--all", "show_all", is_flag=True, help="Also show flags below confidence 70.")
def show(device: str, db: str | None, config: str | None, as_json: bool, show_all: bool) -> None:
    """Everything known about DEVICE (id, IP, MAC or hostname), with sources."""
    from collector.store import StoreError

    with _open(db, config) as inv:
        try:
            device_id = inv.resolve_device(device)
        except StoreError as exc:
            _fail(str(exc), EXIT_FAILED)
        record = inv.device_records([device_id])[0]
        facts = inv.device_facts(device_id)
        sightings = inv.sightings(device_id)
        probes = inv.probes_for(record["ips"])
        links = inv.links(device_id)
        interfaces = inv.interfaces(device_id)
        identifiers = inv.identifiers(device_id)
    if as_json:
        click.echo(json.dumps(record, indent=2))
        return
    from rich.table import Table
    from rich.text import Text

    console = _console()
    console.print(Text(f"device {device_id}", style="bold"),
                  Text(f" ips {one_line(' '.join(record['ips']))}  macs {one_line(' '.join(record['macs'])) or '-'}"))
    for key in ("hostname", "vendor", "device_class", "model", "serial", "os_name", "os_version", "os_build",
                "kernel_version", "firmware", "mac_random", "first_seen", "last_seen"):
        console.print(f"  {key:14} {one_line(record[key]) if record[key] is not None else '-'}")
    table = Table(title="field values by source (winner first)", title_justify="left")
    for col in ("field", "value", "source", "confidence", "evidence"):
        table.add_column(col)
    for f in facts:
        table.add_row(cell(f["field"]), cell(f["value"], limit=80), cell(f["source"]), cell(f["confidence"]),
                      cell(f["evidence"], empty="", limit=60))
    console.print(table)
    if record["services"]:
        console.print("services: " + ", ".join(
            one_line(" ".join(str(x) for x in (f"{s['port']}/{s['proto']}", s["product"], s["version"]) if x))
            for s in record["services"]))
    if record["software"]:
        console.print(f"software: {len(record['software'])} package(s), e.g. " + ", ".join(
            one_line(f"{s['name']} {s['version'] or ''}".strip()) for s in record["software"][:5]))
    if interfaces:
        console.print("interfaces: " + ", ".join(
            one_line(f"{i['name']}" + (f" {i['mac']}" if i["mac"] else "")
                     + (f" {i['oper_status']}" if i["oper_status"] else "")) for i in interfaces[:12])
            + (f" (+{len(interfaces) - 12} more)" if len(interfaces) > 12 else ""))
    if identifiers:
        console.print("identifiers: " + ", ".join(one_line(f"{i['kind']} {i['value']}") for i in identifiers))
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        by_kind.setdefault(link["kind"], []).append(link)
    labels = {"fdb": "forwarding table (MAC on port)", "arp": "ARP table", "lldp": "LLDP neighbours",
              "cdp": "CDP neighbours"}
    for kind, rows in by_kind.items():
        sample = "; ".join(one_line(" ".join(str(x) for x in (r["local_port"], r["remote_mac"], r["remote_ip"],
                                                               r["remote_name"], r["remote_port"]) if x))
                           for r in rows[:8])
        console.print(f"{labels.get(kind, kind)}: {len(rows)} entr{'y' if len(rows) == 1 else 'ies'}: {sample}"
                      + (" ..." if len(rows) > 8 else ""))
    shown = [f for f in record["flags"] if show_all or f["confidence"] >= 70]
    for flag in shown:
        console.print(f"flag {one_line(flag['rule'])}: {one_line(flag['title'])} "
                      f"(severity {one_line(flag['severity'])}, confidence {flag['confidence']})")
    if len(shown) < len(record["flags"]):
        console.print(f"{len(record['flags']) - len(shown)} flag(s) below confidence 70 hidden (--all)")
    console.print(f"seen in scans: {', '.join(str(s['scan_id']) for s in sightings)}")
    if probes:
        console.print("latest probes: " + "; ".join(
            one_line(f"scan {p['scan_id']} {p['plugin']} {p['target']} {p['outcome']}") for p in probes[:10]))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@db_option
@config_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Output file (default standard output).")
def export(fmt: str, db: str | None, config: str | None, output: str) -> None:
    """Export the inventory (JSON contract: schemas/export.schema.json)."""
    from collector.export import to_csv, to_json

    with _open(db, config) as inv:
        records = inv.device_records()
    text = to_json(records) if fmt == "json" else to_csv(records)
    if output == "-":
        click.echo(text, nl=False)
        return
    tmp = Path(output + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        _fail(f"cannot write {output}: {exc.strerror or exc}", EXIT_FAILED)
    click.echo(f"wrote {len(records)} device(s) to {output}", err=True)


@cli.command("flags")
@db_option
@config_option
@click.option("--min-confidence", type=click.IntRange(0, 100), default=70, show_default=True,
              help="Hide flags below this confidence.")
@click.option("--all", "show_all", is_flag=True, help="Show every flag, whatever its confidence.")
@click.option("--kind", type=click.Choice(["legacy", "unpatched"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the flags with their evidence as JSON.")
def flags_cmd(db: str | None, config: str | None, min_confidence: int, show_all: bool, kind: str | None,
              as_json: bool) -> None:
    """Legacy and unpatched findings, most severe first, with confidence and remediation."""
    from rich.table import Table

    with _open(db, config) as inv:
        rows = inv.flags(0 if show_all else min_confidence, kind)
        hidden = 0 if show_all else len(inv.flags(0, kind)) - len(rows)
    if as_json:
        for r in rows:
            r["evidence"] = json.loads(r["evidence"])
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table()
    for col in ("device", "ip", "severity", "conf.", "rule", "finding", "what to do"):
        table.add_column(col)
    for r in rows:
        table.add_row(cell(r["device_id"]), cell(r["ip"]), cell(r["severity"]), cell(r["confidence"]), cell(r["rule"]),
                      cell(r["title"]), cell(r["remediation"], empty=""))
    console = _console()
    console.print(table)
    console.print(f"{len(rows)} flag(s)" + (f"; {hidden} below confidence {min_confidence} hidden (--all shows "
                                             "them)" if hidden else ""))


@cli.command("plugins")
@config_option
def plugins_cmd(config: str | None) -> None:
    """List scan plugins, what they need, and whether they can run here."""
    from rich.table import Table

    from collector.plugin import NEED_DESCRIPTIONS, load_plugins, unmet

    settings = _settings(config)
    table = Table()
    for col in ("plugin", "phase", "needs", "can run here", "description"):
        table.add_column(col)
    for name, plugin in sorted(load_plugins().items()):
        missing = unmet(plugin, "needs", settings)
        missing_soft = unmet(plugin, "wants", settings)
        needs = [*plugin.needs, *(f"{w} (optional)" for w in plugin.wants)]
        if missing:
            status = "no: missing " + ", ".join(NEED_DESCRIPTIONS.get(m, m) for m in missing)
        elif missing_soft:
            status = "degraded: missing " + ", ".join(NEED_DESCRIPTIONS.get(m, m) for m in missing_soft)
        else:
            status = "yes"
        table.add_row(cell(name), cell(plugin.phase), cell(", ".join(needs)), cell(status), cell(plugin.description))
    _console().print(table)


#: Set when a scan has finished and said so: the program may end at once.
_SCAN_DONE = [False]


def main() -> None:
    # pysnmp imports pysmi (a MIB compiler) whenever it is installed, e.g. beside snmpsim in a
    # test environment; the collector sends numeric OIDs only and never compiles a MIB, so the
    # program does without it: about 9 MiB and 0.2 s less, the same behaviour as a user's install
    if "pysmi" not in sys.modules:
        sys.modules["pysmi"] = None  # type: ignore[assignment]
    try:
        cli(prog_name="lan-collector")
    except SystemExit as exc:
        if _SCAN_DONE[0] and (exc.code is None or isinstance(exc.code, int)):
            _end_now(exc.code or 0)
        raise


def _end_now(code: int) -> None:
    """End the program without tearing the interpreter down: after a scan,
    freeing the definitions, reference tables and compiled patterns one
    object at a time took ~0.2 s, for nothing. The inventory is closed and
    committed by then; what is buffered is flushed here."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
