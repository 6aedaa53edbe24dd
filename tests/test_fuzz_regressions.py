"""The deep fuzz run's findings, replayed on every test run, and a short run
of every fuzz target so the targets keep working between deep runs.

``./dev.sh fuzz`` (tests/fuzz/) saves each unexpected exception it finds,
minimised, as ``tests/fixtures/fuzz/<target>/<hash>.bin``. Findings in a
target whose code another work package owns (``owner``) are expected to fail
until that package fixes them (non-strict xfail: a fix shows as XPASS)."""

from __future__ import annotations

import pytest

from fuzz.registry import REGRESSIONS, load_all
from fuzz.runner import make_input, run_one

TARGETS = load_all()
FINDINGS = sorted(REGRESSIONS.glob("*/*.bin"))
SMOKE_SEED = 7
SMOKE_INPUTS = 150


def _expect_failure_if_owned(request: pytest.FixtureRequest, name: str) -> None:
    owner = TARGETS[name].owner
    if owner:
        request.applymarker(pytest.mark.xfail(strict=False, reason=f"{name} is fixed by the {owner} work package"))


@pytest.mark.parametrize("path", FINDINGS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_saved_finding_stays_fixed(request, path):
    assert path.parent.name in TARGETS, f"{path}: no fuzz target {path.parent.name!r}"
    _expect_failure_if_owned(request, path.parent.name)
    exc = run_one(TARGETS[path.parent.name], path.read_bytes())
    assert exc is None, f"{type(exc).__name__}: {exc} ({path.with_suffix('.txt').read_text().strip()})"


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fuzz_target_short_run(request, name):
    """The real seeds, then a few mutated inputs (the same every run)."""
    _expect_failure_if_owned(request, name)
    t = TARGETS[name]
    assert t.seeds(), f"{name}: no seeds"
    failures = []
    for index in range(len(t.seeds()) + SMOKE_INPUTS):
        exc = run_one(t, make_input(t, SMOKE_SEED, index))
        if exc is not None:
            failures.append(f"input {index}: {type(exc).__name__}: {str(exc)[:200]}")
    assert not failures, f"{len(failures)} unexpected; reproduce with ./dev.sh fuzz --seed {SMOKE_SEED} " \
                         f"--targets {name} --index N\n" + "\n".join(failures[:10])
