"""The systemd units and config example, shipped as package data
(`lan-collector systemd` prints or installs them)."""
