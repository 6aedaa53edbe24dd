"""The few things definitions cannot say as data, as named pure functions.

A definition refers to a hook by name (``{hook: windows}``); the engine
calls ``HOOKS[name](view, field)`` and claims what it returns for that
field (``None``: nothing). Keep hooks few, small and pure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def windows(view: Any, field: str) -> str | None:
    """Windows product, NT version.build and role from sysDescr's build
    number and the sysObjectID (the build table is in assess.windows)."""
    from collector.assess.windows import windows_product

    info = windows_product(view.system("sys_descr"), view.system("sys_object_id"))
    if info is None:
        return None
    return {"os_name": info.get("name"), "os_version": info.get("version"), "os_build": info.get("version"),
            "device_class": info.get("role")}.get(field)


HOOKS: dict[str, Callable[[Any, str], str | None]] = {
    "windows": windows,
}
