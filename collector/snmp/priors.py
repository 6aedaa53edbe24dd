"""A maker's usual kind of device, for a device whose maker is known and
whose kind nothing else says.

Many SNMP agents name their maker (the sysObjectID's enterprise number, an
enterprise subtree that answers) without any object that says what the box
is: a camera, a NAS or a UPS of a product line no definition knows. Most
makers make one kind of thing, and the project's knowledge already says
which: the device definitions (each family's vendor and class, and the
classes its class maps can give) and Recog's SNMP fingerprints (their
``hw.vendor``/``os.vendor`` with ``hw.device``/``os.device``). This module
counts those votes per canonical vendor name; a maker whose votes agree
(:data:`SHARE` of them, at least :data:`MIN_VOTES`) gives a weak class claim
(:data:`CONFIDENCE`: under every reading of the device itself, above the
generic "a general-purpose OS answers SNMP" guess). Makers of several kinds
of device (Cisco, HP, Netgear) give none.

The same votes say a maker's usual OS for a kind of device: Fortinet's
firewalls run FortiOS, its switches FortiSwitchOS; H3C's switches Comware.
A device whose maker and class are known and whose OS nothing reads gets
that OS as a weak claim (:data:`OS_CONFIDENCE`), when the votes for that
maker and class agree as above. Generic OSes (Linux) are no maker's OS.

The tables are computed from the definitions actually loaded (a user's own
definitions vote too), so they are data, not lists kept in code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from collector.snmp.engine import Matched, View, built_on_os

#: the share of a maker's votes its usual class must have (0.85 -> 0.7: leave-family-out on the
#: tuning and opened sets, class 57 -> 69 of 129 right, 4 made wrong: Aruba APs, an AIX box, an array)
SHARE = 0.7
#: and how many votes it must have (two that agree: leave-family-out class 36 -> 38 of 72, nothing wrong added)
MIN_VOTES = 2
#: classes no SNMP agent of a maker's is taken to be by default (Recog's
#: phone and TV fingerprints come from DHCP and mDNS, not from SNMP agents)
_NOT_PRIORS = frozenset({"server", "workstation", "phone", "media", "unknown"})
#: Recog device names too broad to vote ("Power Device": a UPS or a PDU)
_VAGUE = frozenset({"Power Device"})
CONFIDENCE = 38
#: a maker nearly all of whose many votes name one class other than switch (Fortinet: firewall, 8 of
#: 10): above the guess that an agent with sysServices' layer-2 bit and Ethernet ports is a switch
#: (50; firewalls, routers and access points bridge too), below every reading of the box itself
STRONG_VOTES, STRONG_SHARE, STRONG_CONFIDENCE = 5, 0.75, 51
#: a maker's usual OS for the device's class: under every reading of the device itself
OS_CONFIDENCE = 36

#: (table name, id of the definitions) -> (the definitions, the table)
_cache: dict[tuple[str, int], tuple[Any, dict[Any, tuple[str, int, int]]]] = {}


def _recog_fingerprints() -> Iterable[tuple[str, str, dict[str, str]]]:
    """(maker, class, constants) of each Recog fingerprint that names both."""
    from collector.refdata import DataError
    from collector.refdata.recog import recog
    from collector.snmp.generic import class_map

    try:
        fingerprints = [c for db in recog().databases for c in recog().constants(db)]
    except DataError:
        return
    classes = class_map()
    for consts in fingerprints:
        vendor = consts.get("hw.vendor") or consts.get("os.vendor")
        device = consts.get("hw.device") or consts.get("os.device")
        cls = classes.get(device or "") if device not in _VAGUE else None
        if vendor and cls:
            yield vendor, cls, consts


def _recog_votes() -> Iterable[tuple[str, str]]:
    for vendor, cls, _consts in _recog_fingerprints():
        if cls not in _NOT_PRIORS:
            yield vendor, cls


def _values(d: Any, field: str, constant: str | None) -> set[str]:
    """Every value a definition may give a field: its constant, a value
    source, a map's results, a default."""
    out = {constant} if constant else set()
    for src in d.fields.get(field, ()):
        out.update(result for _pattern, result in src.get("map", ()))
        if src["kind"] == "value":
            out.add(src["arg"])  # parsed sources keep a constant as their "arg"
        if "default" in src:
            out.add(src["default"])
    return out


def _definition_votes(defs: Iterable[Any]) -> Iterable[tuple[str, str]]:
    for d in defs:
        if not d.vendor:
            continue
        for cls in _values(d, "device_class", d.device_class) - _NOT_PRIORS:
            yield d.vendor, cls


def _recog_os_votes() -> Iterable[tuple[str, str, str]]:
    from collector.snmp.definitions import vocabulary
    from collector.snmp.generic import RECOG_OS_NAMES

    os_names = vocabulary()[1]
    for vendor, cls, consts in _recog_fingerprints():
        family, product = consts.get("os.family"), consts.get("os.product")
        name = product if family in (None, "Linux", "Windows") else family
        name = RECOG_OS_NAMES.get(name or "", name)  # spelt as the vocabulary spells it, case and all
        if name in os_names:
            yield vendor, cls, name


def _definition_os_votes(defs: Iterable[Any]) -> Iterable[tuple[str, str, str]]:
    for d in defs:
        if not d.vendor:
            continue
        oses = _values(d, "os_name", d.os_name)
        if len(oses) != 1:
            continue  # a family of several OSes (a map from sysDescr) says no one OS per class
        for cls in _values(d, "device_class", d.device_class) - _NOT_PRIORS:
            yield d.vendor, cls, next(iter(oses))


def _agreeing(votes: Iterable[tuple[Any, str]]) -> dict[Any, tuple[str, int, int]]:
    """key -> (its usual value, that value's votes, all its votes), for the
    keys whose votes agree (:data:`SHARE` of at least :data:`MIN_VOTES`)."""
    counts: dict[Any, Counter[str]] = {}
    for key, value in votes:
        counts.setdefault(key, Counter())[value] += 1
    out = {}
    for key, counter in counts.items():
        value, n = counter.most_common(1)[0]
        total = sum(counter.values())
        if n >= MIN_VOTES and n >= SHARE * total:
            out[key] = (value, n, total)
    return out


def _cached(name: str, defs: tuple[Any, ...],
            build: Callable[[tuple[Any, ...]], dict[Any, tuple[str, int, int]]]) -> dict[Any, tuple[str, int, int]]:
    """``build(defs)``, once per loaded set of definitions."""
    hit = _cache.get((name, id(defs)))
    if hit is not None and hit[0] is defs:
        return hit[1]
    out = build(defs)
    for key in [k for k in _cache if k[0] == name]:
        del _cache[key]
    _cache[(name, id(defs))] = (defs, out)
    return out


def table(defs: tuple[Any, ...]) -> dict[str, tuple[str, int, int]]:
    """canonical vendor -> (usual class, its votes, all votes) for the
    makers whose votes agree."""
    from collector.vendornames import canonical_vendor

    def build(defs: tuple[Any, ...]) -> dict[Any, tuple[str, int, int]]:
        return _agreeing((name.casefold(), cls) for vendor, cls in [*_definition_votes(defs), *_recog_votes()]
                         if (name := canonical_vendor(vendor)))

    return _cached("class", defs, build)


def os_table(defs: tuple[Any, ...]) -> dict[tuple[str, str], tuple[str, int, int]]:
    """(canonical vendor, class) -> (usual OS, its votes, all votes) where
    the votes agree and the OS is a maker's own."""
    from collector.vendornames import canonical_vendor

    def build(defs: tuple[Any, ...]) -> dict[Any, tuple[str, int, int]]:
        agreed = _agreeing(((name.casefold(), cls), os_name)
                           for vendor, cls, os_name in [*_definition_os_votes(defs), *_recog_os_votes()]
                           if (name := canonical_vendor(vendor)))
        return {key: entry for key, entry in agreed.items() if not built_on_os(entry[0])}

    return _cached("os", defs, build)


def vendor_class(view: View, defs: tuple[Any, ...]) -> None:
    """Claim the vendor's usual class, weakly: not on a host that lists
    installed software or processors (its class comes from its OS)."""
    from collector.snmp.generic import general_os

    vendor = view.claims.best("vendor")
    if not vendor or general_os(view.mibs):
        return
    entry = table(defs).get(str(vendor).casefold())
    if entry:
        cls, n, total = entry
        strong = cls != "switch" and n >= STRONG_VOTES and n >= STRONG_SHARE * total
        view.claim("vendor-prior", "device_class", cls, STRONG_CONFIDENCE if strong else CONFIDENCE,
                   f"{vendor} makes {cls} devices ({n} of {total} definitions and Recog fingerprints naming it)")


def vendor_os(view: View, defs: tuple[Any, ...], matched: Iterable[Matched] = ()) -> None:
    """Claim the maker's usual OS for the device's class, weakly, when
    nothing has read an OS and no maker's definition describes the device
    (one that did and gave no OS knows better: Juniper's E-series runs
    JUNOSe, not Junos); not on a host that lists installed software or
    processors (a general-purpose OS, which says its own name)."""
    from collector.snmp.generic import general_os

    if any(m.definition.vendor for m in matched):
        return
    vendor, cls = view.claims.best("vendor"), view.claims.best("device_class")
    if not vendor or not cls or view.claims.best("os_name") or general_os(view.mibs):
        return
    entry = os_table(defs).get((str(vendor).casefold(), str(cls)))
    if entry:
        os_name, n, total = entry
        view.claim("vendor-prior", "os_name", os_name, OS_CONFIDENCE,
                   f"{vendor}'s {cls} devices run {os_name} ({n} of {total} definitions and Recog fingerprints "
                   f"naming them)")
