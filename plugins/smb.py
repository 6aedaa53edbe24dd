"""Anonymous SMB identification: what a Windows or Samba server states about
itself before anyone logs in.

Per host, one TCP connection at a time to port 445: an SMB2 NEGOTIATE
(offering 2.0.2-3.1.1), then a SESSION_SETUP carrying an NTLMSSP NEGOTIATE,
whose CHALLENGE answer holds the Windows version and the host's names; the
connection is then closed (authentication is never completed, no
credentials are ever sent). A second connection offers only SMB1's
"NT LM 0.12": a server that accepts it speaks SMBv1 (``legacy/smbv1``), and
its SESSION_SETUP_ANDX answer carries NativeOS / NativeLanMan ("Samba
4.17.12-Debian", "Windows 7 Professional 7601 Service Pack 1").

Connections are capped at scan.rate per second overall and ``scan.concurrency``
hosts at a time; reads are bounded (64 KiB a message) and timed
(``smb.timeout`` per exchange). When the banners plugin ran first, only hosts
whose port 445 answered it are probed.
"""

from __future__ import annotations

import asyncio
import time

from collector.hookspecs import hookimpl
from collector.model import Observation, Outcome, PluginReport, ProbeResult
from collector.plugin import LiveHost, ScanContext
from collector.plugins.banners import RateLimiter
from collector.proto import ntlmssp, smb

PORT = 445


class SmbError(Exception):
    pass


async def _read_frame(reader: asyncio.StreamReader, timeout: float) -> bytes:
    head = await asyncio.wait_for(reader.readexactly(4), timeout)
    length = int.from_bytes(head[1:], "big")
    if head[0] != 0 or length > smb.MAX_PDU:
        raise SmbError("not an SMB frame")
    return head + await asyncio.wait_for(reader.readexactly(length), timeout)


async def _connect(ip: str, port: int, limiter: RateLimiter, timeout: float
                   ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    await limiter.acquire()
    return await asyncio.wait_for(asyncio.open_connection(ip, port), min(timeout, 2.0))


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), 1)
    except (asyncio.TimeoutError, OSError):
        pass


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes,
                    timeout: float) -> bytes:
    writer.write(request)
    await writer.drain()
    return await _read_frame(reader, timeout)


_IO_ERRORS = (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError, SmbError)


async def probe_smb(ip: str, limiter: RateLimiter, timeout: float, port: int = PORT
                    ) -> tuple[dict[str, bytes], str | None]:
    """The raw answers (keys as :func:`collector.smbinfo.summarize` reads
    them) and, when the port did not answer at all, why."""
    got: dict[str, bytes] = {}
    try:
        reader, writer = await _connect(ip, port, limiter, timeout)
    except asyncio.TimeoutError:
        return got, "timeout"
    except OSError:
        return got, "refused"
    try:
        got["smb2_negotiate"] = await _exchange(reader, writer, smb.smb2_negotiate_request(), timeout)
        if got["smb2_negotiate"][4:8] == smb.SMB2_MAGIC:
            got["smb2_session_setup"] = await _exchange(reader, writer,
                                                        smb.smb2_session_setup_request(ntlmssp.spnego_negotiate()),
                                                        timeout)
    except _IO_ERRORS:
        pass  # an SMB1-only server drops an SMB2 NEGOTIATE
    finally:
        await _close(writer)
    try:
        reader, writer = await _connect(ip, port, limiter, timeout)
    except (asyncio.TimeoutError, OSError):
        return got, None
    try:
        got["smb1_negotiate"] = await _exchange(reader, writer, smb.smb1_negotiate_request(), timeout)
        parsed = smb.parse_smb1_negotiate(got["smb1_negotiate"])
        if parsed.get("accepted") and parsed.get("extended_security"):
            got["smb1_session_setup"] = await _exchange(reader, writer,
                                                        smb.smb1_session_setup_request(ntlmssp.spnego_negotiate()),
                                                        timeout)
    except (*_IO_ERRORS, ValueError):
        pass  # SMB1 refused: the usual, and the good, answer
    finally:
        await _close(writer)
    return got, None


def _open_ports(ctx: ScanContext) -> dict[str, set[int]]:
    ports: dict[str, set[int]] = {}
    for obs in ctx.observations:
        if obs.plugin == "banners":
            ports.setdefault(obs.ip, set()).update(obs.raw.get("open") or [])
    return ports


class SmbPlugin:
    name = "smb"
    phase = "enrich"
    #: when banners runs, probe only hosts whose port 445 answered it (and use
    #: its open ports: Kerberos + LDAP tell a domain controller)
    after = ("banners",)
    description = "anonymous SMB2/SMB1 negotiate + NTLMSSP challenge: Windows release and build, names, Samba version"
    needs: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()

    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport:
        from collector import smbinfo

        report = PluginReport()
        limiter = RateLimiter(ctx.settings.rate)
        at_once = asyncio.Semaphore(max(1, ctx.settings.concurrency))
        timeout = ctx.settings.smb_timeout
        open_ports = _open_ports(ctx) if "banners" in ctx.ran else None
        todo = [h for h in hosts if open_ports is None or PORT in open_ports.get(h.ip, set())]
        ctx.advance("smb", 0, len(todo))

        async def one(host: LiveHost) -> None:
            start = time.monotonic()
            async with at_once:
                responses, failure = await probe_smb(host.ip, limiter, timeout)
            ms = (time.monotonic() - start) * 1000
            ctx.advance("smb", 1, None)
            if failure:
                outcome = Outcome.NO_RESPONSE if failure == "timeout" else Outcome.REFUSED
                report.probes.append(ProbeResult(self.name, host.ip, outcome, ms, f"port {PORT}: {failure}"))
                return
            summary = smbinfo.summarize(responses)
            ports = (open_ports or {}).get(host.ip, set())
            hint = (True, "Kerberos and LDAP answer: a domain controller") if {88, 389} <= ports else None
            facts, services, software, identifiers, raw = smbinfo.observation_parts(summary, PORT, hint)
            if services or facts:
                report.observations.append(Observation(plugin=self.name, ip=host.ip, facts=facts, services=services,
                                                       software=software, identifiers=identifiers, raw=raw))
            said = [k for k in ("smb2", "ntlm", "smb1") if summary.get(k)]
            report.probes.append(ProbeResult(self.name, host.ip, Outcome.OK if said else Outcome.ERROR, ms,
                                             f"answered: {', '.join(said) or 'nothing usable'}"
                                             + (f"; {'; '.join(summary['errors'])}" if summary.get("errors") else "")))

        await asyncio.gather(*(one(h) for h in todo))
        return report


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [SmbPlugin()]
