"""Prove the package users install, the way they install it (`./dev.sh release-check`).

1. Build the sdist and the wheel from a clean copy of the checkout.
2. Install the wheel, non-editable, into a fresh venv (what pipx and the README's
   /opt steps do), check that every module imports, and run `--version`,
   `plugins`, `data status` and `systemd show` with it.
3. Resolve every dependency as a binary wheel for Raspberry Pi OS Bookworm
   (aarch64, CPython 3.11): no compiler needed on the Pi.
4. As root, in the lab: a full default-plugin scan with the installed program,
   once as root (`lan-collector lab demo`) and once with exactly the systemd
   unit's privileges (an unprivileged user with only CAP_NET_RAW); every plugin
   must run (none skipped, failed or degraded for want of privileges) and the
   inventory must hold identified devices, named services and flags.

Exit 0 when all holds; otherwise the first failing step is named.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNIT_USER = "65534"  # nobody: what DynamicUser= gives is just as unprivileged


def step(title: str) -> None:
    print(f"release-check: {title}", flush=True)


def run(argv: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, capture_output=True, text=True, **kw)  # type: ignore[call-overload]
    if proc.returncode != 0:
        raise SystemExit(f"release-check: FAILED: {' '.join(argv)} exited {proc.returncode}\n"
                         f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def clean_copy(dest: Path) -> Path:
    names = run(["git", "ls-files", "-z"], cwd=ROOT).stdout.split("\0")
    for name in names:
        if name and (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def build(work: Path) -> Path:
    step("building sdist and wheel from a clean copy of the checkout")
    src = clean_copy(work / "src")
    dist = work / "dist"
    run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(dist), str(src)])
    wheel = next(dist.glob("*.whl"))
    step(f"built {wheel.name} and {next(dist.glob('*.tar.gz')).name}")
    return wheel


def install(work: Path, wheel: Path) -> Path:
    step("installing the wheel (non-editable) into a fresh venv")
    venv = work / "venv"
    run(["python3", "-m", "venv", str(venv)])  # the system Python, as a user has it
    run([str(venv / "bin/pip"), "install", "-q", "--disable-pip-version-check", str(wheel)])
    show = run([str(venv / "bin/pip"), "show", "-f", "lan-collector"]).stdout
    if "Editable project location" in show:
        raise SystemExit("release-check: FAILED: the install is editable")
    return venv


def smoke(venv: Path) -> None:
    py, lc = str(venv / "bin/python"), str(venv / "bin/lan-collector")
    step("importing every module of the installed package")
    code = ("import importlib, pkgutil, collector\n"
            "names = [m.name for m in pkgutil.walk_packages(collector.__path__, 'collector.') if not m.name.endswith('__main__')]\n"
            "[importlib.import_module(n) for n in names]\n"
            "assert 'collector.assess.rules' in names, names\n"
            "print(len(names))")
    count = run([py, "-c", code], cwd="/").stdout.strip()
    step(f"{count} modules import")
    # identification's data files ship in the wheel: a missing one would only make identification
    # quietly worse, so each is loaded from the installed package and must hold something
    code = ("from collector.snmp import definitions, generic, mibfields\n"
            "defs, fields, kinds = len(definitions.definitions()), len(mibfields.table()), len(mibfields.kind_table())\n"
            "orgs = len(generic._mib_organizations())\n"
            "assert defs > 300 and fields > 100 and kinds > 10 and orgs > 100, (defs, fields, kinds, orgs)\n"
            "print(defs, fields, kinds, orgs)")
    defs, fields, kinds, orgs = run([py, "-c", code], cwd="/").stdout.split()
    step(f"identification data installed: {defs} device definitions, MIB identity objects of {fields} "
         f"enterprises, UPS/PDU subtrees of {kinds}, MIB organisations of {orgs}")
    for args in (["--version"], ["plugins"], ["data", "status"], ["systemd", "show", "service"],
                 ["systemd", "show", "config"]):
        run([lc, *args], cwd="/")
        step(f"lan-collector {' '.join(args)}: ok")
    # a new device family from a walk, as a user writes one: draft, keep, identify again
    with tempfile.TemporaryDirectory() as tmp:
        rec, defs = Path(tmp) / "acme.snmprec", Path(tmp) / "defs"
        rec.write_text("1.3.6.1.2.1.1.1.0|4|AcmeOS 4.2.1 on AS-24\n1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.32473.1.7\n")
        defs.mkdir()
        (defs / "acme-os.yaml").write_text(run([lc, "identify", "--draft", "--family", "acme-os", str(rec)],
                                               cwd="/").stdout)
        env = {**os.environ, "LAN_COLLECTOR_SNMP_DEFS": str(defs)}
        found = json.loads(run([lc, "identify", "--json", str(rec)], cwd="/", env=env).stdout)["definitions"]
        assert found == ["acme-os"], found
    step("lan-collector identify --draft: the draft loads as a user's definition and recognises its walk")
    # a folder of walks Checkmk stored (cmk --snmpwalk): untyped lines, quoted hex for a value with CR LF
    with tempfile.TemporaryDirectory() as tmp:
        ios = "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE11\r\nTechnical Support"
        (Path(tmp) / "switch").write_text(
            '.1.3.6.1.2.1.1.1.0 "' + "".join(f"{b:02X} " for b in ios.encode()) + '"\n'
            ".1.3.6.1.2.1.1.2.0 .1.3.6.1.4.1.9.1.1208\n.1.3.6.1.2.1.1.5.0 sw1\n")
        (Path(tmp) / "box").write_text(".1.3.6.1.2.1.1.1.0 box\n")
        out = run([lc, "identify", "--json", tmp], cwd="/").stdout  # the folder stands for its walks
        record = next(r for r in json.loads(out) if r["file"].endswith("switch"))
        got = {f["field"]: f["value"] for f in record["fields"]}
        assert (got.get("vendor"), got.get("os_name"), got.get("os_version")) == ("Cisco", "IOS", "15.0(2)SE11"), got
    step("lan-collector identify: a folder of Checkmk stored walks")


def arm64_wheels(venv: Path, work: Path) -> None:
    """Every installed dependency is pure Python (any platform) or has a binary
    wheel of the same version for aarch64 / CPython 3.11 (Raspberry Pi OS
    Bookworm): nothing needs a compiler on the Pi."""
    step("checking that every dependency installs on aarch64 / CPython 3.11 (Raspberry Pi OS Bookworm)")
    code = ("import importlib.metadata as m, json\n"
            "out = []\n"
            "for d in m.distributions():\n"
            "    wheel = d.read_text('WHEEL') or ''\n"
            "    out.append((d.metadata['Name'], d.version, 'Root-Is-Purelib: true' in wheel))\n"
            "print(json.dumps(out))")
    dists = json.loads(run([str(venv / "bin/python"), "-c", code], cwd="/").stdout)
    native = [(name, version) for name, version, pure in dists if not pure and name.lower() not in ("pip",)]
    for name, version in native:
        run([str(venv / "bin/pip"), "download", "-q", "--disable-pip-version-check", "--no-deps",
             "--only-binary=:all:", "--platform", "manylinux2014_aarch64", "--platform", "manylinux_2_17_aarch64",
             "--platform", "manylinux_2_28_aarch64", "--python-version", "3.11", "--implementation", "cp",
             "-d", str(work / "arm64"), f"{name}=={version}"])
    step(f"{len(dists) - len(native)} pure-Python distributions; {len(native)} native ones all have aarch64 wheels "
         f"({', '.join(n for n, _v in sorted(native))})")


def lab_scans(venv: Path, work: Path) -> None:
    """Runs with the installed package's Python (re-entered as --lab)."""
    if os.geteuid() != 0:
        step("SKIPPED the lab scans: they need root (network namespaces)")
        return
    step("lab: full default-plugin scans with the installed program")
    env = {**os.environ, "COLUMNS": "200"}
    env.setdefault("LAN_COLLECTOR_LAB_WAIT", "3600")
    proc = run([str(venv / "bin/python"), str(Path(__file__).resolve()), "--lab", str(work)], cwd=str(work), env=env,
               timeout=3600)
    print(proc.stdout, end="", flush=True)


def lab_main(work: Path) -> None:
    import collector
    from collector.lab.cli import in_lab_command
    from collector.lab.netns import lab_session
    from collector.lab.topology import BRANCH, LAN, full_size

    if not collector.__file__ or "site-packages" not in collector.__file__:
        raise SystemExit(f"release-check: FAILED: collector imported from {collector.__file__}, not the wheel")
    lc = str(Path(sys.executable).parent / "lan-collector")
    unit_dir = work / "unit"
    unit_dir.mkdir(mode=0o777, exist_ok=True)
    unit_dir.chmod(0o777)
    with lab_session(full_size()):
        root_db = work / "root.db"
        proc = run(in_lab_command([lc, "scan", "--db", str(root_db), str(LAN), str(BRANCH)]), timeout=900)
        check(root_db, "root")
        unit_db = unit_dir / "inventory.db"
        setpriv = ["setpriv", f"--reuid={UNIT_USER}", f"--regid={UNIT_USER}", "--clear-groups",
                   "--inh-caps=+net_raw", "--ambient-caps=+net_raw", "--bounding-set=-all,+net_raw"]
        proc = run(in_lab_command([*setpriv, lc, "scan", "--db", str(unit_db), str(LAN), str(BRANCH)]), timeout=900)
        check(unit_db, "the systemd unit's privileges (user nobody, CAP_NET_RAW only)")


def check(db: Path, who: str) -> None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    status, plugins = conn.execute("select status, plugins from scans order by id desc limit 1").fetchone()
    info = json.loads(plugins)
    problems = []
    if status != "complete":
        problems.append(f"scan status {status}")
    for key in ("skipped", "degraded"):
        for name, why in (info.get(key) or {}).items():
            if (name, key) == ("dns", "skipped") and "resolver" in why:
                continue  # the lab's collector namespace has no resolver on purpose
            problems.append(f"plugin {name} {key}: {why}")
    missing = [p for p in info["requested"] if p not in info["ran"] and p not in (info.get("skipped") or {})]
    if missing:
        problems.append(f"plugins did not run: {missing}")
    for plugin, count, detail in conn.execute(
            "select plugin, count(*), max(detail) from probes where outcome = 'error' and scan_id ="
            " (select max(id) from scans) group by plugin"):
        problems.append(f"plugin {plugin}: {count} probe error(s), e.g. {' '.join((detail or '').split())[:200]}")
    devices = conn.execute("select count(*), count(device_class), count(vendor) from devices").fetchone()
    named = conn.execute("select count(*) from services where product is not null").fetchone()[0]
    flags = conn.execute("select count(*) from flags where confidence >= 70").fetchone()[0]
    if devices[0] < 20 or devices[1] < 10 or named < 10 or flags < 10:
        problems.append(f"thin inventory: {devices[0]} devices ({devices[1]} classified, {devices[2]} with a vendor), "
                        f"{named} named services, {flags} flags")
    if problems:
        raise SystemExit(f"release-check: FAILED as {who}: " + "; ".join(problems))
    step(f"scan as {who}: complete, plugins {', '.join(info['ran'])}; {devices[0]} devices "
         f"({devices[1]} classified), {named} named services, {flags} flags")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--lab"]:
        lab_main(Path(argv[1]))
        return 0
    keep = "--keep" in argv
    work = Path(tempfile.mkdtemp(prefix="lc-release-"))
    work.chmod(0o755)
    try:
        wheel = build(work)
        venv = install(work, wheel)
        smoke(venv)
        arm64_wheels(venv, work)
        lab_scans(venv, work)
    finally:
        if keep:
            step(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    step("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
