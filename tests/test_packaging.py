"""The package users install holds the whole program.

A hand-written package list once left `collector.assess` out of the wheel:
`--help` worked, the first scan failed. Here the wheel and the sdist are
built as users and CI build them, and every source file must be in them.
(`./dev.sh release-check` goes further: it installs the wheel into a fresh
venv and scans the lab with it.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
#: source folder -> where it lands in the wheel
MAPPING = {"collector": "collector", "plugins": "collector/plugins", "schemas": "collector/schemas",
           "systemd": "collector/systemd"}


def source_files() -> list[str]:
    """Every file git tracks in the package folders (the filesystem when not a checkout)."""
    proc = subprocess.run(["git", "ls-files", *MAPPING], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode == 0 and proc.stdout.strip():
        files = proc.stdout.split()
    else:
        files = [str(p.relative_to(ROOT)) for d in MAPPING for p in (ROOT / d).rglob("*") if p.is_file()]
    return sorted(f for f in files if "__pycache__" not in f and (ROOT / f).exists())


def tracked_tree(dest: Path) -> Path:
    """A copy of what a fresh checkout holds (no build/ left over from an
    earlier build, which would hide a missing package)."""
    proc = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if proc.returncode != 0:
        pytest.skip("not a git checkout")
    for name in proc.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    src = tracked_tree(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out),
                           str(src)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_the_wheel_holds_every_package_file(dist):
    wheel = next(dist.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = []
    for f in source_files():
        top, _, rest = f.partition("/")
        if f"{MAPPING[top]}/{rest}" not in names:
            missing.append(f)
    assert missing == [], f"not in {wheel.name}: {missing}"
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    for plugin in ("arp", "tcpping", "snmp", "banners", "nmap"):
        assert f"{plugin} = collector.plugins.{plugin}" in entry_points


def test_the_sdist_builds_the_same_wheel(dist, tmp_path):
    sdist = next(dist.glob("*.tar.gz"))
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path, filter="data")
    src = next(p for p in tmp_path.iterdir() if p.is_dir())
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(tmp_path / "w"),
                           str(src)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rebuilt = set(zipfile.ZipFile(next((tmp_path / "w").glob("*.whl"))).namelist())
    original = set(zipfile.ZipFile(next(dist.glob("*.whl"))).namelist())
    assert rebuilt == original
