"""Run readlist with ``python -m readlist``."""

from readlist.cli import main

raise SystemExit(main())
