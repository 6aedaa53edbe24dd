#!/usr/bin/env bash
# One entry point for a fresh machine (Debian 12 / Raspberry Pi OS):
#   ./dev.sh demo     install what is missing, build the lab, scan it, print the inventory
#   ./dev.sh test     install what is missing, run the whole test suite
#   ./dev.sh install  only install (apt packages when root, then .venv with the project)
#   ./dev.sh release-check  build the wheel and sdist, install the wheel into a fresh venv,
#                     scan the lab with it as root and with the systemd unit's privileges
#   ./dev.sh min-deps install the declared minimum versions into a fresh venv, run the unit tests
#   ./dev.sh fuzz     the deep fuzz run: every parser, 100,000 mutated real inputs each (~40 min);
#                     --help for options (seed, inputs, targets, reproducing one input)
# Run as root: the lab and its tests need network namespaces (without root the
# lab tests are skipped, each with its reason).
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(python3 python3-venv python3-pip iproute2 nmap snmpd snmp arp-scan time util-linux procps samba wsdd
              avahi-daemon minidlna cups-daemon udhcpc gmediarender gstreamer1.0-plugins-base)
TOOLS=(ip nmap snmpd snmpget arp-scan /usr/bin/time setpriv smbd nmbd wsdd avahi-daemon minidlnad cupsd udhcpc
       gmediarender)

install_system() {
    local missing=()
    for tool in "${TOOLS[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "dev.sh: missing ${missing[*]}; install as root: apt-get install ${APT_PACKAGES[*]}" >&2
        return 0
    fi
    local had_snmpd=0 had_samba=0
    command -v snmpd >/dev/null 2>&1 && had_snmpd=1
    command -v smbd >/dev/null 2>&1 && had_samba=1
    echo "dev.sh: installing ${APT_PACKAGES[*]}" >&2
    apt-get update -qq
    # Daemons in these packages (avahi, minidlna, cups, gmediarender, ...) must
    # never start on the machine's real network, not even for a moment after
    # installation: policy-rc.d forbids package scripts to start services.
    local made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null \
        || { [ $made_policy -eq 1 ] && rm -f /usr/sbin/policy-rc.d; return 1; }
    [ $made_policy -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    # The lab runs its own agents and daemons; the packages' machine-wide
    # services are not wanted (avahi, minidlna and cups would announce the
    # machine on its real network).
    if [ -d /run/systemd/system ]; then
        [ $had_snmpd -eq 0 ] && systemctl disable --now snmpd.service >/dev/null 2>&1 || true
        for unit in avahi-daemon.socket avahi-daemon.service minidlna.service cups.socket cups.path cups.service \
                    gmediarender.service; do
            systemctl disable --now "$unit" >/dev/null 2>&1 || true
        done
    fi
    # Likewise Samba's and wsdd's machine-wide daemons: the lab starts its own per host.
    if [ $had_samba -eq 0 ] && [ -d /run/systemd/system ]; then
        systemctl disable --now smbd.service nmbd.service samba-ad-dc.service wsdd.service >/dev/null 2>&1 || true
    fi
}

install_python() {
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv
    fi
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
}

case "${1:-}" in
    install) install_system; install_python ;;
    demo) install_system; install_python; shift; exec .venv/bin/lan-collector lab demo "$@" ;;
    test) install_system; install_python; shift; exec .venv/bin/python -m pytest -q "$@" ;;
    release-check) install_system; install_python; shift; exec .venv/bin/python tools/release_check.py "$@" ;;
    min-deps)
        install_system; install_python; shift
        venv=$(mktemp -d /tmp/lc-min-deps.XXXXXX)
        chmod 755 "$venv"  # tests run the program as an unprivileged user too
        trap 'rm -rf "$venv"' EXIT
        .venv/bin/python tools/min_constraints.py > "$venv/constraints.txt"
        echo "dev.sh: declared minimums: $(tr '\n' ' ' < "$venv/constraints.txt")" >&2
        python3 -m venv "$venv/venv"
        "$venv/venv/bin/pip" install -q --disable-pip-version-check -c "$venv/constraints.txt" -e '.[test]'
        "$venv/venv/bin/python" -m pytest -q -p no:cacheprovider -m "not lab" "$@" ;;
    fuzz) install_python; shift; PYTHONPATH=tests exec .venv/bin/python -m fuzz "$@" ;;
    *) echo "usage: ./dev.sh demo|test|install|release-check|min-deps|fuzz" >&2; exit 2 ;;
esac
