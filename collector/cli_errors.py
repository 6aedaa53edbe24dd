"""Every error a user meets is one line, ``lan-collector: error: ...``, with
the documented exit code: 2 bad input, 1 failure, 130 interrupted.

click's own screens (usage text plus "Error: ...", "Aborted!" with exit 1)
are turned into that line; a damaged inventory met while reading is said as
such; a bug is one line too, its traceback only with LAN_COLLECTOR_DEBUG=1.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

EXIT_USAGE, EXIT_FAILED, EXIT_INTERRUPTED = 2, 1, 130


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"lan-collector: error: {' '.join(message.split())}", err=True)  # always one line
    sys.exit(code)


def one_line_errors(run: Callable[[], Any], args: Any) -> NoReturn:
    """Run click's non-standalone main and turn what it raises into one line."""
    try:
        run()
    except click.NoSuchOption as exc:  # one wording whatever click's version
        where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        hint = f"; did you mean {', '.join(repr(p) for p in exc.possibilities)}?" if exc.possibilities else ""
        fail(f"No such option {exc.option_name!r}{hint}{where}")
    except click.UsageError as exc:
        where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        fail(" ".join(exc.format_message().split()).rstrip(".") + where)
    except click.ClickException as exc:
        fail(" ".join(exc.format_message().split()), exc.exit_code)
    except click.Abort:
        fail("interrupted", EXIT_INTERRUPTED)
    except sqlite3.DatabaseError as exc:  # damage quick_check did not see, met while reading
        from collector.inventory_file import damaged

        fail(str(damaged(db_arg(args), str(exc))), EXIT_FAILED)
    except Exception as exc:  # a bug: one line, the traceback only on request
        if os.environ.get("LAN_COLLECTOR_DEBUG"):
            raise
        fail(f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:300]} "
             "(LAN_COLLECTOR_DEBUG=1 shows the traceback; please report it)", EXIT_FAILED)
    sys.exit(0)


def db_arg(args: Any) -> str:
    argv = list(sys.argv[1:] if args is None else args)
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            return str(argv[i + 1])
        if arg.startswith("--db="):
            return arg[5:]
    return "the inventory file"


def write_failed(db: str, exc: Exception) -> str:
    """What a failed write did to the file, said only after checking it."""
    from collector.store import Inventory, StoreError

    try:
        Inventory(db, readonly=True).close()  # quick_check on open
    except StoreError as check:
        return f"inventory write failed ({exc}); {check}"
    return f"inventory write failed ({exc}); the file was checked afterwards: earlier data is intact"
