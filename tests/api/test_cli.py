"""The ``tradepay-sim`` command's surface: ``--help`` everywhere, an environment variable
for every option of every subcommand, and ``reset`` / ``credentials`` / ``trace`` against
a running simulator (the plugin's, on its own thread, so these blocking calls can run)."""

import json
import re
import subprocess
import sys

import pytest

from simulator.launch import cli
from simulator.testing.sim import free_ports

COMMANDS = ("run", "credentials", "reset", "trace", "check-merchant")


def subparsers(parser):
    (group,) = [a for a in parser._actions if a.dest == "command"]
    return group.choices


def ports(sim, apps=("miniprogram", "merchant", "wallet")) -> list[str]:
    return [arg for app in apps for arg in (f"--{app}-port", sim.urls[app].rsplit(":", 1)[1])]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_a_variable_for_every_option(command, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main([command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    options = [a for a in subparsers(cli.build_parser())[command]._actions if a.option_strings and a.dest != "help"]
    assert options
    for action in options:
        assert re.search(
            rf"\[env\s+TRADEPAY_SIM_{action.dest.upper()}\]|\[env\s+TRADEPAY_SIM_{command.upper().replace('-', '_')}_"
            rf"{action.dest.upper()}\]",
            action.help,
        ), action.dest
        assert action.option_strings[0] in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_variable_sets_its_option(command, monkeypatch):
    positional = ["ORD1"] if command == "trace" else []
    for action in [
        a for a in subparsers(cli.build_parser())[command]._actions if a.option_strings and a.dest != "help"
    ]:
        env = re.search(r"\[env\s+(\w+)\]", action.help).group(1)
        if action.nargs == 0:
            value, expected = "1", True
        elif action.choices:
            value = expected = next(c for c in action.choices if c != action.default)
        else:
            value = expected = "from-env"
        monkeypatch.setenv(env, value)
        args = subparsers(cli.build_parser())[command].parse_args(positional)
        assert getattr(args, action.dest) == expected, env
        assert args.env_errors == []
        monkeypatch.delenv(env)


def test_a_flag_wins_over_its_variable(monkeypatch):
    monkeypatch.setenv("TRADEPAY_SIM_WALLET_PORT", "9301")
    run = subparsers(cli.build_parser())["run"]
    assert run.parse_args([]).wallet_port == "9301"
    assert run.parse_args(["--wallet-port", "9302"]).wallet_port == "9302"


def test_a_bad_variable_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setenv("TRADEPAY_SIM_TRACE_ORDER", "sideways")
    with pytest.raises(SystemExit) as exited:
        cli.main(["trace", "ORD1"])
    assert exited.value.code == 2
    assert "TRADEPAY_SIM_TRACE_ORDER='sideways': choose among step, time" in capsys.readouterr().err
    # ... and only for trace: the other commands still run (here: nothing to reset).
    assert cli.main(["reset", "--wallet-port", str(free_ports(1)[0]), "--apps", "wallet"]) == 1
    monkeypatch.setenv("TRADEPAY_SIM_WALLET_PORT", "eighty")
    with pytest.raises(SystemExit, match="invalid --wallet-port 'eighty'"):
        cli.main(["credentials"])


def test_reset_empties_every_running_app(tradepay_sim, capsys):
    before = tradepay_sim.balance()
    journey = tradepay_sim.journey()
    assert tradepay_sim.order_ids() == [journey.order_id]
    assert cli.main(["reset", *ports(tradepay_sim)]) == 0
    out = capsys.readouterr().out
    assert re.findall(r"^\s+(wallet|merchant server|mini program)\s+http://\S+\s+reset$", out, re.M) == [
        "wallet",
        "merchant server",
        "mini program",
    ]
    assert tradepay_sim.order_ids() == [] and tradepay_sim.balance() == before


def test_reset_skips_apps_that_are_not_running(tradepay_sim, capsys):
    dead = free_ports(2)
    args = [
        "reset",
        "--wallet-port",
        tradepay_sim.urls["wallet"].rsplit(":", 1)[1],
        "--merchant-port",
        str(dead[0]),
        "--miniprogram-port",
        str(dead[1]),
    ]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert re.search(r"wallet\s+\S+\s+reset", out) and out.count("not running") == 2
    assert cli.main(["reset", "--apps", "merchant,miniprogram", *args[3:]]) == 1
    assert "no app answered" in capsys.readouterr().err


def test_credentials_and_trace_find_the_sim_through_variables(tradepay_sim, monkeypatch, capsys):
    for app in ("miniprogram", "merchant", "wallet", "console"):
        monkeypatch.setenv(f"TRADEPAY_SIM_{app.upper()}_PORT", tradepay_sim.urls[app].rsplit(":", 1)[1])
    assert cli.main(["credentials"]) == 0
    creds = json.loads(capsys.readouterr().out)
    assert creds["clientId"] == tradepay_sim.credentials["clientId"] and "PRIVATE KEY" in creds["merchantPrivateKey"]
    journey = tradepay_sim.journey()
    monkeypatch.setenv("TRADEPAY_SIM_TRACE_JSON", "1")
    assert cli.main(["trace", journey.order_id]) == 0
    traced = json.loads(capsys.readouterr().out)
    assert traced["orderId"] == journey.order_id and traced["summary"]["stepCount"] == 20


def test_version(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert re.match(r"tradepay-sim \d+\.\d+\.\d+", capsys.readouterr().out)


def test_a_stale_data_folder_is_a_clear_error(tmp_path):
    """A database file this version cannot open: said in one line, no traceback, no hang."""
    (tmp_path / "wallet.sqlite3").write_bytes(b"not a database " * 20)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator.launch.cli",
            "run",
            "--apps",
            "wallet",
            "--wallet-port",
            "0",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert f"the data folder {tmp_path} holds a database this version cannot use" in done.stderr
    assert "Traceback" not in done.stderr


HEAVY = (
    "aiohttp",
    "jinja2",
    "pythonjsonlogger",
    "wallet_mock",
    "merchant_server",
    "miniprogram_mock",
    "simulator.launch.runner",
    "simulator.console.app",
)


def _imported_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.split()


def test_a_start_can_launch_the_wallet_process_before_importing_any_app():
    # run_all binds, reads the keys and starts the wallet's process with these modules
    # alone; the apps come after, while that process imports its own (0.71-0.79 -> 0.54-0.59 s).
    assert _imported_after("import simulator.launch.cli, simulator.launch.startup, simulator.launch.processes") == []
    parser = "from simulator.launch import cli; cli.build_parser().parse_args(['run'])"
    assert _imported_after(parser) == []


def test_the_wallets_own_process_builds_no_other_app(tmp_path):
    code = (
        "from simulator.launch import runner, startup\n"
        "from simulator.launch.settings import Settings\n"
        f"s = Settings(data_dir={str(tmp_path)!r}, apps=('wallet',), wallet_port=0)\n"
        "runner.build_apps(s, startup.urls_of(s, {}), startup.credentials(s))"
    )
    assert _imported_after(code) == ["aiohttp", "jinja2", "wallet_mock", "simulator.launch.runner"]


# reST markup (``x``, :func:, .. note::) and the packages' own module names do not
# belong in a person's terminal.
NOT_PLAIN = re.compile(
    r"``|:(func|class|meth|mod|ref):|^\s*\.\. |\b(simulator|wallet_mock|merchant_server|miniprogram_mock)\.\w", re.M
)


@pytest.mark.parametrize("command", [None, *COMMANDS, "check-merchant"])
def test_help_is_plain_text(command, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main([command, "--help"] if command else ["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert not NOT_PLAIN.search(out), NOT_PLAIN.search(out)


def test_the_commands_are_listed_once(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for command in (*COMMANDS, "check-merchant"):
        assert len(re.findall(rf"^\s+{re.escape(command)}\b", out, re.M)) == 1, (command, out)
