"""``lan-collector lab``: a simulated office to try the collector safely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from collector.lab import topology as topo
from collector.lab.netns import LabError

DEFAULT_LAB_DB = "lab-inventory.db"


def _err(message: str, code: int = 2) -> None:
    click.echo(f"lan-collector lab: error: {message}", err=True)
    sys.exit(code)


def in_lab_command(argv: list[str]) -> list[str]:
    """The command line that runs ``argv`` inside the lab collector namespace,
    behind the guard that refuses to run anywhere else."""
    return ["ip", "netns", "exec", topo.COLLECTOR_NS, sys.executable, "-m", "collector.lab.guard", *argv]


def run_in_lab(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    from collector.lab.netns import lab_namespaces

    if topo.COLLECTOR_NS not in lab_namespaces():
        raise LabError("the lab is not up (run `lan-collector lab up`)")
    return subprocess.run(in_lab_command(argv), **kwargs)  # type: ignore[call-overload]


def run_in_lab_foreground(argv: list[str], env: dict[str, str] | None = None) -> int:
    """Run ``argv`` in the lab and return its exit code, as a shell would: a
    Ctrl-C reaches the child too (same terminal process group), so this
    process waits for the child to finish its own clean stop and passes its
    code on (130 for an interrupted scan) instead of dying with "Aborted!";
    a SIGTERM sent to this process is forwarded to the child."""
    import signal

    from collector.lab.netns import check_not_in_session, lab_namespaces

    if topo.COLLECTOR_NS not in lab_namespaces():
        raise LabError("the lab is not up (run `lan-collector lab up`)")
    # another session's lab (a test run, a benchmark) is not ours to scan: our probes would
    # disturb what it measures, and it may pull the lab down under us
    check_not_in_session()
    proc = subprocess.Popen(in_lab_command(argv), env=env)
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: proc.send_signal(signal.SIGTERM))
    try:
        while True:
            try:
                code = proc.wait()
                break
            except KeyboardInterrupt:
                continue  # the child got the same Ctrl-C; its exit code says how it ended
    finally:
        signal.signal(signal.SIGTERM, previous)
    return code if code >= 0 else 128 - code  # killed by a signal: the shell's convention


def lab_scan_argv(args: list[str]) -> list[str]:
    """``lan-collector scan`` arguments made safe for the lab: the targets
    (parsed exactly as `scan` parses them) must be lab addresses, and there
    must be some, so auto-detection can never run."""
    from collector.cli import scan as scan_cmd
    from collector.lab.guard import check_lab_targets

    if any(a in ("-h", "--help") for a in args):
        return [sys.executable, "-m", "collector", "scan", "--help"]
    with scan_cmd.make_context("scan", list(args), resilient_parsing=True) as ctx:
        params = ctx.params
    targets = list(params.get("targets") or ())
    if params.get("targets_file"):
        raise LabError("--targets-file is not supported in the lab; give lab targets on the command line")
    if any(t.startswith("@") for t in targets):
        raise LabError("@FILE targets are not supported in the lab; give lab targets on the command line")
    extra = list(args)
    if not targets:
        targets = [str(topo.LAN), str(topo.BRANCH)]
        extra += targets
    check_lab_targets(targets)
    if not params.get("db"):
        extra = ["--db", str(Path(DEFAULT_LAB_DB).resolve()), *extra]
    if params.get("config"):
        raise LabError("--config is not supported in the lab (a config could name non-lab targets)")
    return [sys.executable, "-m", "collector", "scan", *extra]


@click.group()
def lab() -> None:
    """A simulated office in network namespaces (needs root). Scans run only inside it."""


@lab.command()
@click.option("--hosts", "-n", type=click.IntRange(1, topo.MAX_HOSTS), default=topo.full_size(), show_default=True,
              help="Hosts on the office LAN (a router adds two more behind it).")
@click.option("--no-snmp", is_flag=True, help="Do not start snmpd agents.")
def up(hosts: int, no_snmp: bool) -> None:
    """Build the lab (replacing any previous one)."""
    from collector.lab.netns import up as lab_up

    try:
        state = lab_up(hosts, snmp=not no_snmp)
    except LabError as exc:
        _err(str(exc))
        return
    for warning in state.get("warnings", []):
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"lab up: {len(state['hosts'])} hosts, collector namespace {topo.COLLECTOR_NS} "
               f"({topo.COLLECTOR_IP}); office LAN {topo.LAN}, branch {topo.BRANCH} behind the router")


@lab.command()
def down() -> None:
    """Remove every lab namespace, process and file (safe after a crash)."""
    from collector.lab.netns import down as lab_down, require_root

    try:
        require_root()
        removed = lab_down()
    except LabError as exc:
        _err(str(exc))
        return
    click.echo(f"lab down: removed {len(removed)} namespace(s)")


@lab.command()
def status() -> None:
    """Show the lab's hosts and whether it is up."""
    from rich.console import Console
    from rich.table import Table

    from collector.lab.netns import lab_namespaces, read_state
    from collector.procutil import pid_alive

    state = read_state()
    namespaces = lab_namespaces()
    if not state and not namespaces:
        click.echo("lab is down")
        return
    if not state:
        click.echo(f"lab is broken: {len(namespaces)} namespace(s) but no state; run `lan-collector lab down`")
        sys.exit(1)
    table = Table(title=f"lab: {len(state['hosts'])} hosts, {len(namespaces)} namespaces")
    for col in ("ns", "kind", "ip", "mac", "hostname", "snmp", "services"):
        table.add_column(col)
    for h in state["hosts"]:
        profile = topo.PROFILES[h["kind"]]
        pid = state["pids"].get(f"snmpd:{h['ns']}")
        snmp = "-" if profile.snmp is None else ("up" if pid and pid_alive(pid) else "down")
        table.add_row(h["ns"], h["kind"], h["ip"] + (f" {h['extra_ip']}" if h["extra_ip"] else ""), h["mac"],
                      h["hostname"], snmp, " ".join(f"{s.port}/{s.kind}" for s in profile.services) or "-")
    Console().print(table)
    services = state["pids"].get("services")
    click.echo(f"service daemon: {'up' if services and pid_alive(services) else 'down'}")


@lab.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def scan(args: tuple[str, ...]) -> None:
    """Run `lan-collector scan ARGS` inside the lab. Targets default to the
    lab's two subnets and must be lab addresses; --db defaults to
    lab-inventory.db. Example: lan-collector lab scan --plugins arp 198.18.0.0/24"""
    try:
        argv = lab_scan_argv(list(args))
        code = run_in_lab_foreground(argv)
    except LabError as exc:
        _err(str(exc))
        return
    sys.exit(code)


@lab.command("exec", context_settings={"ignore_unknown_options": True})
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def exec_(command: tuple[str, ...]) -> None:
    """Run COMMAND inside the lab collector namespace (for comparisons with
    arp-scan or nmap). It refuses to run if the namespace is not isolated."""
    try:
        code = run_in_lab_foreground(list(command))
    except LabError as exc:
        _err(str(exc))
        return
    sys.exit(code)


@lab.command()
@click.option("--hosts", "-n", type=click.IntRange(1, topo.MAX_HOSTS), default=topo.full_size(), show_default=True,
              help="Hosts on the office LAN (default: one of every kind and a few office fillers).")
@click.option("--db", default=DEFAULT_LAB_DB, show_default=True, help="Inventory file to write.")
@click.option("--keep", is_flag=True, help="Leave the lab up afterwards (for `lab scan`).")
def demo(hosts: int, db: str, keep: bool) -> None:
    """Build the lab, scan it fully, print the summary and where the file is."""
    from collector.lab.netns import lab_session, up as lab_up

    def run() -> int:
        click.echo(f"lab up with {hosts} office hosts; scanning from {topo.COLLECTOR_NS} ...", err=True)
        argv = lab_scan_argv(["--db", db])
        return run_in_lab_foreground(argv, env={**os.environ, "COLUMNS": os.environ.get("COLUMNS", "120")})

    try:
        if keep:
            lab_up(hosts)
            code = run()
        else:
            with lab_session(hosts):
                code = run()
    except LabError as exc:
        _err(str(exc))
        return
    if code == 0:
        click.echo(f"\ninventory written to {Path(db).resolve()}\n"
                   f"next: lan-collector devices --db {db}   |   lan-collector export --db {db} --format json")
    sys.exit(code)
