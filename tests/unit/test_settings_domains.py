"""``--miniprogram-domain DOMAIN=LOCAL``: repeatable, also ``TRADEPAY_SIM_MINIPROGRAM_DOMAIN``
(comma-separated), the flag winning over the variable, a bad mapping named at start."""

from __future__ import annotations

import argparse

import pytest

from simulator.launch import settings

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


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("https://api.shop.example", "must be DOMAIN=LOCAL"),
        ("https://api.shop.example=http://127.0.0.1:9000/api", "must be an origin only"),
        ("https://a.example=http://127.0.0.1:1,https://a.example=http://127.0.0.1:2", "mapped twice"),
    ],
)
def test_a_bad_mapping_stops_the_start_with_a_message_naming_the_option(monkeypatch, value, said):
    monkeypatch.setenv(ENV, value)
    with pytest.raises(SystemExit) as stopped:
        parsed([])
    assert "invalid --miniprogram-domain" in str(stopped.value) and said in str(stopped.value)
