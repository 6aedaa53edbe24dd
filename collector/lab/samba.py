"""Real Samba in the lab: ``smbd`` and ``nmbd`` (and ``wsdd`` where asked)
inside a host's namespace, each host with its own configuration, state and
log directories under the lab's state directory; no system-wide service is
touched. Started from :func:`collector.lab.netns.up`, found and stopped by
``down`` like every lab process (``ip netns pids``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from collector.lab.topology import LabHost

#: lab kinds that run Samba: (SMB1 allowed, workgroup, wsdd)
SAMBA_KINDS = {"linux_server": (True, "OFFICE", True), "nas": (False, "OFFICE", False)}
BINARIES = ("smbd", "nmbd")


def available() -> str | None:
    """None, or why Samba hosts stay silent."""
    missing = [b for b in BINARIES if shutil.which(b) is None]
    return f"{', '.join(missing)} not installed: Samba hosts are silent (apt-get install samba)" if missing else None


def smb_conf(host: LabHost, d: Path) -> str:
    smb1, workgroup, _wsdd = SAMBA_KINDS[host.kind]
    name = host.hostname.upper()
    lines = [
        "[global]",
        f"  workgroup = {workgroup}",
        f"  netbios name = {name}",
        "  server string = %h server (Samba %v)",
        f"  interfaces = {host.ip}/24",
        "  bind interfaces only = yes",
        "  smb ports = 445",
        f"  pid directory = {d}",
        f"  lock directory = {d}/lock",
        f"  state directory = {d}/state",
        f"  cache directory = {d}/cache",
        f"  private dir = {d}/private",
        f"  ncalrpc dir = {d}/ncalrpc",
        f"  log file = {d}/log.%m",
        "  max log size = 200",
        "  server role = standalone server",
        f"  passdb backend = tdbsam:{d}/private/passdb.tdb",
        "  load printers = no",
        "  printcap name = /dev/null",
        "  disable spoolss = yes",
        "  map to guest = Bad User",
        "  usershare path =",
        "  local master = yes",
        "  preferred master = no",
        "  dns proxy = no",
    ]
    if smb1:  # an old server that still allows SMB1 (what legacy/smbv1 must find)
        lines.append("  server min protocol = NT1")
    lines += ["[public]", f"  path = {d}/share", "  read only = yes", "  guest ok = yes", ""]
    return "\n".join(lines)


def start(hosts: list[LabHost], state_dir: Path) -> dict[str, int]:
    """Start smbd/nmbd (and wsdd) for every Samba kind; their pids by name."""
    if available():
        return {}
    pids: dict[str, int] = {}
    for host in hosts:
        if host.kind not in SAMBA_KINDS:
            continue
        d = state_dir / host.ns / "samba"
        for sub in ("lock", "state", "cache", "private", "ncalrpc", "share"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        conf = d / "smb.conf"
        conf.write_text(smb_conf(host, d))
        log = open(d / "daemons.log", "ab")
        for daemon in BINARIES:
            proc = subprocess.Popen(["ip", "netns", "exec", host.ns, daemon, "--foreground", "--no-process-group",
                                     "-s", str(conf)], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    start_new_session=True, env={**os.environ, "LANG": "C"})
            pids[f"{daemon}:{host.ns}"] = proc.pid
        if SAMBA_KINDS[host.kind][2] and shutil.which("wsdd"):
            proc = subprocess.Popen(["ip", "netns", "exec", host.ns, "wsdd", "--interface", "eth0", "--ipv4only",
                                     "--hostname", host.hostname.upper(), "--workgroup", SAMBA_KINDS[host.kind][1]],
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
            pids[f"wsdd:{host.ns}"] = proc.pid
    return pids


def ready(hosts: list[dict], state_dir: Path) -> bool:
    """smbd has written its pid file on every Samba host."""
    if available():
        return True
    return all((state_dir / h["ns"] / "samba" / "smbd.pid").exists() for h in hosts if h["kind"] in SAMBA_KINDS)
