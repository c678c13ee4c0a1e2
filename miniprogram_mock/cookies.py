"""my.request's cookies, kept by the container as the platform keeps them: a cookie a
server sets is stored in the mini program's process and sent again on its later
requests; page code can neither read nor set it (Alipay's my.request FAQ, "小程序是否
支持 cookie？"). ``my.clearStorage`` leaves them; ``POST /_sim/reset`` clears them.

One jar per device running the mini program: each browser profile that opens it (a
Playwright context, a person's browser) is a phone of its own, named by a random id
the shim keeps in that profile. Two tests sharing a simulator never see each other's
sessions, as two phones never do (docs/my-shim.md, "Cookies")."""

from __future__ import annotations

import re
from collections import OrderedDict

import aiohttp
from yarl import URL

MAX_DEVICES = 1000  # the least recently used device's jar goes first
_DEVICE_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def valid_device(device: object) -> bool:
    return isinstance(device, str) and bool(_DEVICE_ID.match(device))


class CookieJars:
    """The jars of the devices that used the container, in memory (a restart of the
    container is a restart of the mini program's process: its cookies are gone)."""

    def __init__(self, max_devices: int = MAX_DEVICES) -> None:
        self.max_devices = max_devices
        self._jars: OrderedDict[str, aiohttp.CookieJar] = OrderedDict()

    def jar(self, device: str) -> aiohttp.CookieJar:
        jar = self._jars.get(device)
        if jar is None:
            # unsafe: a local server at an IP address keeps its cookies (the platform
            # allows no IP address at all; the simulator does, locally).
            jar = self._jars[device] = aiohttp.CookieJar(unsafe=True)
            while len(self._jars) > self.max_devices:
                self._jars.popitem(last=False)
        else:
            self._jars.move_to_end(device)
        return jar

    def clear(self) -> None:
        self._jars.clear()

    def __len__(self) -> int:
        return len(self._jars)


def cookie_header(jar: aiohttp.CookieJar, url: str) -> str | None:
    """The ``Cookie`` header the jar sends to ``url`` (the URL the page asked for)."""
    cookies = jar.filter_cookies(URL(url))
    return "; ".join(f"{name}={morsel.coded_value}" for name, morsel in cookies.items()) or None
