"""``--miniprogram-domain DOMAIN=LOCAL``: repeatable, also ``TRADEPAY_SIM_MINIPROGRAM_DOMAIN``
(comma-separated), the flag winning over the variable; a bad mapping stops the start with
a message naming the option. Reading the option imports no app (the wallet's process is
started before the parent imports its apps)."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from simulator.launch import settings
from simulator.launch.startup import StartupError
from simulator.testing.sim import running_sim

ENV = "TRADEPAY_SIM_MINIPROGRAM_DOMAIN"


def parsed(args: list[str]) -> tuple[str, ...]:
    parser = argparse.ArgumentParser()
    settings.add_arguments(parser)
    return settings.from_namespace(parser.parse_args(args)).miniprogram_domain


def test_the_option_repeats_and_the_flag_wins_over_the_variable(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert parsed([]) == ()
    flags = ["--miniprogram-domain", "https://api.shop.example=http://127.0.0.1:9000"]
    flags += ["--miniprogram-domain", "https://img.shop.example=http://localhost:9001"]
    assert parsed(flags) == (
        "https://api.shop.example=http://127.0.0.1:9000",
        "https://img.shop.example=http://localhost:9001",
    )
    monkeypatch.setenv(ENV, "https://a.example=http://127.0.0.1:1, https://b.example=http://127.0.0.1:2")
    assert parsed([]) == ("https://a.example=http://127.0.0.1:1", "https://b.example=http://127.0.0.1:2")
    assert parsed(flags[:2]) == ("https://api.shop.example=http://127.0.0.1:9000",)


def test_reading_the_option_imports_no_app():
    code = (
        "import sys; from simulator.launch import settings; "
        "settings._convert('miniprogram_domain', 'https://a.example=http://127.0.0.1:1'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('miniprogram_mock', 'aiohttp')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("https://api.shop.example", "must be DOMAIN=LOCAL"),
        ("https://api.shop.example=http://127.0.0.1:9000/api", "must be an origin only"),
        ("https://a.example=http://127.0.0.1:1,https://a.example=http://127.0.0.1:2", "mapped twice"),
    ],
)
async def test_a_bad_mapping_stops_the_start_with_a_message_naming_the_option(tmp_path, keys_template, value, said):
    with pytest.raises(StartupError) as stopped:
        async with running_sim(
            tmp_path / "data", keys_from=keys_template, apps=("miniprogram",), miniprogram_domain=value
        ):
            pass
    assert "invalid --miniprogram-domain" in str(stopped.value) and said in str(stopped.value)
