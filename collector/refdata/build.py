"""``lan-collector data build --from DIR``: derive the compact reference
files from raw downloads, validate them, and swap them in atomically.

DIR has the layout of the project's ``shared/data`` (``recog/xml/*.xml`` with
``recog/SOURCE.md`` and its licence). The packaged copy under
``collector/refdata/files`` is produced by this same code (``--to``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from collector.refdata import DataError
from collector.refdata.recog import DATABASES, Recog, parse_database

#: A rebuilt Recog set must keep at least this share of the fingerprints.
MIN_RECOG_KEPT = 0.95


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _source_info(source_md: Path, licence: str) -> dict[str, Any]:
    text = source_md.read_text(encoding="utf-8") if source_md.exists() else ""
    repo = re.search(r"Repository:\s*(\S+)", text)
    commit = re.search(r"Commit:\s*([0-9a-f]{40})", text)
    date = re.search(r"committed\s+(\d{4}-\d{2}-\d{2})", text)
    return {
        "repository": repo.group(1) if repo else None,
        "commit": commit.group(1) if commit else None,
        "date": date.group(1) if date else None,
        "licence": licence,
    }


def build_recog(src: Path, out: Path) -> dict[str, Any]:
    xml_dir = src / "recog" / "xml"
    if not xml_dir.is_dir():
        raise DataError(f"{xml_dir} not found: DIR must hold recog/xml/*.xml (the layout of shared/data)")
    databases: dict[str, Any] = {}
    dropped: list[str] = []
    inputs: dict[str, str] = {}
    total = kept = 0
    for name in DATABASES:
        path = xml_dir / f"{name}.xml"
        if not path.exists():
            raise DataError(f"{path} missing")
        inputs[f"recog/xml/{path.name}"] = _sha256(path)
        try:
            db, bad = parse_database(path)
        except Exception as exc:  # ParseError, defusedxml's entity refusals, ...
            raise DataError(f"{path}: not a valid Recog fingerprint file ({exc})") from None
        databases[name] = db
        dropped.extend(bad)
        kept += len(db["fingerprints"])
        total += len(db["fingerprints"]) + len(bad)
    if total == 0 or kept / total < MIN_RECOG_KEPT:
        raise DataError(f"only {kept} of {total} Recog fingerprints work in Python; refusing this data")
    payload = {"databases": databases}
    target = out / "recog.json"
    target.write_text(json.dumps(payload, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    for licence_file in ("LICENSE", "COPYING"):
        if (src / "recog" / licence_file).exists():
            shutil.copyfile(src / "recog" / licence_file, out / f"recog.{licence_file}")
    info = _source_info(src / "recog" / "SOURCE.md", "BSD-2-Clause")
    return {
        "recog.json": {
            "source": info,
            "inputs": inputs,
            "fingerprints": kept,
            "dropped": len(dropped),
            "dropped_reasons": dropped,
            "licence_files": sorted(p.name for p in out.glob("recog.*") if p.suffix != ".json"),
        }
    }


def validate(out: Path) -> None:
    """Load what was built the way the product will, and exercise it."""
    data = json.loads((out / "recog.json").read_text())
    rec = Recog(data)
    for db in DATABASES:
        for text, expected, description in rec.examples(db):
            result = rec.match(db, text)
            if result is None:
                raise DataError(f"built Recog data fails its own example in {db}: {description}")
            break  # one per database: the full table runs in the test suite


def build(src: Path, dest: Path, *, today: _dt.date | None = None) -> dict[str, Any]:
    """Build into a fresh directory beside ``dest``, validate, then swap it in."""
    given, src = str(src), src.expanduser().resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".refdata-", dir=dest.parent))
    try:
        files = build_recog(src, tmp)
        for name, entry in files.items():
            entry["sha256"] = _sha256(tmp / name)
        provenance = {
            "built": (today or _dt.date.today()).isoformat(),
            "built_from": given,
            "tool": "lan-collector data build",
            "files": files,
        }
        (tmp / "PROVENANCE.json").write_text(json.dumps(provenance, indent=1, sort_keys=True) + "\n")
        validate(tmp)
        _swap(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return provenance


def _swap(new: Path, dest: Path) -> None:
    """Replace ``dest`` by ``new`` so readers see the old or the new set, never a mix."""
    old = dest.with_name(dest.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        os.replace(dest, old)
    os.replace(new, dest)
    shutil.rmtree(old, ignore_errors=True)
