"""SNMP inventory: credentials, polite GET/GETBULK collection, MIB parsers,
and identification (pure functions over a recorded walk).

The pieces, in the order a scan uses them:

- :mod:`.credentials`: v1/v2c/v3 credentials from settings, each limited to
  the ranges it may be sent to; referred to by name, never by secret.
- :mod:`.client`: one agent session (pysnmp 7, asyncio); batched GETs and
  bounded GETBULK walks that stop on endOfMibView, non-increasing OIDs and a
  per-device cap.
- :mod:`.plan` / :mod:`.collect`: what to read from a device, in rounds, and
  reading it robustly (retries, the reasons for what is missing).
- :mod:`.walk` / :mod:`.walkfile`: the recorded data (OID -> typed value),
  snmprec and ``snmpwalk -On`` files in and out.
- :mod:`.mibs`: parsers for the standard MIBs (ENTITY, HOST-RESOURCES, IF,
  IP, BRIDGE, LLDP, CDP, Printer, UPS).
- :mod:`.definitions` / :mod:`.engine` / :mod:`.hooks`: the device
  definitions (YAML under ``defs/``), their validation and the engine that
  evaluates them; :mod:`.generic`: the claims every device gets.
- :mod:`.identify`: vendor, class, model, serial, OS, firmware with source
  and confidence per field.
"""
