"""The command line (never imports textual): `main` runs one command, returns its status.

It runs against an :class:`Environment` (streams, variables, editor, browser): the
process's own unless one is given, as tests do to run commands in-process.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import os
import sys
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from typing import TYPE_CHECKING, cast

from readlist.cli.environment import Environment, using
from readlist.cli.parser import COMMANDS, PATH_ARGUMENTS, build_parser
from readlist.cli.streams import err, warn
from readlist.errors import LibraryError, QueryError, ReadlistError

if TYPE_CHECKING:
    from readlist.cli.commands import Command

__all__ = ["Environment", "build_parser", "main"]

#: Allocations between young-generation collections (Python's default is 700).
GC_THRESHOLD = 100_000
#: Commands that report damaged records themselves (import) or are about the files.
_OWN_DAMAGE_REPORT = frozenset({"tui", "doctor", "restore", "import"})
#: Commands on one paper, which read the records without parsing them all when they can.
_LEAN = frozenset({"tag", "untag", "mark"})


def _lean(name: str, args: argparse.Namespace) -> bool:
    """Whether the command reads the records without parsing them all when it can.

    The commands on one paper, and an export of the whole library (its render cache
    hashes each record's bytes where they lie); a selection reads every record anyway.
    """
    if name == "export":
        chosen = ("query", "keys", "sort", "aux", "tex", "keep_updated")
        return not any(getattr(args, option, None) for option in chosen) and (
            getattr(args, "limit", None) is None
        )
    return name in _LEAN


def command_function(name: str) -> Command:
    """The function that runs command ``name``, its module imported now (see ``COMMANDS``)."""
    module, _, function = COMMANDS[name].partition(":")
    return cast("Command", getattr(importlib.import_module(f"readlist.cli.{module}"), function))


def _warn_damaged(lines: Sequence[str]) -> None:
    """Warn about records edited by hand that were read as well as they could be."""
    from readlist.cli.commands import MAX_WARNINGS_SHOWN

    for line in lines[:MAX_WARNINGS_SHOWN]:
        warn(f"{line} (see readlist doctor)")
    if len(lines) > MAX_WARNINGS_SHOWN:
        warn(f"… and {len(lines) - MAX_WARNINGS_SHOWN} more damaged records")


def _undecodable_argument(args: argparse.Namespace) -> str | None:
    """The first text argument (not a path) that held bytes that are not UTF-8, shown escaped."""
    for name, value in vars(args).items():
        if name in PATH_ARGUMENTS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not item.isascii():  # ASCII is always UTF-8
                from readlist.sources import shown_name

                if shown_name(item) != item:
                    return f"'{shown_name(item)}'"
    return None


def command_label(argv: Sequence[str]) -> str:
    """How the journal names this command: its words, without ``--library PATH``."""
    import shlex

    words: list[str] = []
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word == "--library":
            skip = True
        elif not word.startswith("--library="):
            words.append(word)
    return shlex.join(words) or "tui"


def main(argv: Sequence[str] | None = None, env: Environment | None = None) -> int:
    """Entry point of the ``readlist`` command; returns the exit status.

    ``env`` is what the command reads and writes (the process's streams by default).
    """
    env = env or Environment()
    own_stdout = env.stdout is sys.stdout  # asked before the redirection below
    # argparse prints usage and --help to sys.stdout/sys.stderr and exits: to env's streams.
    with using(env), redirect_stdout(env.stdout), redirect_stderr(env.stderr):
        try:
            return _run(argv, env, own_stdout=own_stdout)
        except SystemExit as exit:  # a usage error or --help, from argparse
            return exit.code if isinstance(exit.code, int) else 1 if exit.code else 0


def _run(argv: Sequence[str] | None, env: Environment, *, own_stdout: bool) -> int:
    """Parse ``argv`` and run its command in ``env`` (``own_stdout``: the process's stdout)."""
    stdout = env.stdout
    if isinstance(stdout, io.TextIOWrapper) and stdout.errors == "strict":
        # A path given in bytes that are not UTF-8 is printed escaped, never a traceback.
        stdout.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # A negated query term such as "-tag:read" looks like an option to argparse.
    if extra and hasattr(args, "query") and not any(e.startswith("--") for e in extra):
        args.query += extra
    elif len(extra) == 1 and getattr(args, "text", "") is None:
        # argparse gives an optional positional nothing when an option comes first:
        # "note KEY --append TEXT" must read like "note KEY TEXT --append".
        args.text = extra[0]
    elif len(extra) == 1 and args.command == "sync" and args.remote is None:
        # The same for "sync init --with-pdfs REMOTE".
        args.remote = extra[0]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    name = args.command or "tui"
    undecodable = _undecodable_argument(args)
    if undecodable is not None:
        err(f"argument {undecodable} is not valid UTF-8 text; nothing was changed")
        return 1
    # Loading or importing a library makes millions of objects and hardly any cycles:
    # a one-shot command runs without the cyclic collector (50k-paper listing import
    # 5.3 s -> 4.1 s, same peak memory); the interface, which runs for hours, collects
    # young objects 1/140 as often as Python's default.
    if name == "tui":
        gc.set_threshold(GC_THRESHOLD, 50, 100)
    else:
        gc.disable()
    from readlist.paths import library_path

    try:
        from readlist.services import open_library

        func = command_function(name)
        library = open_library(
            library_path(args.library, env.environ), warn=warn, lean=_lean(name, args)
        )
        library.command = command_label(sys.argv[1:] if argv is None else argv)
        status = func(args, library)
        if name not in _OWN_DAMAGE_REPORT:
            _warn_damaged(library.damaged(everywhere=name == "stats"))
        return status
    except LibraryError as error:
        from readlist.store.restore import explain_library_error

        err(explain_library_error(error, library_path(args.library, env.environ)))
        return 1
    except QueryError as error:  # the query is part of the command line: a usage error
        err(str(error))
        return 2
    except ReadlistError as error:
        err(str(error))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Downstream closed (e.g. `| head`): not an error worth reporting.
        if own_stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
