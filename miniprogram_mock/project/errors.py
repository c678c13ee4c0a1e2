"""A compile error as the mini program IDE reports one: file, line, column, message and
the offending line of source with a caret under the column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CompileError(Exception):
    file: str  # path inside the project, e.g. "pages/index/index.axml"
    line: int  # 1-based
    column: int  # 1-based
    message: str
    frame: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"

    @classmethod
    def at(cls, file: str, source: str, offset: int, message: str) -> CompileError:
        """The error at a character offset of a file's text."""
        offset = max(0, min(offset, len(source)))
        line = source.count("\n", 0, offset) + 1
        start = source.rfind("\n", 0, offset) + 1
        end = source.find("\n", offset)
        text = source[start : end if end >= 0 else len(source)]
        column = offset - start + 1
        caret = "".join(c if c == "\t" else " " for c in text[: column - 1]) + "^"
        return cls(file, line, column, message, f"{line:>4} | {text}\n     | {caret}")

    @classmethod
    def whole_file(cls, file: str, message: str) -> CompileError:
        return cls(file, 1, 1, message)

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "frame": self.frame,
        }
