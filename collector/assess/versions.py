"""Version comparison with proper schemes (univers): OpenSSH ``7.4p1``,
OpenSSL ``1.0.2k`` and Cisco ``12.2(55)SE`` are not PEP 440."""

from __future__ import annotations

import functools
import re
from functools import total_ordering
from typing import Any

from univers.versions import GenericVersion, InvalidVersion, OpensslVersion

_CLEAN = re.compile(r"^[vV]?(\d[\w.()\-+~]*)")


@total_ordering
class TrainVersion:
    """Cisco-style train versions (``12.2(55)SE``, ``15.2(7)E10``): numbers
    compare as numbers, letters as letters, token by token."""

    def __init__(self, text: str) -> None:
        tokens = re.findall(r"\d+|[A-Za-z]+", text)
        if not tokens or not tokens[0].isdigit():
            raise InvalidVersion(text)
        self.text = text
        self.key = tuple((0, int(t), "") if t.isdigit() else (1, 0, t.lower()) for t in tokens)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TrainVersion) and self.key == other.key

    def __lt__(self, other: "TrainVersion") -> bool:
        return self.key < other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"TrainVersion({self.text!r})"


#: CPE vendor:product prefixes whose versions are Cisco-style trains.
TRAIN_PRODUCTS = ("cisco:ios", "cisco:ios_xe", "cisco:adaptive_security_appliance_software", "cisco:nx-os")


@functools.lru_cache(maxsize=65536)
def parse(product: str, text: str | None) -> Any | None:
    """A comparable version for ``product`` (CPE vendor:product), or None.
    Memoised: a device's version meets the same range bounds thousands of
    times (the Linux kernel's CVEs)."""
    if not text or text in ("*", "-"):
        return None
    # CPE 2.3 quotes punctuation: 12.2\(55\)se
    m = _CLEAN.match(text.strip().replace("\\", ""))
    if not m:
        return None
    value = m.group(1)
    try:
        if product.endswith(":openssl"):
            return OpensslVersion(value)
        if product.startswith(TRAIN_PRODUCTS) or "(" in value:
            return TrainVersion(value)
        return GenericVersion(value)
    except (InvalidVersion, ValueError, TypeError):
        return None


def in_range(product: str, version: str, match: dict[str, Any], exact: str | None) -> bool | None:
    """Whether ``version`` is inside an NVD cpeMatch (exact CPE version or
    versionStart/End Including/Excluding). None when it cannot be compared."""
    v = parse(product, version)
    if v is None:
        return None
    bounds = [(k, match.get(k)) for k in ("versionStartIncluding", "versionStartExcluding",
                                          "versionEndIncluding", "versionEndExcluding") if match.get(k)]
    if exact not in (None, "*", "-") and not bounds:
        e = parse(product, exact)
        return None if e is None else v == e
    if not bounds:
        return True if exact in (None, "*") else None
    for key, raw in bounds:
        b = parse(product, raw)
        if b is None:
            return None
        ok = {"versionStartIncluding": v >= b, "versionStartExcluding": v > b,
              "versionEndIncluding": v <= b, "versionEndExcluding": v < b}[key]
        if not ok:
            return False
    return True
