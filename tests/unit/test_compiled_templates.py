"""Templates are compiled once a process, whichever app (and whichever simulator of a test
run) renders them first; an edited template compiles again."""

import aiohttp_jinja2
import jinja2
import pytest
from aiohttp import web

from simulator.core import web as core_web

PAGES = ("wallet/cashier.html", "miniprogram/project.html", "console/index.html")


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    seen: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        seen.append(name)
        return compile_(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def pages_env() -> jinja2.Environment:
    app = web.Application()
    core_web.setup_pages(app)
    return aiohttp_jinja2.get_env(app)


def test_a_second_app_reuses_what_the_first_compiled(compiles):
    first, second = pages_env(), pages_env()
    for name in PAGES:
        first.get_template(name)
    compiled_by_first = list(compiles)
    for name in PAGES:
        assert second.get_template(name).render is not None
    assert compiles == compiled_by_first  # nothing more for the second app
    assert first.bytecode_cache is second.bytecode_cache


def test_an_edited_template_compiles_again(tmp_path, compiles):
    def render() -> str:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=core_web._shared_bytecode_cache()
        )
        return env.get_template("page.html").render(who="you")

    (tmp_path / "page.html").write_text("Hello {{ who }}")
    assert render() == "Hello you"
    assert render() == "Hello you"
    assert compiles == ["page.html"]  # the second environment reused it
    (tmp_path / "page.html").write_text("Goodbye {{ who }}")
    assert render() == "Goodbye you"
    assert compiles == ["page.html", "page.html"]
