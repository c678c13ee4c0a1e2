"""How the journal finds a journey's events without an index per id.

Events are looked up by orderId, paymentRequestId and paymentId: random strings. The
first design gave each its own SQLite index, so every event went into three B-trees at
random leaf pages. Under load that was a third of the journal's cost on the event loop,
and most of what the journal wrote to its WAL: a random leaf is a whole page written
per commit, and written again by the checkpoint that copies the WAL into the database.
Checkpoints in turn slowed the apps' requests while they ran
(docs/decisions/journal-block-index.md).

Instead, events are grouped into blocks of ``BLOCK_EVENTS`` consecutive ids, and each
block gets a Bloom filter of the ids its events carry (what PostgreSQL's BRIN bloom
indexes and ClickHouse's skip indexes do). A block's filter is built in memory while the
block fills and stored once, as one row, when the next block starts: the index is
appended to like the events themselves. A lookup tests the filters and reads only the
blocks that may hold the id; the SQL filter on those rows is exact, so a false positive
(under 1 % per block, even with three new ids in every event) costs one block read,
never a wrong answer.

Every filter is also kept in memory, read once when the journal opens: 4 bytes an
event (4 MB at 1,000,000 events). A stored filter never changes, so a lookup tests the
copies in memory and reads nothing but the blocks that may match: reading the filters
from the table on every lookup cost most of a lookup on a large journal.
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct
from collections.abc import Iterable

SCHEMA = "CREATE TABLE IF NOT EXISTS event_blooms (block INTEGER PRIMARY KEY, bits BLOB NOT NULL);"

BLOCK_EVENTS = 2048
BLOOM_BYTES = 8192  # 65,536 bits: 4 bytes a event
BLOOM_HASHES = 5
# A lookup that matches more blocks than this (an id carried by events all over the
# journal) reads the table once instead of block by block.
MAX_RANGES = 200


# The low 16 bits of the two 64-bit halves of the digest. With 2**16 bits a filter, only
# they count: (h1 + i * h2) mod 2**16 depends on nothing else. Reading them directly gives
# the same positions as the big-integer arithmetic, in a quarter of the time (3.3 -> 0.9
# us; a pay adds three ids).
_LOW_HALVES = struct.Struct("<H6xH")
assert BLOOM_BYTES * 8 == 1 << 16 and BLOOM_HASHES == 5


def positions(key: str) -> tuple[int, ...]:
    """The filter's bits for ``key``: stable across processes (Python's own ``hash`` of a
    string is not), from one BLAKE2b digest by double hashing: ``(h1 + i * h2) mod
    2**16`` for i in 0..4, h1 and h2 the digest's 64-bit halves (h2 made odd)."""
    h1, h2 = _LOW_HALVES.unpack_from(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest())
    h2 |= 1
    return h1, (h1 + h2) & 0xFFFF, (h1 + 2 * h2) & 0xFFFF, (h1 + 3 * h2) & 0xFFFF, (h1 + 4 * h2) & 0xFFFF


def may_hold(bits: bytes | bytearray, pos: tuple[int, ...]) -> bool:
    return all(bits[p >> 3] >> (p & 7) & 1 for p in pos)


class BlockIndex:
    """The filters of one journal, every one of them in memory. Full blocks' filters not
    stored yet are stored by the journal's writer in the transaction of its next events
    (``store_full``, then ``stored`` once that has committed)."""

    def __init__(self, block_events: int = BLOCK_EVENTS):
        self.block_events = block_events
        self._filters: dict[int, bytearray | bytes] = {}
        self._unstored: set[int] = set()
        self._newest = -1
        self._seen: set[str] = set()  # ids already in the newest block's filter

    def block_of(self, event_id: int) -> int:
        return (event_id - 1) // self.block_events

    def span(self, block: int) -> tuple[int, int]:
        """The first and last event id of ``block``."""
        return block * self.block_events + 1, (block + 1) * self.block_events

    def add(self, event_id: int, keys: Iterable[str | None]) -> None:
        # Ids only grow (the events table is AUTOINCREMENT): a block before the newest
        # never gets another event, so its filter can be stored for good.
        block = self.block_of(event_id)
        if block > self._newest:
            self._newest, self._seen = block, set()
        bits = self._filters.get(block)
        if not isinstance(bits, bytearray):  # new, or (at start) a stored block read back
            bits = self._filters[block] = bytearray(bits or BLOOM_BYTES)
            self._unstored.add(block)
        seen = self._seen if block == self._newest else set()
        for key in keys:
            if key and key not in seen:
                seen.add(key)
                for p in positions(key):
                    bits[p >> 3] |= 1 << (p & 7)

    def start_block(self, next_id: int) -> None:
        """The block the next event goes into: every earlier one is full."""
        self._newest = max(self._newest, self.block_of(next_id))

    def pending_rows(self) -> list[tuple[int, bytes]]:
        """Full blocks whose filters are not stored yet."""
        return [(block, bytes(self._filters[block])) for block in sorted(self._unstored) if block < self._newest]

    def store_full(self, conn: sqlite3.Connection) -> list[int]:
        """Write the filters of the full blocks, inside the caller's transaction; hand
        what it returns to ``stored`` once that transaction has committed."""
        rows = self.pending_rows()
        if rows:
            conn.executemany("INSERT OR REPLACE INTO event_blooms (block, bits) VALUES (?, ?)", rows)
        return [block for block, _ in rows]

    def stored(self, blocks: Iterable[int]) -> None:
        for block in blocks:
            if block in self._unstored:
                self._unstored.discard(block)
                self._filters[block] = bytes(self._filters[block])  # never changes again

    def reset(self) -> None:
        self._filters.clear()
        self._unstored.clear()
        self._seen = set()

    def unstored(self) -> set[int]:
        """Blocks whose filters are not stored yet (the newest, and full ones in transit)."""
        return set(self._unstored)

    def blocks_with(self, keys: Iterable[str]) -> set[int]:
        """Blocks whose filter may hold any of ``keys``."""
        wanted = [positions(key) for key in set(keys)]
        if not wanted:
            return set()
        return {block for block, bits in self._filters.items() if any(may_hold(bits, pos) for pos in wanted)}

    def ranges(self, blocks: set[int]) -> list[tuple[int, int]] | None:
        """Id ranges covering ``blocks`` (neighbours merged); None when there are too many
        to be worth it."""
        out: list[tuple[int, int]] = []
        for block in sorted(blocks):
            lo, hi = self.span(block)
            if out and out[-1][1] + 1 == lo:
                out[-1] = (out[-1][0], hi)
            else:
                out.append((lo, hi))
        return out if len(out) <= MAX_RANGES else None

    # --- opening a journal ------------------------------------------------------------

    def load(self, conn: sqlite3.Connection) -> int:
        """At start, inside a transaction on the writer's connection: filter the events no
        stored filter covers (the newest block, and every block of a journal made before
        this index), and say which block the next event goes into; the caller then calls
        ``store_full``. Returns how many events were read."""
        self.reset()
        self._filters.update(
            (block, bytes(bits)) for block, bits in conn.execute("SELECT block, bits FROM event_blooms ORDER BY block")
        )
        last = max(self._filters, default=None)
        first_id = self.span(last + 1)[0] if last is not None else 1
        read = 0
        for row in conn.execute(
            "SELECT id, order_id, payment_request_id, payment_id FROM events WHERE id >= ? ORDER BY id", (first_id,)
        ):
            self.add(row[0], row[1:])
            read += 1
        seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
        self.start_block((seq[0] if seq else 0) + 1)
        return read
