"""Where the shared static files and templates are: beside the packages in a checkout,
inside ``simulator/_assets`` in an installed wheel (this file is ``simulator/core/paths.py``)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_HERE.parent / "_assets" / name, _HERE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"tradepay-sim cannot find its {name}/ folder")


STATIC_DIR = _find("static")
TEMPLATES_DIR = _find("templates")
