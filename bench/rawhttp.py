"""A minimal HTTP/1.1 client for the load generator: one keep-alive connection per host
per worker, requests written as bytes, replies read by Content-Length.

The generator shares the machine's cores with the simulator it measures, and aiohttp's
client spends several times this one's CPU on a request (headers as multidicts, timeouts,
the connector's bookkeeping): what the generator spends, the simulator does not get
(docs/performance.md#how-to-measure).
It speaks only what the simulator's own replies need: no chunked bodies, no redirects,
no TLS. A reply it cannot read is an error, never a guess."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from yarl import URL


class ReplyError(RuntimeError):
    pass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def connection_lost(self, exc) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ReplyError(f"connection lost: {exc}"))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is None or self.waiter.done():
            return
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" not in headers:
            self.waiter.set_exception(ReplyError(f"no Content-Length in the reply: {lines[0]}"))
            return
        size = int(headers["content-length"])
        if len(self.buffer) < end + 4 + size:
            return
        body = bytes(self.buffer[end + 4 : end + 4 + size])
        del self.buffer[: end + 4 + size]
        self.waiter.set_result(Reply(int(lines[0].split(" ", 2)[1]), headers, body))

    async def exchange(self, data: bytes) -> Reply:
        if self.transport is None:
            raise ReplyError("not connected")
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return await self.waiter


class Client:
    """One worker's connections (one per host); not for concurrent use by two tasks."""

    def __init__(self) -> None:
        self._connections: dict[tuple[str, int], _Connection] = {}

    async def request(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Reply:
        u = URL(url)
        if u.host is None or u.port is None:
            raise ValueError(f"not an absolute http URL: {url}")
        key = (u.host, u.port)
        conn = self._connections.get(key)
        if conn is None or conn.transport is None or conn.transport.is_closing():
            _, conn = await asyncio.get_running_loop().create_connection(_Connection, *key)
            self._connections[key] = conn
        head = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        target = u.raw_path_qs
        data = (
            f"{method} {target} HTTP/1.1\r\nHost: {u.host}:{u.port}\r\n{head}Content-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1") + body
        return await conn.exchange(data)

    def close(self) -> None:
        for conn in self._connections.values():
            if conn.transport is not None:
                conn.transport.close()
        self._connections.clear()
