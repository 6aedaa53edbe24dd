"""What the collector may probe: targets ∩ allowed ranges, minus exclusions.

Scope is the product's first safety line on somebody else's network, so it
refuses loudly rather than guessing: a target it will not scan raises
:class:`ScopeError` with the reason, and auto-detected subnets it skips are
listed in :attr:`Scope.notes` so the run can say why.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from collector.netinfo import Attached, attached_networks

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

_RANGE_SHORT = re.compile(r"^(\d+\.\d+\.\d+\.)(\d+)-(\d+)$")
_RANGE_LONG = re.compile(r"^(\d+\.\d+\.\d+\.\d+)\s*-\s*(\d+\.\d+\.\d+\.\d+)$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$")


class ScopeError(ValueError):
    """A target that cannot or must not be scanned; the message says why."""


@dataclass(frozen=True)
class Target:
    """One parsed target: the networks it covers and how the user wrote it."""

    spec: str
    networks: tuple[IPv4Net, ...]
    #: a range or host list: every address counts, network/broadcast included
    literal: bool = False


@dataclass
class Scope:
    networks: list[IPv4Net]
    excluded: list[IPv4Net] = field(default_factory=list)
    #: human-readable lines: auto-detected subnets used or skipped, and why
    notes: list[str] = field(default_factory=list)
    auto: bool = False
    #: networks that came from ranges: all their addresses are targets
    literal: set[IPv4Net] = field(default_factory=set)

    def addresses(self) -> Iterator[IPv4Addr]:
        """Every address in scope, each once, in order, exclusions removed."""
        seen: set[IPv4Addr] = set()
        for net in sorted(self.networks, key=lambda n: (int(n.network_address), n.prefixlen)):
            for addr in (iter(net) if net in self.literal else _host_addresses(net)):
                if addr in seen or any(addr in ex for ex in self.excluded):
                    continue
                seen.add(addr)
                yield addr

    def __contains__(self, addr: object) -> bool:
        ip = ipaddress.ip_address(str(addr))
        if not isinstance(ip, IPv4Addr):
            return False
        return any(ip in n for n in self.networks) and not any(ip in e for e in self.excluded)

    def size(self) -> int:
        return sum(1 for _ in self.addresses())

    def describe(self) -> str:
        text = ", ".join(str(n) for n in self.networks) or "(empty)"
        if self.excluded:
            text += " minus " + ", ".join(str(n) for n in self.excluded)
        return text


def _host_addresses(net: IPv4Net) -> Iterator[IPv4Addr]:
    # .hosts() drops network and broadcast addresses, and knows /31 and /32.
    if net.prefixlen >= 31:
        yield from net
    else:
        yield from net.hosts()


def parse_target(spec: str, *, resolve: bool = True) -> Target:
    """Parse one target: CIDR, single IP, range (``10.0.0.5-40`` or
    ``10.0.0.5-10.0.0.40``) or hostname. Raises :class:`ScopeError`."""
    text = spec.strip()
    if not text:
        raise ScopeError("empty target")
    if ":" in text:
        raise ScopeError(f"{spec}: IPv6 targets are not supported yet (IPv4 only)")
    m = _RANGE_SHORT.match(text)
    if m:
        return Target(spec, _range(spec, m.group(1) + m.group(2), m.group(1) + m.group(3)), literal=True)
    m = _RANGE_LONG.match(text)
    if m:
        return Target(spec, _range(spec, m.group(1), m.group(2)), literal=True)
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError as exc:
        if re.fullmatch(r"[\d./]+", text):
            raise ScopeError(f"{spec}: not a valid IPv4 address or network ({exc})") from None
        if not _HOSTNAME.match(text):
            raise ScopeError(f"{spec}: not an address, network, range or host name") from None
        if not resolve:
            raise ScopeError(f"{spec}: host names are not resolved here") from None
        return Target(spec, _resolve(spec), literal=True)
    assert isinstance(net, IPv4Net)
    return Target(spec, (net,))


def _range(spec: str, first: str, last: str) -> tuple[IPv4Net, ...]:
    try:
        a, b = IPv4Addr(first), IPv4Addr(last)
    except ValueError as exc:
        raise ScopeError(f"{spec}: bad address in range ({exc})") from None
    if b < a:
        raise ScopeError(f"{spec}: range ends before it starts")
    return tuple(ipaddress.summarize_address_range(a, b))


def _resolve(spec: str) -> tuple[IPv4Net, ...]:
    try:
        infos = socket.getaddrinfo(spec, None, socket.AF_INET, socket.SOCK_STREAM)
    except OSError as exc:
        raise ScopeError(f"{spec}: host name does not resolve ({exc.strerror or exc})") from None
    addrs = sorted({info[4][0] for info in infos})
    return tuple(IPv4Net(a) for a in addrs)


def read_target_file(path: str | Path) -> list[str]:
    """One target per line; blank lines and ``#`` comments ignored."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScopeError(f"cannot read target file {path}: {exc.strerror or exc}") from None
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.extend(line.split())
    return out


def expand_specs(specs: Iterable[str]) -> list[str]:
    """``@FILE`` entries are replaced by the targets the file lists."""
    out: list[str] = []
    for spec in specs:
        if spec.startswith("@"):
            out.extend(read_target_file(spec[1:]))
        else:
            out.append(spec)
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
    defaults to what netifaces reports on this machine).
    """
    limit = max_hosts if max_hosts is not None else DEFAULT_MAX_HOSTS
    excluded: list[IPv4Net] = []
    for spec in expand_specs(excludes):
        excluded.extend(parse_target(spec, resolve=resolve).networks)

    specs = expand_specs(targets)
    if specs:
        nets: list[IPv4Net] = []
        literal: set[IPv4Net] = set()
        for spec in specs:
            target = parse_target(spec, resolve=resolve)
            for net in target.networks:
                if target.literal:
                    literal.add(net)
                check_network(net, spec=spec, allow_public=allow_public, explicit=True)
                if net.num_addresses > limit:
                    raise ScopeError(
                        f"{spec}: {net.num_addresses} addresses is more than the limit of {limit}; "
                        "raise it with --max-hosts if you mean it"
                    )
                nets.append(net)
        scope = Scope(nets, excluded, literal=literal)
    else:
        scope = _auto_scope(interfaces if interfaces is not None else attached_networks(), limit, allow_public, excluded)
    if scope.size() > limit:
        raise ScopeError(f"scope holds {scope.size()} addresses, more than the limit of {limit} (--max-hosts)")
    return scope


def _auto_scope(attached: list[Attached], limit: int, allow_public: bool, excluded: list[IPv4Net]) -> Scope:
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
            notes.append(f"skipped {label}: {net.num_addresses} addresses is over the limit of {limit} (--max-hosts)")
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
    return Scope(nets, excluded, notes, auto=True)
