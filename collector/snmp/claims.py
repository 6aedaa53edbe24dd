"""How identification states what it found: facts with source "snmp", a
confidence and the evidence (which MIB object or definition said so)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from collector.model import Fact

#: Values agents put in fields they do not fill.
JUNK = {
    "", "unknown", "n/a", "na", "none", "null", "not available", "not specified", "not applicable", "0", "-",
    "serial", "serialnumber", "default string", "to be filled by o.e.m.", "uninitialized", "system serial number",
    "123456789", "0123456789", "xxxxxxxxxx", "no such object", "empty", "unspecified", "other", "not set",
    "no such instance currently exists at this oid", "no such object available on this agent at this oid",
    "undefined", "0000000000", "00000000", "none specified", "system product name", "to be filled by oem",
}


#: A manufacturing part number (digits only, in two or three dash-separated groups: Juniper
#: "710-030012", Brocade "40-1000133-14", Cisco "73-12345-02"), which no product is named.
PART_NUMBER = re.compile(r"^\d{2,3}-\d{5,7}(?:-\d{2,3})?$")
PART_NUMBER_CONFIDENCE = 30


#: A dotted release followed by a build number ("5.5.80 build 190131",
#: "15.5.4 (Build 1045)", "2.1.3, build 77"), perhaps then the build's date and
#: release label (FortiOS: "v5.4.5,build1138,170531 (GA)").
_WITH_BUILD = re.compile(r"^v?(\d+(?:\.\d+)+[a-z]?)\s*,?\s*\(?\s*build\s*[:#]?\s*([\w.-]{1,32})\s*\)?"
                         r"(?:\s*,\s*\d{6,8}\s*(?:\([A-Za-z .]{1,16}\))?)?$", re.I)


#: A release in Huawei's VRP form, which other makers' systems also use ("V200R012C00SPC500",
#: Venustech's "V0600R0705B20180507"): no dots, the V part of it.
VRP_RELEASE = r"V\d{3,4}R\d{3,4}(?:[A-Z]+\d+)*"


#: A version that is nothing but zeros ("00.00", "0.0.0"; UPS-MIB's upsIdentUPSSoftwareVersion of a
#: power switch whose real firmware is 5.27): an agent's unfilled field, no version.
_ZEROS = re.compile(r"^v?0+(?:[._]0+)*$", re.I)


#: A short label before the only version in the value ("INV: 2.08.0011", an
#: Eaton UPS's inverter firmware in UPS-MIB's upsIdentUPSSoftwareVersion).
_LABELLED = re.compile(r"^([A-Za-z]{2,8})\s*:\s*v?(\d+(?:\.\d+)+[A-Za-z0-9.-]*)$")


def release_only(value: str, evidence: str) -> tuple[str, str]:
    """A version a generic rule read, without a label before it ("INV:
    2.08.0011") or a build number after its dotted release ("5.5.80 build
    190131" -> "5.5.80"), as version tables list it; a definition keeps the
    form its maker's advisories use (TP-Link's "3.0.0 Build 20190312")."""
    text = " ".join(value.split())
    if (m := _LABELLED.match(text)) is not None:
        text, evidence = m.group(2), f"{evidence} (label {m.group(1)!r} left out)"
    m = _WITH_BUILD.match(text)
    return (m.group(1), f"{evidence} (build {m.group(2)} left out)") if m else (text, evidence)


#: A model written as a setting ("model=M5400", "Type: M5100") or behind its
#: maker and a comma ("IBM,8202-E4D": AIX's machine type).
_MODEL_KEY = re.compile(r"^(?:model|type|product|device)\s*[=:]\s*(\S.*)$", re.I)
_MODEL_MAKER = re.compile(r"^([A-Za-z][A-Za-z0-9 &.-]{0,30}),\s*(\S.*)$")


def model_only(value: str, evidence: str) -> tuple[str, str]:
    """A model without the label or the maker's name an agent wrote before it."""
    if (m := _MODEL_KEY.match(value)) is not None:
        return m.group(1), f"{evidence} (label left out)"
    if (m := _MODEL_MAKER.match(value)) is not None:
        from collector.vendornames import default as vendor_names

        if re.search(r"\d", m.group(2)) and vendor_names().known(m.group(1)):  # a model code has a digit
            return m.group(2), f"{evidence} (maker {m.group(1)!r} left out)"
    return value, evidence


def clean(value: Any) -> str | None:
    """A value as the inventory keeps it: one line, trimmed, junk dropped."""
    if value is None:
        return None
    text = " ".join(str(value).replace("\x00", " ").split()).strip(" .,;:\"'")
    if text.lower() in JUNK or len(text) > 255:
        return None
    return text


@dataclass
class Claims:
    """The facts identification gathers. ``os_version`` claims remember the
    OS they describe, so a kernel version never ends up beside the name of
    the appliance OS that runs on it (see :meth:`finish`)."""

    facts: list[Fact] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    #: id(fact) -> the os_name an os_version claim belongs to
    version_of: dict[int, str] = field(default_factory=dict)

    def add(self, field_name: str, value: Any, confidence: int, evidence: str, os: str | None = None) -> bool:
        text = clean(value)
        if text is None:
            return False
        if field_name in ("os_version", "firmware"):
            # "V200R012C00" (Huawei, H3C) and "V0700R0600" (Venustech VSOS) keep their V: it is part of the release
            if not re.match(VRP_RELEASE, text):
                text = re.sub(r"^(?:v|ver\.?|version)\s*(?=\d)", "", text, flags=re.I)
            if _ZEROS.match(text):
                return False  # "00.00", "0.0.0": what an agent says where it knows no version
        if field_name == "vendor":
            # junk ("(none)", "---") is no claim; Fact itself makes the name canonical
            from collector.vendornames import canonical_vendor

            if canonical_vendor(text) is None:
                return False
        if field_name == "model":
            text, evidence = model_only(text, evidence)
        if field_name == "model" and PART_NUMBER.match(text):
            # ENTITY-MIB rows of Juniper, Brocade and Cisco boards often hold the part number
            # ("710-030012", "40-1000133-14"): kept, but any model name outranks it
            confidence, evidence = min(int(confidence), PART_NUMBER_CONFIDENCE), f"{evidence} (a part number)"
        fact = Fact(field_name, text, max(0, min(100, int(confidence))), "snmp", evidence[:300])
        self.facts.append(fact)
        if field_name == "os_version" and os:
            self.version_of[id(fact)] = os
        return True

    def best(self, field_name: str) -> str | None:
        from collector.identity import best_facts

        winner = best_facts(f for f in self.facts if f.field == field_name).get(field_name)
        return None if winner is None else str(winner.value)

    def finish(self) -> list[Fact]:
        """The facts, without os_version claims made for an OS that lost."""
        os_name = (self.best("os_name") or "").lower()
        return [f for f in self.facts
                if f.field != "os_version" or self.version_of.get(id(f), os_name).lower() == os_name]
