from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["legacy", "unpatched"]
Severity = Literal["info", "low", "medium", "high", "critical"]

#: Confidence levels (the flags' contract, README "Flags").
CONFIRMED = 95  # seen directly
VERSION = 80  # a vendor version with its patch level
POSSIBLE = 30  # a distro banner: fixes may be backported
SEVERITY_ORDER = ("info", "low", "medium", "high", "critical")


@dataclass(frozen=True)
class Flag:
    kind: Kind
    rule: str
    title: str
    severity: Severity
    confidence: int
    evidence: dict[str, Any] = field(default_factory=dict)
    remediation: str | None = None
    data_snapshot: str | None = None
