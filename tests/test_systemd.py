import re
import shutil
import subprocess
from pathlib import Path

import pytest

from collector.config import load_settings

SYSTEMD = Path(__file__).parent.parent / "systemd"


def test_example_config_loads():
    s = load_settings(SYSTEMD / "config.toml.example", environ={})
    assert s.plugins == ["arp", "tcpping", "snmp"] and s.targets == [] and s.db.endswith("inventory.db")


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
