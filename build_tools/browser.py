"""Which headless browser to drive: whichever Chromium-family browser the machine has (Debian's
`chromium`, the GitHub runner's Chrome or Chromium, Ubuntu's `chromium-browser`). Never a download."""

from __future__ import annotations

import shutil

CANDIDATES = ("chromium", "google-chrome", "google-chrome-stable", "chromium-browser")


def find_browser() -> str:
    return next(filter(None, map(shutil.which, CANDIDATES)), "/usr/bin/chromium")
