"""A mini program project compiled for the runtime: app.json, every page's and custom
component's AXML (as Vue templates), ACSS (as CSS) and JSON, checked as the IDE checks
them. The result is cached and made again only when a file of the project changed
(its modification time or size)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from .acss import compile_acss
from .appjson import log, page_config, parse_app, position
from .errors import CompileError
from .modules import wrap_module
from .paths import resolve_path
from .template import Translator

SKIPPED_DIRS = {"node_modules"}
CODE_SUFFIXES = (".js", ".sjs")


def is_project(root: Path) -> bool:
    """A folder holding ``app.json`` is a mini program project (else an HTML folder)."""
    return (Path(root) / "app.json").is_file()


class Project:
    """One project folder; ``bundle()`` is what the runtime needs to run it."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._bundle: dict | None = None
        self._error: CompileError | None = None
        self._texts: dict[str, tuple[int, int, str]] = {}
        self._modules: dict[str, tuple[int, int, str]] = {}
        self._reported: set[str] = set()

    # ---- files ---------------------------------------------------------------------------
    def file(self, path: str) -> Path | None:
        """The project file at ``path``, never outside the folder nor a hidden one."""
        parts = [p for p in path.split("/") if p]
        if not parts or any(p.startswith(".") or p == ".." or "\\" in p or "\0" in p for p in parts):
            return None
        candidate = self.root.joinpath(*parts).resolve()
        if candidate.is_file() and candidate.is_relative_to(self.root):
            return candidate
        return None

    def text(self, path: str) -> str | None:
        file = self.file(path)
        if file is None:
            return None
        st = file.stat()
        cached = self._texts.get(path)
        if cached and cached[:2] == (st.st_mtime_ns, st.st_size):
            return cached[2]
        text = file.read_text(encoding="utf-8", errors="replace")
        self._texts[path] = (st.st_mtime_ns, st.st_size, text)
        return text

    def _reader(self):
        def read(path: str, from_file: str, offset: int) -> str:
            text = self.text(path)
            if text is None:
                source = self.text(from_file) or ""
                raise CompileError.at(from_file, source, offset, f"file not found: {path}")
            return text

        return read

    def stamp(self) -> tuple:
        """Every file's (path, mtime, size): a change anywhere compiles again."""
        entries = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIPPED_DIRS)
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                st = os.stat(os.path.join(dirpath, name))
                rel = os.path.relpath(os.path.join(dirpath, name), self.root).replace(os.sep, "/")
                entries.append((rel, st.st_mtime_ns, st.st_size))
        return tuple(entries)

    # ---- compiling -----------------------------------------------------------------------
    def bundle(self) -> dict:
        """The compiled project, or CompileError (also printed in the log, once per change)."""
        with self._lock:
            stamp = self.stamp()
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self._bundle, self._error = self._compile(stamp), None
                except CompileError as exc:
                    self._bundle, self._error = None, exc
                    log.error("mini program compile error: %s\n%s", exc, exc.frame)
            if self._error is not None:
                raise self._error
            assert self._bundle is not None
            return self._bundle

    def _compile(self, stamp: tuple) -> dict:
        read = self._reader()
        app = parse_app(read("app.json", "app.json", 0))
        for key in app.ignored:
            if key not in self._reported:
                self._reported.add(key)
                log.warning("app.json: %r is not supported by the simulator and is ignored", key)
        app_text = read("app.json", "app.json", 0)
        templates: dict[str, dict] = {}
        scopes: dict[str, dict[str, str]] = {}
        components: dict[str, dict] = {}
        pages: dict[str, dict] = {}
        global_components = self._component_paths("app.json", app_text, app.components)
        for route in app.pages:
            for suffix in (".axml", ".js"):
                if self.file(route + suffix) is None:
                    raise CompileError.at(
                        "app.json", app_text, position(app_text, route), f"page {route}: {route}{suffix} not found"
                    )
            window, using = page_config(route + ".json", self.text(route + ".json"))
            page_components = {
                **global_components,
                **self._component_paths(route + ".json", self.text(route + ".json") or "", using),
            }
            pages[route] = self._unit(route, page_components, templates, scopes, components, global_components)
            pages[route]["config"] = {**app.window, **window}
        return {
            "app": app.as_json(),
            "appCss": self._css("app.acss"),
            "pages": pages,
            "components": components,
            "templates": templates,
            "templateScopes": scopes,
            "modules": [[e[0], e[1]] for e in stamp if e[0].endswith(CODE_SUFFIXES)],
        }

    def _unit(self, base: str, using: dict[str, str], templates, scopes, components, global_components) -> dict:
        """A page's or component's compiled AXML and ACSS; the components it uses too."""
        translator = Translator(self._reader(), set(using))
        out = translator.translate(base + ".axml")
        for name, tpl in out.templates.items():
            templates[name] = {"template": tpl, "sjs": [s.__dict__ for s in out.sjs]}
        scopes.update(out.template_scopes)
        for tag in out.uses:
            path = using[tag]
            if path in components:
                continue
            components[path] = {}  # a component that uses itself stops here
            json_text = self.text(path + ".json")
            _, own = page_config(path + ".json", json_text)
            own_components = {**global_components, **self._component_paths(path + ".json", json_text or "", own)}
            components[path] = self._unit(path, own_components, templates, scopes, components, global_components)
        return {
            "file": base + ".axml",
            "template": out.template,
            "sjs": [s.__dict__ for s in out.sjs],
            "components": {tag: using[tag] for tag in out.uses},
            "css": self._css(base + ".acss"),
        }

    def _component_paths(self, file: str, text: str, using: dict[str, str]) -> dict[str, str]:
        """usingComponents as project paths, each checked to have its .axml and .js."""
        out = {}
        for tag, written in using.items():
            if not written.startswith(("/", ".")):
                raise CompileError.at(
                    file,
                    text,
                    position(text, written),
                    f"component {tag}: npm components ({written}) are not supported",
                )
            path = resolve_path(file, written)
            for suffix in (".axml", ".js"):
                if self.file(path + suffix) is None:
                    raise CompileError.at(
                        file, text, position(text, written), f"component {tag}: {path}{suffix} not found"
                    )
            out[tag] = path
        return out

    def _css(self, path: str) -> str:
        if self.file(path) is None:
            return ""
        return compile_acss(path, self._reader())

    # ---- modules -------------------------------------------------------------------------
    def module(self, path: str) -> str | None:
        """A .js or .sjs file of the project as a runtime module definition."""
        if not path.endswith(CODE_SUFFIXES) or path.split("/")[0] in SKIPPED_DIRS:
            return None
        file = self.file(path)
        if file is None:
            return None
        st = file.stat()
        cached = self._modules.get(path)
        if cached and cached[:2] == (st.st_mtime_ns, st.st_size):
            return cached[2]
        code = wrap_module(path, file.read_text(encoding="utf-8", errors="replace"))
        self._modules[path] = (st.st_mtime_ns, st.st_size, code)
        return code
