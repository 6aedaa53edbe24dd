"""The CVE -> CPE range data: an SQLite file read on demand, one product's
CVEs at a time (decoding all 8,500 records would cost ~80 MiB per scan)."""

from __future__ import annotations

import json
import sqlite3
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any


class CveStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self.meta = {k: json.loads(v) for k, v in self.conn.execute("select key, value from meta")}

    def ids_for(self, product_key: str) -> list[str]:
        return [r[0] for r in self.conn.execute("select id from product_cves where product = ? order by id",
                                                [product_key])]

    @lru_cache(maxsize=4096)
    def record(self, cve_id: str) -> dict[str, Any]:
        row = self.conn.execute("select record from cves where id = ?", [cve_id]).fetchone()
        if row is None:
            raise KeyError(cve_id)
        return json.loads(zlib.decompress(row[0]))

    def __contains__(self, cve_id: object) -> bool:
        return self.conn.execute("select 1 from cves where id = ?", [cve_id]).fetchone() is not None

    def close(self) -> None:
        self.conn.close()
