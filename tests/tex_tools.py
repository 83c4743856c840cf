"""Shared by the tests that run the real TeX toolchain: skip (or fail on CI) without it."""

from __future__ import annotations

import os
import shutil

import pytest


def require_tex(*programs: str) -> None:
    """Skip the test when a TeX program is not on PATH; on CI that is a failure."""
    missing = [name for name in programs if shutil.which(name) is None]
    if missing:
        message = f"TeX toolchain not installed: {', '.join(missing)} not on PATH"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must install it: see .ci/run)")
        pytest.skip(message)
