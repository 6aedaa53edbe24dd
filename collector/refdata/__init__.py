"""Reference data shipped with lan-collector, derived from public sources by
``lan-collector data build --from DIR`` (see :mod:`collector.refdata.build`).

Each derived file is listed in ``files/PROVENANCE.json`` with its source,
upstream commit and date, licence and sha256.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

#: Where a user's rebuilt data lives; it wins over the packaged copy.
USER_DATA_DIR = Path(os.environ.get("LAN_COLLECTOR_DATA_DIR", "/var/lib/lan-collector/refdata"))
PACKAGED = resources.files("collector.refdata") / "files"


class DataError(RuntimeError):
    pass


def data_dir() -> Path:
    """The directory the data is read from: a valid user rebuild, else the packaged copy."""
    if (USER_DATA_DIR / "PROVENANCE.json").is_file():
        return USER_DATA_DIR
    return Path(str(PACKAGED))


def provenance(directory: Path | None = None) -> dict[str, Any]:
    path = (directory or data_dir()) / "PROVENANCE.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise DataError(f"reference data provenance unreadable at {path}: {exc}") from None


def _listed(name: str) -> tuple[Path, str]:
    """A data file's path and the sha256 its provenance records."""
    directory = data_dir()
    entry = provenance(directory)["files"].get(name)
    if entry is None:
        raise DataError(f"{name} is not in the reference data (rebuild with `lan-collector data build`)")
    return directory / name, entry["sha256"]


def _check(path: Path, digest: str, expected: str) -> None:
    if digest != expected:
        raise DataError(f"{path} does not match its recorded sha256; rebuild the data")


def load_json(name: str) -> Any:
    """A JSON data file, verified against its recorded sha256 (read once)."""
    path, expected = _listed(name)
    raw = path.read_bytes()
    _check(path, hashlib.sha256(raw).hexdigest(), expected)
    return json.loads(raw)


def load_bytes(name: str) -> bytes:
    """A binary data file, verified against its recorded sha256."""
    path, expected = _listed(name)
    raw = path.read_bytes()
    _check(path, hashlib.sha256(raw).hexdigest(), expected)
    return raw


def path_of(name: str) -> Path:
    """A data file's path (for files opened in place, like the CVE database),
    verified against its recorded sha256."""
    path, expected = _listed(name)
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    _check(path, digest.hexdigest(), expected)
    return path


def age_warnings(today: _dt.date, max_age_days: int = 180) -> list[str]:
    """Sources whose upstream snapshot is older than ``max_age_days`` on ``today``."""
    warnings = []
    for name, entry in provenance()["files"].items():
        date = entry.get("source", {}).get("date")
        limit = entry.get("max_age_days", max_age_days)
        if not date or limit is None:  # None: an append-only registry does not go stale
            continue
        age = (today - _dt.date.fromisoformat(date[:10])).days
        if age > limit:
            warnings.append(f"{name}: source snapshot is {age} days old ({date[:10]}); "
                            "download newer data and run `lan-collector data build --from DIR`")
    return warnings
