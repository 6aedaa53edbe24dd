"""Reading the small text files a user hands us (config, target lists,
secrets): bounded, UTF-8, and every failure one clear sentence.

A target list may come from process substitution (``--targets-file
<(grep ...)``), so pipes are read too; directories, devices and sockets are
refused before anything is read (``/dev/zero`` would never end).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class TextFileError(ValueError):
    """The file cannot be used; the message names it and says why."""


def read_text_file(path: str | Path, what: str, max_bytes: int) -> str:
    """The whole file as text, or :class:`TextFileError`. ``what`` names the
    file's role in messages ("config file", "target file")."""
    name = str(path)
    if not name:
        raise TextFileError(f"{what}: empty file name")
    if "\0" in name:
        raise TextFileError(f"{what} {name!r} is not a usable file name (it holds a NUL)")
    try:
        st = os.stat(name)
    except FileNotFoundError:
        raise TextFileError(f"{what} {name} does not exist") from None
    except OSError as exc:
        raise TextFileError(f"cannot read {what} {name}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise TextFileError(f"{what} {name} is a directory, not a file")
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        raise TextFileError(f"{what} {name} is not a regular file")
    if stat.S_ISREG(st.st_mode) and st.st_size > max_bytes:
        raise TextFileError(f"{what} {name} is too big ({st.st_size:,} bytes; at most {max_bytes:,})")
    try:
        # O_NONBLOCK: opening a FIFO nobody writes to must not hang
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise TextFileError(f"cannot read {what} {name}: {exc.strerror or exc}") from None
    try:
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(65536, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise TextFileError(f"cannot read {what} {name}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise TextFileError(f"{what} {name} is too big (more than {max_bytes:,} bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TextFileError(f"{what} {name} is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
                            "save it as UTF-8") from None
