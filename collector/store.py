"""The only code that writes SQL. One SQLite file, migrated on open, WAL.

A scan is one ``scans`` row; each host result is written in one
transaction, so a killed scan leaves every earlier host and the previous
inventory intact, and the next run marks the dead scan ``interrupted``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils
    from sqlite_utils.migrations import Migrations

from collector import __version__
from collector.identity import Candidates, HostEvidence, best_facts, choose_device, normalize_mac
from collector.inventory_file import ScanLock, StoreError
from collector.procutil import pid_alive
from collector.textsafe import escape_controls, stored
from collector.model import DEVICE_FIELDS, IDENTIFIER_KINDS, Fact, Observation, ProbeResult, Service, utcnow


def _migration_files() -> list[Any]:
    return sorted((f for f in resources.files("collector.schemas").iterdir() if f.name.endswith(".sql")),
                  key=lambda f: f.name)


def _migrations() -> Migrations:
    from sqlite_utils.migrations import Migrations

    migrations = Migrations("lan_collector")
    for sql_file in _migration_files():
        sql = sql_file.read_text(encoding="utf-8")

        def apply(db: sqlite_utils.Database, sql: str = sql) -> None:
            # executescript() would commit behind the migration's transaction.
            for statement in _statements(sql):
                db.execute(statement)

        migrations(name=sql_file.name)(apply)
    return migrations


def _statements(sql: str) -> Iterator[str]:
    buf = ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buf.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement: {buf[:80]!r}")


def schema_version(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in _migrations().applied(db)]


class Inventory:
    """The inventory. ``readonly`` (read commands): opened with ``mode=ro``,
    never migrated or written (an older schema is read from an upgraded
    in-memory copy). Otherwise opened read-write and migrated. Either way the
    file is checked first (see :mod:`collector.inventory_file`)."""

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False) -> None:
        from collector import inventory_file as f

        self.path = Path(path)
        self._db: sqlite_utils.Database | None = None
        self.readonly = readonly
        if readonly:
            self.conn, _pending = f.open_readonly(self.path)
            return
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such inventory file (run `lan-collector scan` first)")
        try:
            self.conn = f.open_readwrite(self.path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open as an inventory ({exc})") from None
        try:
            if f.check_version(self.conn, self.path):
                _migrations().apply(self.db)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise f.damaged(self.path, str(exc)) from None
        except BaseException:
            self.conn.close()
            raise

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils' view of the same connection (migrations, ad-hoc queries)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def _query(self, sql: str, params: Any = ()) -> Iterator[dict[str, Any]]:
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(names, row))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Inventory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    # --- scans -------------------------------------------------------------

    def mark_dead_scans(self) -> list[int]:
        """Scans left 'running' by a process that is gone become 'interrupted'."""
        dead = []
        here = socket.gethostname()
        for row in self._query("select id, pid, run_host from scans where status = 'running'"):
            if row["run_host"] == here and row["pid"] and pid_alive(row["pid"]) and row["pid"] != os.getpid():
                continue
            dead.append(row["id"])
        if dead:
            with self.transaction():
                for scan_id in dead:
                    hosts_up, devices_new = self._counts(scan_id)
                    self.conn.execute(
                        "update scans set status = 'interrupted', error = coalesce(error, ?), hosts_up = ?,"
                        " devices_new = ? where id = ?",
                        ["the scanning process ended before the scan finished", hosts_up, devices_new, scan_id],
                    )
        return dead

    def _counts(self, scan_id: int) -> tuple[int, int]:
        """(hosts up, new devices) of a scan, from what it saved."""
        counts = self.conn.execute(
            "select count(*), sum(first_scan_id = ?) from sightings join devices on devices.id = device_id"
            " where scan_id = ?", [scan_id, scan_id]).fetchone()
        return counts[0] or 0, counts[1] or 0

    def begin_scan(self, scope: dict[str, Any], plugins: dict[str, Any], settings: dict[str, Any],
                   addresses_in_scope: int) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "insert into scans (started_at, status, scope, plugins, settings, addresses_in_scope,"
                " collector_version, pid, run_host) values (?, 'running', ?, ?, ?, ?, ?, ?, ?)",
                [utcnow(), _json(scope), _json(plugins), _json(settings), addresses_in_scope,
                 __version__, os.getpid(), socket.gethostname()],
            )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def finish_scan(self, scan_id: int, status: str, plugins: dict[str, Any] | None = None,
                    error: str | None = None) -> None:
        with self.transaction():
            hosts_up, devices_new = self._counts(scan_id)
            self.conn.execute(
                "update scans set finished_at = ?, status = ?, hosts_up = ?, devices_new = ?, error = ?,"
                " plugins = coalesce(?, plugins) where id = ?",
                [utcnow(), status, hosts_up, devices_new, error,
                 _json(plugins) if plugins is not None else None, scan_id],
            )

    def scan(self, scan_id: int) -> dict[str, Any]:
        row = next(self._query("select * from scans where id = ?", [scan_id]), None)
        if row is None:
            raise StoreError(f"no scan {scan_id}")
        for key in ("scope", "plugins", "settings"):
            row[key] = json.loads(row[key]) if row[key] else None
        return row

    # --- host results ------------------------------------------------------

    def record_probes(self, scan_id: int, probes: Iterable[ProbeResult]) -> None:
        rows = [(scan_id, p.plugin, p.target, p.outcome.value, round(p.duration_ms, 3), p.detail) for p in probes]
        if not rows:
            return
        with self.transaction():
            self.conn.executemany(
                "insert into probes (scan_id, plugin, target, outcome, duration_ms, detail) values (?, ?, ?, ?, ?, ?)",
                rows,
            )

    def candidates(self, host: HostEvidence) -> Candidates:
        q = self.conn.execute
        by_mac = [r[0] for r in q("select distinct device_id from addresses where mac = ?", [host.mac])] if host.mac else []
        serial = stored(host.value("serial"))
        by_serial = [r[0] for r in q("select id from devices where serial = ?", [serial])] if serial else []
        by_ip = [r[0] for r in q(
            "select distinct device_id from addresses a where ip = ? and mac is null and not exists"
            " (select 1 from addresses b where b.device_id = a.device_id and b.mac is not null)", [host.ip])]
        hostname = stored(host.value("hostname"))
        by_name = [r[0] for r in q(
            "select id from devices where hostname = ? and mac_random = 1", [hostname])] if hostname else []
        strong = [i for i in host.identifiers if IDENTIFIER_KINDS[i.kind] == "strong"]
        weak = [i for i in host.identifiers if IDENTIFIER_KINDS[i.kind] == "weak"]
        by_strong = sorted({r[0] for i in strong for r in q(
            "select device_id from identifiers where kind = ? and value = ?", [i.kind, stored(i.value)])})
        by_weak = sorted({r[0] for i in weak for r in q(
            "select i.device_id from identifiers i join devices d on d.id = i.device_id"
            " where i.kind = ? and i.value = ? and d.mac_random = 1", [i.kind, stored(i.value)])})
        return Candidates(by_mac, by_serial, by_ip, by_name, by_strong, by_weak)

    def record_host(self, scan_id: int, host: HostEvidence,
                    assess: Callable[[HostEvidence], list[Any]] | None = None) -> tuple[int, bool]:
        """Write one host's result in one transaction. Returns (device id, is new).

        ``assess`` turns the device's stored evidence (this scan's and
        earlier ones') into flags, which replace the device's previous flags."""
        now = utcnow()
        with self.transaction():
            device_id, _why = choose_device(host, self.candidates(host))
            is_new = device_id is None
            if device_id is None:
                cur = self.conn.execute(
                    "insert into devices (first_seen, last_seen, first_scan_id, last_scan_id) values (?, ?, ?, ?)",
                    [now, now, scan_id, scan_id])
                device_id = cur.lastrowid
                assert device_id is not None
            for alias_ip, alias_mac in host.aliases:  # first: the scanned address ranks first (newest id)
                self._upsert_address(device_id, scan_id, alias_ip, alias_mac, now)
            self._upsert_address(device_id, scan_id, host.ip, host.mac, now)
            self._record_snmp_tables(device_id, scan_id, host, now)
            # the scan's counts stay true while it runs, and if it is killed
            seen = self.conn.execute("select 1 from sightings where scan_id = ? and device_id = ?",
                                     [scan_id, device_id]).fetchone()
            if not seen:
                self.conn.execute("update scans set hosts_up = hosts_up + 1, devices_new = devices_new + ?"
                                  " where id = ?", [int(is_new), scan_id])
            self.conn.execute(
                "insert into sightings (scan_id, device_id, ip, mac, rtt_ms, seen_at) values (?, ?, ?, ?, ?, ?)"
                " on conflict (scan_id, device_id) do update set ip = excluded.ip, mac = coalesce(excluded.mac, mac),"
                " rtt_ms = coalesce(excluded.rtt_ms, rtt_ms)",
                [scan_id, device_id, host.ip, host.mac, host.rtt_ms, now])
            strongest: dict[tuple[str, str, str], Fact] = {}
            for fact in host.facts:  # one source may back one value twice: keep its strongest claim
                key = (fact.field, fact.source, _fact_text(fact.value))
                if key not in strongest or fact.confidence > strongest[key].confidence:
                    strongest[key] = fact
            for fact in strongest.values():
                self.conn.execute(
                    "insert into device_facts (device_id, field, value, source, confidence, evidence, first_seen,"
                    " last_seen, last_scan_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " on conflict (device_id, field, source, value) do update set confidence = excluded.confidence,"
                    " evidence = excluded.evidence, last_seen = excluded.last_seen, last_scan_id = excluded.last_scan_id",
                    [device_id, fact.field, _fact_text(fact.value), fact.source, fact.confidence,
                     stored(fact.evidence), now, now, scan_id])
            for svc in host.services:
                row = {k: stored(v) for k, v in dataclasses.asdict(svc).items()}
                row["banner"] = escape_controls(svc.banner) if svc.banner else None
                self.conn.execute(
                    "insert into services (device_id, port, proto, state, name, product, version, extra, cpe, banner,"
                    " source, confidence, first_seen, last_seen, last_scan_id)"
                    " values (:d, :port, :proto, :state, :name, :product, :version, :extra, :cpe, :banner, :source,"
                    " :confidence, :now, :now, :scan) on conflict (device_id, port, proto) do update set"
                    " state = excluded.state, name = excluded.name, product = excluded.product,"
                    " version = excluded.version, extra = excluded.extra, cpe = excluded.cpe,"
                    " banner = excluded.banner, source = excluded.source, confidence = excluded.confidence,"
                    " last_seen = excluded.last_seen, last_scan_id = excluded.last_scan_id",
                    {**row, "d": device_id, "now": now, "scan": scan_id})
            for sw in host.software:
                self.conn.execute(
                    "insert into software (device_id, name, version, vendor, source, first_seen, last_seen,"
                    " last_scan_id) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do update set"
                    " last_seen = excluded.last_seen, last_scan_id = excluded.last_scan_id",
                    [device_id, stored(sw.name), stored(sw.version), stored(sw.vendor), sw.source, now, now, scan_id])
            for ident in host.identifiers:
                self.conn.execute(
                    "insert into identifiers (device_id, kind, value, source, first_seen, last_seen, last_scan_id)"
                    " values (?, ?, ?, ?, ?, ?, ?) on conflict (device_id, kind, value) do update set"
                    " source = excluded.source, last_seen = excluded.last_seen, last_scan_id = excluded.last_scan_id",
                    [device_id, ident.kind, stored(ident.value), ident.source, now, now, scan_id])
            for obs in host.observations:
                self.conn.execute(
                    "insert into observations (scan_id, device_id, plugin, ip, mac, observed_at, data)"
                    " values (?, ?, ?, ?, ?, ?, ?)",
                    [scan_id, device_id, obs.plugin, obs.ip, normalize_mac(obs.mac), obs.observed_at,
                     _json(_observation_data(obs))])
            self._refresh_device(device_id, scan_id, now)
            if assess is not None:
                self._replace_flags(device_id, scan_id, assess(self.device_evidence(device_id)), now)
        return device_id, is_new

    def _record_snmp_tables(self, device_id: int, scan_id: int, host: HostEvidence, now: str) -> None:
        """Interfaces and links (FDB, ARP, LLDP, CDP) from the latest SNMP observation."""
        obs = next((o for o in host.observations if o.plugin == "snmp"), None)
        if obs is None:
            return
        for itf in obs.raw.get("interfaces") or []:
            self.conn.execute(
                "insert into interfaces (device_id, if_index, name, mac, speed_bps, admin_status, oper_status,"
                " source, last_scan_id) values (?, ?, ?, ?, ?, ?, ?, 'snmp', ?)"
                " on conflict (device_id, if_index, name) do update set mac = excluded.mac,"
                " speed_bps = excluded.speed_bps, admin_status = excluded.admin_status,"
                " oper_status = excluded.oper_status, last_scan_id = excluded.last_scan_id",
                [device_id, itf.get("if_index"), stored(itf.get("name")), stored(itf.get("mac")), itf.get("speed_bps"),
                 stored(itf.get("admin_status")), stored(itf.get("oper_status")), scan_id])
        rows = []
        for e in obs.raw.get("fdb") or []:
            rows.append(("fdb", e.get("if_name") or (f"port {e['port']}" if e.get("port") is not None else None),
                         e.get("mac"), None, None, None, e.get("vlan")))
        for e in obs.raw.get("arp") or []:
            rows.append(("arp", str(e["if_index"]) if e.get("if_index") is not None else None, e.get("mac"),
                         e.get("ip"), None, None, None))
        for e in obs.raw.get("neighbours") or []:
            rows.append((e.get("protocol", "lldp"), e.get("local_port"),
                         e.get("chassis_id") if e.get("protocol") == "lldp" and ":" in str(e.get("chassis_id"))
                         else None, e.get("ip"), e.get("name"), e.get("port"), None))
        for kind, local, mac, ip, name, port, vlan in rows:
            self.conn.execute(
                "insert into links (device_id, kind, local_port, remote_mac, remote_ip, remote_name, remote_port,"
                " vlan, first_seen, last_seen, last_scan_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " on conflict do update set last_seen = excluded.last_seen, last_scan_id = excluded.last_scan_id,"
                " remote_port = excluded.remote_port, vlan = excluded.vlan",
                [device_id, kind, stored(local), stored(mac), stored(ip), stored(name), stored(port), vlan, now, now,
                 scan_id])

    def links(self, device_id: int | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        sql = "select * from links where 1 = 1"
        params: list[Any] = []
        if device_id is not None:
            sql += " and device_id = ?"
            params.append(device_id)
        if kind:
            sql += " and kind = ?"
            params.append(kind)
        return list(self._query(sql + " order by device_id, kind, local_port, remote_mac", params))

    def interfaces(self, device_id: int) -> list[dict[str, Any]]:
        return list(self._query("select * from interfaces where device_id = ? order by if_index", [device_id]))

    def hints(self) -> dict[str, dict[str, str]]:
        """What the last scans learned that helps the next one, per device and
        keyed by each of its addresses and MACs (a device that moved to another
        address is still known by its MAC): the name of the SNMP credential
        that worked (never the secret)."""
        out: dict[str, dict[str, str]] = {}
        for row in self.conn.execute(
                "select a.ip, a.mac, json_extract(o.data, '$.raw.credential') from observations o"
                " join addresses a on a.device_id = o.device_id where o.plugin = 'snmp' and o.id ="
                " (select max(id) from observations p where p.plugin = 'snmp' and p.device_id = o.device_id)"):
            if row[2]:
                for key in (row[0], row[1]):
                    if key:
                        out.setdefault(key, {})["snmp_credential"] = row[2]
        return out

    def device_evidence(self, device_id: int) -> HostEvidence:
        """What the inventory knows of a device, as identification produced it:
        best facts, all services, the latest observation of each plugin."""
        addr = self.conn.execute("select ip, mac from addresses where device_id = ? order by last_seen desc, id desc"
                               " limit 1", [device_id]).fetchone()
        host = HostEvidence(ip=addr[0] if addr else "", mac=addr[1] if addr else None)
        host.facts = [Fact(r["field"], r["value"], r["confidence"], r["source"], r["evidence"])
                      for r in self._query("select * from device_facts where device_id = ?"
                                             " order by last_seen desc, source", [device_id])
                      if r["field"] in DEVICE_FIELDS]
        host.services = [Service(r["port"], r["proto"], r["state"], r["name"], r["product"], r["version"], r["extra"],
                                 r["cpe"], r["banner"], r["source"], r["confidence"])
                         for r in self._query("select * from services where device_id = ? order by proto, port",
                                                [device_id])]
        for r in self._query(
                "select plugin, ip, mac, observed_at, data from observations o where device_id = ? and id ="
                " (select max(id) from observations p where p.device_id = o.device_id and p.plugin = o.plugin)",
                [device_id]):
            data = json.loads(r["data"])
            host.observations.append(Observation(r["plugin"], r["ip"], r["mac"], raw=data.get("raw") or {},
                                                 observed_at=r["observed_at"]))
        return host

    def _replace_flags(self, device_id: int, scan_id: int, flags: list[Any], now: str) -> None:
        keep = []
        for flag in flags:
            self.conn.execute(
                "insert into flags (device_id, kind, rule, title, severity, confidence, evidence, remediation,"
                " data_snapshot, first_seen, last_seen, last_scan_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " on conflict (device_id, rule, title) do update set kind = excluded.kind,"
                " severity = excluded.severity, confidence = excluded.confidence, evidence = excluded.evidence,"
                " remediation = excluded.remediation, data_snapshot = excluded.data_snapshot,"
                " last_seen = excluded.last_seen, last_scan_id = excluded.last_scan_id",
                [device_id, flag.kind, flag.rule, flag.title, flag.severity, flag.confidence, _json(flag.evidence),
                 flag.remediation, flag.data_snapshot, now, now, scan_id])
            keep.append((flag.rule, flag.title))
        for row in self.conn.execute("select id, rule, title from flags where device_id = ?", [device_id]).fetchall():
            if (row[1], row[2]) not in keep:  # no longer true: fixed, or the service is gone
                self.conn.execute("delete from flags where id = ?", [row[0]])

    def flags(self, min_confidence: int = 0, kind: str | None = None) -> list[dict[str, Any]]:
        return list(self._query(
            "select f.device_id, (select ip from addresses a where a.device_id = f.device_id order by last_seen desc,"
            " id desc limit 1) as ip, d.hostname, f.kind, f.rule, f.title, f.severity, f.confidence, f.evidence,"
            " f.remediation, f.first_seen, f.last_seen from flags f join devices d on d.id = f.device_id"
            " where f.confidence >= ? and (? is null or f.kind = ?)"
            " order by case f.severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2"
            " when 'low' then 3 else 4 end, f.confidence desc, f.device_id, f.rule",
            [min_confidence, kind, kind]))

    def _upsert_address(self, device_id: int, scan_id: int, ip: str, mac: str | None, now: str) -> None:
        updated = self.conn.execute(
            "update addresses set last_seen = ?, last_scan_id = ? where device_id = ? and ip = ?"
            " and ifnull(mac, '') = ifnull(?, '')", [now, scan_id, device_id, ip, mac]).rowcount
        if not updated:
            self.conn.execute(
                "insert into addresses (device_id, ip, mac, first_seen, last_seen, last_scan_id)"
                " values (?, ?, ?, ?, ?, ?)", [device_id, ip, mac, now, now, scan_id])

    def _refresh_device(self, device_id: int, scan_id: int, now: str) -> None:
        facts = [
            Fact(r["field"], r["value"], r["confidence"], r["source"], r["evidence"])
            for r in self._query(
                "select * from device_facts where device_id = ? order by last_seen desc, source", [device_id])
            if r["field"] in DEVICE_FIELDS
        ]
        best = best_facts(facts)
        values: dict[str, Any] = {name: (best[name].value if name in best else None) for name in DEVICE_FIELDS}
        if values["mac_random"] is not None:
            values["mac_random"] = 1 if values["mac_random"] in (True, "1", "true", "True") else 0
        sets = ", ".join(f"{name} = :{name}" for name in DEVICE_FIELDS)
        self.conn.execute(
            f"update devices set {sets}, last_seen = :now, last_scan_id = :scan where id = :id",
            {**values, "now": now, "scan": scan_id, "id": device_id})

    # --- reading -----------------------------------------------------------

    def resolve_device(self, ref: str) -> int:
        """A device by id, IP, MAC or hostname."""
        ref = ref.strip()
        if ref.isdigit() and self.conn.execute("select 1 from devices where id = ?", [int(ref)]).fetchone():
            return int(ref)
        mac = normalize_mac(ref)
        rows = self.conn.execute(
            "select distinct device_id from addresses where ip = ? or (mac is not null and mac = ?)"
            " union select id from devices where lower(hostname) = lower(?)", [ref, mac, ref]).fetchall()
        if not rows:
            raise StoreError(f"no device matches {ref!r} (give an id, IP, MAC or hostname)")
        if len(rows) > 1:
            raise StoreError(f"{ref!r} matches devices {', '.join(str(r[0]) for r in rows)}; give an id")
        return int(rows[0][0])

    def device_records(self, ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
        """Devices in the export shape (see schemas/export.schema.json)."""
        if ids is None:
            rows = list(self._query("select * from devices order by id"))
        else:
            wanted = list(ids)
            rows = list(self._query(
                f"select * from devices where id in ({','.join('?' * len(wanted))}) order by id", wanted))
        out = []
        for row in rows:
            did = row["id"]
            addrs = list(self._query(
                "select ip, mac from addresses where device_id = ? order by last_seen desc, id desc", [did]))
            record: dict[str, Any] = {
                "id": did,
                "ips": _unique(a["ip"] for a in addrs),
                "macs": _unique(a["mac"] for a in addrs if a["mac"]),
            }
            for name in ("hostname", "vendor", "device_class", "model", "serial", "os_name", "os_version",
                         "os_build", "kernel_version", "firmware"):
                record[name] = row[name]
            record["mac_random"] = None if row["mac_random"] is None else bool(row["mac_random"])
            record["first_seen"], record["last_seen"] = row["first_seen"], row["last_seen"]
            record["services"] = list(self._query(
                "select port, proto, name, product, version, cpe from services where device_id = ?"
                " order by proto, port", [did]))
            record["software"] = list(self._query(
                "select name, version from software where device_id = ? order by name, version", [did]))
            record["flags"] = list(self._query(
                "select kind, rule, title, severity, confidence from flags where device_id = ?"
                " order by confidence desc, rule", [did]))
            out.append(record)
        return out

    def identifiers(self, device_id: int) -> list[dict[str, Any]]:
        return list(self._query(
            "select kind, value, source, first_seen, last_seen from identifiers where device_id = ?"
            " order by kind, value", [device_id]))

    def device_facts(self, device_id: int) -> list[dict[str, Any]]:
        return list(self._query(
            "select field, value, source, confidence, evidence, last_seen from device_facts where device_id = ?"
            " order by field, confidence desc, last_seen desc", [device_id]))

    def sightings(self, device_id: int) -> list[dict[str, Any]]:
        return list(self._query(
            "select scan_id, ip, mac, rtt_ms, seen_at from sightings where device_id = ? order by scan_id",
            [device_id]))

    def probes_for(self, ips: list[str]) -> list[dict[str, Any]]:
        if not ips:
            return []
        return list(self._query(
            f"select scan_id, plugin, target, outcome, duration_ms, detail from probes where target in"
            f" ({','.join('?' * len(ips))}) order by scan_id desc, plugin limit 50", ips))

    def missing_in_scope(self, scan_id: int, scope: Any) -> int:
        """Known devices whose last address is in ``scope`` but that this scan did not see."""
        rows = self.conn.execute(
            "select d.id, (select ip from addresses a where a.device_id = d.id order by last_seen desc, id desc"
            " limit 1) from devices d where not exists (select 1 from sightings s where s.device_id = d.id"
            " and s.scan_id = ?)", [scan_id]).fetchall()
        return sum(1 for _id, ip in rows if ip and ip in scope)



def _fact_text(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return stored(str(value))


def _observation_data(obs: Observation) -> dict[str, Any]:
    return {
        "facts": [dataclasses.asdict(f) for f in obs.facts],
        "services": [dataclasses.asdict(s) for s in obs.services],
        "software": [dataclasses.asdict(s) for s in obs.software],
        "identifiers": [dataclasses.asdict(i) for i in obs.identifiers],
        "rtt_ms": obs.rtt_ms,
        "raw": obs.raw,
    }


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(v, None)
    return list(seen)
