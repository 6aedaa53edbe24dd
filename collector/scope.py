"""What the collector may probe: targets ∩ allowed ranges, minus exclusions.

Scope is the product's first safety line on somebody else's network, so it
refuses loudly rather than guessing: a target it will not scan raises
:class:`ScopeError` with the reason, and auto-detected subnets it skips are
listed in :attr:`Scope.notes` so the run can say why.

Scopes are lazy: targets are interval sets (:mod:`collector.targets`),
merged and counted as they stream, so refusing a /8 costs no memory and
scanning a /16 never holds a list of its addresses in the scope.
"""

from __future__ import annotations

import heapq
import ipaddress
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from collector.config import MAX_SCOPE
from collector.netinfo import Attached, attached_networks
from collector.targets import Interval, Target, TargetSyntaxError, network_target, parse_target_spec

IPv4Net = ipaddress.IPv4Network
IPv4Addr = ipaddress.IPv4Address

#: Never probed, whatever the user says.
ALWAYS_REFUSED: tuple[tuple[IPv4Net, str], ...] = (
    (IPv4Net("0.0.0.0/8"), "0.0.0.0/8 is 'this network', not a host range"),
    (IPv4Net("224.0.0.0/4"), "multicast addresses are never scanned"),
    (IPv4Net("240.0.0.0/4"), "240.0.0.0/4 is reserved (and holds the broadcast address)"),
    (IPv4Net("169.254.169.254/32"), "169.254.169.254 is a cloud metadata service, never scanned"),
)
LOOPBACK = IPv4Net("127.0.0.0/8")
LINK_LOCAL = IPv4Net("169.254.0.0/16")
#: The largest network scanned without --max-hosts (a /16).
DEFAULT_MAX_HOSTS = 65536
#: A target file is a list of addresses; bigger than this is a mistake.
MAX_TARGET_FILE_BYTES = 8 << 20
MAX_TARGETS = 100_000


class ScopeError(ValueError):
    """A target that cannot or must not be scanned; the message says why."""


@dataclass
class Scope:
    targets: list[Target]
    excluded: list[Target] = field(default_factory=list)
    #: human-readable lines: auto-detected subnets used or skipped, and why
    notes: list[str] = field(default_factory=list)
    auto: bool = False
    _size: int | None = None

    def intervals(self) -> Iterator[Interval]:
        """The addresses in scope as ascending disjoint intervals, lazily."""
        return _subtract(_union(t.intervals() for t in self.targets),
                         _union(_whole(t) for t in self.excluded))

    def addresses(self) -> Iterator[IPv4Addr]:
        """Every address in scope, each once, in order, exclusions removed."""
        for first, last in self.intervals():
            for value in range(first, last + 1):
                yield IPv4Addr(value)

    def __contains__(self, addr: object) -> bool:
        try:
            value = int(ipaddress.IPv4Address(str(addr)))
        except ValueError:
            return False
        return any(value in t for t in self.targets) and not any(
            first <= value <= last for t in self.excluded for first, last in _whole(t))

    def overlaps(self, network: ipaddress.IPv4Network) -> bool:
        """True when some address of ``network`` is in scope (e.g. whether a
        multicast query may leave through the interface on that subnet)."""
        low, high = int(network.network_address), int(network.broadcast_address)
        for first, last in self.intervals():
            if first > high:
                return False
            if last >= low:
                return True
        return False

    def covers(self, network: ipaddress.IPv4Network) -> bool:
        """True when every host address of ``network`` is in scope (no
        exclusion inside it): e.g. whether a multicast probe, which every
        host on that link hears, may be sent there."""
        low, high = int(network.network_address), int(network.broadcast_address)
        if network.prefixlen < 31:
            low, high = low + 1, high - 1
        for first, last in self.intervals():
            if first <= low and last >= high:
                return True
            if first > low:
                return False
        return False

    def size(self) -> int:
        if self._size is None:
            self._size = sum(b - a + 1 for a, b in self.intervals())
        return self._size

    @property
    def networks(self) -> list[str]:
        """The targets as written (resolved names with their addresses)."""
        return [t.describe() for t in self.targets]

    def describe(self) -> str:
        text = ", ".join(self.networks) or "(empty)"
        if self.excluded:
            text += " minus " + ", ".join(t.describe() for t in self.excluded)
        return text


def _whole(t: Target) -> Iterator[Interval]:
    # an excluded network is excluded whole, its network and broadcast addresses too
    if t.network is not None:
        yield int(t.network.network_address), int(t.network.broadcast_address)
    else:
        yield from t.intervals()


def _union(streams: Iterable[Iterator[Interval]]) -> Iterator[Interval]:
    current: list[int] | None = None
    for first, last in heapq.merge(*streams):
        if current is not None and first <= current[1] + 1:
            current[1] = max(current[1], last)
            continue
        if current is not None:
            yield current[0], current[1]
        current = [first, last]
    if current is not None:
        yield current[0], current[1]


def _subtract(keep: Iterator[Interval], drop: Iterator[Interval]) -> Iterator[Interval]:
    cut = next(drop, None)
    for first, last in keep:
        while cut is not None and cut[1] < first:
            cut = next(drop, None)
        start = first
        while cut is not None and cut[0] <= last:
            if cut[0] > start:
                yield start, cut[0] - 1
            start = max(start, cut[1] + 1)
            if cut[1] > last:
                break
            cut = next(drop, None)
        if start <= last:
            yield start, last


def parse_target(spec: str, *, resolve: bool = True) -> Target:
    """Parse one target (syntax in :mod:`collector.targets`); host names are
    resolved here, and only host names. Raises :class:`ScopeError`."""
    try:
        target = parse_target_spec(spec)
    except TargetSyntaxError as exc:
        raise ScopeError(str(exc)) from None
    if target.kind != "name":
        return target
    if not resolve:
        raise ScopeError(f"{spec}: host names are not resolved here")
    return Target(spec, "name", tuple(_resolve(spec.strip())))


def _resolve(spec: str) -> list[Interval]:
    try:
        infos = socket.getaddrinfo(spec, None, socket.AF_INET, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ScopeError(f"{spec}: host name does not resolve ({getattr(exc, 'strerror', None) or exc})") from None
    addrs = sorted({int(IPv4Addr(info[4][0])) for info in infos})
    if not addrs:
        raise ScopeError(f"{spec}: host name has no IPv4 address")
    return [(a, a) for a in addrs]


def read_target_file(path: str | Path) -> list[str]:
    """One or more targets per line; blank lines and ``#`` comments ignored."""
    from collector.textfile import TextFileError, read_text_file

    try:
        text = read_text_file(path, "target file", MAX_TARGET_FILE_BYTES)
    except TextFileError as exc:
        raise ScopeError(str(exc)) from None
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.extend(line.split())
    if not out:
        # never fall back to the attached subnets because a list came out empty
        raise ScopeError(f"target file {path} lists no targets")
    return out


def expand_specs(specs: Iterable[str]) -> list[str]:
    """``@FILE`` entries are replaced by the targets the file lists."""
    out: list[str] = []
    for spec in specs:
        if spec.startswith("@"):
            out.extend(read_target_file(spec[1:]))
        else:
            out.append(spec)
        if len(out) > MAX_TARGETS:
            raise ScopeError(f"more than {MAX_TARGETS:,} targets; give networks or ranges instead")
    return out


def check_network(net: IPv4Net, *, spec: str, allow_public: bool, explicit: bool) -> None:
    """Raise :class:`ScopeError` if ``net`` must not be scanned."""
    for bad, why in ALWAYS_REFUSED:
        if net.overlaps(bad):
            raise ScopeError(f"{spec}: {why}")
    if net.overlaps(LOOPBACK) and not explicit:
        raise ScopeError(f"{spec}: loopback is only scanned when given explicitly")
    if net.is_global and not allow_public:
        raise ScopeError(
            f"{spec}: {net} is a public (global) address range; scanning it needs --allow-public"
        )
    if not net.is_global and not allow_public:
        # A range straddling private and public space (e.g. 10.0.0.0/7).
        first, last = net.network_address, net.broadcast_address
        if first.is_global or last.is_global:
            raise ScopeError(f"{spec}: {net} reaches into public address space; needs --allow-public")


def check_target(target: Target, *, allow_public: bool, limit: int, explicit: bool = True) -> None:
    """Every address of ``target`` may be scanned and there are at most
    ``limit`` of them, or ScopeError. The bounding range is checked first
    (one check for most targets), the size by arithmetic."""
    spec = target.spec.strip()
    try:
        if target.network is not None:
            check_network(target.network, spec=spec, allow_public=allow_public, explicit=explicit)
        else:
            _check_interval((target.first, target.last), spec, allow_public, explicit)
        bounds_ok = True
    except ScopeError:
        if target.octets is None and len(target.spans) == 1:
            raise
        bounds_ok = False
    if target.size > limit:
        raise _too_big(target.size, limit, spec)
    if not bounds_ok:
        for interval in target.intervals():  # a pattern or name whose bounds reach a refused range
            _check_interval(interval, spec, allow_public, explicit)


def _check_interval(interval: Interval, spec: str, allow_public: bool, explicit: bool) -> None:
    for net in ipaddress.summarize_address_range(IPv4Addr(interval[0]), IPv4Addr(interval[1])):
        check_network(net, spec=spec, allow_public=allow_public, explicit=explicit)


def _too_big(size: int, limit: int, what: str) -> ScopeError:
    more = (f"raise it with --max-hosts (up to {MAX_SCOPE:,})" if limit < MAX_SCOPE
            else "split the scan into smaller scopes")
    return ScopeError(f"{what}: {size:,} addresses is more than the limit of {limit:,}; {more}")


def build_scope(
    targets: Iterable[str] = (),
    excludes: Iterable[str] = (),
    *,
    allow_public: bool = False,
    max_hosts: int | None = None,
    interfaces: list[Attached] | None = None,
    resolve: bool = True,
) -> Scope:
    """Turn user input into a :class:`Scope`, or raise :class:`ScopeError`.

    With no targets, the attached IPv4 subnets are used (``interfaces``
    defaults to what netifaces reports on this machine). The size is
    checked by arithmetic before any address is listed.
    """
    limit = min(max_hosts if max_hosts is not None else DEFAULT_MAX_HOSTS, MAX_SCOPE)
    excluded = [parse_target(spec, resolve=resolve) for spec in expand_specs(excludes)]
    specs = expand_specs(targets)
    if specs:
        parsed: list[Target] = []
        for spec in specs:
            target = parse_target(spec, resolve=resolve)
            check_target(target, allow_public=allow_public, limit=limit)
            parsed.append(target)
        scope = Scope(parsed, excluded)
    else:
        scope = _auto_scope(interfaces if interfaces is not None else attached_networks(), limit, allow_public, excluded)
    if sum(t.size for t in scope.targets) > limit:  # overlaps may make it fit: count exactly, stop early
        count = 0
        for first, last in scope.intervals():
            count += last - first + 1
            if count > limit:
                raise _too_big(sum(t.size for t in scope.targets), limit, "the targets together hold up to")
    if scope.size() == 0:
        raise ScopeError("nothing left to scan: the exclusions cover every target")
    return scope


def _auto_scope(attached: list[Attached], limit: int, allow_public: bool, excluded: list[Target]) -> Scope:
    nets: list[IPv4Net] = []
    notes: list[str] = []
    for att in attached:
        net = att.network
        label = f"{att.iface} {att.ip}/{net.prefixlen}"
        if att.point_to_point:
            notes.append(f"skipped {label}: point-to-point link")
        elif net.overlaps(LOOPBACK):
            notes.append(f"skipped {label}: loopback")
        elif net.overlaps(LINK_LOCAL):
            notes.append(f"skipped {label}: link-local")
        elif net.num_addresses > limit:
            notes.append(f"skipped {label}: {net.num_addresses:,} addresses is over the limit of {limit:,} "
                         "(--max-hosts)")
        else:
            try:
                check_network(net, spec=label, allow_public=allow_public, explicit=False)
            except ScopeError as exc:
                notes.append(f"skipped {exc}")
                continue
            if net not in nets:
                nets.append(net)
                notes.append(f"using {label}")
    if not nets:
        raise ScopeError(
            "no target given and no usable attached IPv4 subnet found"
            + (" (" + "; ".join(notes) + ")" if notes else "")
        )
    return Scope([network_target(n) for n in nets], excluded, notes, auto=True)
