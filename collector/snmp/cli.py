"""``lan-collector identify FILE``: identify a recorded walk offline.

The file is an snmprec recording (``.snmprec``, ``.snmprec.bz2``: what
``snmp.record_dir`` writes) or ``snmpwalk -On`` output. Every field is
printed with its value, the definition (or generic source) that said so,
the confidence and the evidence, as plain text: device strings are never
interpreted as markup or terminal control.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

EXIT_USAGE = 2


def plain(text: object, limit: int = 300) -> str:
    """One line of printable text: control characters shown as \\xNN."""
    value = str(text)[:limit]
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in value)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--scan-view", is_flag=True,
              help="Identify only what a scan would read from such an agent (checks that the definitions' "
                   "objects are planned), not the whole file.")
@click.option("--all", "show_all", is_flag=True, help="Also list the claims that lost.")
@click.option("--draft", is_flag=True,
              help="Print a draft device definition for this walk (YAML, to check and save in the directory "
                   "named by LAN_COLLECTOR_SNMP_DEFS) instead of the identification.")
@click.option("--family", metavar="NAME", help="With --draft: the family's name (default: vendor and class).")
def identify(file: str, as_json: bool, scan_view: bool, show_all: bool, draft: bool, family: str | None) -> None:
    """Identify a recorded SNMP walk (snmprec or snmpwalk -On output) offline, with the evidence per field."""
    from collector.snmp.definitions import DefinitionError
    from collector.snmp.identify import identify as run
    from collector.snmp.plan import simulate
    from collector.snmp.walk import WalkError
    from collector.snmp.walkfile import load_walk_file

    path = Path(file)
    if family is not None and not draft:
        click.echo("lan-collector: error: --family goes with --draft", err=True)
        sys.exit(EXIT_USAGE)
    if draft and (as_json or show_all):
        click.echo("lan-collector: error: --draft prints a definition: not with --json or --all", err=True)
        sys.exit(EXIT_USAGE)
    try:
        walk = load_walk_file(path)
        if draft:
            from collector.snmp.draft import DraftError
            from collector.snmp.draft import draft as write_draft

            try:
                click.echo(write_draft(simulate(walk) if scan_view else walk, path.name, family), nl=False)
            except DraftError as exc:
                click.echo(f"lan-collector: error: {plain(exc)}", err=True)
                sys.exit(EXIT_USAGE)
            return
        ident = run(simulate(walk) if scan_view else walk)
    except WalkError as exc:
        click.echo(f"lan-collector: error: {plain(exc)}", err=True)
        sys.exit(EXIT_USAGE)
    except DefinitionError as exc:
        click.echo(f"lan-collector: error: a device definition is broken: {plain(exc)}", err=True)
        sys.exit(1)
    winners = ident.explain()
    losers = []
    if show_all:
        won = {(w["field"], w["value"], w["evidence"]) for w in winners}
        losers = [{"field": f.field, "value": str(f.value), "confidence": f.confidence, "evidence": f.evidence,
                   "source": o} for f, o in zip(ident.facts, ident.origins)
                  if (f.field, str(f.value), f.evidence) not in won]
    if as_json:
        click.echo(json.dumps({"file": str(path), "values": len(walk), "definitions": ident.definitions,
                               "fields": winners, **({"other_claims": losers} if show_all else {})}, indent=1))
        return
    click.echo(f"{plain(path)}: {len(walk)} values; definitions that recognised it: "
               f"{', '.join(ident.definitions) or 'none'}")
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
