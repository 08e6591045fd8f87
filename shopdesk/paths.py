"""Where ShopDesk keeps its files by default (the OS's per-user data folder)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "ShopDesk"


def default_database_path() -> Path:
    override = os.environ.get("SHOPDESK_DB")
    if override:
        return Path(override).expanduser()
    return user_data_path(APP_NAME, appauthor=False) / "shopdesk.sqlite"
