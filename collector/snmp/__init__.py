"""SNMP inventory: credentials, polite GET/GETBULK collection, MIB parsers,
and identification (pure functions over a recorded walk).

The pieces, in the order a scan uses them:

- :mod:`.credentials`: v1/v2c/v3 credentials from settings, each limited to
  the ranges it may be sent to; referred to by name, never by secret.
- :mod:`.client`: one agent session (pysnmp 7, asyncio); bounded GETBULK walks
  that stop on endOfMibView, non-increasing OIDs and a per-device cap.
- :mod:`.plan`: which scalars and subtrees to read for a device.
- :mod:`.walk`: the recorded data (OID -> typed value), snmprec in and out.
- :mod:`.mibs`: parsers for the standard MIBs (ENTITY, HOST-RESOURCES, IF,
  IP, BRIDGE, LLDP, CDP, Printer, UPS).
- :mod:`.vendors`: one small module per vendor, keyed by sysObjectID prefix.
- :mod:`.identify`: vendor, class, model, serial, OS, firmware with source
  and confidence per field.
"""
