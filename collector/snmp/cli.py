"""``lan-collector identify FILE...``: identify recorded walks offline.

Each file is an snmprec recording (``.snmprec``, ``.snmprec.bz2``: what
``snmp.record_dir`` writes), ``snmpwalk -On`` output or a walk Checkmk
stored (``cmk --snmpwalk``). Every field is printed with its value, the
definition (or generic source) that said so, the confidence and the
evidence, as plain text: device strings are never interpreted as markup or
terminal control. Several files (a folder of stored walks) end with a line
naming the walks no class was identified for: those want a definition.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

EXIT_USAGE = 2


def plain(text: object, limit: int = 300) -> str:
    """One line of printable text: control characters shown as \\xNN."""
    value = str(text)[:limit]
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in value)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON (one object; a list of them for several files).")
@click.option("--scan-view", is_flag=True,
              help="Identify only what a scan would read from such an agent (checks that the definitions' "
                   "objects are planned), not the whole file.")
@click.option("--all", "show_all", is_flag=True, help="Also list the claims that lost.")
@click.option("--draft", is_flag=True,
              help="Print a draft device definition for this walk (YAML, to check and save in the directory "
                   "named by LAN_COLLECTOR_SNMP_DEFS) instead of the identification.")
@click.option("--family", metavar="NAME", help="With --draft: the family's name (default: vendor and class).")
def identify(files: tuple[str, ...], as_json: bool, scan_view: bool, show_all: bool, draft: bool,
             family: str | None) -> None:
    """Identify recorded SNMP walks (snmprec, snmpwalk -On output or Checkmk stored walks) offline, with the
    evidence per field. A folder stands for the walks in it (Checkmk's var/check_mk/snmpwalks, say); with
    several walks, the last line names those no class was identified for."""
    from collector.snmp.definitions import DefinitionError

    files = _walk_files(files)
    if not files:
        click.echo("lan-collector: error: no walk files in the folder(s) given", err=True)
        sys.exit(EXIT_USAGE)
    if family is not None and not draft:
        click.echo("lan-collector: error: --family goes with --draft", err=True)
        sys.exit(EXIT_USAGE)
    if draft and (as_json or show_all):
        click.echo("lan-collector: error: --draft prints a definition: not with --json or --all", err=True)
        sys.exit(EXIT_USAGE)
    if draft and len(files) > 1:
        click.echo("lan-collector: error: --draft writes one definition: give it one file", err=True)
        sys.exit(EXIT_USAGE)
    try:
        if draft:
            _draft(Path(files[0]), scan_view, family)
        else:
            _identify_all(files, as_json, scan_view, show_all)
    except DefinitionError as exc:
        click.echo(f"lan-collector: error: a device definition is broken: {plain(exc)}", err=True)
        sys.exit(1)


def _draft(path: Path, scan_view: bool, family: str | None) -> None:
    from collector.snmp.draft import DraftError
    from collector.snmp.draft import draft as write_draft
    from collector.snmp.plan import simulate
    from collector.snmp.walk import WalkError
    from collector.snmp.walkfile import load_walk_file

    try:
        walk = load_walk_file(path)
        click.echo(write_draft(simulate(walk) if scan_view else walk, path.name, family), nl=False)
    except (WalkError, DraftError) as exc:
        click.echo(f"lan-collector: error: {plain(exc)}", err=True)
        sys.exit(EXIT_USAGE)


def _identify_all(files: tuple[str, ...], as_json: bool, scan_view: bool, show_all: bool) -> None:
    """Each walk identified and printed (a JSON list for several); an unreadable
    one is a line on stderr and exit 2 once the others are done."""
    from collector.snmp.walk import WalkError

    records: list[dict[str, Any]] = []
    unclassified: list[str] = []
    failed = 0
    for number, file in enumerate(files):
        path = Path(file)
        try:
            record = _identified(path, scan_view, show_all)
        except WalkError as exc:
            failed += 1
            click.echo(f"lan-collector: error: {plain(exc)}", err=True)
            if as_json and len(files) > 1:
                records.append({"file": str(path), "error": str(exc)})
            continue
        if not any(w["field"] == "device_class" for w in record["fields"]):
            unclassified.append(path.name)
        if as_json:
            records.append(record)
        else:
            if number:
                click.echo("")
            _print(record)
    if as_json and records:
        click.echo(json.dumps(records if len(files) > 1 else records[0], indent=1))
    elif len(files) > 1:
        read = len(files) - failed
        click.echo(f"\n{read} of {len(files)} walks read, {read - len(unclassified)} classified"
                   + (f"; no class identified for {len(unclassified)} (try --draft on each): "
                      f"{plain(', '.join(unclassified), 1000)}" if unclassified else ""))
    if failed:
        sys.exit(EXIT_USAGE)


def _walk_files(args: tuple[str, ...]) -> tuple[str, ...]:
    """The files named, a folder standing for the files in it (sorted; not
    hidden ones, not its subfolders)."""
    out: list[str] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            out += [str(p) for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith(".")]
        else:
            out.append(arg)
    return tuple(out)


def _identified(path: Path, scan_view: bool, show_all: bool) -> dict[str, Any]:
    """One walk file's identification, as ``--json`` prints it."""
    from collector.snmp.identify import identify as run
    from collector.snmp.plan import simulate
    from collector.snmp.walkfile import load_walk_file

    walk = load_walk_file(path)
    ident = run(simulate(walk) if scan_view else walk)
    winners = ident.explain()
    record: dict[str, Any] = {"file": str(path), "values": len(walk), "definitions": ident.definitions,
                              "fields": winners}
    if show_all:
        won = {(w["field"], w["value"], w["evidence"]) for w in winners}
        record["other_claims"] = [{"field": f.field, "value": str(f.value), "confidence": f.confidence,
                                   "evidence": f.evidence, "source": o} for f, o in zip(ident.facts, ident.origins)
                                  if (f.field, str(f.value), f.evidence) not in won]
    return record


def _print(record: dict[str, Any]) -> None:
    winners, losers = record["fields"], record.get("other_claims", [])
    click.echo(f"{plain(record['file'])}: {record['values']} values; definitions that recognised it: "
               f"{', '.join(record['definitions']) or 'none'}")
    if not winners:
        click.echo("nothing identified")
    width = max((len(w["field"]) for w in winners), default=0)
    for w in winners:
        click.echo(f"  {w['field']:<{width}}  {plain(w['value'], 120)}")
        click.echo(f"  {'':<{width}}    from {plain(w['source'], 60)}, confidence {w['confidence']}: "
                   f"{plain(w['evidence'] or '')}")
    if losers:
        click.echo("other claims:")
        for w in sorted(losers, key=lambda x: (str(x["field"]), -int(str(x["confidence"])))):
            click.echo(f"  {w['field']:<{width}}  {plain(w['value'], 120)}  ({plain(w['source'], 60)}, "
                       f"{w['confidence']}: {plain(w['evidence'] or '')})")
