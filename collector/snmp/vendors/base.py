"""What a vendor module sees and how it states what it found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from collector.model import Fact

#: Values agents put in fields they do not fill.
JUNK = {
    "", "unknown", "n/a", "na", "none", "null", "not available", "not specified", "not applicable", "0", "-",
    "serial", "serialnumber", "default string", "to be filled by o.e.m.", "uninitialized", "system serial number",
    "123456789", "0123456789", "xxxxxxxxxx", "no such object", "empty", "unspecified", "other",
}


def clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).replace("\x00", " ").split()).strip(" .,;:\"'")
    if text.lower() in JUNK or len(text) > 255:
        return None
    return text


@dataclass
class Claims:
    """The facts identification gathers, each with source "snmp", a
    confidence and the evidence (which MIB object said so)."""

    facts: list[Fact] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    def add(self, field_name: str, value: Any, confidence: int, evidence: str) -> None:
        text = clean(value)
        if text is None:
            return
        if (field_name == "os_version" or field_name == "firmware") and not re.match(r"V\d{3}R\d{3}", text):
            text = re.sub(r"^(?:v|ver\.?|version)\s*(?=\d)", "", text, flags=re.I)
        self.facts.append(Fact(field_name, text, confidence, "snmp", evidence))

    def best(self, field_name: str) -> str | None:
        from collector.identity import best_facts

        winner = best_facts(f for f in self.facts if f.field == field_name).get(field_name)
        return None if winner is None else str(winner.value)


def first_match(pattern: str, text: str | None, flags: int = 0) -> str | None:
    if not text:
        return None
    m = re.search(pattern, text, flags)
    return m.group(1).strip() if m else None
