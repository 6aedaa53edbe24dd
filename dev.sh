#!/usr/bin/env bash
# One entry point for a fresh machine (Debian 12 / Raspberry Pi OS):
#   ./dev.sh demo     install what is missing, build the lab, scan it, print the inventory
#   ./dev.sh test     install what is missing, run the whole test suite
#   ./dev.sh install  only install (apt packages when root, then .venv with the project)
#   ./dev.sh fuzz     the deep fuzz run: every parser, 100,000 mutated real inputs each (~20 min);
#                     --help for options (seed, inputs, targets, reproducing one input)
# Run as root: the lab and its tests need network namespaces (without root the
# lab tests are skipped, each with its reason).
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(python3 python3-venv python3-pip iproute2 nmap snmpd snmp arp-scan time util-linux procps)
TOOLS=(ip nmap snmpd snmpget arp-scan /usr/bin/time setpriv)

install_system() {
    local missing=()
    for tool in "${TOOLS[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "dev.sh: missing ${missing[*]}; install as root: apt-get install ${APT_PACKAGES[*]}" >&2
        return 0
    fi
    local had_snmpd=0
    command -v snmpd >/dev/null 2>&1 && had_snmpd=1
    echo "dev.sh: installing ${APT_PACKAGES[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
    # The lab runs its own agents; the package's machine-wide snmpd is not wanted.
    if [ $had_snmpd -eq 0 ] && [ -d /run/systemd/system ]; then
        systemctl disable --now snmpd.service >/dev/null 2>&1 || true
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
    fuzz) install_python; shift; PYTHONPATH=tests exec .venv/bin/python -m fuzz "$@" ;;
    *) echo "usage: ./dev.sh demo|test|install|fuzz" >&2; exit 2 ;;
esac
