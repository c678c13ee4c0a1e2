"""Settings of a simulator run: one option per knob, each also an environment variable
(``--wallet-port`` is ``TRADEPAY_SIM_WALLET_PORT``)."""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..core import origins
from ..core.access import LOOPBACK_NAMES
from ..core.api_paths import PROFILES
from ..core.apps import APPS, DEFAULT_PORTS, RESET_ORDER  # noqa: F401  (part of this module's API)

ENV_PREFIX = "TRADEPAY_SIM_"
SIGNERS = ("auto", "process", "inline")
# A signer process costs a hop on every signature and pays only where a core is free for
# it; the full simulator fills two cores by itself (docs/decisions/signer-process.md).
SIGNER_PROCESS_MIN_CORES = 4


@dataclass
class Settings:
    host: str = "127.0.0.1"
    public_host: str = ""
    miniprogram_port: int = DEFAULT_PORTS["miniprogram"]
    merchant_port: int = DEFAULT_PORTS["merchant"]
    wallet_port: int = DEFAULT_PORTS["wallet"]
    console_port: int = DEFAULT_PORTS["console"]
    data_dir: Path = Path(".tradepay-sim")
    time_scale: float = 1.0
    miniprogram_dir: Path | None = None
    miniprogram_domain: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    merchant_wallet_timeout: float = 10.0
    wallet_api: str = PROFILES[0]
    merchant_api: str = ""
    processes: int = 2
    signer: str = "auto"
    log_format: str = "text"
    log_level: str = "info"
    apps: tuple[str, ...] = field(default=APPS)

    def port(self, app: str) -> int:
        return getattr(self, f"{app}_port")

    @property
    def merchant_api_profile(self) -> str:
        """The API the reference merchant speaks: ``merchant_api``, else the wallet's."""
        return self.merchant_api or self.wallet_api

    def base_url(self, app: str, port: int | None = None) -> str:
        """The app's URL as handed out (paymentUrl, notify URLs, links): the public host,
        else the interface (``127.0.0.1`` for ``0.0.0.0``), at ``port`` (default its setting)."""
        return origins.base_url(self.host, self.public_host, self.port(app) if port is None else port)

    def signer_process(self, cores: int | None = None) -> bool:
        """Whether the wallet signs in a process of its own (``signer``, resolved)."""
        if self.signer != "auto":
            return self.signer == "process"
        cores = cores or os.cpu_count() or 1
        if self.processes > 1 and tuple(self.apps) == ("wallet",):
            # The wallet alone (a load target for a merchant server) leaves the second core
            # to its signer (docs/decisions/signer-process.md).
            return cores >= 2
        return self.processes > 1 and cores >= SIGNER_PROCESS_MIN_CORES


def public_host_names(settings: Settings) -> tuple[str, ...]:
    """Every host name the simulator answers by (the public one first): the names a
    request's Host header, a page's origin or a URL may carry."""
    return origins.host_names(settings.host, settings.public_host)


_HELP = {
    "host": "the interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface)",
    "public_host": "the host name or address put into every URL handed out (paymentUrl, notify URLs, the "
    "console's links), for a phone on the Wi-Fi or a browser on another machine: e.g. 192.168.1.20 with "
    "--host 0.0.0.0 (default: the --host address, 127.0.0.1 for 0.0.0.0)",
    "miniprogram_port": "mini program client port (default 8100; with run, 0 picks a free port)",
    "merchant_port": "merchant server port (default 8200; with run, 0 picks a free port)",
    "wallet_port": "wallet server port (default 8300; with run, 0 picks a free port)",
    "console_port": "console port (default 8000; with run, 0 picks a free port)",
    "data_dir": "folder for the SQLite files and keys (default ./.tradepay-sim)",
    "time_scale": "divide waits (notification retries, default expiry, settlement) by this factor (default 1)",
    "miniprogram_dir": "serve your own mini program pages (HTML and JS) from this folder",
    "miniprogram_domain": "route a domain the mini program calls to a local server and put it on the my.request "
    "allow-list: DOMAIN=LOCAL, e.g. https://api.shop.example=http://127.0.0.1:9000 (repeat the option for more; "
    "the variable takes them comma-separated)",
    "allowed_hosts": "another name the simulator answers to, besides 127.0.0.1, localhost, [::1] and --host "
    "(a LAN name, a tunnel's host name): requests naming any other host get 421 (repeat the option for more; the "
    "variable takes them comma-separated)",
    "processes": "2 (the default): the wallet runs in a process of its own beside the other apps, using a second "
    "core; 1: everything in one process",
    "signer": "where the wallet makes its RSA signatures: process (a signer process of its own, on another core), "
    "inline (on its event loop), or auto (the default: process where a core is free for it, that is with "
    "--processes 2 on 4 cores or more, or for the wallet run alone on 2 or more; inline otherwise)",
    "wallet_api": f"the wallet API the sandbox merchant speaks: {' or '.join(PROFILES)} (the mini program platform's "
    "reference v2 API); default alipayplus (docs/wallet-api.md)",
    "merchant_api": f"the wallet API the reference merchant server speaks: {' or '.join(PROFILES)}; default: the "
    "same as --wallet-api",
    "merchant_wallet_timeout": "seconds the reference merchant waits for the wallet before telling the user to retry (default 10)",
    "log_format": "text (one readable line per request and step, the default) or json (one object per line)",
    "log_level": "debug, info, warning or error (default info)",
    "apps": "comma-separated apps to start (run) or reset (reset): miniprogram,merchant,wallet,console (default all)",
}


# Settings given more than once (``--miniprogram-domain A=B --miniprogram-domain C=D``);
# their variable holds the values comma-separated.
_REPEATABLE = ("miniprogram_domain", "allowed_hosts")


class _AppendOverEnvironment(argparse.Action):
    """Append each use of the flag; the first use replaces the variable's value (a flag
    wins over its variable)."""

    def __call__(self, parser, namespace, values, option_string=None):
        current = getattr(namespace, self.dest, None)
        setattr(namespace, self.dest, [*(current if isinstance(current, list) else []), values])


def env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


# Where a command finds a running simulator: given, else from its running.json.
LOCATING = ("host", "miniprogram_port", "merchant_port", "wallet_port", "console_port")
_LOCATED_HELP = {
    "host": "the simulator's address (default: from the running.json of the simulator running on --data-dir, "
    "else 127.0.0.1)",
    **{
        f"{app}_port": f"the {label} port (default: from the running.json of the simulator running on --data-dir, "
        f"else {DEFAULT_PORTS[app]})"
        for app, label in (
            ("miniprogram", "mini program"),
            ("merchant", "merchant server"),
            ("wallet", "wallet"),
            ("console", "console"),
        )
    },
}


def add_arguments(
    parser: argparse.ArgumentParser, only: tuple[str, ...] | None = None, *, locating: bool = False
) -> None:
    """Add one ``--option`` per setting, defaulting to its environment variable. With
    ``locating`` (commands that talk to a running simulator), the address options default
    to None: the simulator's ``running.json`` answers them (``simulator.launch.running``)."""
    defaults = Settings()
    for f in fields(Settings):
        if only is not None and f.name not in only:
            continue
        flag = "--" + f.name.replace("_", "-")
        env = env_name(f.name)
        default = getattr(defaults, f.name)
        if f.name == "apps":
            default = ",".join(default)
        help_text = f"{_HELP[f.name]} [env {env}]"
        if locating and f.name in LOCATING:
            parser.add_argument(
                flag, default=os.environ.get(env), help=f"{_LOCATED_HELP[f.name]} [env {env}]", dest=f.name
            )
            continue
        if f.name in _REPEATABLE:
            parser.add_argument(
                flag, action=_AppendOverEnvironment, default=os.environ.get(env, ""), help=help_text, dest=f.name
            )
            continue
        parser.add_argument(flag, default=os.environ.get(env, default), help=help_text, dest=f.name)


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def bind_environment(parser: argparse.ArgumentParser, command: str) -> None:
    """Give every option of ``command`` that is not a setting its own variable too
    (``tradepay-sim trace --bodies`` is ``TRADEPAY_SIM_TRACE_BODIES=1``), and say so in
    its help. Settings keep their shared names (``TRADEPAY_SIM_WALLET_PORT``). A bad
    value is reported only when ``command`` runs (``args.env_errors``)."""
    errors = []
    for action in parser._actions:
        if not action.option_strings or action.dest == "help" or "[env " in (action.help or ""):
            continue
        env = env_name(f"{command.replace('-', '_')}_{action.dest}")
        action.help = f"{action.help or ''} [env {env}]".strip()
        raw = os.environ.get(env)
        if raw is None:
            continue
        if action.nargs == 0:  # a flag
            if raw.lower() in _TRUE + _FALSE:
                action.default = raw.lower() in _TRUE
            else:
                errors.append(f"{env}={raw!r}: use 1 or 0")
        elif action.choices and raw not in action.choices:
            errors.append(f"{env}={raw!r}: choose among {', '.join(action.choices)}")
        else:
            action.default = raw
    parser.set_defaults(env_errors=errors)


def from_namespace(ns: argparse.Namespace) -> Settings:
    """Convert parsed strings to typed settings, with readable errors."""
    values = {}
    for f in fields(Settings):
        if not hasattr(ns, f.name):
            continue
        raw = getattr(ns, f.name)
        if raw is None and f.name in LOCATING:  # not given, and no running.json said
            continue
        try:
            values[f.name] = _convert(f.name, raw)
        except ValueError as exc:
            raise SystemExit(f"tradepay-sim: invalid --{f.name.replace('_', '-')} {raw!r}: {exc}") from None
    return Settings(**values)


_HOST_NAME = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$")


def _host_name(raw: str) -> str:
    name = raw.strip().lower()
    if name and not _HOST_NAME.match(name):
        raise ValueError("a host name or address only, such as 192.168.1.20 or shop.local (no scheme, port or path)")
    return name.strip("[]")


def _convert(name: str, raw):
    if raw is None:
        return None
    if name == "processes":
        count = int(raw)
        if count not in (1, 2):
            raise ValueError("1 or 2")
        return count
    if name.endswith("_port"):
        port = int(raw)
        if not 0 <= port <= 65535:
            raise ValueError("a port is between 0 and 65535")
        return port
    if name in ("time_scale", "merchant_wallet_timeout"):
        scale = float(raw)
        if scale <= 0:
            raise ValueError("must be positive")
        return scale
    if name in ("data_dir", "miniprogram_dir"):
        return Path(raw) if raw not in ("", None) else None
    if name == "allowed_hosts":
        return tuple(_host_name(e) for e in (raw.split(",") if isinstance(raw, str) else raw) if e.strip())
    if name == "miniprogram_domain":
        # Checked when the mini program app is built (miniprogram_mock.domains): importing
        # the app here would delay the wallet's process, started before any app is imported.
        return tuple(e.strip() for e in (raw.split(",") if isinstance(raw, str) else raw) if e.strip())
    if name == "apps":
        apps = tuple(a.strip() for a in str(raw).split(",") if a.strip())
        unknown = set(apps) - set(APPS)
        if unknown or not apps:
            raise ValueError(f"choose among {', '.join(APPS)}")
        return apps
    if name == "wallet_api" and raw not in PROFILES:
        raise ValueError(" or ".join(PROFILES))
    if name == "merchant_api" and raw not in ("", *PROFILES):
        raise ValueError(" or ".join(PROFILES))
    if name == "public_host":
        return _host_name(str(raw))
    if name == "signer" and raw not in SIGNERS:
        raise ValueError(", ".join(SIGNERS))
    if name == "log_format" and raw not in ("text", "json"):
        raise ValueError("text or json")
    if name == "log_level" and raw.lower() not in ("debug", "info", "warning", "error"):
        raise ValueError("debug, info, warning or error")
    return raw


def allowed_host_names(settings: Settings) -> tuple[str, ...]:
    """Every name a request's ``Host`` may carry, for every app (simulator.core.access):
    the loopback names, the names the simulator answers by (``public_host_names``: the
    public host, the interface it listens on) and ``--allowed-hosts``. A request may also
    always name the address it came to."""
    names = [*LOOPBACK_NAMES, *public_host_names(settings), *settings.allowed_hosts]
    return tuple(dict.fromkeys(n.lower().strip("[]") for n in names))
