"""RSA signatures off the event loop: a signer process that holds one private key, as a
wallet's HSM or KMS would.

An RSA signature is a large share of what the wallet spends on a ``pay``; made on the
event loop, it holds up every other request while it runs. The signer process makes it on
another core instead, and the loop's part is a write to a pipe and a read from it. Where
a core is free for it, and where it is not: docs/decisions/signer-process.md.

The protocol is frames over the child's stdin and stdout, each a 4-byte big-endian length
and its bytes. The first frame is the PEM private key (never on a command line, in the
environment or in a log); then each frame is content to sign, and the child answers each
with the signature, URL-encoded base64, in the order asked. The child ends at the end of
its input, and dies with its parent.

If the signer is not running (not started yet, or gone), ``sign`` signs on the loop: a
signature is never refused for want of the process, and a dead signer is started again.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import logging
import os
import struct
import sys

from . import signing
from .children import child_env, die_with_parent

log = logging.getLogger("tradepay_sim.signer")

_LEN = struct.Struct(">I")


def _frame(data: bytes) -> bytes:
    return _LEN.pack(len(data)) + data


def _take_frames(buffer: bytearray) -> list[bytes]:
    """The complete frames at the head of ``buffer``, taken out of it (a partial one
    stays for the next read)."""
    frames = []
    while len(buffer) >= 4:
        size = _LEN.unpack_from(buffer)[0]
        if len(buffer) < 4 + size:
            break
        frames.append(bytes(buffer[4 : 4 + size]))
        del buffer[: 4 + size]
    return frames


RESTART_AFTER_SECONDS = 1.0  # doubled after each death without a signature between, up to
RESTART_AT_MOST_SECONDS = 60.0  # (a child that cannot start is not started 60 times a minute)


class Signer:
    """Signs on the caller's thread (``--signer inline``); ``ProcessSigner`` in another
    process. Either way ``await signer.sign(content)`` gives the header's signature."""

    def __init__(self, private_pem: str):
        self.private_pem = private_pem

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def sign(self, content: bytes) -> str:
        return signing.sign_content(self.private_pem, content)


class ProcessSigner(Signer):
    """Signs in a child process; the event loop only writes the content and reads the
    signature back. Requests are answered in order, so one queue of futures matches them."""

    def __init__(self, private_pem: str, command: tuple[str, ...] = ()):
        super().__init__(private_pem)
        signing.load_private_key(private_pem)  # checked here, so the child need not (_serve)
        self.command = command or (sys.executable, "-m", "simulator.core.signer")
        self._proc: asyncio.subprocess.Process | None = None
        self._to_child: asyncio.StreamWriter | None = None  # the child's stdin
        self._replies: asyncio.ReadTransport | None = None
        self._pending: collections.deque[asyncio.Future] = collections.deque()
        self._closing = False
        self._restart: asyncio.TimerHandle | None = None
        self._restart_delay = RESTART_AFTER_SECONDS

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.returncode is None and self._replies is not None

    async def start(self) -> None:
        self._closing = False
        # The replies come back on a pipe of our own, read by a protocol (``_Replies``).
        read_fd, write_fd = os.pipe()
        try:
            proc = await asyncio.create_subprocess_exec(
                *self.command,
                stdin=asyncio.subprocess.PIPE,
                stdout=write_fd,
                env=child_env(),
                # Its own session: a terminal's Ctrl-C reaches the parent, which closes it.
                preexec_fn=die_with_parent,
                start_new_session=True,
            )
        except OSError:
            os.close(read_fd)
            log.exception("could not start the signer process; signing on the event loop")
            return
        finally:
            os.close(write_fd)  # the child has its copy: its exit closes the pipe
        to_child = proc.stdin
        assert to_child is not None  # stdin=PIPE above
        to_child.write(_frame(self.private_pem.encode()))
        self._proc, self._to_child = proc, to_child
        self._replies, _ = await asyncio.get_running_loop().connect_read_pipe(
            lambda: _Replies(self, proc), os.fdopen(read_fd, "rb", buffering=0)
        )

    async def close(self) -> None:
        self._closing = True
        if self._restart is not None:
            self._restart.cancel()
        proc, to_child, replies = self._proc, self._to_child, self._replies
        self._proc = self._to_child = self._replies = None
        if proc is not None and to_child is not None and proc.returncode is None:
            to_child.close()  # the child's end of input: it exits
            try:
                async with asyncio.timeout(5):
                    await proc.wait()
            except TimeoutError:
                proc.kill()
                await proc.wait()
        if replies is not None:
            replies.close()
        self._fail_pending()

    async def sign(self, content: bytes) -> str:
        to_child = self._to_child
        if to_child is None or not self.running:
            return await super().sign(content)
        future = asyncio.get_running_loop().create_future()
        self._pending.append(future)
        to_child.write(_frame(content))
        try:
            return await future
        except SignerGone:
            return await super().sign(content)  # the child died with this one in hand

    def _answer(self, signature: str) -> None:
        future = self._pending.popleft()
        if not future.done():  # the caller may have been cancelled meanwhile
            future.set_result(signature)
        self._restart_delay = RESTART_AFTER_SECONDS  # it works

    def _ended(self, proc: asyncio.subprocess.Process, why: str = "") -> None:
        """The child's replies ended: it died under us (a close sets ``_proc`` to None
        first, and then this is nothing)."""
        if self._proc is not proc:
            return
        log.warning(
            "the signer process ended (exit %s)%s; signing on the event loop until it is back", proc.returncode, why
        )
        replies = self._replies
        self._proc = self._to_child = self._replies = None
        if replies is not None:
            replies.close()
        self._fail_pending()
        if proc.returncode is None:
            proc.kill()
        if not self._closing:
            loop = asyncio.get_running_loop()
            self._restart = loop.call_later(self._restart_delay, lambda: loop.create_task(self._start_again()))
            self._restart_delay = min(self._restart_delay * 2, RESTART_AT_MOST_SECONDS)

    async def _start_again(self) -> None:
        if not self._closing and self._proc is None:
            await self.start()

    def _fail_pending(self) -> None:
        while self._pending:
            future = self._pending.popleft()
            if not future.done():
                future.set_exception(SignerGone())


class _Replies(asyncio.Protocol):
    """The child's signatures, handed to their callers in the turn of the loop that reads
    them: a reader task in between (the first design) cost every signature one more turn,
    several milliseconds each under load."""

    def __init__(self, signer: ProcessSigner, proc: asyncio.subprocess.Process):
        self.signer = signer
        self.proc = proc
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        for signature in _take_frames(self.buffer):
            if not self.signer._pending:  # an answer nobody asked for: not our signer any more
                self.signer._ended(self.proc, ", answering what was not asked")
                return
            self.signer._answer(signature.decode("ascii"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.signer._ended(self.proc)


class SignerGone(Exception):
    """The signer process ended before it answered."""


def make_signer(private_pem: str, *, own_process: bool) -> Signer:
    return ProcessSigner(private_pem) if own_process else Signer(private_pem)


def _serve(stdin_fd: int, stdout_fd: int) -> None:
    """The child: read the key, then sign every frame until the input ends; a burst of
    requests is read at once, and each signature is written as soon as it is made."""
    buffer = bytearray()
    private_pem: str | None = None
    while chunk := os.read(stdin_fd, 1 << 16):
        buffer += chunk
        for data in _take_frames(buffer):
            if private_pem is None:
                private_pem = data.decode()
                signing.vouch_for(private_pem)  # the parent checked it (ProcessSigner.__init__)
                signing.load_private_key(private_pem)  # parse once, before the first request
                continue
            signature = signing.sign_content(private_pem, data).encode("ascii")
            _write_all(stdout_fd, _frame(signature))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


if __name__ == "__main__":
    # Out of the collector's sight: a full collection would walk every object of the
    # imports with every signature waiting (docs/decisions/collector.md). The loop makes
    # no cycles.
    gc.freeze()
    try:
        _serve(sys.stdin.fileno(), sys.stdout.fileno())
    except (BrokenPipeError, KeyboardInterrupt):
        pass
