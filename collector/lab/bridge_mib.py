"""BRIDGE-MIB for the lab's managed switch: an snmpd ``pass_persist`` helper
that serves the lab bridge's real forwarding table (``bridge fdb`` in the
switch namespace) as dot1dBasePortIfIndex and dot1dTpFdbTable, so the
switch's SNMP agent maps lab MACs to ports like a real managed switch.

Bridge ports are numbered by their interface index in the switch namespace.
Runs only inside the lab (snmpd starts it); reads, never changes, the bridge.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

BASE = "1.3.6.1.2.1.17"


def _json(ns: str, *cmd: str) -> list[dict]:
    out = subprocess.run(["ip", "netns", "exec", ns, *cmd], capture_output=True, text=True, timeout=5)
    return json.loads(out.stdout or "[]")


def table(ns: str, bridge: str) -> list[tuple[tuple[int, ...], str, str]]:
    links = {l["ifname"]: l["ifindex"] for l in _json(ns, "ip", "-j", "link", "show", "master", bridge)}
    rows: list[tuple[tuple[int, ...], str, str]] = []
    for port in sorted(links.values()):
        rows.append((tuple(map(int, f"{BASE}.1.4.1.2.{port}".split("."))), "integer", str(port)))
    for entry in _json(ns, "bridge", "-j", "fdb", "show", "br", bridge):
        port = links.get(entry.get("ifname", ""))
        mac = entry.get("mac", "")
        if port is None or len(mac.split(":")) != 6 or int(mac.split(":")[0], 16) & 1:
            continue
        idx = ".".join(str(int(b, 16)) for b in mac.split(":"))
        status = "4" if entry.get("state") == "permanent" else "3"  # self / learned
        for col, kind, value in ((1, "octet", " ".join(mac.split(":"))), (2, "integer", str(port)),
                                 (3, "integer", status)):
            rows.append((tuple(map(int, f"{BASE}.4.3.1.{col}.{idx}".split("."))), kind, value))
    rows.sort()
    return rows


def serve(ns: str, bridge: str) -> None:
    cache: tuple[float, list] = (0.0, [])
    stdin, stdout = sys.stdin, sys.stdout
    while True:
        cmd = stdin.readline()
        if not cmd:
            return
        cmd = cmd.strip().lower()
        if cmd == "ping":
            stdout.write("PONG\n")
        elif cmd in ("get", "getnext"):
            oid = tuple(int(p) for p in stdin.readline().strip().strip(".").split(".") if p.isdigit())
            if time.monotonic() - cache[0] > 2:
                cache = (time.monotonic(), table(ns, bridge))
            rows = cache[1]
            hit = (next((r for r in rows if r[0] == oid), None) if cmd == "get"
                   else next((r for r in rows if r[0] > oid), None))
            if hit is None:
                stdout.write("NONE\n")
            else:
                stdout.write("." + ".".join(map(str, hit[0])) + f"\n{hit[1]}\n{hit[2]}\n")
        elif cmd == "set":
            stdin.readline()
            stdin.readline()
            stdout.write("not-writable\n")
        stdout.flush()


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
