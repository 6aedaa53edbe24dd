"""net-snmp on Linux and the BSDs (the agent of most servers, NAS boxes and
embedded Linux): the kernel from sysDescr, the distribution from the
installed packages (hrSWInstalledTable)."""

from __future__ import annotations

import re

from collector.snmp.vendors.base import Claims, first_match

NAME = "net-snmp"
PREFIXES = ("1.3.6.1.4.1.8072", "1.3.6.1.4.1.2021")
SCALARS: list[str] = []
WALKS: list[list[str]] = []
_DISTRO_PACKAGES = (
    # (package-name regex, distro, version group)
    (r"^centos-release-(\d+)[-.](\d+)", "CentOS"),
    (r"^redhat-release(?:-server)?-(\d+)[-.](\d+)", "Red Hat Enterprise Linux"),
    (r"^rocky-release-(\d+)\.(\d+)", "Rocky Linux"),
    (r"^almalinux-release-(\d+)\.(\d+)", "AlmaLinux"),
    (r"^fedora-release-(\d+)", "Fedora"),
    (r"^sles-release-(\d+)\.?(\d*)", "SUSE Linux Enterprise Server"),
)


def distro_from_packages(packages: list[str]) -> tuple[str, str] | None:
    for name in packages:
        for pattern, distro in _DISTRO_PACKAGES:
            m = re.match(pattern, name)
            if m:
                return distro, ".".join(g for g in m.groups() if g)
        # Debian: base-files_12.4+deb12u5_amd64 ; Ubuntu: base-files_13ubuntu10_amd64
        m = re.match(r"^base-files[_-](\d+)(?:\.(\d+))?", name)
        if m and "ubuntu" not in name:
            return "Debian", m.group(1)
    return None


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    kernel = first_match(r"^Linux\s+\S+\s+(\d+\.\d+[^\s]*)", descr)
    if descr.startswith("Linux"):
        claims.add("os_name", "Linux", 65, "sysDescr (net-snmp)")
        claims.add("os_version", kernel, 60, "sysDescr kernel (net-snmp)")
        el = first_match(r"\.el(\d+)", descr)
        if el:
            claims.add("os_name", "CentOS/RHEL", 70, "sysDescr kernel .el release")
            claims.add("os_version", el, 70, "sysDescr kernel .el release")
        if kernel:
            claims.extras["kernel"] = kernel
            claims.add("kernel_version", kernel, 85, "sysDescr kernel (net-snmp)")
    for bsd in ("FreeBSD", "OpenBSD", "NetBSD"):
        if descr.startswith(bsd):
            claims.add("os_name", bsd, 80, "sysDescr (net-snmp)")
            claims.add("os_version", first_match(rf"^{bsd}\s+\S+\s+(\d+\.\d+\S*)", descr), 80, "sysDescr")
    distro = distro_from_packages(mibs.software)
    if distro:
        claims.add("os_name", distro[0], 85, "HOST-RESOURCES-MIB installed release package")
        claims.add("os_version", distro[1], 85, "HOST-RESOURCES-MIB installed release package")
