"""The deep fuzz run: every target, N mutated inputs each, in worker
processes; unexpected exceptions are minimised and saved as regression
fixtures (``tests/fixtures/fuzz/<target>/``) that the default test run
replays.

Input ``i`` of target ``T`` in a run with seed ``S`` is always the same bytes
(``random.Random(f"{S}:{T}:{i}")`` picks the real seed and the mutations), so
``--seed S --targets T --index i`` reproduces any finding.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import random
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from fuzz.mutate import mutate
from fuzz.registry import REGRESSIONS, Target, load_all

DEFAULT_SEED = 20261122
DEFAULT_INPUTS = 100_000
CHUNK = 2_500
#: an input that takes longer than this is a hang, reported like an exception
HANG_SECONDS = 5.0
SLOW_MS = 250.0


class Hang(Exception):
    pass


def make_input(t: Target, seed: int, index: int) -> bytes:
    corpus = t.seeds()
    if index < len(corpus):
        return corpus[index]  # the real inputs themselves come first
    rng = random.Random(f"{seed}:{t.name}:{index}")
    return mutate(rng, corpus[rng.randrange(len(corpus))], corpus, t.mutators, t.structured_weight)


def signature(exc: BaseException) -> str:
    """Exception type and the innermost frame in the project's code (one bug, one signature)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/collector/" in f.filename or "/plugins/" in f.filename
            or ("/fuzz/t_" in f.filename)]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    place = f"{Path(where.filename).name}:{where.lineno}" if where else "?"
    return f"{type(exc).__name__} at {place}"


def run_one(t: Target, data: bytes) -> BaseException | None:
    """None, or the unexpected exception this input raised (a hang is one)."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        t.run(data)
    except t.expected if t.expected else ():
        return None
    except (Exception, RecursionError, Hang) as exc:
        return exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return None


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"no answer within {HANG_SECONDS} s")


@dataclass
class ChunkResult:
    target: str
    inputs: int = 0
    seconds: float = 0.0
    failures: dict[str, tuple[int, str]] = field(default_factory=dict)  # signature -> (index, message)
    slowest: tuple[float, int] = (0.0, -1)
    slow: int = 0


def run_chunk(task: tuple[str, int, int, int]) -> ChunkResult:
    name, seed, start, stop = task
    t = load_all()[name]
    result = ChunkResult(name)
    began = time.process_time()
    for index in range(start, stop):
        data = make_input(t, seed, index)
        t0 = time.perf_counter()
        exc = run_one(t, data)
        ms = (time.perf_counter() - t0) * 1000
        if ms > result.slowest[0]:
            result.slowest = (ms, index)
        result.slow += ms > SLOW_MS
        if exc is not None:
            result.failures.setdefault(signature(exc), (index, f"{type(exc).__name__}: {str(exc)[:200]}"))
        result.inputs += 1
    result.seconds = time.process_time() - began  # CPU, not wall: other load on the machine does not count
    return result


def minimize(t: Target, data: bytes, sig: str, budget: int = 2000, seconds: float = 60.0) -> bytes:
    """Smallest input (by chunk deletion) that still fails the same way,
    within ``budget`` tries and ``seconds``."""
    deadline = time.monotonic() + seconds

    def same(candidate: bytes) -> bool:
        exc = run_one(t, candidate)
        return exc is not None and signature(exc) == sig

    chunk = max(1, len(data) // 2)
    while chunk >= 1 and budget > 0 and time.monotonic() < deadline:
        i, changed = 0, False
        while i < len(data) and budget > 0 and time.monotonic() < deadline:
            candidate = data[:i] + data[i + chunk:]
            budget -= 1
            if same(candidate):
                data, changed = candidate, True
            else:
                i += chunk
        if not changed:
            if chunk == 1:
                break
            chunk //= 2
    return data


def save(t: Target, data: bytes, message: str) -> Path:
    folder = REGRESSIONS / t.name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}.bin"
    path.write_bytes(data)
    path.with_suffix(".txt").write_text(message.strip() + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    targets = load_all()
    ap = argparse.ArgumentParser(prog="./dev.sh fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"run seed (default {DEFAULT_SEED})")
    ap.add_argument("--inputs", type=int, default=DEFAULT_INPUTS, help="inputs per target (default 100000)")
    ap.add_argument("--targets", default=",".join(targets), help="comma-separated: " + ", ".join(targets))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    ap.add_argument("--index", type=int, help="run only this input (with --seed and one target) and show its error")
    ap.add_argument("--no-save", action="store_true", help="do not write regression fixtures")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.targets.split(",") if n.strip()]
    unknown = [n for n in names if n not in targets]
    if unknown:
        ap.error(f"unknown target(s) {', '.join(unknown)}; known: {', '.join(targets)}")
    if args.index is not None:
        t = targets[names[0]]
        data = make_input(t, args.seed, args.index)
        print(f"{t.name} input {args.index} of seed {args.seed}: {len(data)} bytes {data[:300]!r}")
        try:
            t.run(data)
        except t.expected if t.expected else () as exc:
            print(f"expected: {type(exc).__name__}: {exc}")
        return 0
    print(f"fuzz: seed {args.seed}, {args.inputs} inputs per target, {len(names)} targets, {args.jobs} jobs")
    for n in names:
        targets[n].seeds()  # loaded once here, inherited by the workers
    tasks = [(n, args.seed, a, min(a + CHUNK, args.inputs)) for n in names for a in range(0, args.inputs, CHUNK)]
    totals = {n: ChunkResult(n) for n in names}
    began = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        for r in pool.imap_unordered(run_chunk, tasks):
            tot = totals[r.target]
            tot.inputs += r.inputs
            tot.seconds += r.seconds
            tot.slow += r.slow
            tot.slowest = max(tot.slowest, r.slowest)
            for sig, found in r.failures.items():
                if sig not in tot.failures:
                    print(f"  found [{r.target}] {sig}: input {found[0]}: {found[1][:120]}", flush=True)
                if sig not in tot.failures or found[0] < tot.failures[sig][0]:
                    tot.failures[sig] = found
            if tot.inputs == args.inputs:
                print(f"  done [{r.target}] {tot.inputs} inputs, {len(tot.failures)} finding(s), "
                      f"{time.perf_counter() - began:.0f} s into the run", flush=True)
    wall = time.perf_counter() - began
    print(f"\n{'target':<16} {'inputs':>8} {'cpu s':>7} {'slowest ms':>10} {'(input)':>8} {'>250ms':>6} "
          f"{'unexpected':>10}  owner")
    bad = 0
    for n in names:
        tot = totals[n]
        owner = targets[n].owner or ""
        print(f"{n:<16} {tot.inputs:>8} {tot.seconds:>7.1f} {tot.slowest[0]:>10.1f} {tot.slowest[1]:>8} {tot.slow:>6} "
              f"{len(tot.failures):>10}  {owner}")
        if not owner:
            bad += len(tot.failures)
    print(f"total {sum(t.inputs for t in totals.values())} inputs in {wall:.0f} s wall")
    for n in names:
        t = targets[n]
        for sig, (index, message) in sorted(totals[n].failures.items()):
            data = make_input(t, args.seed, index)
            small = minimize(t, data, sig)
            where = "" if args.no_save else f" -> {save(t, small, sig + chr(10) + message).relative_to(Path.cwd()) if str(REGRESSIONS).startswith(str(Path.cwd())) else save(t, small, sig + chr(10) + message)}"
            print(f"\n[{n}{' owned by ' + t.owner if t.owner else ''}] {sig}\n  {message}\n"
                  f"  reproduce: ./dev.sh fuzz --seed {args.seed} --targets {n} --index {index}\n"
                  f"  minimal ({len(small)} bytes): {small[:200]!r}{where}")
    owned = sum(len(totals[n].failures) for n in names if targets[n].owner)
    print(f"\nunexpected exceptions: {bad}" + (f" (+{owned} in targets owned elsewhere, listed above)" if owned else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
