"""SNMP credentials: v1, v2c and v3 (USM), each limited to the ranges it may
be sent to, tried in the order configured.

Secrets never leave this module's objects: a credential is referred to by
its ``name`` in the inventory, in logs and in the scan's settings. A secret
may be written inline, as ``env:NAME`` (read from the environment) or as
``file:/path`` (the file's first line), so config files and unit files need
not hold it.

TOML::

    [[snmp.credentials]]
    name = "office-v3"
    version = "3"
    user = "inventory"
    auth_protocol = "sha256"          # md5 sha sha224 sha256 sha384 sha512
    auth_key = "env:SNMP_AUTH"
    priv_protocol = "aes256"          # des 3des aes aes128 aes192 aes256
    priv_key = "file:/etc/lan-collector/snmp-priv"
    ranges = ["10.1.0.0/16"]          # default: every address in scope

    [[snmp.credentials]]
    name = "legacy-printers"
    version = "1"
    community = "public"
    ranges = ["10.1.5.0/24"]
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from typing import Any

AUTH_PROTOCOLS = ("md5", "sha", "sha224", "sha256", "sha384", "sha512")
PRIV_PROTOCOLS = ("des", "3des", "aes", "aes128", "aes192", "aes256")
VERSIONS = ("1", "2c", "3")
_KEYS = {"name", "version", "community", "user", "auth_protocol", "auth_key", "priv_protocol", "priv_key",
         "ranges", "context"}


class CredentialError(ValueError):
    pass


@dataclass(frozen=True)
class Credential:
    name: str
    version: str  # "1" | "2c" | "3"
    community: str | None = field(default=None, repr=False)
    user: str | None = None
    auth_protocol: str | None = None
    auth_key: str | None = field(default=None, repr=False)
    priv_protocol: str | None = None
    priv_key: str | None = field(default=None, repr=False)
    context: str = ""
    ranges: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    #: a plain community from ``snmp.communities``: tried as v2c, then as v1
    v1_fallback: bool = False

    @property
    def level(self) -> str:
        if self.version != "3":
            return "community"
        if self.priv_protocol:
            return "authPriv"
        return "authNoPriv" if self.auth_protocol else "noAuthNoPriv"

    def allows(self, ip: str) -> bool:
        """May this credential be sent to ``ip``? (no ranges = anywhere in scope)"""
        if not self.ranges:
            return True
        addr = ipaddress.ip_address(ip)
        return any(addr in net for net in self.ranges)

    @property
    def is_default_community(self) -> bool:
        return self.version != "3" and self.community in {"public", "private"}

    def describe(self) -> str:
        """Safe to print: name, version, level, ranges; never a secret."""
        ranges = ", ".join(str(n) for n in self.ranges) or "anywhere in scope"
        return f"{self.name} (v{self.version}, {self.level}; {ranges})"

    def auth_data(self) -> Any:
        """The pysnmp authentication object for this credential."""
        from pysnmp.hlapi.v3arch import asyncio as h

        if self.version != "3":
            return h.CommunityData(self.community or "", mpModel=0 if self.version == "1" else 1)
        auth = {
            "md5": h.usmHMACMD5AuthProtocol, "sha": h.usmHMACSHAAuthProtocol,
            "sha224": h.usmHMAC128SHA224AuthProtocol, "sha256": h.usmHMAC192SHA256AuthProtocol,
            "sha384": h.usmHMAC256SHA384AuthProtocol, "sha512": h.usmHMAC384SHA512AuthProtocol,
        }.get(self.auth_protocol or "", h.usmNoAuthProtocol)
        priv = {
            "des": h.usmDESPrivProtocol, "3des": h.usm3DESEDEPrivProtocol, "aes": h.usmAesCfb128Protocol,
            "aes128": h.usmAesCfb128Protocol, "aes192": h.usmAesCfb192Protocol, "aes256": h.usmAesCfb256Protocol,
        }.get(self.priv_protocol or "", h.usmNoPrivProtocol)
        return h.UsmUserData(self.user or "", self.auth_key, self.priv_key, authProtocol=auth, privProtocol=priv)


def _secret(value: Any, where: str, environ: dict[str, str]) -> str:
    if not isinstance(value, str) or not value:
        raise CredentialError(f"{where}: expected a non-empty string")
    if value.startswith("env:"):
        name = value[4:]
        if name not in environ:
            raise CredentialError(f"{where}: environment variable {name} is not set")
        return environ[name]
    if value.startswith("file:"):
        try:
            with open(value[5:], "rb") as fh:  # a secret is a line: never read a device or a huge file whole
                lines = fh.read(65536).decode("utf-8").splitlines()
        except OSError as exc:
            raise CredentialError(f"{where}: cannot read {value[5:]}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CredentialError(f"{where}: {value[5:]} is not UTF-8 text") from None
        except ValueError:  # a NUL in the path
            raise CredentialError(f"{where}: {value[5:]!r} is not a usable file name") from None
        if not lines or not lines[0].strip():
            raise CredentialError(f"{where}: {value[5:]} is empty")
        return lines[0].strip()
    return value


def parse_credential(entry: Any, where: str, environ: dict[str, str] | None = None) -> Credential:
    """One ``[[snmp.credentials]]`` table -> Credential, with clear errors."""
    environ = dict(os.environ if environ is None else environ)
    if not isinstance(entry, dict):
        raise CredentialError(f"{where}: expected a table, got {type(entry).__name__}")
    unknown = set(entry) - _KEYS
    if unknown:
        raise CredentialError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(_KEYS))})")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise CredentialError(f"{where}: every credential needs a name (it is how the inventory refers to it)")
    where = f"{where} ({name})"
    version = str(entry.get("version", "2c")).lower().lstrip("v")
    if version not in VERSIONS:
        raise CredentialError(f"{where}: version must be one of 1, 2c, 3; got {entry.get('version')!r}")
    ranges = []
    raw_ranges = entry.get("ranges", [])
    if not isinstance(raw_ranges, list):
        raise CredentialError(f"{where}: ranges must be a list of networks")
    for r in raw_ranges:
        try:
            ranges.append(ipaddress.ip_network(str(r), strict=False))
        except ValueError:
            raise CredentialError(f"{where}: {r!r} is not a network (use CIDR, e.g. 10.0.0.0/24)") from None
    if version != "3":
        if "community" not in entry:
            raise CredentialError(f"{where}: SNMP v{version} needs a community")
        extra = {"user", "auth_key", "priv_key", "auth_protocol", "priv_protocol"} & set(entry)
        if extra:
            raise CredentialError(f"{where}: {', '.join(sorted(extra))} only apply to version 3")
        return Credential(name, version, community=_secret(entry["community"], f"{where} community", environ),
                          ranges=tuple(ranges))
    user = entry.get("user")
    if not isinstance(user, str) or not user:
        raise CredentialError(f"{where}: SNMP v3 needs a user")
    auth_p = entry.get("auth_protocol")
    priv_p = entry.get("priv_protocol")
    auth_p = str(auth_p).lower().replace("-", "") if auth_p else None
    priv_p = str(priv_p).lower().replace("-", "") if priv_p else None
    if auth_p and auth_p not in AUTH_PROTOCOLS:
        raise CredentialError(f"{where}: auth_protocol must be one of {', '.join(AUTH_PROTOCOLS)}")
    if priv_p and priv_p not in PRIV_PROTOCOLS:
        raise CredentialError(f"{where}: priv_protocol must be one of {', '.join(PRIV_PROTOCOLS)}")
    if priv_p and not auth_p:
        raise CredentialError(f"{where}: privacy needs authentication (set auth_protocol and auth_key)")
    auth_key = _secret(entry.get("auth_key"), f"{where} auth_key", environ) if auth_p else None
    priv_key = _secret(entry.get("priv_key"), f"{where} priv_key", environ) if priv_p else None
    for label, key in (("auth_key", auth_key), ("priv_key", priv_key)):
        if key is not None and len(key) < 8:
            raise CredentialError(f"{where}: {label} must be at least 8 characters (RFC 3414)")
    context = entry.get("context", "")
    return Credential(name, "3", user=user, auth_protocol=auth_p, auth_key=auth_key, priv_protocol=priv_p,
                      priv_key=priv_key, context=str(context), ranges=tuple(ranges))


def parse_v3_flag(text: str, index: int, environ: dict[str, str] | None = None) -> Credential:
    """``--snmp-v3 USER[:AUTHPROTO:AUTHKEY[:PRIVPROTO:PRIVKEY]]`` (keys may be env:NAME / file:PATH)."""
    parts = text.split(":")
    # re-join env:/file: prefixes split above
    merged: list[str] = []
    for part in parts:
        if merged and merged[-1] in ("env", "file"):
            merged[-1] += ":" + part
        else:
            merged.append(part)
    if len(merged) not in (1, 3, 5):
        raise CredentialError("--snmp-v3: expected USER, USER:AUTHPROTO:AUTHKEY or "
                              "USER:AUTHPROTO:AUTHKEY:PRIVPROTO:PRIVKEY")
    entry: dict[str, Any] = {"name": f"v3-flag-{index}", "version": "3", "user": merged[0]}
    if len(merged) >= 3:
        entry.update(auth_protocol=merged[1], auth_key=merged[2])
    if len(merged) == 5:
        entry.update(priv_protocol=merged[3], priv_key=merged[4])
    return parse_credential(entry, "--snmp-v3", environ)


def credentials_from(settings: Any, environ: dict[str, str] | None = None) -> list[Credential]:
    """Every credential the settings give, in the order they are tried:
    explicit ``snmp.credentials`` tables, ``--snmp-v3`` users, then the
    ``snmp.communities`` list (each tried as v2c, then v1)."""
    out: list[Credential] = []
    for i, entry in enumerate(getattr(settings, "snmp_credentials", []) or []):
        out.append(entry if isinstance(entry, Credential) else parse_credential(entry, f"snmp.credentials[{i}]", environ))
    for i, text in enumerate(getattr(settings, "snmp_v3", []) or []):
        out.append(parse_v3_flag(text, i + 1, environ))
    for i, community in enumerate(getattr(settings, "snmp_communities", []) or []):
        out.append(Credential(f"community-{i + 1}", "2c", community=community, v1_fallback=True))
    names = [c.name for c in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise CredentialError(f"credential names must be unique: {', '.join(dupes)}")
    return out
