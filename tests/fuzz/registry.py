"""Fuzz targets: one per parser, each fed bytes.

A target names its seeds (real recorded inputs from ``tests/fixtures``), the
function that takes one input through the parser *and the code that consumes
its result*, and the exceptions that are the parser's documented way of
saying "bad input" (callers catch those and turn them into a probe outcome or
a clear message). Any other exception is a bug.

Adding a target is adding one function with ``@target(...)`` in one of the
``t_*.py`` modules (e.g. a net-snmp ``snmpwalk -On`` text parser: seeds from
its recorded fixtures, ``run`` calls the parser and identification on the
result, ``expected=(WalkError,)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fuzz.mutate import Mutator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REGRESSIONS = FIXTURES / "fuzz"


class InvariantError(AssertionError):
    """The parser returned, but what it returned breaks its contract."""


def check(condition: object, message: str) -> None:
    if not condition:
        raise InvariantError(message)


@dataclass
class Target:
    name: str
    description: str
    seeds: Callable[[], list[bytes]]
    run: Callable[[bytes], object]
    expected: tuple[type[BaseException], ...] = ()
    mutators: Sequence[Mutator] = ()
    #: share of mutations drawn from ``mutators`` rather than the generic byte ones
    structured_weight: float = 0.5
    #: the code whose bugs this target can find, for the report
    covers: tuple[str, ...] = field(default_factory=tuple)
    #: who fixes what it finds when that is not this target's code owner (the replay test xfails them)
    owner: str | None = None


TARGETS: dict[str, Target] = {}


def target(name: str, description: str, *, expected: tuple[type[BaseException], ...] = (),
           mutators: Sequence[Mutator] = (), structured_weight: float = 0.5, covers: tuple[str, ...] = (),
           owner: str | None = None, seeds: Callable[[], list[bytes]]) -> Callable[[Callable[[bytes], object]], Callable[[bytes], object]]:
    def register(run: Callable[[bytes], object]) -> Callable[[bytes], object]:
        TARGETS[name] = Target(name, description, lru_cache(maxsize=1)(seeds), run, expected, mutators,
                               structured_weight, covers, owner)
        return run
    return register


def load_all() -> dict[str, Target]:
    from fuzz import t_announce, t_config, t_net, t_proto, t_services, t_snmp  # noqa: F401  (they register themselves)

    return TARGETS
