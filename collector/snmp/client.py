"""One SNMP agent, read politely: GET and bounded GETBULK walks (pysnmp 7).

Guarantees, whatever the agent sends back:

- never a SET;
- a walk of several columns moves them forward together (one GETBULK
  carries one varbind per column still running) and stops each column on
  endOfMibView, on leaving its subtree and on an OID that does not increase
  (looping agents);
- at most ``cap`` varbinds per device and no request after ``deadline``;
- ``noSuchObject`` / ``noSuchInstance`` are absence, not errors;
- a tooBig answer halves max-repetitions; v1 agents are walked with GETNEXT.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from collector.snmp.ber import VERSIONS, Value  # the versions our codec speaks (v3: pysnmp)
from collector.snmp.credentials import Credential
from collector.snmp.udp import Transports, community_bytes
from collector.snmp.walk import (COUNTER32, COUNTER64, GAUGE32, INTEGER, IPADDR, NULL, OCTETS, OID, OPAQUE,
                                 TIMETICKS, Varbind, Walk, is_under, oid_key)

#: Longest value kept from an agent (hostile agents send megabytes).
MAX_VALUE = 4096
#: Objects per GET / GETNEXT request (halved for agents that say tooBig).
GET_BATCH = 64
#: Repetitions of a walk's first GETBULK (doubled while columns run on).
FIRST_REPETITIONS = 8
#: A GETBULK of one or two columns may ask for more repetitions than the
#: agent's max_repetitions, up to this many values per answer: a long column
#: (installed software, a forwarding table) then takes half the requests. An
#: agent whose answers would not fit its message size sends fewer (RFC 3416
#: 4.2.3) or says tooBig (then halved).
MAX_BULK_VALUES = 64
_TAGS = {
    "Integer": INTEGER, "Integer32": INTEGER, "OctetString": OCTETS, "Bits": OCTETS, "Null": NULL,
    "ObjectIdentifier": OID, "IpAddress": IPADDR, "Counter32": COUNTER32, "Gauge32": GAUGE32,
    "Unsigned32": GAUGE32, "TimeTicks": TIMETICKS, "Opaque": OPAQUE, "Counter64": COUNTER64,
}
_ABSENT = {"NoSuchObject", "NoSuchInstance"}
_END = "EndOfMibView"


class SnmpFailure(Exception):
    """The agent did not answer usefully (timeout, auth failure, error status)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind  # timeout | auth | error


def convert(value: Any) -> Varbind | None:
    """pysnmp value -> (snmprec tag, python value); None for no-such-*/end.
    The collector's own decoder's values are converted already."""
    if isinstance(value, Value):
        return value.vb
    name = type(value).__name__
    if name in _ABSENT or name == _END:
        return None
    tag = _TAGS.get(name)
    if tag is None:
        # an unknown application type: keep its bytes, tagged Opaque
        try:
            return OPAQUE, bytes(value.asOctets())[:MAX_VALUE]
        except Exception:
            return None
    if tag in (OCTETS, IPADDR, OPAQUE):
        return tag, bytes(value.asOctets())[:MAX_VALUE]
    if tag == OID:
        return tag, str(value)
    if tag == NULL:
        return tag, None
    return tag, int(value)


@dataclass
class WalkStats:
    requests: int = 0
    varbinds: int = 0
    notes: list[str] = field(default_factory=list)
    #: seconds each answered request took (the first 200)
    latencies: list[float] = field(default_factory=list)
    #: objects a GET was told are not there (noSuchObject / noSuchInstance,
    #: v1 noSuchName): asking again would get the same answer (the first 200)
    absent: set[str] = field(default_factory=set)


class Latency:
    """How fast the agents of this scan answer, so first contact can wait
    long enough for a busy agent without making silent addresses costly:
    the contact timeout is 3x the slow answers seen (the 90th percentile),
    between the base and the normal timeout."""

    def __init__(self) -> None:
        self.seen: list[float] = []

    def record(self, latencies: list[float]) -> None:
        self.seen.extend(latencies[:200])
        del self.seen[:-5000]

    def slow(self) -> float:
        if not self.seen:
            return 0.0
        ordered = sorted(self.seen)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]

    def contact_timeout(self, base: float, cap: float) -> float:
        return min(max(base, 3 * self.slow()), max(base, cap))

    def congested(self, base: float) -> bool:
        """Answers here are slow enough that a timeout may be congestion."""
        return self.slow() > base / 2


class Agent:
    """An agent at ``ip`` reached with one credential."""

    def __init__(self, engine: Any, ip: str, credential: Credential, *, timeout: float, retries: int,
                 port: int = 161, cap: int = 20000, deadline: float | None = None, max_repetitions: int = 25) -> None:
        self.engine = engine
        self.ip = ip
        self.port = port
        self.credential = credential
        self.timeout = timeout
        self.retries = retries
        self.cap = cap
        self.deadline = deadline
        self.max_repetitions = max_repetitions
        self.stats = WalkStats()
        self.contact_attempts = 1  # credentials tried before this one answered (set by the plugin)
        self._target: Any = None
        self._target_key: tuple[float, int] | None = None

    async def _transport(self) -> Any:
        from pysnmp.hlapi.v3arch.asyncio import UdpTransportTarget

        key = (self.timeout, self.retries)
        if self._target is None or self._target_key != key:
            self._target = await UdpTransportTarget.create((self.ip, self.port), timeout=self.timeout,
                                                           retries=self.retries)
            self._target_key = key
        return self._target

    def _check_budget(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SnmpFailure("budget", "time budget for this device used up")

    async def _request(self, kind: str, oids: list[str], max_rep: int = 0) -> list[tuple[str, Any]]:
        self._check_budget()
        if isinstance(self.engine, Transports) and self.credential.version in VERSIONS \
                and not self.credential.context:
            return await self._community_request(kind, oids, max_rep)
        return await self._pysnmp_request(kind, oids, max_rep)

    async def _community_request(self, kind: str, oids: list[str], max_rep: int) -> list[tuple[str, Any]]:
        """v1/v2c with the collector's own codec (:mod:`collector.snmp.ber`)."""
        from collector.snmp.ber import encode_request
        from collector.snmp.udp import Timeout

        udp = self.engine.udp
        rid = udp.new_request_id()
        try:
            message = encode_request(self.credential.version, community_bytes(self.credential.community),
                                     kind, rid, oids, max_rep)
        except ValueError as exc:
            raise SnmpFailure("error", str(exc)[:200]) from None
        self.stats.requests += 1
        started = time.monotonic()
        try:
            response = await udp.request(self.ip, self.port, message, rid, VERSIONS[self.credential.version],
                                         self.timeout, self.retries)
        except Timeout:
            raise SnmpFailure("timeout", "no answer") from None
        except OSError as exc:  # e.g. no route to an address
            raise SnmpFailure("error", f"{type(exc).__name__}: {str(exc)[:200]}") from None
        if len(self.stats.latencies) < 200:
            self.stats.latencies.append(time.monotonic() - started)
        if response.error_status != 0:
            return self._error_status(kind, oids, response.error_name, response.error_index)
        return response.varbinds

    def _error_status(self, kind: str, oids: list[str], name: str, index: int) -> list[tuple[str, Any]]:
        if name == "tooBig":
            raise SnmpFailure("toobig", "tooBig")
        if name == "noSuchName" and kind != "get":
            return [(o, None) for o in oids]  # v1 end of MIB
        if name == "noSuchName":
            # v1: one absent object fails the whole GET; say which (1-based)
            raise SnmpFailure("nosuchname", str(index))
        raise SnmpFailure("error", f"error-status {name} at index {index}")

    async def _pysnmp_request(self, kind: str, oids: list[str], max_rep: int) -> list[tuple[str, Any]]:
        from pysnmp.hlapi.v3arch.asyncio import (ContextData, ObjectIdentity, ObjectType, bulk_cmd, get_cmd,
                                                 next_cmd)

        target = await self._transport()
        engine = self.engine.pysnmp() if isinstance(self.engine, Transports) else self.engine
        auth = self.credential.auth_data()
        ctx = ContextData(contextName=self.credential.context) if self.credential.context else ContextData()
        objs = [ObjectType(ObjectIdentity(o)) for o in oids]
        self.stats.requests += 1
        started = time.monotonic()
        try:
            if kind == "get":
                err_ind, err_stat, err_idx, vbs = await get_cmd(engine, auth, target, ctx, *objs, lookupMib=False)
            elif kind == "next":
                err_ind, err_stat, err_idx, vbs = await next_cmd(engine, auth, target, ctx, *objs,
                                                                 lookupMib=False)
            else:
                err_ind, err_stat, err_idx, vbs = await bulk_cmd(engine, auth, target, ctx, 0, max_rep, *objs,
                                                                 lookupMib=False)
        except Exception as exc:  # pysnmp raises on undecodable replies and odd addresses
            raise SnmpFailure("error", f"{type(exc).__name__}: {str(exc)[:200]}") from None
        if err_ind:
            text = str(err_ind)
            low = text.lower()
            if "timeout" in low or "no snmp response" in low:
                raise SnmpFailure("timeout", "no answer")
            if any(w in low for w in ("unknown usm user", "digest", "decrypt", "unsupported security",
                                      "not in time window", "unknown engine", "authorization")):
                raise SnmpFailure("auth", text[:200])
            raise SnmpFailure("error", text[:200])
        if len(self.stats.latencies) < 200:
            self.stats.latencies.append(time.monotonic() - started)
        if err_stat and int(err_stat) != 0:
            name = err_stat.prettyPrint() if hasattr(err_stat, "prettyPrint") else str(err_stat)
            return self._error_status(kind, oids, name, int(err_idx or 0))
        return [(str(o), v) for o, v in vbs]

    async def get(self, oids: list[str]) -> Walk:
        """GET a list of scalars (in batches of :data:`GET_BATCH`); absent ones
        are simply missing. A batch too big for the agent is halved; a v1
        agent's noSuchName drops the absent object and asks again."""
        walk = Walk()
        pending = [oids[i:i + GET_BATCH] for i in range(0, len(oids), GET_BATCH)]
        while pending:
            batch = pending.pop(0)
            try:
                rows = await self._request("get", batch)
            except SnmpFailure as exc:
                if exc.kind == "toobig" and len(batch) > 1:
                    half = len(batch) // 2
                    pending[:0] = [batch[:half], batch[half:]]
                    continue
                if exc.kind == "nosuchname":
                    index = int(str(exc)) if str(exc).isdigit() else 0
                    rest = [o for i, o in enumerate(batch, 1) if i != index] if 0 < index <= len(batch) else []
                    if 0 < index <= len(batch):
                        self._absent(batch[index - 1])
                    if rest:
                        pending.insert(0, rest)
                    continue
                raise
            for oid, value in rows:
                vb = convert(value) if value is not None else None
                if vb is not None:
                    walk.data[oid] = vb
                    self.stats.varbinds += 1
                elif type(value).__name__ in _ABSENT:
                    self._absent(oid)
        return walk

    def _absent(self, oid: str) -> None:
        if len(self.stats.absent) < 200:
            self.stats.absent.add(oid)

    async def next_after(self, oid: str) -> tuple[str, Varbind] | None:
        """One GETNEXT: the first object after ``oid`` (None at the end of the MIB)."""
        rows = await self._request("next", [oid])
        if not rows or rows[0][1] is None or type(rows[0][1]).__name__ == _END:
            return None
        vb = convert(rows[0][1])
        if vb is None:
            return None
        self.stats.varbinds += 1
        return rows[0][0], vb

    async def next_rows(self, oids: list[str]) -> list[tuple[str, Varbind]]:
        """One GETNEXT of several objects: what follows each (end of MIB left out)."""
        out = []
        for oid, value in await self._request("next", oids):
            if value is None or type(value).__name__ == _END:
                continue
            vb = convert(value)
            if vb is not None:
                out.append((oid, vb))
                self.stats.varbinds += 1
        return out

    async def first_rows(self, roots: list[str], within: dict[str, str] | None = None
                         ) -> dict[str, tuple[str, Varbind]]:
        """One GETNEXT per root, many roots per request: the first object
        after each root that lies in its subtree (or in ``within[root]``), for
        the roots that have one (what is worth walking)."""
        within = within or {}
        found: dict[str, tuple[str, Varbind]] = {}
        pending = [roots[i:i + GET_BATCH] for i in range(0, len(roots), GET_BATCH)]
        while pending:
            batch = pending.pop(0)
            try:
                rows = await self._request("next", batch)
            except SnmpFailure as exc:
                if exc.kind == "toobig" and len(batch) > 1:
                    half = len(batch) // 2
                    pending[:0] = [batch[:half], batch[half:]]
                    continue
                raise
            for root, (oid, value) in zip(batch, rows):
                if value is None or type(value).__name__ == _END or not is_under(oid, within.get(root, root)):
                    continue
                try:
                    ahead = oid_key(oid) > oid_key(root)
                except ValueError:
                    ahead = False
                if not ahead:
                    self.stats.notes.append(f"{root}: agent returned a non-increasing OID ({oid}); column skipped")
                    continue
                vb = convert(value)
                if vb is not None:
                    found[root] = (oid, vb)
                    self.stats.varbinds += 1
        return found

    async def walk(self, roots: list[str], walk: Walk | None = None,
                   start: dict[str, str] | None = None) -> Walk:
        """Walk several subtrees (table columns) together, each from ``start``
        (an OID already read) or its root. Partial results are kept when the
        budget or the cap ends the walk; the reason is noted."""
        walk = walk if walk is not None else Walk()
        current = {root: (start or {}).get(root, root) for root in roots}
        last_key: dict[str, tuple[int, ...]] = {root: oid_key(current[root]) for root in roots}
        bulk = self.credential.version != "1"
        # start small and double while every column runs on: most columns of
        # most devices are short, and every repetition past a column's end is
        # a varbind both ends encode and decode for nothing
        ceiling = self.max_repetitions
        max_rep = min(FIRST_REPETITIONS, ceiling)
        too_big: int | None = None  # the most repetitions since a tooBig
        while current:
            if self.stats.varbinds >= self.cap:
                self.stats.notes.append(f"stopped at the per-device cap of {self.cap} values")
                break
            active = list(current)
            oids = [current[r] for r in active]
            try:
                rows = await self._request("bulk" if bulk else "next", oids, max_rep)
            except SnmpFailure as exc:
                if exc.kind == "toobig" and bulk and max_rep > 1:
                    max_rep = ceiling = too_big = max(1, max_rep // 2)
                    continue
                if exc.kind == "toobig" and len(active) > 1:
                    # walk the columns one at a time
                    for root in active:
                        await self.walk([root], walk, {root: current[root]})
                    return walk
                raise
            if not rows:
                break
            finished: set[str] = set()
            for i, (oid, value) in enumerate(rows):
                root = active[i % len(active)]
                if root in finished or root not in current:
                    continue
                if value is None or type(value).__name__ == _END or not is_under(oid, root):
                    finished.add(root)
                    continue
                try:
                    key = oid_key(oid)
                except ValueError:
                    finished.add(root)
                    continue
                if key <= last_key[root]:
                    self.stats.notes.append(f"{root}: agent returned a non-increasing OID ({oid}); column stopped")
                    finished.add(root)
                    continue
                last_key[root] = key
                current[root] = oid
                vb = convert(value)
                if vb is not None:
                    walk.data[oid] = vb
                    self.stats.varbinds += 1
            if bulk and len(rows) < len(active):
                finished.update(active[len(rows):])
            for root in finished:
                current.pop(root, None)
            if not finished:
                # one or two columns left may go past the ceiling (see MAX_BULK_VALUES)
                limit = max(ceiling, MAX_BULK_VALUES // max(1, len(current)))
                max_rep = min(limit if too_big is None else too_big, max_rep * 2)
        return walk
