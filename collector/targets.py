"""Target syntax, parsed strictly and without I/O (pure: fuzzed by tests).

Accepted, as nmap accepts IPv4 targets:

- an address ``10.0.0.7``; a network ``10.0.0.0/24`` (host bits ignored);
- octet ranges and lists in any octet: ``10.0.1-3.1-254``, ``10.0.0.1,5,7``,
  ``10.0.0.*``, ``10.0.0.200-`` (to 255), ``10.0.0.-20`` (from 0);
- a full range ``10.0.0.5-10.0.1.9`` (not in nmap; kept from earlier versions);
- a host name, which is the only thing that ever goes to the resolver.

Anything made of digits, dots and range characters, or that has the shape
of an address with a typo in it (``10.0.0.l``), is address syntax: if it does
not parse, it is a syntax error, never a DNS lookup. Sets of addresses are
ascending disjoint intervals of integers, produced lazily and counted with
arithmetic, so a /8 is never materialised.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass

Interval = tuple[int, int]  # first and last address, inclusive
OctetRanges = tuple[tuple[int, int], ...]
FULL: OctetRanges = ((0, 255),)
ALL = (0, 2 ** 32 - 1)

_FULL_RANGE = re.compile(r"^(\d+\.\d+\.\d+\.\d+)\s*-\s*(\d+\.\d+\.\d+\.\d+)$")
_ADDRESS_LIKE = re.compile(r"^[0-9.*,/\- ]+$")
_NUMERIC_PART = re.compile(r"^[0-9*,\-]+$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$")


class TargetSyntaxError(ValueError):
    """The target cannot be parsed; the message says what is wrong."""


@dataclass(frozen=True)
class Target:
    """One parsed target. ``kind`` is ``address``, ``network``, ``range``,
    ``pattern`` or ``name`` (a host name: ``spans`` are filled in when it is
    resolved). ``literal``: every address counts (a network's own network
    and broadcast addresses do not, as nmap's ``/24`` does not ping them)."""

    spec: str
    kind: str
    spans: tuple[Interval, ...] = ()
    octets: tuple[OctetRanges, ...] | None = None
    network: ipaddress.IPv4Network | None = None

    @property
    def literal(self) -> bool:
        return self.kind != "network"

    def intervals(self) -> Iterator[Interval]:
        """Ascending, disjoint, lazily."""
        if self.octets is None:
            yield from self.spans
        else:
            yield from _coalesced(_pattern_intervals(self.octets))

    @property
    def size(self) -> int:
        if self.octets is None:
            return sum(b - a + 1 for a, b in self.spans)
        size = 1
        for ranges in self.octets:
            size *= sum(b - a + 1 for a, b in ranges)
        return size

    @property
    def first(self) -> int:
        if self.octets is None:
            return self.spans[0][0] if self.spans else 0
        return sum(ranges[0][0] << (24 - 8 * i) for i, ranges in enumerate(self.octets))

    @property
    def last(self) -> int:
        if self.octets is None:
            return self.spans[-1][1] if self.spans else 0
        return sum(ranges[-1][1] << (24 - 8 * i) for i, ranges in enumerate(self.octets))

    def __contains__(self, addr: object) -> bool:
        if not isinstance(addr, int):
            return False
        if self.octets is not None:
            return all(any(a <= (addr >> (24 - 8 * i)) & 255 <= b for a, b in ranges)
                       for i, ranges in enumerate(self.octets))
        return any(a <= addr <= b for a, b in self.spans)

    def describe(self) -> str:
        if self.network is not None:
            return str(self.network)
        if self.kind == "name":
            return f"{self.spec} ({', '.join(str(ipaddress.IPv4Address(a)) for a, _ in self.spans[:4])}" + (
                ", ...)" if len(self.spans) > 4 else ")")
        return self.spec.strip()


def network_target(net: ipaddress.IPv4Network, spec: str | None = None) -> Target:
    first, last = int(net.network_address), int(net.broadcast_address)
    if net.prefixlen < 31:  # as ipaddress' hosts(): /31 and /32 keep both ends (RFC 3021)
        first, last = first + 1, last - 1
    return Target(spec or str(net), "network", ((first, last),), network=net)


def address_target(addr: int, spec: str) -> Target:
    return Target(spec, "address", ((addr, addr),))


def parse_target_spec(spec: str) -> Target:
    """Parse one target (see the module doc). Raises TargetSyntaxError."""
    text = spec.strip()
    if not text:
        raise TargetSyntaxError("empty target")
    if len(text) > 1024:
        raise TargetSyntaxError(f"{text[:40]}...: target too long ({len(text):,} characters)")
    if ":" in text:
        raise TargetSyntaxError(f"{spec}: IPv6 targets are not supported yet (IPv4 only)")
    if _looks_like_address(text):
        return _parse_address_syntax(spec, text)
    if _HOSTNAME.match(text):
        try:
            socket.inet_aton(text)
        except OSError:
            return Target(spec, "name")
        raise TargetSyntaxError(f"{spec}: not dotted-decimal; write the address as a.b.c.d")
    raise TargetSyntaxError(f"{spec}: not an address, network, range or host name")


def _looks_like_address(text: str) -> bool:
    if _ADDRESS_LIKE.match(text):
        return True
    parts = text.split(".")
    return len(parts) >= 3 and sum(bool(_NUMERIC_PART.match(p)) for p in parts) >= len(parts) - 1


def _parse_address_syntax(spec: str, text: str) -> Target:
    m = _FULL_RANGE.match(text)
    if m:
        first, last = _address(spec, m.group(1)), _address(spec, m.group(2))
        if last < first:
            raise TargetSyntaxError(f"{spec}: range ends before it starts")
        return Target(spec, "range", ((first, last),))
    if "/" in text:
        address, _, prefix = text.partition("/")
        if not prefix.isdigit() or len(prefix) > 2 or int(prefix) > 32:
            raise TargetSyntaxError(f"{spec}: network prefix must be /0 to /32, got /{prefix}")
        if any(c in address for c in "*,-"):
            raise TargetSyntaxError(f"{spec}: a /prefix cannot be combined with octet ranges")
        net = ipaddress.IPv4Network((_address(spec, address), int(prefix)), strict=False)
        return network_target(net, spec)
    parts = text.split(".")
    if len(parts) != 4:
        raise TargetSyntaxError(f"{spec}: expected four octets a.b.c.d (each a number 0-255, a range n-m, "
                                f"a list n,m or *), got {len(parts)}")
    octets = tuple(_octet(spec, i + 1, part) for i, part in enumerate(parts))
    if all(len(r) == 1 and r[0][0] == r[0][1] for r in octets):
        return address_target(int(ipaddress.IPv4Address(".".join(str(r[0][0]) for r in octets))), spec)
    return Target(spec, "pattern", octets=octets)


def _address(spec: str, text: str) -> int:
    parts = text.split(".")
    if len(parts) != 4:
        raise TargetSyntaxError(f"{spec}: {text!r} is not an IPv4 address (expected a.b.c.d)")
    value = 0
    for i, part in enumerate(parts):
        value = value << 8 | _number(spec, i + 1, part)
    return value


def _number(spec: str, index: int, text: str) -> int:
    if not text.isdigit() or not text.isascii():
        raise TargetSyntaxError(f"{spec}: octet {index} ({text!r}) is not a number 0-255")
    if len(text) > 1 and text[0] == "0":
        raise TargetSyntaxError(f"{spec}: octet {index} ({text!r}) has a leading zero (octal to some tools); "
                                "write it without")
    value = int(text)
    if value > 255:
        raise TargetSyntaxError(f"{spec}: octet {index} ({text}) is more than 255")
    return value


def _octet(spec: str, index: int, text: str) -> OctetRanges:
    if text == "*":
        return FULL
    if not text:
        raise TargetSyntaxError(f"{spec}: octet {index} is empty")
    ranges = []
    for item in text.split(","):
        if item == "*":
            ranges.append((0, 255))
        elif "-" in item:
            low, _, high = item.partition("-")
            first = _number(spec, index, low) if low else 0
            last = _number(spec, index, high) if high else 255
            if not low and not high:
                raise TargetSyntaxError(f"{spec}: octet {index} ({text!r}) has a range without ends")
            if last < first:
                raise TargetSyntaxError(f"{spec}: octet {index} range {item} ends before it starts")
            ranges.append((first, last))
        elif not item:
            raise TargetSyntaxError(f"{spec}: octet {index} ({text!r}) has an empty list entry")
        else:
            value = _number(spec, index, item)
            ranges.append((value, value))
    return _merge_octet(ranges)


def _merge_octet(ranges: list[tuple[int, int]]) -> OctetRanges:
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


def _coalesced(intervals: Iterator[Interval]) -> Iterator[Interval]:
    """Ascending intervals with touching neighbours joined, lazily
    (0.0.*.0,255: x.255 and the next x+1.0 are one run)."""
    pending: Interval | None = None
    for a, b in intervals:
        if pending is not None and a <= pending[1] + 1:
            pending = (pending[0], max(pending[1], b))
            continue
        if pending is not None:
            yield pending
        pending = (a, b)
    if pending is not None:
        yield pending


def _pattern_intervals(octets: tuple[OctetRanges, ...]) -> Iterator[Interval]:
    # The octets after the last partial one are full: each value of the
    # partial octet's ranges is one contiguous interval (10.*.*.* is one).
    k = max((i for i, r in enumerate(octets) if r != FULL), default=-1)
    if k < 0:
        yield ALL
        return
    shift = 8 * (3 - k)
    heads = [itertools.chain.from_iterable(range(a, b + 1) for a, b in octets[i]) for i in range(k)]
    for head in itertools.product(*[list(h) for h in heads]) if k else [()]:
        base = 0
        for value in head:
            base = base << 8 | value
        base <<= 8 * (4 - k)
        for a, b in octets[k]:
            yield base + (a << shift), base + ((b + 1) << shift) - 1
