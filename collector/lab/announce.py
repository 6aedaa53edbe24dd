"""The lab's announcing hosts: a real avahi-daemon per host (no D-Bus, own
config and runtime directory, so the machine's own avahi is never touched),
minidlna (a real UPnP MediaServer) on the NAS, cupsd with one shared queue
on the print server, and gmediarender (a real UPnP MediaRenderer, as a
Raspberry Pi network speaker runs it).

What each host announces is data below. The Apple answers are recorded
real TXT records (see ``tests/fixtures/mdns/*/SOURCE.json``): pyatv's
capture of an Apple TV 4K's AirPlay record, Recog's device-info examples;
only host names and addresses are the lab's own. Everything runs inside the
hosts' namespaces, whose only link is a lab bridge: multicast never leaves
the lab.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from collector.lab import topology as topo
from collector.lab.topology import LabHost, LabPlan

APPLE_TV_AIRPLAY = ["acl=0", "btaddr=FF:EE:DD:CC:BB:AA", "deviceid=AA:BB:CC:DD:EE:FF", "fex=1d9/St5fFTw",
                    "features=0x4A7FDFD5,0x3C155FDE", "flags=0x244", "gid=4D826039-0F40-4605-AD11-A6516183BAA6",
                    "igl=1", "gcgl=1", "model=AppleTV6,2", "protovers=1.1",
                    "pi=de7562c4-7bd2-4005-a8e4-d584bf63161a", "psi=6EE2C905-874B-4B4B-A50B-0F06B1800A17",
                    "pk=" + "a" * 64, "srcvers=550.10", "osvers=14.7", "vv=2"]  # pyatv's capture, item by item
COMPANION = ["rpHA=45efecc5211", "rpHN=86d44e4f11ff", "rpVr=195.2", "rpFl=0x36782", "rpAD=cc5011ae31ee",
             "rpHI=ffb855e34e31", "rpBA=E1:B2:E3:BB:11:FF"]
#: kind -> services: (type, port, TXT strings). "%h" is the host name.
ANNOUNCE: dict[str, tuple[tuple[str, int, tuple[str, ...]], ...]] = {
    "nas": (("_smb._tcp", 445, ()), ("_ssh._tcp", 22, ())),
    "modern_linux": (("_ssh._tcp", 22, ()), ("_sftp-ssh._tcp", 22, ())),
    "mac": (("_device-info._tcp", 0, ("model=MacBookPro18,3", "osxvers=21")), ("_ssh._tcp", 22, ()),
            ("_smb._tcp", 445, ()), ("_companion-link._tcp", 49153, ("rpMd=MacBookPro18,3", *COMPANION))),
    "iphone": (("_device-info._tcp", 0, ("model=D63AP",)), ("_companion-link._tcp", 49152, tuple(COMPANION))),
    "apple_tv": (("_airplay._tcp", 7000, tuple(APPLE_TV_AIRPLAY)),
                 ("_companion-link._tcp", 49153, ("rpMd=AppleTV6,2", *COMPANION))),
    "homekit": (("_hap._tcp", 80, ("c#=4", "ff=2", "id=3C:8B:1A:50:FF:4E", "md=Eve Energy 20EBO8301", "pv=1.1",
                                   "s#=1", "sf=0", "ci=7", "sh=q5cZ2A==")),),
    "ipp_printer": (),  # its _ipp._tcp record is built from the CUPS queue below
}
#: Linux hosts publish avahi's own _workstation record; Apple devices do not.
WORKSTATION = {"nas", "modern_linux", "ipp_printer"}
CUPS_QUEUE = {"name": "Office_Laser", "make_model": "HP LaserJet Pro M404dn", "location": "Office, 2nd floor",
              "uuid": "c3a1e2d4-5b6f-4a71-8c9d-0e1f2a3b4c5d"}


def available() -> dict[str, bool]:
    return {"avahi": shutil.which("avahi-daemon") is not None, "minidlna": shutil.which("minidlnad") is not None,
            "cups": shutil.which("cupsd") is not None, "gmediarender": shutil.which("gmediarender") is not None}


def ipp_txt(host: LabHost) -> tuple[str, ...]:
    """The TXT record cupsd's DNS-SD code (scheduler/dirsvc.c) builds for a
    shared queue; here written by the lab because cupsd can only register
    with avahi over D-Bus, which the lab's avahi runs without."""
    q = CUPS_QUEUE
    return ("txtvers=1", "qtotal=1", f"rp=printers/{q['name']}", f"ty={q['make_model']}",
            f"adminurl=http://{host.hostname}.local.:631/printers/{q['name']}", f"note={q['location']}",
            "priority=0", f"product=({q['make_model']})", "pdl=application/octet-stream,application/pdf,"
            "application/postscript,image/jpeg,image/png,image/pwg-raster", f"UUID={q['uuid']}", "TLS=1.2",
            "Color=F", "Duplex=T", "printer-state=3", "printer-type=0x801046")


def _service_xml(host: LabHost) -> dict[str, str]:
    files = {}
    services = list(ANNOUNCE.get(host.kind, ()))
    if host.kind == "ipp_printer":
        services.append(("_ipp._tcp", 631, ipp_txt(host)))
    label = {"apple_tv": "Living Room", "mac": "MacBook Pro", "iphone": "iPhone", "homekit": "Eve Energy 50FF"}
    name = label.get(host.kind, "%h")
    for i, (stype, port, txt) in enumerate(services):
        inst = CUPS_QUEUE["make_model"] + " @ %h" if stype == "_ipp._tcp" else name
        records = "".join(f"<txt-record>{escape(t)}</txt-record>" for t in txt)
        files[f"{i:02d}{stype.replace('.', '_')}.service"] = (
            "<?xml version=\"1.0\" standalone='no'?>\n<!DOCTYPE service-group SYSTEM \"avahi-service.dtd\">\n"
            f"<service-group><name replace-wildcards=\"yes\">{escape(inst)}</name>"
            f"<service><type>{stype}</type><port>{port}</port>{records}</service></service-group>\n")
    return files


def avahi_conf(host: LabHost) -> str:
    return "\n".join([
        "[server]", f"host-name={host.hostname}", "domain-name=local", "use-ipv4=yes", "use-ipv6=no",
        "allow-interfaces=eth0", "enable-dbus=no", "ratelimit-interval-usec=1000000", "ratelimit-burst=1000",
        "[wide-area]", "enable-wide-area=no",
        "[publish]", "publish-hinfo=no", f"publish-workstation={'yes' if host.kind in WORKSTATION else 'no'}",
        "publish-domain=no", "[reflector]", "enable-reflector=no", ""])


def _start_avahi(host: LabHost, state_dir: Path, etc_netns: Path) -> int:
    etc = etc_netns / host.ns / "avahi"
    (etc / "services").mkdir(parents=True, exist_ok=True)
    (etc / "avahi-daemon.conf").write_text(avahi_conf(host))
    (etc / "hosts").write_text("")
    for name, text in _service_xml(host).items():
        (etc / "services" / name).write_text(text)
    run = state_dir / host.ns / "avahi-run"
    run.mkdir(parents=True, exist_ok=True)
    # ip netns exec gives the daemon its own mount namespace and binds
    # /etc/netns/<ns>/avahi over /etc/avahi; its runtime directory (pid file,
    # socket) is bound over /run/avahi-daemon there, so instances never meet.
    Path("/run/avahi-daemon").mkdir(exist_ok=True)
    script = (f"mount --bind {run} /run/avahi-daemon && exec avahi-daemon --no-drop-root --no-chroot "
              "--no-proc-title -f /etc/avahi/avahi-daemon.conf")
    return _spawn(host.ns, ["sh", "-c", script], state_dir / host.ns / "avahi.log")


def _start_minidlna(host: LabHost, state_dir: Path) -> int:
    d = state_dir / host.ns / "minidlna"
    (d / "media").mkdir(parents=True, exist_ok=True)
    conf = d / "minidlna.conf"
    conf.write_text("\n".join([
        "port=8200", "network_interface=eth0", f"media_dir={d / 'media'}", f"db_dir={d}", f"log_dir={d}",
        f"friendly_name={host.hostname}", f"serial={host.serial}", "inotify=no", "notify_interval=5",
        "enable_tivo=no", "strict_dlna=no", ""]))
    return _spawn(host.ns, ["minidlnad", "-S", "-f", str(conf), "-P", str(d / "minidlna.pid")], d / "stdout.log")


def _start_cups(host: LabHost, state_dir: Path) -> int:
    d = state_dir / host.ns / "cups"
    for sub in ("spool", "cache", "state", "tmp", "ppd", "log"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    os.chmod(d / "tmp", 0o1777)
    (d / "cupsd.conf").write_text("\n".join([
        # cupsd refuses to start without a localhost listener (its own tools talk to it there); the
        # namespace's loopback is its own
        f"Listen {host.ip}:631", "Listen 127.0.0.1:631", f"ServerName {host.hostname}.local", "ServerAlias *", "Browsing Off",
        "DefaultShared Yes", "WebInterface Yes", "LogLevel warn", "<Location />", "  Order allow,deny",
        "  Allow all", "</Location>", ""]))
    (d / "cups-files.conf").write_text("\n".join([
        f"ServerRoot {d}", f"RequestRoot {d / 'spool'}", f"CacheDir {d / 'cache'}", f"StateDir {d / 'state'}",
        f"TempDir {d / 'tmp'}", f"ErrorLog {d / 'log' / 'error_log'}", f"AccessLog {d / 'log' / 'access_log'}",
        f"PageLog {d / 'log' / 'page_log'}", "FileDevice Yes", "Sandboxing Relaxed", ""]))
    q = CUPS_QUEUE
    (d / "printers.conf").write_text("\n".join([
        f"<DefaultPrinter {q['name']}>", "PrinterId 1", f"UUID urn:uuid:{q['uuid']}", f"Info {q['make_model']}",
        f"Location {q['location']}", f"MakeModel {q['make_model']}", "DeviceURI file:///dev/null", "State Idle",
        "Accepting Yes", "Shared Yes", "</DefaultPrinter>", ""]))
    return _spawn(host.ns, ["cupsd", "-f", "-c", str(d / "cupsd.conf"), "-s", str(d / "cups-files.conf")],
                  d / "log" / "stdout.log")


def renderer_uuid(host: LabHost) -> str:
    """A stable UUID per lab host ("lab-speaker" + index), as gmediarender takes it."""
    return f"6c61622d-7370-6561-6b65-72{host.index:010x}"


def _start_gmediarender(host: LabHost, state_dir: Path) -> int:
    d = state_dir / host.ns / "gmediarender"
    d.mkdir(parents=True, exist_ok=True)
    return _spawn(host.ns, ["gmediarender", "-I", "eth0", "-u", renderer_uuid(host), "-f", "Living room speaker",
                            "--gstout-audiosink=fakesink", "--gstout-videosink=fakesink", "-P", str(d / "pid")],
                  d / "stdout.log")


def _spawn(ns: str, argv: list[str], log_path: Path) -> int:
    log = open(log_path, "ab")
    proc = subprocess.Popen(["ip", "netns", "exec", ns, *argv], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            start_new_session=True)
    return proc.pid


def wait_ready(state_dir: Path, pids: dict[str, int], timeout: float = 15.0) -> list[str]:
    """Wait until every avahi has finished probing its names (it writes its
    pid file then); what is still not ready when the time is up."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        pending = [k for k in pids if k.startswith("avahi:")
                   and not (state_dir / k.split(":", 1)[1] / "avahi-run" / "pid").exists()]
        if not pending or time.monotonic() > deadline:
            return pending
        time.sleep(0.05)


def exited(pids: dict[str, int]) -> list[str]:
    """The daemons that have already exited (a bad configuration: their log
    under the lab's state directory says why)."""
    out = []
    for name, pid in pids.items():
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            state = "X"
        if state in ("Z", "X"):
            out.append(name)
    return out


def start(lab_plan: LabPlan, state_dir: Path, etc_netns: Path) -> tuple[dict[str, int], list[str]]:
    """Start every announcing daemon of the plan; (pids, warnings)."""
    have = available()
    pids: dict[str, int] = {}
    warnings = []
    for host in lab_plan.hosts:
        if host.kind in ANNOUNCE and have["avahi"]:
            pids[f"avahi:{host.ns}"] = _start_avahi(host, state_dir, etc_netns)
        if host.kind == "nas" and have["minidlna"]:
            pids[f"minidlna:{host.ns}"] = _start_minidlna(host, state_dir)
        if host.kind == "ipp_printer" and have["cups"]:
            pids[f"cupsd:{host.ns}"] = _start_cups(host, state_dir)
        if host.kind == "media_renderer" and have["gmediarender"]:
            pids[f"gmediarender:{host.ns}"] = _start_gmediarender(host, state_dir)
    for name, ok in have.items():
        if not ok and any(h.kind in ANNOUNCE or h.kind == "media_renderer" for h in lab_plan.hosts):
            warnings.append(f"{name} is not installed: its lab hosts stay silent (see dev.sh)")
    return pids, warnings
