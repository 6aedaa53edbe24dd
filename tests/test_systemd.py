import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from collector.config import load_settings

SYSTEMD = Path(__file__).parent.parent / "systemd"


def test_example_config_loads():
    s = load_settings(SYSTEMD / "config.toml.example", environ={})
    # the default plugin set: the nightly scan runs everything a manual scan runs
    assert s.plugins == load_settings(None, environ={}).plugins and s.targets == [] and s.db.endswith("inventory.db")


def test_unit_runs_unprivileged_with_only_cap_net_raw():
    unit = (SYSTEMD / "lan-collector.service").read_text()
    assert "DynamicUser=yes" in unit
    assert "AmbientCapabilities=CAP_NET_RAW\n" in unit and "CapabilityBoundingSet=CAP_NET_RAW\n" in unit
    assert "LAN_COLLECTOR_CONFIG=/etc/lan-collector/config.toml" in unit
    timer = (SYSTEMD / "lan-collector.timer").read_text()
    assert "OnCalendar=" in timer and "Persistent=true" in timer


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_security_exposure_stays_low():
    out = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(SYSTEMD / "lan-collector.service")],
                         capture_output=True, text=True)
    m = re.search(r"Overall exposure level for \S+: ([\d.]+)", out.stdout)
    assert m, out.stdout[-500:] + out.stderr[-500:]
    assert float(m.group(1)) <= 2.0  # README quotes 1.8


def lc(*args, **kw):
    return subprocess.run([sys.executable, "-m", "collector", *args], capture_output=True, text=True, timeout=60, **kw)


def test_systemd_show_points_execstart_at_the_given_program():
    out = lc("systemd", "show", "service", "--exec", "/opt/lan-collector/bin/lan-collector")
    assert out.returncode == 0, out.stderr
    assert "ExecStart=/opt/lan-collector/bin/lan-collector scan\n" in out.stdout
    assert out.stdout.replace("ExecStart=/opt/lan-collector/bin/lan-collector", "ExecStart=/usr/local/bin/lan-collector") \
        == (SYSTEMD / "lan-collector.service").read_text()
    assert lc("systemd", "show", "timer").stdout == (SYSTEMD / "lan-collector.timer").read_text()
    assert lc("systemd", "show", "config").stdout == (SYSTEMD / "config.toml.example").read_text()


@pytest.mark.parametrize("bad", ["/root/.local/bin/lan-collector", "/home/ann/.local/bin/lan-collector", "bin/lc"])
def test_systemd_refuses_a_program_the_service_cannot_run(bad):
    out = lc("systemd", "show", "service", "--exec", bad)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("lan-collector: error:")


def test_systemd_install_writes_units_and_keeps_an_existing_config(tmp_path):
    out = lc("systemd", "install", "--root", str(tmp_path), "--exec", "/usr/local/bin/lan-collector")
    assert out.returncode == 0, out.stderr
    service = tmp_path / "etc/systemd/system/lan-collector.service"
    config = tmp_path / "etc/lan-collector/config.toml"
    assert service.read_text() == (SYSTEMD / "lan-collector.service").read_text()
    assert (tmp_path / "etc/systemd/system/lan-collector.timer").exists()
    assert config.stat().st_mode & 0o777 == 0o600
    load_settings(config, environ={})
    config.write_text("[scan]\ntargets = ['10.9.8.0/24']\n")
    again = lc("systemd", "install", "--root", str(tmp_path), "--exec", "/usr/local/bin/lan-collector")
    assert again.returncode == 0 and "kept" in again.stdout
    assert "10.9.8.0/24" in config.read_text()
    forced = lc("systemd", "install", "--root", str(tmp_path), "--exec", "/usr/local/bin/lan-collector", "--force")
    assert forced.returncode == 0 and "10.9.8.0/24" not in config.read_text()
