"""The CLI's argument parser: every command, its arguments and the checks made while parsing."""

from __future__ import annotations

import argparse
from typing import NoReturn

from readlist import __version__
from readlist.text import escape_controls

#: Where each command's function is, as ``module:function`` of :mod:`readlist.cli`: a
#: command imports only its own module (and what that needs), not every command's.
COMMANDS = {
    "import": "commands:cmd_import",
    "add": "adding:cmd_add",
    "enrich": "adding:cmd_enrich",
    "list": "commands:cmd_list",
    "show": "commands:cmd_show",
    "tag": "commands:cmd_tag",
    "untag": "commands:cmd_untag",
    "mark": "commands:cmd_mark",
    "note": "commands:cmd_note",
    "edit": "editing:cmd_edit",
    "open": "commands:cmd_open",
    "fetch-pdf": "pdfs:cmd_fetch_pdf",
    "remove": "commands:cmd_remove",
    "history": "history:cmd_history",
    "undo": "history:cmd_undo",
    "redo": "history:cmd_redo",
    "stats": "commands:cmd_stats",
    "export": "commands:cmd_export",
    "exports": "exports:cmd_exports",
    "rekey": "bib:cmd_rekey",
    "check": "bib:cmd_check",
    "sync": "sync:cmd_sync",
    "resolve": "sync:cmd_resolve",
    "merge-driver": "sync:cmd_merge_driver",
    "tui": "commands:cmd_tui",
    "doctor": "maintenance:cmd_doctor",
    "restore": "maintenance:cmd_restore",
}
#: ``readlist.models.Status``'s values, spelled out so that the parser does not load the
#: models (a test keeps the two equal).
STATUSES = ("unread", "reading", "read")
#: ``readlist.importers.FORMATS``, spelled out so that commands which import nothing
#: do not load the importers (a test keeps the two equal).
IMPORT_FORMATS = ("listing", "search", "bibtex")


def _sort_option(value: str) -> str:
    """``--sort``'s value checked while parsing, so a wrong one is a usage error (exit 2)."""
    from readlist.errors import QueryError
    from readlist.query import sort_name

    try:
        return sort_name(value)
    except QueryError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class _ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, with the user's text in its error lines escaped, never raw."""

    def error(self, message: str) -> NoReturn:
        """Exit 2 with ``message`` (which quotes the arguments) made safe for a terminal."""
        super().error(escape_controls(message))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = _ArgumentParser(
        prog="readlist",
        description="A keyboard-driven reading list for research papers.",
        epilog="With no command, opens the interactive interface.",
    )
    parser.add_argument("--version", action="version", version=f"readlist {__version__}")
    parser.add_argument(
        "--library",
        metavar="PATH",
        help="library file (default: $READLIST_LIBRARY, else the user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help)

    def add_selection(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "query", nargs="*", help="query (e.g. tag:ml status:unread year:>=2023)"
        )
        command.add_argument(
            "--sort", type=_sort_option, help="published, added, title, author, status or key"
        )
        command.add_argument("--limit", type=int, metavar="N", help="at most N papers")

    command = add("import", "import listing, search-result or BibTeX files")
    command.add_argument("files", nargs="*", metavar="FILE", help="files to import ('-' is stdin)")
    command.add_argument("--format", choices=IMPORT_FORMATS, help="skip format detection")
    command.add_argument("--tag", action="append", default=[], metavar="T", help="tag every paper")
    command.add_argument("--sample", action="store_true", help="import the bundled sample listings")
    command.add_argument("--json", action="store_true", help="print the report as JSON")
    command.add_argument(
        "--dry-run", action="store_true", help="report what would be added or merged; write nothing"
    )

    command = add("add", "add papers by arXiv id, DOI, ACL Anthology id or URL")
    command.add_argument(
        "things", nargs="+", metavar="THING", help="an id or URL of a paper ('-' reads one a line)"
    )
    command.add_argument("--tag", action="append", default=[], metavar="T", help="tag every paper")
    command.add_argument("--pdf", action="store_true", help="download each paper's PDF too")
    command.add_argument("--json", action="store_true", help="print what was done as JSON")

    command = add("enrich", "find arXiv ids for papers without one, by exact title")
    command.add_argument("query", nargs="*", help="query (default: every paper)")
    command.add_argument("--json", action="store_true", help="print what was found as JSON")

    command = add("list", "list papers matching a query")
    add_selection(command)
    command.add_argument("--json", action="store_true", help="print papers as JSON")

    command = add("show", "show one paper")
    command.add_argument("key", help="citation key or a unique prefix")
    command.add_argument("--json", action="store_true", help="print the paper as JSON")

    for name, help in (("tag", "add tags"), ("untag", "remove tags")):
        command = add(name, f"{help} to a paper" if name == "tag" else f"{help} from a paper")
        command.add_argument("key", help="citation key or a unique prefix")
        command.add_argument("tags", nargs="+", metavar="TAG")

    command = add("mark", "set a paper's read status")
    command.add_argument("key", help="citation key or a unique prefix")
    command.add_argument("status", choices=STATUSES)

    command = add("note", "set a paper's note (no text: edit in $EDITOR)")
    command.add_argument("key", help="citation key or a unique prefix")
    command.add_argument("text", nargs="?", help="the note text ('-' reads stdin)")
    command.add_argument("--append", action="store_true", help="add to the note instead")

    command = add("edit", "edit a paper's metadata as a BibTeX entry in $EDITOR")
    command.add_argument("key", help="citation key or a unique prefix")

    command = add("open", "open a paper's code (or a search for it) in the browser")
    command.add_argument("key", help="citation key or a unique prefix")
    command.add_argument(
        "--paper", action="store_true", help="open its arXiv or DOI page (else a search)"
    )
    command.add_argument(
        "--pdf", action="store_true", help="open its downloaded PDF, else its PDF link"
    )

    command = add("fetch-pdf", "download papers' PDFs into papers/ by the library")
    command.add_argument("keys", nargs="+", metavar="KEY", help="citation keys or unique prefixes")

    command = add("remove", "remove papers from the library")
    command.add_argument("keys", nargs="+", metavar="KEY")
    command.add_argument(
        "-y", "--yes", action="store_true", help="do not ask (needed without a terminal)"
    )

    command = add("history", "show the change journal, newest first")
    command.add_argument("key", nargs="?", help="only the changes to this paper")
    command.add_argument("--limit", type=int, metavar="N", help="at most N commands (default 20)")
    command.add_argument("--json", action="store_true", help="print the entries as JSON")

    command = add("undo", "reverse the last N commands (fields changed since are kept)")
    command.add_argument("count", nargs="?", type=int, default=1, metavar="N", help="default 1")

    command = add("redo", "replay the last N commands undone")
    command.add_argument("count", nargs="?", type=int, default=1, metavar="N", help="default 1")

    command = add("stats", "counts by status, tag and category")
    command.add_argument("--json", action="store_true", help="print as JSON")

    command = add("export", "export citations (bibtex, csl-json, markdown)")
    command.add_argument(
        "export_format", metavar="FORMAT", choices=["bibtex", "csl-json", "markdown"]
    )
    add_selection(command)
    command.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")
    command.add_argument("--keys", metavar="K1,K2", help="only these keys (or unique prefixes)")
    command.add_argument("--ascii", action="store_true", help="LaTeX accents instead of UTF-8")
    command.add_argument("--aux", metavar="FILE", help="the papers a LaTeX .aux file cites")
    command.add_argument(
        "--tex", metavar="FILE", help="the papers a .tex file and the files it includes cite"
    )
    command.add_argument(
        "--keep-updated",
        action="store_true",
        help="rewrite FILE whenever a change to the library changes it",
    )
    command.set_defaults(usage_error=command.error)
    command.add_argument(
        "--dialect",
        choices=["bibtex", "biblatex"],
        default="bibtex",
        help="how aliases are written: a copy of the entry per alias (bibtex), or ids (biblatex)",
    )

    command = add("exports", "list the exports kept up to date, or remove one")
    command.add_argument("action", nargs="?", choices=["remove"], help="remove one")
    command.add_argument("which", nargs="?", metavar="FILE|N", help="its file or number")
    command.add_argument("--json", action="store_true", help="print as JSON")
    command.set_defaults(usage_error=command.error)

    command = add("rekey", "rename keys by the key formula; old keys become aliases")
    command.add_argument("query", nargs="*", help="query (default: every paper)")
    command.add_argument("--dry-run", action="store_true", help="show the new keys; change nothing")
    command.add_argument(
        "--force", action="store_true", help="rename keys imported from .bib files too"
    )
    command.add_argument("--json", action="store_true", help="print the renames as JSON")

    command = add("check", "check BibTeX entries (fields, DOI, ISBN, braces, keys)")
    command.add_argument("query", nargs="*", help="query (default: every paper)")
    command.add_argument("--json", action="store_true", help="print the problems as JSON")

    command = add("sync", "sync the library through git (sync init/clone to set up)")
    command.add_argument("action", nargs="?", choices=["init", "clone"], help="set up")
    command.add_argument("remote", nargs="?", metavar="REMOTE", help="a git remote (URL or path)")
    command.add_argument("--json", action="store_true", help="print the report as JSON")
    command.add_argument(
        "--with-pdfs", action="store_true", help="sync init: let the PDFs folder travel too"
    )
    command.set_defaults(usage_error=command.error)

    command = add("resolve", "clear the sync conflicts of papers you have looked at")
    command.add_argument("keys", nargs="+", metavar="KEY", help="citation keys")

    command = add("merge-driver", "git's merge driver for library files")
    command.add_argument("base", metavar="BASE")
    command.add_argument("ours", metavar="OURS")
    command.add_argument("theirs", metavar="THEIRS")
    command.add_argument("path", nargs="?", metavar="PATH", help="the file's name in git (%%P)")

    add("tui", "open the interactive interface (the default)")

    # -- doctor and restore --
    command = add("doctor", "check the library file for damage")
    command.add_argument(
        "--fix", action="store_true", help="delete leftovers of killed saves and syncs"
    )
    command = add("restore", "list backups (newest first), or restore one")
    command.add_argument("backup", nargs="?", metavar="BACKUP", help="a date (2026-11-24) or file")
    # -- end of doctor and restore --
    return parser


#: Arguments that name files: any bytes the system allows are kept (as surrogate escapes).
PATH_ARGUMENTS = frozenset(
    {"library", "files", "output", "backup", "aux", "tex", "which", "base", "ours", "theirs"}
)
