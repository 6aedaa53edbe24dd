"""Build and tear down the lab: network namespaces joined by bridges that
themselves live in a lab namespace, so no lab link ever touches the root
namespace. Needs root and iproute2; snmpd for the SNMP-speaking hosts.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from collector.lab import topology as topo
from collector.lab.topology import LabHost, LabPlan
from collector.procutil import pid_alive

STATE_DIR = Path(os.environ.get("LAN_COLLECTOR_LAB_DIR", "/run/lan-collector-lab"))
NETNS_DIR = Path("/run/netns")
ETC_NETNS = Path("/etc/netns")
CLONE_NEWNET = 0x40000000


LOCK_FILE = Path(os.environ.get("LAN_COLLECTOR_LAB_LOCK", "/run/lan-collector-lab.lock"))
#: Set for the session holder's children: they may build and remove the lab.
HOLDER_ENV = "LAN_COLLECTOR_LAB_HOLDER"


class LabError(RuntimeError):
    pass


@contextmanager
def session_lock(wait: float | None = None) -> Iterator[None]:
    """Exclusive use of the lab: waits for any other session (``wait``
    seconds, default LAN_COLLECTOR_LAB_WAIT or 600). Child processes of the
    holder (a test driving `lan-collector lab down`) may manage the lab."""
    require_root()
    if wait is None:
        wait = float(os.environ.get("LAN_COLLECTOR_LAB_WAIT", "600"))
    fh = open(LOCK_FILE, "a+")
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                fh.close()
                raise LabError(f"the lab is in use by another session ({_lock_holder()})") from None
            time.sleep(0.2)
    previous = os.environ.get(HOLDER_ENV)
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} {' '.join(sys.argv)[:200]}\n")
        fh.flush()
        os.environ[HOLDER_ENV] = str(os.getpid())
        yield
    finally:
        if previous is None:
            os.environ.pop(HOLDER_ENV, None)
        else:
            os.environ[HOLDER_ENV] = previous
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


@contextmanager
def lab_session(n: int, *, snmp: bool = True, wait: float | None = None) -> Iterator[dict[str, Any]]:
    """Exclusive use of the lab for one process (tests, benchmarks, the
    demo): waits for any other session, builds the lab, always tears it down."""
    with session_lock(wait):
        state = up(n, snmp=snmp, _locked=True)
        try:
            yield state
        finally:
            down(_locked=True)


def _lock_holder() -> str:
    try:
        return LOCK_FILE.read_text().strip() or "unknown"
    except OSError:
        return "unknown"


def check_not_in_session() -> None:
    """`lab up`/`lab down` by hand must not pull the lab from under a session
    (unless they run on behalf of the session holder)."""
    if not LOCK_FILE.exists():
        return
    with open(LOCK_FILE, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _lock_holder()
            if os.environ.get(HOLDER_ENV) and holder.startswith(f"pid {os.environ[HOLDER_ENV]} "):
                return
            raise LabError(f"the lab is in use by a test or benchmark session ({holder})") from None
        fcntl.flock(fh, fcntl.LOCK_UN)


def _ip(*args: str, input: str | None = None) -> str:
    proc = subprocess.run(["ip", *args], input=input, capture_output=True, text=True)
    if proc.returncode != 0:
        raise LabError(f"ip {' '.join(args)}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout


def require_root() -> None:
    if os.geteuid() != 0:
        raise LabError("the lab needs root (network namespaces); run it with sudo")
    if shutil.which("ip") is None:
        raise LabError("the lab needs iproute2 (`ip`); install it: apt-get install iproute2")


def lab_namespaces() -> list[str]:
    if not NETNS_DIR.exists():
        return []
    return sorted(p.name for p in NETNS_DIR.iterdir() if p.name.startswith(topo.PREFIX + "-"))


def check_root_namespace_clear() -> None:
    """Refuse to build the lab if the root namespace already routes lab space:
    then a probe meant for the lab could leave through a real interface."""
    out = _ip("-4", "-o", "addr", "show")
    routes = _ip("-4", "route", "show", "table", "all")
    for line in out.splitlines() + routes.splitlines():
        for word in line.split():
            base = word.split("/")[0]
            if base.startswith("198.18.") or base.startswith("198.19."):
                raise LabError(f"the root network namespace already uses lab address space ({line.strip()}); "
                               "refusing to build the lab")


def up(n: int, *, snmp: bool = True, _locked: bool = False) -> dict[str, Any]:
    require_root()
    if not _locked:
        check_not_in_session()
    if lab_namespaces():
        down(_locked=_locked)
    check_root_namespace_clear()
    lab_plan = topo.plan(n)
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    pids: dict[str, int] = {}
    state: dict[str, Any] = {"size": n, "created": time.time(), "hosts": [h.__dict__ for h in lab_plan.hosts],
                             "collector": {"ns": topo.COLLECTOR_NS, "ip": topo.COLLECTOR_IP}, "pids": pids}
    _write_state(state)  # first, so `down` can clean up whatever follows
    try:
        _build_switch()
        _add_collector()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(_add_host, lab_plan.hosts))
        _finish_switch(lab_plan)
        router = lab_plan.router
        if router is not None:
            _sysctl(router.ns, "net/ipv4/ip_forward", "1")
        if snmp and shutil.which("snmpd"):
            pids.update(_start_snmpds(lab_plan))
        elif snmp:
            state["warnings"] = ["snmpd is not installed: SNMP hosts are silent (apt-get install snmpd)"]
        from collector.lab import samba

        pids.update(samba.start(lab_plan.hosts, STATE_DIR))
        if samba.available():
            state.setdefault("warnings", []).append(samba.available())
        pids["services"] = _start_services()
        _write_state(state)
        from collector.lab import announce

        announce_pids, announce_warnings = announce.start(lab_plan, STATE_DIR, ETC_NETNS)
        pids.update(announce_pids)
        state.setdefault("warnings", []).extend(announce_warnings)
        _write_state(state)
        late = announce.wait_ready(STATE_DIR, announce_pids)
        if late:
            state["warnings"].append("not ready in time: " + ", ".join(late))
        dead = announce.exited(announce_pids)
        if dead:  # a lab host that is silent by mistake would make every test about it lie
            raise LabError("lab daemons exited at start (see their logs under /run/lan-collector-lab): "
                           + ", ".join(dead))
        problems = isolation_problems(topo.COLLECTOR_NS)
        if problems:
            raise LabError("collector namespace is not isolated: " + "; ".join(problems))
        _wait_ready(state)
    except BaseException:
        down(_locked=True)
        raise
    return state


def _build_switch() -> None:
    _ip("netns", "add", topo.SWITCH_NS)
    _ip("-n", topo.SWITCH_NS, "-batch", "-", input=(
        "link set lo up\n"
        # no multicast snooping: the lab has no IGMP querier, and WS-Discovery / mDNS must reach every host
        "link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0\n"
        "link add br1 type bridge stp_state 0 forward_delay 0 mcast_snooping 0\n"
        "link set br0 up\nlink set br1 up\n"))


def _add_collector() -> None:
    ns = topo.COLLECTOR_NS
    _ip("netns", "add", ns)
    etc = ETC_NETNS / ns
    etc.mkdir(parents=True, exist_ok=True)
    # ip netns exec bind-mounts this over /etc/resolv.conf: no resolver in the lab.
    (etc / "resolv.conf").write_text("# lan-collector lab: no DNS resolver\n")
    _ip("-n", topo.SWITCH_NS, "link", "add", "pcol", "type", "veth", "peer", "name", "eth0",
        "address", topo.COLLECTOR_MAC, "netns", ns)
    _ip("-n", ns, "-batch", "-", input=(
        f"addr add {topo.COLLECTOR_IP}/{topo.LAN.prefixlen} dev eth0\n"
        "link set lo up\nlink set eth0 up\n"
        f"route add {topo.BRANCH} via {topo.ROUTER_LAN_IP}\n"))


def _add_host(host: LabHost) -> None:
    _ip("netns", "add", host.ns)
    _ip("-n", topo.SWITCH_NS, "link", "add", f"p{host.index}", "type", "veth", "peer", "name", "eth0",
        "address", host.mac, "netns", host.ns)
    gateway = topo.ROUTER_LAN_IP if host.subnet == "lan" else topo.ROUTER_BRANCH_IP
    net = topo.LAN if host.subnet == "lan" else topo.BRANCH
    cmds = [f"addr add {host.ip}/{net.prefixlen} dev eth0", "link set lo up", "link set eth0 up"]
    if host.kind == "router":
        # second leg on the branch bridge, MAC from the same vendor block
        branch_mac = host.mac[:-2] + f"{(int(host.mac[-2:], 16) + 1) % 256:02x}"
        _ip("-n", topo.SWITCH_NS, "link", "add", f"q{host.index}", "type", "veth", "peer", "name", "eth1",
            "address", branch_mac, "netns", host.ns)
        cmds += [f"addr add {host.extra_ip}/{topo.BRANCH.prefixlen} dev eth1", "link set eth1 up"]
    elif host.ip != gateway:
        cmds.append(f"route add default via {gateway}")
    _ip("-n", host.ns, "-batch", "-", input="\n".join(cmds) + "\n")


def _finish_switch(lab_plan: LabPlan) -> None:
    lines = ["link set pcol master br0", "link set pcol up"]
    for h in lab_plan.hosts:
        bridge = "br0" if h.subnet == "lan" else "br1"
        lines += [f"link set p{h.index} master {bridge}", f"link set p{h.index} up"]
        if h.kind == "router":
            lines += [f"link set q{h.index} master br1", f"link set q{h.index} up"]
    _ip("-n", topo.SWITCH_NS, "-batch", "-", input="\n".join(lines) + "\n")


def _setns(ns: str) -> int:
    """Switch this thread into ``ns``; returns an fd of the previous namespace."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    old = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    fd = os.open(NETNS_DIR / ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise LabError(f"setns({ns}): {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(fd)
    return old


def _restore_ns(old: int) -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    try:
        if libc.setns(old, CLONE_NEWNET) != 0:
            raise LabError(f"setns back: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(old)


def _sysctl(ns: str, key: str, value: str) -> None:
    subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw", f"{key.replace('/', '.')}={value}"],
                   check=True, capture_output=True)


def snmpd_conf(host: LabHost) -> str:
    spec = host.profile.snmp
    assert spec is not None
    descr = " ".join(spec.sys_descr.split())  # snmpd.conf values are one line
    return "\n".join([
        f"agentaddress udp:{host.ip}:161" + (f",udp:{host.extra_ip}:161" if host.extra_ip else ""),
        # HOST-RESOURCES in a namespace describes the machine that runs the lab (its Debian
        # packages, disks, processes), never the simulated device: no lab agent serves it
        "view lab included .1",
        "view lab excluded .1.3.6.1.2.1.25",
        f"rocommunity {spec.community} default -V lab",
        f"sysDescr {descr}",
        f"sysObjectID {spec.sys_object_id}",
        f"sysName {host.hostname}",
        f"sysLocation {spec.location}",
        f"sysContact {spec.contact}",
        f"sysServices {2 if host.kind == 'switch' else 78 if host.kind == 'router' else 72}",
        *_extra_snmpd_lines(host),
        "",
    ])


def _extra_snmpd_lines(host: LabHost) -> list[str]:
    from collector.lab.topology import LAB_V3, SWITCH_NS

    lines = []
    if host.kind == "switch":
        # the real bridge's forwarding table, served as BRIDGE-MIB
        lines.append(f"pass_persist .1.3.6.1.2.1.17 {sys.executable} -m collector.lab.bridge_mib {SWITCH_NS} br0")
    if host.kind == "modern_linux":
        # a well-run host: SNMPv3 authPriv besides its site community
        lines += [f"createUser {LAB_V3['user']} SHA-256 {LAB_V3['auth_key']} AES {LAB_V3['priv_key']}",
                  f"rouser {LAB_V3['user']} priv -V lab"]
    return lines


def _start_snmpds(lab_plan: LabPlan) -> dict[str, int]:
    pids: dict[str, int] = {}
    for host in lab_plan.hosts:
        if host.profile.snmp is None:
            continue
        d = STATE_DIR / host.ns
        (d / "persist").mkdir(parents=True, exist_ok=True)
        conf = d / "snmpd.conf"
        conf.write_text(snmpd_conf(host))
        env = {**os.environ, "SNMP_PERSISTENT_DIR": str(d / "persist"), "MIBS": ""}
        proc = subprocess.Popen(
            ["ip", "netns", "exec", host.ns, "snmpd", "-f", "-C", "-c", str(conf), "-I", "-smux",
             "-Lf", str(d / "snmpd.log"), "-p", str(d / "snmpd.pid")],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        pids[f"snmpd:{host.ns}"] = proc.pid
    return pids


def _start_services() -> int:
    log = open(STATE_DIR / "services.log", "ab")
    # It lives in the switch namespace, so `down` finds it like every other
    # lab process (ip netns pids), even when the state directory is lost.
    proc = subprocess.Popen(["ip", "netns", "exec", topo.SWITCH_NS, sys.executable, "-m", "collector.lab.services",
                             str(STATE_DIR / "state.json")],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    (STATE_DIR / "services.pid").write_text(str(proc.pid))
    return proc.pid


def _wait_ready(state: dict[str, Any], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    ready = STATE_DIR / "services.ready"
    snmp_hosts = [h for h in state["hosts"] if topo.PROFILES[h["kind"]].snmp is not None]
    while time.monotonic() < deadline:
        pending = [h["ns"] for h in snmp_hosts if not (STATE_DIR / h["ns"] / "snmpd.pid").exists()]
        from collector.lab import samba

        if ready.exists() and (not state["pids"] or not any(k.startswith("snmpd:") for k in state["pids"])
                               or not pending) and samba.ready(state["hosts"], STATE_DIR):
            return
        pid = state["pids"].get("services")
        if pid and not pid_alive(pid):
            raise LabError("lab service daemon died; see " + str(STATE_DIR / "services.log"))
        time.sleep(0.05)
    raise LabError("lab did not come up in time (snmpd or the service daemon)")


def down(_locked: bool = False) -> list[str]:
    """Remove every lab namespace, process and file, whatever state is left."""
    if not _locked:
        check_not_in_session()
    removed: list[str] = []
    pidfile = STATE_DIR / "services.pid"
    if pidfile.exists():
        try:
            _kill(int(pidfile.read_text().strip()), expect="collector.lab.services")
        except ValueError:
            pass
    for pid in _stray_service_daemons():
        _kill(pid, expect="collector.lab.services")
    for ns in lab_namespaces():
        out = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout
        for ns_pid in out.split():
            _kill(int(ns_pid))
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(ETC_NETNS / ns, ignore_errors=True)
        removed.append(ns)
    for etc in ETC_NETNS.glob(topo.PREFIX + "-*") if ETC_NETNS.exists() else []:
        shutil.rmtree(etc, ignore_errors=True)
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    return removed


def _stray_service_daemons() -> list[int]:
    """Service daemons of this lab wherever they run (belt and braces for
    `down` after a crash that lost the state directory)."""
    found = []
    marker = str(STATE_DIR / "state.json").encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if b"collector.lab.services" in cmdline and marker in cmdline:
            found.append(int(proc.name))
    return found


def _kill(pid: int, expect: str | None = None) -> None:
    if expect:
        try:
            if expect not in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                return
        except OSError:
            return
    for sig, wait in ((signal.SIGTERM, 1.0), (signal.SIGKILL, 1.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not pid_alive(pid) or _zombie(pid):
                return
            time.sleep(0.02)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return True


def _write_state(state: dict[str, Any]) -> None:
    tmp = STATE_DIR / "state.json.tmp"
    tmp.write_text(json.dumps(state, indent=1))
    tmp.replace(STATE_DIR / "state.json")


def read_state() -> dict[str, Any] | None:
    try:
        return json.loads((STATE_DIR / "state.json").read_text())
    except (OSError, ValueError):
        return None


def isolation_problems(ns: str) -> list[str]:
    """Why ``ns`` is not a safe place to scan from (empty list: it is)."""
    problems = []
    if not (NETNS_DIR / ns).exists():
        return [f"namespace {ns} does not exist"]
    links = _ip("-n", ns, "-o", "link", "show")
    names = sorted(line.split(":")[1].strip().split("@")[0] for line in links.splitlines())
    if names != ["eth0", "lo"]:
        problems.append(f"interfaces are {names}, expected only lo and eth0")
    if "link-netns " + topo.SWITCH_NS not in links and "link-netnsid" not in links:
        problems.append("eth0 is not linked to the lab switch namespace")
    routes = _ip("-n", ns, "-4", "route", "show")
    for line in routes.splitlines():
        dest = line.split()[0]
        if dest == "default":
            problems.append("it has a default route")
        elif not topo.LAB_SUPERNET.supernet_of(__import__("ipaddress").ip_network(dest)):
            problems.append(f"it routes {dest}, outside the lab")
    return problems
