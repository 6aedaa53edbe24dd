"""Mutations of real inputs: the generic byte-level ones every target gets.

Each input is derived from one recorded seed by a few stacked mutations,
drawn from a ``random.Random`` that the runner seeds with (run seed, target,
input number): the same three always give the same bytes, whichever worker
makes them and in whatever order.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

Mutator = Callable[[random.Random, bytes, Sequence[bytes]], bytes]

#: Largest input a mutation may build (oversized fields are still far past every parser's bounds).
MAX_INPUT = 1 << 20
INTERESTING_BYTES = b"\x00\x01\x7f\x80\xff\n\r\t\x1b\x9b\"'<>&|.:;=#[]{}\\/%-+ "
#: Sequences that are not valid UTF-8: a lone continuation byte, an overlong
#: encoding, a surrogate, a truncated 3-byte sequence, bytes no UTF-8 holds.
INVALID_UTF8 = (b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\xff\xfe", b"\xf8\x88\x80\x80\x80",
                b"\xc3\x28", b"\xf4\x90\x80\x80")
CONTROL = (b"\x00", b"\x1b[31m", b"\x1b]8;;https://evil.example/\x1b\\", b"\x07", b"\x08", b"\x0c", b"\x7f",
           b"\xc2\x9b", b"\r", "\u2028".encode(), b"\xe2\x80\xae", b"\xef\xbb\xbf")
NUMBERS = (b"0", b"-1", b"-0", b"1", b"255", b"256", b"65535", b"65536", b"2147483647", b"2147483648",
           b"4294967295", b"4294967296", b"18446744073709551615", b"18446744073709551616",
           b"-9223372036854775809", b"9" * 40, b"1" + b"0" * 4400, b"1e308", b"1e999", b"-1e999", b"nan",
           b"inf", b"-inf", b"0x10", b"1.5", b"1_000", b"\xd9\xa3", b"\xef\xbc\x91", b"", b" 1 ", b"1.2.3.4")
_NUMBER = re.compile(rb"-?\d+(?:\.\d+)*")


def _pos(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def _span(rng: random.Random, data: bytes) -> tuple[int, int]:
    if not data:
        return 0, 0
    a = rng.randrange(len(data))
    # mostly short spans, sometimes long ones
    length = min(len(data) - a, int(rng.expovariate(1 / 8)) + 1 if rng.random() < 0.8 else rng.randrange(1, len(data) + 1))
    return a, a + length


def flip_bit(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]


def set_byte(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    i = _pos(rng, data[:-1] if data else data)
    b = rng.choice(INTERESTING_BYTES) if rng.random() < 0.6 else rng.randrange(256)
    return data[:i] + bytes([b]) + data[i + 1:]


def insert_bytes(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    i = _pos(rng, data)
    blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    return data[:i] + blob + data[i:]


def delete_span(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    a, b = _span(rng, data)
    return data[:a] + data[b:]


def truncate(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    return data[:_pos(rng, data)]


def duplicate_span(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    a, b = _span(rng, data)
    times = rng.choice((1, 2, 3, 16, 256))
    return data[:b] + data[a:b] * times + data[b:]


def oversize(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """One field blown up far past any sane length."""
    i = _pos(rng, data)
    filler = rng.choice((b"A", b"9", b".", b"\xff", b"%s", b"<", b"-", b"\xe2\x80\x8b"))
    return data[:i] + filler * rng.choice((300, 4097, 70000, 300000)) + data[i:]


def splice(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    other = rng.choice(corpus) if corpus else data
    return data[:_pos(rng, data)] + other[_pos(rng, other):]


def insert_other(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    other = rng.choice(corpus) if corpus else data
    a, b = _span(rng, other)
    i = _pos(rng, data)
    return data[:i] + other[a:b] + data[i:]


def invalid_utf8(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    i = _pos(rng, data)
    return data[:i] + rng.choice(INVALID_UTF8) + data[i:]


def control_chars(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    i = _pos(rng, data)
    return data[:i] + rng.choice(CONTROL) + data[i:]


def replace_number(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """A number in the input becomes a huge, negative, float, non-ASCII or empty one."""
    found = list(_NUMBER.finditer(data[:65536]))
    if not found:
        return insert_bytes(rng, data, corpus)
    m = rng.choice(found)
    return data[:m.start()] + rng.choice(NUMBERS) + data[m.end():]


GENERIC: tuple[Mutator, ...] = (flip_bit, set_byte, insert_bytes, delete_span, truncate, duplicate_span, oversize,
                                splice, insert_other, invalid_utf8, control_chars, replace_number)


def with_tokens(tokens: Sequence[bytes]) -> Mutator:
    """Insert or overwrite with a token of the input's own syntax (a dictionary)."""
    def token(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
        tok = rng.choice(tokens)
        i = _pos(rng, data)
        if rng.random() < 0.5:
            return data[:i] + tok + data[i:]
        return data[:i] + tok + data[i + len(tok):]
    return token


def mutate(rng: random.Random, seed: bytes, corpus: Sequence[bytes], extra: Sequence[Mutator] = (),
           extra_weight: float = 0.5) -> bytes:
    """1-8 stacked mutations (most inputs stay close to the real seed)."""
    data = seed
    rounds = min(8, 1 + int(rng.expovariate(1 / 1.5)))
    for _ in range(rounds):
        op = rng.choice(extra) if extra and rng.random() < extra_weight else rng.choice(GENERIC)
        data = op(rng, data, corpus)
        if len(data) > MAX_INPUT:
            data = data[:MAX_INPUT]
    return data
