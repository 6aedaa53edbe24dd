"""A read-only mapping of many small integer keys to short strings, held
compactly: sorted keys in an ``array``, the strings in one UTF-8 blob with
offsets. The IANA enterprise table (about 60,000 names) costs about 12 MiB
as a dict of str and about 2 MiB so; a scan looks up a handful of keys."""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Mapping


class CompactNames:
    def __init__(self, table: Mapping[str, str]) -> None:
        items = sorted((int(k), v) for k, v in table.items() if k.isdigit() and isinstance(v, str))
        self._keys = array("Q", (k for k, _ in items))
        self._offsets = array("Q", [0])
        blob = bytearray()
        for _, value in items:
            blob += value.encode("utf-8", "surrogatepass")
            self._offsets.append(len(blob))
        self._blob = bytes(blob)

    def get(self, key: str | None, default: str | None = None) -> str | None:
        if not key or not key.isdigit():
            return default
        k = int(key)
        i = bisect.bisect_left(self._keys, k)
        if i == len(self._keys) or self._keys[i] != k:
            return default
        return self._blob[self._offsets[i]:self._offsets[i + 1]].decode("utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self._keys)
