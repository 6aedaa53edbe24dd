"""``lan-collector systemd``: the nightly-scan units and config example that
ship inside the package, printed or installed for this installation.

A pipx or wheel install has no ``systemd/`` folder to copy from; the files
live in the package (``collector.systemd``) and the service's ``ExecStart``
is pointed at the ``lan-collector`` that runs this command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import click

FILES = {"service": "lan-collector.service", "timer": "lan-collector.timer", "config": "config.toml.example"}
UNIT_DIR = Path("etc/systemd/system")
CONFIG_PATH = Path("etc/lan-collector/config.toml")
DEFAULT_EXEC = "/usr/local/bin/lan-collector"
#: ProtectHome=yes hides these from the service: a binary there cannot start.
_HIDDEN = ("/home/", "/root/", "/run/user/")


class UnitError(ValueError):
    pass


def _fail(message: str, code: int) -> None:
    click.echo(f"lan-collector: error: {message}", err=True)
    sys.exit(code)


def packaged(name: str) -> str:
    return (resources.files("collector.systemd") / FILES[name]).read_text(encoding="utf-8")


def this_executable() -> str:
    """The absolute path of the ``lan-collector`` running now (or the one on PATH)."""
    argv0 = Path(sys.argv[0])
    if argv0.name == "lan-collector" and argv0.exists():
        return str(argv0.absolute())
    found = shutil.which("lan-collector")
    return str(Path(found).absolute()) if found else DEFAULT_EXEC


def service_text(executable: str) -> str:
    """The service unit with ExecStart pointing at ``executable``."""
    if not os.path.isabs(executable):
        raise UnitError(f"ExecStart needs an absolute path, not {executable!r}")
    if any(executable.startswith(p) for p in _HIDDEN):
        raise UnitError(f"{executable} is under a home directory, which the hardened service cannot see "
                        "(ProtectHome=yes). Install lan-collector system-wide, e.g. "
                        "`python3 -m venv /opt/lan-collector && /opt/lan-collector/bin/pip install lan-collector` "
                        "or `PIPX_HOME=/opt/pipx PIPX_BIN_DIR=/usr/local/bin pipx install lan-collector`, "
                        "or pass --exec PATH")
    text = packaged("service")
    return text.replace(f"ExecStart={DEFAULT_EXEC} ", f"ExecStart={executable} ")


def install(root: Path, executable: str, force: bool = False) -> list[tuple[Path, str]]:
    """Write the units and (unless one exists) the config; returns (path, what was done)."""
    done = []
    writes = [(root / UNIT_DIR / FILES["service"], service_text(executable), 0o644, True),
              (root / UNIT_DIR / FILES["timer"], packaged("timer"), 0o644, True),
              (root / CONFIG_PATH, packaged("config"), 0o600, force)]
    for path, text, mode, overwrite in writes:
        if path.exists() and not overwrite:
            done.append((path, "kept (exists; --force replaces it)"))
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.chmod(mode)
            tmp.replace(path)
        except OSError as exc:
            raise UnitError(f"cannot write {path}: {exc.strerror or exc}") from None
        done.append((path, "written"))
    return done


@click.group()
def systemd() -> None:
    """The systemd units for nightly scans, shipped in the package."""


@systemd.command()
@click.argument("what", type=click.Choice(sorted(FILES)), default="service")
@click.option("--exec", "executable", default=None, metavar="PATH",
              help="lan-collector to run (default: this one).")
def show(what: str, executable: str | None) -> None:
    """Print the service unit, the timer or the config example."""
    try:
        text = service_text(executable or this_executable()) if what == "service" else packaged(what)
    except UnitError as exc:
        _fail(str(exc), 2)
    click.echo(text, nl=False)


@systemd.command("install")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("/"), show_default=True,
              help="Install below this directory (for images and tests).")
@click.option("--exec", "executable", default=None, metavar="PATH",
              help="lan-collector the service runs (default: this one).")
@click.option("--force", is_flag=True, help="Replace an existing /etc/lan-collector/config.toml.")
@click.option("--enable", is_flag=True,
              help="Then run `systemctl daemon-reload` and `systemctl enable --now lan-collector.timer`.")
def install_cmd(root: Path, executable: str | None, force: bool, enable: bool) -> None:
    """Install the service, the nightly timer and a config example (mode 600, kept if present).

    Edit /etc/lan-collector/config.toml (targets, SNMP credentials) before enabling the timer.
    """
    try:
        done = install(root, executable or this_executable(), force)
    except UnitError as exc:
        _fail(str(exc), 2 if "ExecStart" in str(exc) or "home directory" in str(exc) else 1)
        return
    for path, what in done:
        click.echo(f"{path}: {what}")
    if not enable:
        click.echo("next: edit /etc/lan-collector/config.toml, then "
                   "`systemctl daemon-reload && systemctl enable --now lan-collector.timer`")
        return
    if root != Path("/") or not Path("/run/systemd/system").is_dir():
        _fail("--enable needs --root / on a machine running systemd", 2)
    for argv in (["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", FILES["timer"]]):
        proc = subprocess.run(argv, capture_output=True, text=True)
        if proc.returncode != 0:
            _fail(f"{' '.join(argv)} failed: {proc.stderr.strip()[:300]}", 1)
    click.echo("timer enabled: `systemctl list-timers lan-collector.timer` shows the next run")
