"""Checkmk stored walks for the tests.

The real stored walks the project labelled (github.com/spearheadsys/
checkmk-agent-output, Apache-2.0) were brought in with the workplace's fetch
tool, so they stay out of the repository: they live in
``shared/data/snmp-walks-checkmk`` beside the checkout (or where
``LAN_COLLECTOR_SHARED_DATA`` says), and the tests that read them are skipped
without it. ``tests/fixtures/snmp/checkmk`` holds only what the project wrote:
the expected fields of each walk and the sha256 of the files they were written
against. What every machine has is :func:`checkmk_text`: a walk written in
Checkmk's format, the way Checkmk writes it (a value whose bytes are all
printable ASCII, 32 to 127, as it is; any other as its bytes in upper-case hex,
each followed by a space, inside double quotes; an OID with a leading dot).
"""

from __future__ import annotations

import os
from pathlib import Path

from collector.snmp.walk import OID, Walk, oid_key

FIXTURES = Path(__file__).parent / "fixtures" / "snmp" / "checkmk"
SHARED = Path(os.environ.get("LAN_COLLECTOR_SHARED_DATA")
              or Path(__file__).resolve().parent.parent.parent / "shared" / "data") / "snmp-walks-checkmk"


def checkmk_text(walk: Walk) -> str:
    lines = []
    for oid in sorted(walk.data, key=oid_key):
        tag, value = walk.data[oid]
        if value is None:
            continue  # a NULL: Checkmk stores no line for it
        if tag == OID:
            text = f".{value}"
        elif isinstance(value, bytes):
            text = value.decode("ascii") if all(32 <= c <= 127 for c in value) else \
                '"' + "".join(f"{c:02X} " for c in value) + '"'
        else:
            text = str(value)
        lines.append(f".{oid} {text}")
    return "\n".join(lines) + "\n"
