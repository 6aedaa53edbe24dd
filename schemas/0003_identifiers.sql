-- lan-collector inventory schema, version 3: OS build and kernel version as
-- device fields (GLPI keeps both beside the OS release), and the stable
-- identifiers devices announce (SMB server GUID, UPnP UDN, NetBIOS and mDNS
-- names, ...) so that a device with a new or randomised MAC stays one device.

ALTER TABLE devices ADD COLUMN os_build TEXT;
ALTER TABLE devices ADD COLUMN kernel_version TEXT;

CREATE TABLE identifiers (
    device_id    INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,        -- collector.model.IDENTIFIER_KINDS
    value        TEXT NOT NULL,
    source       TEXT NOT NULL,        -- the plugin that saw it
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    last_scan_id INTEGER REFERENCES scans(id),
    PRIMARY KEY (device_id, kind, value)
);
CREATE INDEX identifiers_value ON identifiers(kind, value);
