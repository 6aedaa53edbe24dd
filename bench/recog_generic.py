"""How the generic SNMP rules do on Recog's real sysDescr examples (no network).

    .venv/bin/python bench/recog_generic.py [--recog DIR] [-v]

Recog's ``snmp_sysdescr.xml`` (rapid7/recog, BSD-2-Clause; found in
shared/data/recog beside the repository or with --recog) lists real sysDescr
strings with what its fingerprint knows of the device. Each example becomes a
one-object walk (sysDescr only) and is identified with Recog's own claims (which would grade
themselves) and
every device definition outside ``defs/generic/`` taken away, so the score is
that of the generic rules alone on devices no definition knows. Expected
values: model = the example's hw.product, else its os.product when the
fingerprint names no OS family (an appliance); version = os.version; class =
the project's class for its hw.device (else os.device), by the same map the
project reads Recog with (schemas/device_classes.json), where the map has
one. A value counts as right when it equals the expected one, ignoring case
and a "v" before the version.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from snmp_tuning import only_definitions  # noqa: E402


def _half(fp: ET.Element) -> str:
    """"tune" or "test": a fixed split by the fingerprint's pattern, so every
    example of one fingerprint falls in the same half."""
    import hashlib

    pattern = (fp.get("pattern") or "").encode("utf-8", "replace")
    return "tune" if hashlib.sha256(pattern).digest()[0] % 2 == 0 else "test"


def examples(path: Path, half: str | None = None):
    for fp in ET.parse(path).getroot().iter("fingerprint"):
        if half and _half(fp) != half:
            continue
        consts = {p.get("name"): p.get("value") for p in fp.iter("param") if p.get("pos") == "0"}
        for ex in fp.iter("example"):
            if ex.get("_encoding") or not ex.text:
                continue
            values = {**consts, **{k: v for k, v in ex.attrib.items() if not k.startswith("_")}}
            model = values.get("hw.product") or (values.get("os.product") if not values.get("os.family") else None)
            yield (ex.text.strip(), model, values.get("os.version"), values.get("hw.device") or values.get("os.device"),
                   values.get("hw.vendor") or values.get("os.vendor"))


def generic_best(descr: str) -> dict[str, str | None]:
    from collector.identity import best_facts
    from collector.snmp.identify import identify
    from collector.snmp.walk import walk_from_mapping

    result = identify(walk_from_mapping({"1.3.6.1.2.1.1.1.0": descr}))
    facts = [f for f, o in zip(result.facts, result.origins) if not o.startswith("recog:")]
    winners = best_facts(facts)
    return {k: str(winners[k].value) if k in winners else None
            for k in ("model", "os_version", "firmware", "device_class", "vendor")}


def norm(value: str) -> str:
    """As bench/snmp_scoring.py compares: case folded, a "v" before a digit dropped."""
    import re

    return re.sub(r"^v(?=\d)", "", " ".join(value.casefold().split()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recog", default=str(ROOT.parent / "shared" / "data" / "recog"))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--with-definitions", action="store_true",
                    help="keep every definition (Recog's own claims still left out): how the definitions read "
                         "real sysDescr strings they were not all written against")
    ap.add_argument("--half", choices=("tune", "test"),
                    help="only the fingerprints of one half (a fixed split by pattern): write rules against "
                         "'tune', score them on 'test'")
    args = ap.parse_args()
    path = Path(args.recog) / "xml" / "snmp_sysdescr.xml"
    if not path.is_file():
        print(f"no Recog database at {path}", file=sys.stderr)
        return 2
    from collector.snmp import generic

    generic.recog_claims = lambda view: None  # type: ignore[assignment]  # Recog would grade itself
    # without --with-definitions every definition outside defs/generic/ is taken away (not
    # only its claims: one that recognises a device and finds no version would also
    # silence the generic version rule)
    with contextlib.nullcontext() if args.with_definitions else \
            only_definitions(lambda d: "/generic/" in d.path.replace("\\", "/")):
        return _score(path, args.verbose, args.half)


def _score(path: Path, verbose: bool, half: str | None = None) -> int:
    from collector.snmp.generic import class_map
    from collector.vendornames import canonical_vendor

    classes = class_map()
    score = {name: [0, 0, 0] for name in ("model", "version", "class", "vendor")}  # expected, given, right
    for descr, model, version, device, vendor in examples(path, half):
        got = generic_best(descr)
        gv = got["os_version"] or got["firmware"]
        for name, want, have in (("model", model, got["model"]), ("version", version, gv),
                                 ("class", classes.get(device or ""), got["device_class"]),
                                 ("vendor", canonical_vendor(vendor) if vendor else None, got["vendor"])):
            if not want:
                continue
            s = score[name]
            s[0] += 1
            s[1] += have is not None
            ok = have is not None and norm(have) == norm(want)
            s[2] += ok
            if verbose and not ok:
                print(f"{name:8} want {want!r:28} got {have!r:28} {descr[:90]!r}")
    for name, (n, given, right) in score.items():
        print(f"{name:8} expected {n}  given {given}  right {right} ({100 * right // max(n, 1)} %)"
              f"  wrong {given - right}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
