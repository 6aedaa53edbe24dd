-- lan-collector inventory schema, version 1.
-- Applied by collector.store through sqlite-utils Migrations; never edit a
-- released file: add the next numbered one.

CREATE TABLE scans (
    id                INTEGER PRIMARY KEY,
    started_at        TEXT NOT NULL,
    finished_at       TEXT,
    status            TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),
    scope             TEXT NOT NULL,           -- JSON: networks, excluded, notes
    plugins           TEXT NOT NULL,           -- JSON: requested, ran, skipped{name: why}, degraded{name: why}
    settings          TEXT,                    -- JSON, secrets redacted
    addresses_in_scope INTEGER,
    hosts_up          INTEGER NOT NULL DEFAULT 0,
    devices_new       INTEGER NOT NULL DEFAULT 0,
    error             TEXT,
    collector_version TEXT,
    pid               INTEGER,
    run_host          TEXT
);

CREATE TABLE devices (
    id           INTEGER PRIMARY KEY,
    hostname     TEXT,
    vendor       TEXT,
    device_class TEXT,
    model        TEXT,
    serial       TEXT,
    os_name      TEXT,
    os_version   TEXT,
    firmware     TEXT,
    description  TEXT,
    mac_random   INTEGER,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    first_scan_id INTEGER REFERENCES scans(id),
    last_scan_id  INTEGER REFERENCES scans(id)
);
CREATE INDEX devices_serial ON devices(serial);
CREATE INDEX devices_hostname ON devices(hostname);

-- Every value any source claimed for a device field: the winner is copied to
-- devices, the losers stay here (shown by `lan-collector show`).
CREATE TABLE device_facts (
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,
    source      TEXT NOT NULL,
    confidence  INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100),
    evidence    TEXT,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    last_scan_id INTEGER REFERENCES scans(id),
    PRIMARY KEY (device_id, field, source, value)
);

CREATE TABLE addresses (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    ip          TEXT NOT NULL,
    mac         TEXT,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    last_scan_id INTEGER REFERENCES scans(id)
);
CREATE UNIQUE INDEX addresses_unique ON addresses(device_id, ip, ifnull(mac, ''));
CREATE INDEX addresses_mac ON addresses(mac);
CREATE INDEX addresses_ip ON addresses(ip);

-- One row per device per scan in which it was seen: history.
CREATE TABLE sightings (
    scan_id   INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    ip        TEXT,
    mac       TEXT,
    rtt_ms    REAL,
    seen_at   TEXT NOT NULL,
    PRIMARY KEY (scan_id, device_id)
);

CREATE TABLE interfaces (
    id           INTEGER PRIMARY KEY,
    device_id    INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    if_index     INTEGER,
    name         TEXT,
    mac          TEXT,
    speed_bps    INTEGER,
    admin_status TEXT,
    oper_status  TEXT,
    source       TEXT NOT NULL,
    last_scan_id INTEGER REFERENCES scans(id),
    UNIQUE (device_id, if_index, name)
);

CREATE TABLE services (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    port        INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
    proto       TEXT NOT NULL CHECK (proto IN ('tcp', 'udp')),
    state       TEXT NOT NULL,
    name        TEXT,
    product     TEXT,
    version     TEXT,
    extra       TEXT,
    cpe         TEXT,
    banner      TEXT,
    source      TEXT NOT NULL,
    confidence  INTEGER NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    last_scan_id INTEGER REFERENCES scans(id),
    UNIQUE (device_id, port, proto)
);

CREATE TABLE software (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    version     TEXT,
    vendor      TEXT,
    source      TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    last_scan_id INTEGER REFERENCES scans(id)
);
CREATE UNIQUE INDEX software_unique ON software(device_id, name, ifnull(version, ''));

CREATE TABLE flags (
    id            INTEGER PRIMARY KEY,
    device_id     INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('legacy', 'unpatched')),
    rule          TEXT NOT NULL,
    title         TEXT NOT NULL,
    severity      TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    confidence    INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100),
    evidence      TEXT NOT NULL,          -- JSON
    remediation   TEXT,
    data_snapshot TEXT,                   -- which reference data said so
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    last_scan_id  INTEGER REFERENCES scans(id),
    UNIQUE (device_id, rule, title)
);

-- Raw evidence as each plugin reported it.
CREATE TABLE observations (
    id          INTEGER PRIMARY KEY,
    scan_id     INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    device_id   INTEGER REFERENCES devices(id) ON DELETE SET NULL,
    plugin      TEXT NOT NULL,
    ip          TEXT NOT NULL,
    mac         TEXT,
    observed_at TEXT NOT NULL,
    data        TEXT NOT NULL            -- JSON
);
CREATE INDEX observations_scan ON observations(scan_id);

-- One row per target x plugin: why a device was (not) found.
CREATE TABLE probes (
    id          INTEGER PRIMARY KEY,
    scan_id     INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    plugin      TEXT NOT NULL,
    target      TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'timeout', 'refused', 'error', 'skipped', 'degraded')),
    duration_ms REAL,
    detail      TEXT
);
CREATE INDEX probes_scan ON probes(scan_id, target);
