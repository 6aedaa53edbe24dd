-- lan-collector inventory schema, version 2: what devices say about their
-- neighbours (SNMP): a switch's forwarding table (which MAC on which port),
-- a router's ARP table, LLDP and CDP neighbours.

CREATE TABLE links (
    id            INTEGER PRIMARY KEY,
    device_id     INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,  -- the device that reported it
    kind          TEXT NOT NULL CHECK (kind IN ('fdb', 'arp', 'lldp', 'cdp')),
    local_port    TEXT,            -- port / interface name on the reporting device
    remote_mac    TEXT,
    remote_ip     TEXT,
    remote_name   TEXT,            -- LLDP/CDP system name
    remote_port   TEXT,            -- LLDP/CDP port id
    vlan          INTEGER,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    last_scan_id  INTEGER REFERENCES scans(id)
);
CREATE UNIQUE INDEX links_unique ON links(device_id, kind, ifnull(local_port, ''), ifnull(remote_mac, ''),
                                          ifnull(remote_ip, ''), ifnull(remote_name, ''));
CREATE INDEX links_mac ON links(remote_mac);
