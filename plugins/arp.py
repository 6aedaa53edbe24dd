"""ARP discovery: who is alive on the directly attached subnets, with MACs.

With raw sockets (root or CAP_NET_RAW) it sweeps with ARP requests on an
AF_PACKET socket, rate-capped, retrying only the addresses that stayed silent. Without
them it degrades: it TCP-connect-pings the targets (which also fills the
kernel's neighbour table) and reads MACs from that table, and says so.
"""

from __future__ import annotations

import asyncio
import ipaddress
import select
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from collector.hookspecs import hookimpl
from collector.identity import normalize_mac
from collector.model import Observation, Outcome, PluginReport, ProbeResult
from collector.netinfo import Attached, interface_for
from collector.oui import mac_facts, preload as preload_vendors
from collector.plugin import ScanContext
from collector.plugins.tcpping import ping_sweep

ETH_P_ARP = 0x0806
PACKET_OUTGOING = 4
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
MIN_SETTLE = 0.1  # seconds
#: /proc/net/arp is ~80 bytes a line; a /16 of neighbours fits
MAX_NEIGHBOUR_TABLE = 8 << 20


@dataclass(frozen=True)
class ArpReply:
    sender_ip: str
    sender_mac: str
    target_ip: str


def parse_arp_reply(frame: bytes) -> ArpReply | None:
    """An Ethernet/IPv4 ARP reply, or None for anything else (never raises)."""
    if len(frame) < 42:
        return None
    ethertype = struct.unpack_from("!H", frame, 12)[0]
    offset = 14
    if ethertype == 0x8100 and len(frame) >= 46:  # 802.1Q tag
        ethertype, offset = struct.unpack_from("!H", frame, 16)[0], 18
    if ethertype != ETH_P_ARP or len(frame) < offset + 28:
        return None
    htype, ptype, hlen, plen, op = struct.unpack_from("!HHBBH", frame, offset)
    if (htype, ptype, hlen, plen, op) != (1, 0x0800, 6, 4, 2):
        return None
    sha = frame[offset + 8 : offset + 14]
    spa = frame[offset + 14 : offset + 18]
    tpa = frame[offset + 24 : offset + 28]
    mac = normalize_mac(sha.hex())
    if mac is None:
        return None
    return ArpReply(str(ipaddress.IPv4Address(spa)), mac, str(ipaddress.IPv4Address(tpa)))


def build_request_template(src_mac: str, src_ip: str) -> bytes:
    """A broadcast who-has frame; the target IP is its last four bytes.

    Packed by hand rather than by scapy: importing scapy costs ~0.4 s, more
    than the sweep of a /24, and a scan never imports it; a unit test checks
    the frame byte for byte against scapy's ``Ether()/ARP()``.
    """
    mac = bytes.fromhex(src_mac.replace(":", ""))
    return (b"\xff" * 6 + mac + struct.pack("!HHHBBH", ETH_P_ARP, 1, 0x0800, 6, 4, 1)
            + mac + ipaddress.IPv4Address(src_ip).packed + b"\x00" * 6 + b"\x00" * 4)


@dataclass
class SweepResult:
    replies: dict[str, tuple[str, float]] = field(default_factory=dict)  # ip -> (mac, rtt ms)
    conflicts: dict[str, set[str]] = field(default_factory=dict)  # ip -> other macs seen
    tries: int = 0
    malformed: int = 0
    max_rtt_ms: float = 0.0


class SweepCancelled(Exception):
    pass


def arp_sweep(att: Attached, targets: list[str], *, rate: int, retries: int, timeout: float,
              on_reply: Callable[[int], None] = lambda n: None,
              stop: threading.Event | None = None,
              after_first_round: Callable[[], None] = lambda: None) -> SweepResult:
    """Blocking sweep of ``targets`` on one interface; run it in a thread.
    Setting ``stop`` ends it within ~50 ms (SweepCancelled)."""
    stop = stop or threading.Event()
    assert att.mac is not None
    result = SweepResult()
    template = build_request_template(att.mac, str(att.ip))[:38]
    wanted = set(targets)
    sent_at: dict[str, float] = {}
    interval = 1.0 / rate
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    try:
        sock.bind((att.iface, ETH_P_ARP))
        sock.setblocking(False)
        # Kernel receive timestamps: the RTT stays true even when this thread
        # waits for the GIL (it drives the adaptive wait below).
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)

        def receive(until: float) -> None:
            while True:
                if stop.is_set():
                    raise SweepCancelled
                if len(result.replies) >= len(wanted):
                    return  # every target answered: nothing left to wait for
                wait = until - time.monotonic()
                ready, _, _ = select.select([sock], [], [], min(max(wait, 0), 0.05))
                if not ready:
                    if wait <= 0:
                        return
                    continue
                while True:
                    try:
                        frame, ancdata, _flags, addr = sock.recvmsg(2048, 64)
                    except BlockingIOError:
                        break
                    received = _kernel_time(ancdata)
                    if addr[2] == PACKET_OUTGOING:
                        continue
                    reply = parse_arp_reply(frame)
                    if reply is None:
                        result.malformed += 1
                        continue
                    ip = reply.sender_ip
                    if ip not in wanted or reply.target_ip != str(att.ip):
                        continue
                    if ip in result.replies:
                        if reply.sender_mac != result.replies[ip][0]:
                            result.conflicts.setdefault(ip, set()).add(reply.sender_mac)
                        continue
                    rtt = max(0.0, (received - sent_at.get(ip, received)) * 1000)
                    result.replies[ip] = (reply.sender_mac, round(rtt, 3))
                    result.max_rtt_ms = max(result.max_rtt_ms, rtt)
                    on_reply(1)

        # Rounds follow each other without a pause: replies on a LAN take
        # about a millisecond, so by the end of a round all but its last few
        # requests have been answered; only the end of the sweep waits.
        for attempt in range(retries + 1):
            silent = [t for t in targets if t not in result.replies]
            if not silent:
                break
            result.tries = attempt + 1
            if attempt and not result.replies:
                receive(time.monotonic() + timeout)  # nothing answered yet: maybe slow, wait once
                silent = [t for t in targets if t not in result.replies]
            next_send = time.monotonic()
            for ip in silent:
                if ip in result.replies:  # answered a previous round late
                    continue
                receive(next_send)
                frame = template + ipaddress.IPv4Address(ip).packed
                sent_at[ip] = time.time()
                try:
                    sock.send(frame)
                except BlockingIOError:
                    select.select([], [sock], [], 0.05)
                    sock.send(frame)
                next_send = max(next_send + interval, time.monotonic() - 1.0)
            if attempt == 0:
                after_first_round()
        receive(time.monotonic() + settle_time(result, timeout))
    finally:
        sock.close()
    return result


def _kernel_time(ancdata: list[tuple[int, int, bytes]]) -> float:
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            sec, nsec = struct.unpack_from("qq", data)
            return sec + nsec / 1e9
    return time.time()


def settle_time(result: SweepResult, timeout: float) -> float:
    """How long to wait for late replies at the end of the sweep: four times
    the slowest reply seen (measured by kernel timestamps), at least 100 ms
    (nmap's --min-rtt-timeout default; Wi-Fi stations in power save answer
    late), never more than ``timeout``. Replies are accepted during every
    round, so a slow answer to round one is still counted."""
    if not result.replies:
        return timeout
    return min(timeout, max(MIN_SETTLE, 4 * result.max_rtt_ms / 1000))


def read_neighbour_table(path: str = "/proc/net/arp") -> dict[str, tuple[str, str]]:
    """The kernel's IPv4 neighbour cache: ip -> (mac, interface), complete entries only."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_NEIGHBOUR_TABLE)
    except OSError:
        return {}
    return parse_neighbour_table(data)


def parse_neighbour_table(data: bytes) -> dict[str, tuple[str, str]]:
    """``/proc/net/arp`` as read (never raises): malformed lines, bad
    addresses and undecodable bytes are skipped, not trusted."""
    table: dict[str, tuple[str, str]] = {}
    for line in data.decode("utf-8", errors="replace").splitlines()[1:]:
        parts = line.split()
        if len(parts) < 6:
            continue
        ip, _hw, flags, mac, _mask, dev = parts[:6]
        try:
            complete = int(flags, 16) & 0x2
            ip = str(ipaddress.IPv4Address(ip))
        except ValueError:
            continue
        norm = normalize_mac(mac)
        if complete and norm and dev.isprintable():
            table[ip] = (norm, dev[:64])
    return table


def host_observation(ip: str, mac: str | None, rtt: float | None, how: str) -> Observation:
    facts = mac_facts(mac, "arp", how, 90) if mac else []
    return Observation(plugin="arp", ip=ip, mac=mac, facts=facts, rtt_ms=rtt, raw={"method": how})


class ArpPlugin:
    name = "arp"
    phase = "discover"
    description = "ARP sweep of the attached subnets; neighbour table + TCP ping without raw sockets"
    needs: tuple[str, ...] = ()
    wants: tuple[str, ...] = ("raw_sockets",)

    async def discover(self, ctx: ScanContext) -> PluginReport:
        report = PluginReport()
        by_iface: dict[str, tuple[Attached, list[str]]] = {}
        for addr in ctx.scope.addresses():
            att = interface_for(addr, ctx.attached)
            if att is None:
                report.probes.append(ProbeResult(self.name, str(addr), Outcome.SKIPPED, 0,
                                                 "not on an attached subnet: ARP does not cross routers"))
                continue
            if addr == att.ip:
                continue
            by_iface.setdefault(att.iface, (att, []))[1].append(str(addr))
        total = sum(len(t) for _, t in by_iface.values())
        ctx.advance("arp", 0, total)
        if ctx.capabilities.get("raw_sockets"):
            for att, targets in by_iface.values():
                await self._sweep(ctx, att, targets, report)
        else:
            report.degraded = ("no raw sockets (needs root or CAP_NET_RAW): used TCP connect ping and the "
                               "kernel neighbour table instead of an ARP sweep")
            for att, targets in by_iface.values():
                await self._degraded(ctx, att, targets, report)
        return report

    async def _sweep(self, ctx: ScanContext, att: Attached, targets: list[str], report: PluginReport) -> None:
        s = ctx.settings
        start = time.monotonic()
        loop = asyncio.get_running_loop()

        def on_reply(n: int) -> None:
            loop.call_soon_threadsafe(ctx.advance, "arp", n, None)

        stop = threading.Event()
        try:
            result = await asyncio.to_thread(arp_sweep, att, targets, rate=s.rate, retries=s.retries,
                                             timeout=s.timeout, on_reply=on_reply, stop=stop,
                                             # load the vendor table while the sweep waits for late
                                             # replies (earlier, its import would slow the sending)
                                             after_first_round=preload_vendors)
        except asyncio.CancelledError:
            stop.set()  # let the sweep thread end so the scan can exit
            raise
        elapsed = (time.monotonic() - start) * 1000
        ctx.advance("arp", len(targets) - len(result.replies))  # the silent ones are done too
        for ip in targets:
            if ip in result.replies:
                mac, rtt = result.replies[ip]
                obs = host_observation(ip, mac, rtt, f"ARP reply on {att.iface}")
                if ip in result.conflicts:
                    obs.raw["other_macs"] = sorted(result.conflicts[ip])
                report.observations.append(obs)
                report.probes.append(ProbeResult(self.name, ip, Outcome.OK, rtt))
            else:
                report.probes.append(ProbeResult(self.name, ip, Outcome.NO_RESPONSE, elapsed,
                                                 f"no ARP reply after {result.tries} request(s)"))

    async def _degraded(self, ctx: ScanContext, att: Attached, targets: list[str], report: PluginReport) -> None:
        results = await ping_sweep(ctx, targets, task="arp")
        neighbours = read_neighbour_table()
        for ip in targets:
            alive, rtt, detail = results[ip]
            mac = neighbours.get(ip, (None, ""))[0]
            if alive or mac:
                how = "neighbour table" + (f" after {detail}" if alive else "")
                report.observations.append(host_observation(ip, mac, rtt, how))
                report.probes.append(ProbeResult(self.name, ip, Outcome.DEGRADED, rtt or 0, how))
            else:
                report.probes.append(ProbeResult(self.name, ip, Outcome.NO_RESPONSE, 0, detail))


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [ArpPlugin()]
