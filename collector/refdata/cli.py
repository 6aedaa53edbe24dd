"""``lan-collector data``: build and inspect the reference data."""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

import click

from collector import refdata
from collector.refdata import DataError


def _short(commit: object) -> str:
    """A git hash shortened; a derived file's list of source commits as it is."""
    text = str(commit)
    return text[:12] if len(text) == 40 and all(c in "0123456789abcdef" for c in text) else text


@click.group()
def data() -> None:
    """Reference data (Recog fingerprints, ...): where it comes from, rebuilding it."""


@data.command()
@click.option("--from", "src", required=True, type=click.Path(exists=True, file_okay=False),
              help="Directory of raw downloads, laid out like the project's shared/data.")
@click.option("--to", "dest", type=click.Path(file_okay=False), default=None,
              help=f"Where to install the built set (default {refdata.USER_DATA_DIR}, which then wins over "
                   "the packaged copy).")
def build(src: str, dest: str | None) -> None:
    """Derive the compact data files from raw downloads, validate them, swap them in atomically."""
    from collector.refdata.build import build as do_build

    target = Path(dest) if dest else refdata.USER_DATA_DIR
    try:
        prov = do_build(Path(src), target)
    except (DataError, OSError, ValueError) as exc:
        click.echo(f"lan-collector data: error: {exc}; the installed data is unchanged", err=True)
        sys.exit(1)
    for name, entry in prov["files"].items():
        count = entry.get("fingerprints", entry.get("entries", "?"))
        click.echo(f"{name}: {count} entries, {entry.get('dropped', 0)} dropped, "
                   f"source {entry['source'].get('repository')} @ {_short(entry['source'].get('commit'))} "
                   f"({entry['source'].get('date')})")
    click.echo(f"installed in {target}")


@data.command()
@click.option("--max-age-days", type=int, default=180, show_default=True,
              help="Warn about sources older than this.")
def status(max_age_days: int) -> None:
    """Where the reference data is read from, its sources, licences and age."""
    try:
        directory = refdata.data_dir()
        prov = refdata.provenance(directory)
    except DataError as exc:
        click.echo(f"lan-collector data: error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"reference data: {directory} (built {prov.get('built')})")
    for name, entry in sorted(prov["files"].items()):
        src = entry["source"]
        count = entry.get("fingerprints", entry.get("entries", "?"))
        click.echo(f"  {name}: {count} entries; {src.get('repository')} @ "
                   f"{_short(src.get('commit'))} ({src.get('date')}), licence {src.get('licence')}, "
                   f"sha256 {entry['sha256'][:16]}...")
    warnings = refdata.age_warnings(_dt.date.today(), max_age_days)
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
