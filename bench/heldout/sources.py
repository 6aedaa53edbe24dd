"""Where the held-out SNMP recordings come from (pinned) and which ones are in.

The held-out set is for measuring, never for tuning: identification is not
written against these recordings, and tests never assert scores on them.

Three kinds of source:

- ``snmpsim-data`` (PyPI, BSD-2-Clause): the recordings that have no
  expected file in ``tests/fixtures/snmp/snmpsim`` (those 32 are the tuning
  set). Read from the installed package, not copied (1.4 GB uncompressed).
- centreon-plugins' test walks (Apache-2.0), from ``/work/shared/data``:
  the half whose relative path hashes (sha1, first hex digit) to 8-f.
- recordings in public repositories, pinned to a commit, copied (and
  converted from ``snmpwalk`` text where needed) by ``import.py``.

Recordings left out, and why, are listed here too, so the set's edges are
reviewable.
"""

from __future__ import annotations

import hashlib

SNMPSIM_DATA = {"source": "snmpsim-data 1.0.1 (PyPI, BSD-2-Clause)", "licence": "BSD-2-Clause",
                "repository": "lextudio/snmpsim-data (PyPI package snmpsim-data 1.0.1)"}

CENTREON = {"repository": "centreon/centreon-plugins", "commit": "d3cc6de7ef7fa98a15c3051f10ac6b7c50cba49b",
            "licence": "Apache-2.0", "prefix": "tests/", "format": "snmpwalk"}

#: Recordings shipped inside the snmpsim package itself (a test dependency,
#: BSD-2-Clause): read from the installed package, never copied.
SNMPSIM_PACKAGE = {"source": "snmpsim 1.2 package data (PyPI, BSD-2-Clause)", "licence": "BSD-2-Clause",
                   "repository": "lextudio/snmpsim (PyPI package snmpsim)", "package": "snmpsim",
                   "files": [("recorded/linksys-system.snmprec", "snmpsim-repo__linksys-befsx41"),
                             ("recorded/solaris-system.snmprec", "snmpsim-repo__sun-blade-100")]}

#: Looked at and left out (source: reason).
LEFT_OUT = {
    "inexio/thola test/testdata (Arista vEOS, HPE VSR1000, Cisco 7206VXR, MikroTik CHR x2), "
    "glpi-project/glpi-agent resources/walks (ProCurve, Ricoh MP 171, Epson AL-CX11, H3C S5500, Force10 S50)":
        "BSD-2-Clause / GPL-2.0 recordings, but reachable here only through the fetch tool, whose snapshots "
        "may not be committed (workplace rule) and are in no package registry: labelled once, not kept",
    "snmpsim data/recorded/winxp-full-walk.snmprec, data/foreignformats/winxp1.snmpwalk":
        "the same Windows XP host (CRAY) as the tuning recording os/windows/XP",
    "snmpsim data/recorded/linux-full-walk.snmprec, data/foreignformats/linux.snmpwalk":
        "the same Slackware host (cray) as snmpsim-data os/linux/slackware, already held out",
    "snmpsim data/public.snmprec": "a demonstration file with simulated (variation) values",
    "snmpsim data/recorded/eaton-9PX-partial-walk.snmprec": "the tuning set's recordings",
    "MustardSeedNetworks/niac-go examples/device_walks": "Business Source License: not redistributable here",
    "bieniu/brother tests/fixtures": "library fixtures with types lost and placeholder serials, not recordings",
    "openwisp/netengine tests/static": "hand-made mocks, not recordings",
    "netdisco/snmp-info xt/fixtures": "synthetic test values",
    "networkupstools/nut-ddl": "upsc dumps (NUT variables), not SNMP recordings",
    "LibreNMS, Observium": "excluded by project policy (licence, independence); not fetched or read",
    "DataDog/integrations-core": "excluded: the definitions work may tune on it",
}

#: Held-out snmpsim-data recordings that are the same device (or the same
#: file) as another recording: scored separately, not in the headline.
DUPLICATES = {
    "UPS__juniper-ac": "network__wifi__juniper-wlc2800 (the same recording with its system group edited)",
    "network__firewall__legend-holdings-firewall-2": "network__firewall__legend-holdings-firewall (the same "
                                                     "recording, only the anonymised sysName differs)",
    "os__linux__unknown-008": "os__linux__unknown-005 (the same host recorded twice)",
    "network__wifi__aruba-7020": "tuning network__wifi__aruba-7010 (same controller: same sysDescr)",
    "network__switch__cisco-n5000-uk9": "tuning network__switch__cisco-n5000 (same switch)",
    "network__switch__h3c-e528-2": "tuning network__switch__h3c-e528-1 (same switch)",
    "network__appliance__cisco-ucs-6100-k9": "network__appliance__cisco-ucs-6100 (same chassis serial)",
    "network__router__huawei-unknown-002": "network__router__huawei-unknown-001 (same chassis serial)",
    "network__switch__h3c-comware-lsq1wcmd0": "network__switch__h3c-comware-lsq1wcmd0-2509p61 (same module "
                                              "and release; no serial in this one to tell them apart)",
    "centreon__hardware__server__lenovo__xcc__system-health-nonRecoverable":
        "centreon__hardware__server__lenovo__xcc__system-health-critical (the same controller, other sensor states)",
    "centreon__hardware__server__lenovo__xcc__system-health-ok":
        "centreon__hardware__server__lenovo__xcc__system-health-critical (the same controller, other sensor states)",
    "centreon__resources__network-interfaces": "centreon__os__linux__network-interfaces (the same walk)",
    "centreon__os__linux__list-diskio": "os__linux__slackware (the same host, cray, recorded later)",
    "centreon__os__linux__list-diskio-2": "os__linux__slackware (the same host, cray, recorded later)",
    "centreon__apps__protocols__collection-sputnik":
        "centreon__hardware__ups__inmatics__sputnik__hardware-ups-sputnik (the same walk)",
    "centreon__network__cisco__standard__ipsla-without-echoadminprecision":
        "centreon__network__cisco__standard__ipsla-with-echoadminprecision (the same IP SLA table)",
}

#: snmpsim-data recordings given no expected file: nothing in them can be
#: labelled, or they are not a real device.
NOT_LABELLED = {
    "os__linux__netmanage": "a constructed 'Dummy System' whose ENTITY rows are the tuning H3C E528's",
    "network__appliance__network-research-squid": "only Squid's own MIB (no system group, no hardware)",
    "unclassified__01": "'T1 BOS V1.0' with sysObjectID under enterprise 0: nothing a label could rest on",
    "unclassified__02": "no system group, nothing that names the device",
    "unclassified__03": "no system group, nothing that names the device",
}

#: centreon walks (held-out half) given no expected file: anonymised or too
#: trimmed for any field (no system group, no vendor subtree that names a maker).
CENTREON_NOT_LABELLED = {
    "centreon__apps__haproxy__haproxy": "HAProxy's MIB only: software, not a device",
    "centreon__apps__haproxy__haproxy-front": "HAProxy's MIB only: software, not a device",
    "centreon__apps__haproxy__haproxy-legacy": "HAProxy's MIB only: software, not a device",
    "centreon__apps__protocols__cpu": "3 HOST-RESOURCES values",
    "centreon__apps__protocols__memo": "HOST-RESOURCES only",
    "centreon__network__3com__3com-hardware-fake": "marked fake by its authors",
    "centreon__network__stormshield__stormshield-fake": "marked fake by its authors",
    "centreon__network__kairos__kairos": "sysDescr anonymised, IF-MIB only",
    "centreon__network__paloalto__paloalto2": "IF-MIB only",
    "centreon__os__linux__linux": "sysDescr anonymised; UCD/HOST-RESOURCES do not tell the OS",
    "centreon__os__linux__linux_ent": "no system group; net-snmp MIBs only",
    "centreon__os__windows__interfaces": "IF-MIB only",
    "centreon__os__windows__list-interfaces": "IF-MIB only",
    "centreon__os__windows__processcount": "HOST-RESOURCES processes only",
    "centreon__os__windows__listservise": "LAN Manager services only: Windows, but no version",
    "centreon__resources__os_windows_services_en": "LAN Manager services only: Windows, but no version",
    "centreon__storage__emc__datadomain__slim-datadomain-cleaning-running": "one value",
}


def centreon_held_out(relpath: str) -> bool:
    """The centreon half that is held out (the other half is for tuning)."""
    return hashlib.sha1(relpath.encode()).hexdigest()[0] in "89abcdef"


def centreon_case(relpath: str) -> str:
    stem = relpath.rsplit(".", 1)[0].replace("/snmp/", "/")
    return "centreon__" + stem.replace("/", "__")


def snmpsim_case(relpath: str) -> str:
    """The case name the tuning fixtures use: ``network/switch/x.snmprec.bz2``
    -> ``network__switch__x``."""
    return relpath.replace(".snmprec.bz2", "").replace(".snmprec", "").replace("/", "__")
