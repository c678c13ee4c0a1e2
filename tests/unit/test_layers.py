"""The layers of docs/architecture.md, held: the kernel (``simulator.core``) imports no app
and nothing above it; the apps (the wallet, the merchant, the mini program, the console)
import only the kernel and themselves, never each other, never the launcher or the test kit.

Two views of the same rule. Importing the modules in a fresh interpreter sees what really
loads, through every chain of imports, but only the imports that run at import time; reading
every ``import`` statement (``ast``) also sees the ones inside functions, which run later."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KERNEL = "simulator.core"
ABOVE_KERNEL = ("simulator.launch", "simulator.console", "simulator.testing", "simulator.check")
# The apps and where each lives. The console is an app like the others: it reads the
# other apps' journals over HTTP.
APPS = {
    "wallet_mock": ROOT / "wallet_mock",
    "merchant_server": ROOT / "merchant_server",
    "miniprogram_mock": ROOT / "miniprogram_mock",
    "simulator.console": ROOT / "simulator" / "console",
}
# ``python -m wallet_mock`` is the launcher's entry point for one app (``tradepay-sim run
# --apps wallet``): Python runs an app's ``__main__`` and never imports it with the app.
ENTRY_POINT = "__main__.py"


def modules_in(package: str, folder: Path) -> list[str]:
    """Every module of a package (its sub-packages included), by dotted name."""
    names = []
    for path in sorted(folder.rglob("*.py")):
        if path.name == ENTRY_POINT:
            continue
        parts = path.relative_to(folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join((package, *parts)))
    return names


def imported_by(modules: list[str]) -> set[str]:
    """The modules loaded in a fresh interpreter once ``modules`` have been imported."""
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def within(name: str, packages: tuple[str, ...] | list[str]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def written_imports(module: str, path: Path) -> set[str]:
    """Every module an ``import`` statement in ``path`` names (relative ones resolved),
    at the top or inside a function."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            # ``from . import journal``: the names may be modules themselves.
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def path_of(module: str) -> Path:
    base = ROOT.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def first_party(name: str) -> bool:
    """Ours: ``simulator`` (whose ``__init__`` holds only the version) or an app."""
    return within(name, ["simulator", *APPS])


def test_the_kernel_loads_no_app_and_nothing_above_it():
    kernel = modules_in(KERNEL, ROOT / "simulator" / "core")
    assert {"simulator.core.db", "simulator.core.signing", "simulator.core.journal"} <= set(kernel)
    loaded = imported_by(kernel)
    assert set(kernel) <= loaded  # they all imported
    wrong = sorted(name for name in loaded if within(name, [*ABOVE_KERNEL, *APPS]))
    assert wrong == [], f"importing the kernel loaded {wrong}"


def test_the_kernel_names_no_app_and_nothing_above_it_even_inside_functions():
    wrong = {}
    for module in modules_in(KERNEL, ROOT / "simulator" / "core"):
        named = written_imports(module, path_of(module))
        bad = sorted(name for name in named if first_party(name) and not within(name, [KERNEL]) and name != "simulator")
        if bad:
            wrong[module] = bad
    assert wrong == {}


@pytest.mark.parametrize("app", list(APPS))
def test_an_app_loads_only_the_kernel_and_itself(app):
    modules = modules_in(app, APPS[app])
    loaded = imported_by(modules)
    assert set(modules) <= loaded
    others = [other for other in APPS if other != app]
    wrong = sorted(name for name in loaded if within(name, [*others, *(a for a in ABOVE_KERNEL if a != app)]))
    assert wrong == [], f"importing {app} loaded {wrong}"


@pytest.mark.parametrize("app", list(APPS))
def test_an_app_names_only_the_kernel_and_itself_even_inside_functions(app):
    wrong = {}
    for module in modules_in(app, APPS[app]):
        named = written_imports(module, path_of(module))
        bad = [name for name in named if first_party(name) and not within(name, [app, KERNEL]) and name != "simulator"]
        if bad:
            wrong[module] = sorted(bad)
    assert wrong == {}


def test_the_conformance_run_talks_to_the_apps_over_http_only():
    """``simulator.check`` stands above the apps like the test kit, but drives the wallet
    and the user's merchant over HTTP alone: it loads no app, nor the launcher that
    starts them, nor the test kit."""
    modules = modules_in("simulator.check", ROOT / "simulator" / "check")
    assert "simulator.check.scenarios" in modules
    loaded = imported_by(modules)
    wrong = sorted(n for n in loaded if within(n, [*APPS, "simulator.launch", "simulator.testing"]))
    assert wrong == [], f"importing simulator.check loaded {wrong}"
    named = {m: written_imports(m, path_of(m)) for m in modules}
    bad = {
        m: sorted(
            n for n in names if first_party(n) and not within(n, ["simulator.check", KERNEL]) and n != "simulator"
        )
        for m, names in named.items()
    }
    assert {m: b for m, b in bad.items() if b} == {}


def test_the_import_reader_sees_what_it_must(tmp_path):
    """On a module written to break both rules, the reader names both: it resolves the
    relative import and sees the one inside a function."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from ..launch import runner\n\n\ndef later():\n    from wallet_mock import app\n", encoding="utf-8"
    )
    names = written_imports("simulator.core.probe", probe)
    assert {"simulator.launch", "simulator.launch.runner", "wallet_mock", "wallet_mock.app"} <= names
