"""Paths inside a mini program project: always relative to its root, no leading slash."""

from __future__ import annotations

import posixpath


def resolve_path(file: str, path: str) -> str:
    """A path written in ``file`` (relative like ``./a`` or ``../a``, or absolute from the
    project's root like ``/a``) as a project path. ``..`` past the root stays in the
    result, for the reader to refuse."""
    path = path.strip()
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(file), path)
    return posixpath.normpath(joined).lstrip("/") if joined else ""
