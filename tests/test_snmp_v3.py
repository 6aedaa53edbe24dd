"""SNMPv3 against a real net-snmp agent on loopback: the USM combinations
the issue names (SHA-1/SHA-2 with DES/AES-128/AES-256), wrong keys, and a
GETBULK walk through authPriv."""

from __future__ import annotations

import asyncio
import shutil

import pytest
from snmpd_agent import run_snmpd

from collector.snmp.client import Agent, SnmpFailure
from collector.snmp.credentials import parse_credential

pytestmark = pytest.mark.skipif(shutil.which("snmpd") is None, reason="net-snmp snmpd not installed")
USERS = [("u-sha-des", "SHA", "sha", "DES", "des"), ("u-sha256-aes", "SHA-256", "sha256", "AES", "aes128"),
         ("u-sha512-aes256", "SHA-512", "sha512", "AES-256", "aes256"), ("u-md5", "MD5", "md5", None, None)]
AUTH, PRIV = "auth-pass-1234", "priv-pass-1234"


@pytest.fixture(scope="module")
def agent_port(tmp_path_factory):
    def config(port: int) -> list[str]:
        lines = ["sysName v3-test-agent"]
        for user, auth, _a, priv, _p in USERS:
            lines.append(f"createUser {user} {auth} {AUTH}" + (f" {priv} {PRIV}" if priv else ""))
            lines.append(f"rouser {user} {'priv' if priv else 'auth'}")
        return lines

    yield from run_snmpd(tmp_path_factory.mktemp("snmpd"), config)


def query(port, entry, oids=("1.3.6.1.2.1.1.5.0",), walk=None):
    from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

    async def run():
        engine = SnmpEngine()
        try:
            agent = Agent(engine, "127.0.0.1", parse_credential(entry, "test", {}), timeout=1.0, retries=1,
                          port=port)
            w = await agent.get(list(oids))
            if walk:
                await agent.walk(walk, w)
            return w
        finally:
            engine.close_dispatcher()

    return asyncio.run(run())


@pytest.mark.parametrize("user, _auth, auth_p, _priv, priv_p", USERS, ids=[u[0] for u in USERS])
def test_v3_security_levels(agent_port, user, _auth, auth_p, _priv, priv_p):
    entry = {"name": user, "version": "3", "user": user, "auth_protocol": auth_p, "auth_key": AUTH}
    if priv_p:
        entry.update(priv_protocol=priv_p, priv_key=PRIV)
    walk = query(agent_port, entry, walk=["1.3.6.1.2.1.2.2.1.2"])
    assert walk.text("1.3.6.1.2.1.1.5.0") == "v3-test-agent"
    assert walk.text("1.3.6.1.2.1.2.2.1.2.1") == "lo"  # a GETBULK walk through the same security


def test_wrong_key_is_an_auth_failure_not_a_timeout(agent_port):
    entry = {"name": "x", "version": "3", "user": "u-sha-des", "auth_protocol": "sha", "auth_key": "wrong-pass-99",
             "priv_protocol": "des", "priv_key": PRIV}
    with pytest.raises(SnmpFailure) as err:
        query(agent_port, entry)
    assert err.value.kind == "auth"


def test_unknown_user_is_an_auth_failure(agent_port):
    with pytest.raises(SnmpFailure) as err:
        query(agent_port, {"name": "x", "version": "3", "user": "nobody", "auth_protocol": "sha",
                           "auth_key": AUTH})
    assert err.value.kind == "auth"
