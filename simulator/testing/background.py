"""A whole simulator on its own thread with its own event loop.

A test suite's event loop (pytest-asyncio's, per test or per session, or none at all in
sync tests and Playwright's sync API) then never has to be the simulator's: the servers
keep answering while a test blocks, and one simulator can outlive many test loops."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import aiohttp

from ..launch.runner import RunningSim, wait_until_answering
from .sim import running_sim

T = TypeVar("T")
# No helper call should hang a test run: a stuck app fails the call instead.
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=30)


class BackgroundSim:
    """Start with ``start()``; run coroutines on its loop with ``call`` (blocking) or
    ``call_async`` (awaitable from any other loop); ``stop()`` ends it."""

    def __init__(self, data_dir: Path, *, keys_from: Path | None = None, **settings: Any):
        self.data_dir = Path(data_dir)
        self._keys_from = keys_from
        self._settings = settings
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._sim: RunningSim | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def sim(self) -> RunningSim:
        """The running apps (``RuntimeError`` before ``start`` or after ``stop``)."""
        if self._sim is None:
            raise RuntimeError("the simulator is not running")
        return self._sim

    @property
    def session(self) -> aiohttp.ClientSession:
        """The HTTP session of the simulator's loop, for helpers that run there."""
        if self._session is None:
            raise RuntimeError("the simulator is not running")
        return self._session

    def start(self, timeout: float = 60.0) -> BackgroundSim:
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(),), name="tradepay-sim", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"tradepay-sim did not start within {timeout:g} s")
        if self._error is not None:
            raise self._error
        return self

    async def _main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        try:
            async with (
                running_sim(self.data_dir, keys_from=self._keys_from, **self._settings) as sim,
                aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session,
            ):
                await wait_until_answering({name: sim.urls[name] for name in sim.settings.apps})
                self._sim, self._session = sim, session
                self._ready.set()
                await self._stopping.wait()
        except BaseException as exc:  # handed to the thread that waits in start()
            self._error = exc
        finally:
            self._ready.set()

    def _submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        if self.loop is None or self._sim is None:
            coro.close()
            raise RuntimeError("the simulator is not running")
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("a blocking call from the simulator's own thread would wait forever")
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the simulator's loop and wait for its result."""
        return self._submit(coro).result()

    def call_async(self, coro: Coroutine[Any, Any, T]) -> Awaitable[T]:
        """Run ``coro`` on the simulator's loop; await the result from your own loop."""
        return asyncio.wrap_future(self._submit(coro))

    def stop(self, timeout: float = 30.0) -> None:
        if self._thread is None:
            return
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout)
        self._thread = self._sim = self._session = None
