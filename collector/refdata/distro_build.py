"""``distro.json``: which distribution release a package version belongs to,
derived by ``lan-collector data build`` from

- endoflife.date's debian / ubuntu / centos / rhel pages (MIT): the release
  cycles and their codenames (``squeeze`` -> Debian 6, ``focal`` -> 20.04);
- Recog's ``ssh_banners.xml`` (BSD-2-Clause): real OpenSSH banners, each
  labelled with the Debian or Ubuntu release it comes from
  (``OpenSSH_8.2p1 Ubuntu-4ubuntu0.1`` -> Ubuntu 20.04);
- ``curated/distro_packages.json`` in this package: the releases those
  sources do not cover, each entry with the public record it was checked
  against (see its ``_about``).

The rules that read a release straight from a package suffix (``+deb9u7``,
``+squeeze5``, ``ubuntu0.20.04.1``, ``.el6``) are code, in
:mod:`collector.assess.distro`; this table serves the versions that carry no
such suffix.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from collector.assess.distro import release_base
from collector.refdata import DataError

#: endoflife.date product slug per distribution the table knows.
PRODUCTS = {"debian": "debian", "ubuntu": "ubuntu", "centos": "centos", "rhel": "rhel"}
#: Recog's ssh_banners os.vendor -> distribution.
RECOG_VENDORS = {"Ubuntu": "ubuntu", "Debian": "debian"}
_SSH = re.compile(r"^OpenSSH_(?P<upstream>[0-9][\w.]*)[ -](?P<distro>Debian|Ubuntu)-(?P<revision>\S+)$")


def _front_matter(path: Path) -> dict[str, Any]:
    from collector.refdata.build import _yaml_front_matter

    return _yaml_front_matter(path.read_text(encoding="utf-8"))


def _cycle(cycles: list[str], version: str) -> str | None:
    """Recog says Debian "6.0" / "10.2"; endoflife.date's cycles are "6", "10", "3.1"."""
    if version in cycles:
        return version
    major = version.split(".")[0]
    return major if major in cycles else None


def _releases(src: Path, inputs: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for distro, slug in PRODUCTS.items():
        path = src / "endoflife.date" / "products" / f"{slug}.md"
        if not path.exists():
            raise DataError(f"{path} missing")
        inputs[f"endoflife.date/products/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
        cycles: dict[str, Any] = {}
        for r in _front_matter(path).get("releases") or []:
            if isinstance(r, dict) and r.get("releaseCycle") is not None:
                codename = str(r.get("codename") or "").split(" ")[0].lower() or None
                cycles[str(r["releaseCycle"])] = {"codename": codename}
        out[distro] = cycles
    if "6" not in out["debian"] or "20.04" not in out["ubuntu"]:
        raise DataError("endoflife.date's debian/ubuntu pages lack the releases every table needs")
    return out


def _from_recog(src: Path, releases: dict[str, Any], inputs: dict[str, str],
                notes: list[str]) -> dict[tuple[str, str, str], dict[str, Any]]:
    from collector.refdata.recog import parse_database

    path = src / "recog" / "xml" / "ssh_banners.xml"
    inputs["recog/xml/ssh_banners.xml"] = hashlib.sha256(path.read_bytes()).hexdigest()
    db, _dropped = parse_database(path)
    plain: dict[tuple[str, str, str], set[str]] = {}
    suffixed: dict[tuple[str, str, str], set[str]] = {}
    for fp in db["fingerprints"]:
        fixed = {name: value for pos, name, value in fp["params"] if pos == 0}
        distro = RECOG_VENDORS.get(fixed.get("os.vendor", ""))
        if distro is None or not fixed.get("os.version"):
            continue
        cycle = _cycle(list(releases[distro]), fixed["os.version"])
        if cycle is None:
            notes.append(f"recog ssh_banners: {fp['d']}: release {fixed['os.version']} unknown to endoflife.date")
            continue
        for text, _expected in fp["ex"]:
            m = _SSH.match(text)
            if not m or m.group("distro").lower() != distro or "~" in m.group("revision"):
                continue  # a backport ("~bpo70+1", "~squeeze+1") carries a newer release's version
            revision = m.group("revision")
            key = (distro, "openssh", f"{m.group('upstream')}-{release_base(revision)}")
            # "10+deb9u1" is an update of the release's "10": a weaker witness
            # than the base version itself (Recog has a few odd update examples)
            updated = re.search(r"[+~]|woody|sarge|etch|lenny|squeeze|wheezy", revision)
            (suffixed if updated else plain).setdefault(key, set()).add(cycle)
    entries: dict[tuple[str, str, str], dict[str, Any]] = {}
    for table, label in ((plain, "recog ssh_banners example"), (suffixed, "recog ssh_banners example (update)")):
        for key, cycles in sorted(table.items()):
            if key in entries:
                if set(entries[key]["releases"]) != cycles:
                    notes.append(f"{key}: {label} says {sorted(cycles)}, kept {entries[key]['releases']}")
                continue
            entries[key] = {"releases": sorted(cycles), "source": label}
    return entries


def _curated(releases: dict[str, Any], entries: dict[tuple[str, str, str], dict[str, Any]],
             inputs: dict[str, str]) -> int:
    raw = resources.files("collector.refdata").joinpath("curated/distro_packages.json").read_bytes()
    inputs["collector/refdata/curated/distro_packages.json"] = hashlib.sha256(raw).hexdigest()
    count = 0
    for e in json.loads(raw)["entries"]:
        distro, release = e["distro"], e["release"]
        if release not in releases.get(distro, {}):
            raise DataError(f"curated entry {e['version']}: {distro} has no release {release}")
        key = (distro, e["package"], e["version"])
        if key in entries and entries[key]["releases"] != [release]:
            raise DataError(f"curated entry {key} says {release}, derived data says {entries[key]['releases']}")
        entries[key] = {"releases": [release], "source": f"curated: {e['ref']}"}
        count += 1
    return count


def build_distro(src: Path, out: Path) -> dict[str, Any]:
    inputs: dict[str, str] = {}
    notes: list[str] = []
    releases = _releases(src, inputs)
    entries = _from_recog(src, releases, inputs, notes)
    derived = len(entries)
    curated = _curated(releases, entries, inputs)
    packages: dict[str, dict[str, dict[str, Any]]] = {}
    for (distro, package, version), entry in sorted(entries.items()):
        packages.setdefault(package, {}).setdefault(distro, {})[version] = entry
    payload = {"releases": releases, "packages": packages}
    (out / "distro.json").write_text(json.dumps(payload, separators=(",", ":"), sort_keys=True))
    from collector.refdata.build import _source_info

    eol_src = _source_info(src / "endoflife.date" / "SOURCE.md", "MIT")
    recog_src = _source_info(src / "recog" / "SOURCE.md", "BSD-2-Clause")
    return {"distro.json": {
        "source": {"repository": "derived: endoflife.date (debian, ubuntu, centos, rhel) + Recog ssh_banners.xml "
                                 "examples + collector/refdata/curated/distro_packages.json",
                   "commit": f"endoflife.date {(eol_src['commit'] or '?')[:12]}, recog {(recog_src['commit'] or '?')[:12]}",
                   "date": max(filter(None, (eol_src["date"], recog_src["date"])), default=None),
                   "licence": "MIT (endoflife.date) + BSD-2-Clause (Recog); curated entries are facts with "
                              "references"},
        "inputs": inputs, "entries": len(entries), "derived_entries": derived, "curated_entries": curated,
        "notes": notes}}
