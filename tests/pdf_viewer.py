"""A stand-in PDF viewer for the tests (not a test module): records the arguments it got.

    READLIST_PDF_VIEWER="python pdf_viewer.py" readlist open --pdf KEY

Writes its argument list as JSON to ``$PDF_VIEWER_RECORD`` (atomically, so a test
polling for the file never reads half of it).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

record = Path(os.environ["PDF_VIEWER_RECORD"])
temp = record.with_suffix(".tmp")
temp.write_text(json.dumps(sys.argv[1:]), encoding="utf-8")
temp.replace(record)
