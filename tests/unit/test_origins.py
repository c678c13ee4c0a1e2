"""Our origins, named once (simulator.core.origins), and the ``--public-host`` setting."""

import pytest

from simulator.core import origins
from simulator.launch import cli
from simulator.launch import settings as settings_mod


@pytest.mark.parametrize(
    ("host", "public", "names"),
    [
        ("127.0.0.1", "", ("127.0.0.1", "localhost")),
        ("localhost", "", ("localhost", "127.0.0.1")),
        ("0.0.0.0", "", ("127.0.0.1", "localhost")),
        ("0.0.0.0", "192.168.1.20", ("192.168.1.20", "127.0.0.1", "localhost")),
        ("127.0.0.2", "", ("127.0.0.2",)),
        ("10.0.0.5", "Shop.Local", ("shop.local", "10.0.0.5")),
        ("::1", "", ("[::1]",)),
    ],
)
def test_the_names_a_simulator_answers_by(host, public, names):
    assert origins.host_names(host, public) == names


def test_urls_handed_out_carry_the_public_host():
    s = settings_mod.Settings(host="0.0.0.0", public_host="192.168.1.20", wallet_port=8300)
    assert s.base_url("wallet") == "http://192.168.1.20:8300"
    assert settings_mod.Settings(host="0.0.0.0").base_url("wallet") == "http://127.0.0.1:8300"
    assert origins.origins(("localhost", "127.0.0.1"), 8100) == ("http://localhost:8100", "http://127.0.0.1:8100")
    assert settings_mod.public_host_names(s)[0] == "192.168.1.20"


@pytest.mark.parametrize("bad", ["http://x.example", "x.example:8100", "x.example/path", "a b", "x_y.example"])
def test_a_public_host_is_a_name_only(bad):
    args = cli.build_parser().parse_args(["run", f"--public-host={bad}"])
    with pytest.raises(SystemExit, match="invalid --public-host"):
        settings_mod.from_namespace(args)


def test_the_public_host_variable(monkeypatch):
    monkeypatch.setenv("TRADEPAY_SIM_PUBLIC_HOST", "Phone-LAN.example")
    args = cli.build_parser().parse_args(["run"])
    assert settings_mod.from_namespace(args).public_host == "phone-lan.example"
