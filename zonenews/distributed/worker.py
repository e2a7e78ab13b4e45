"""This process as one worker of a shared crawl: heartbeat, leases of popped requests, recovery of
a dead worker's leases. Each step that must not be torn by a kill is one Lua script."""

from __future__ import annotations

import itertools
import json
import logging
import os
import socket
import time
import uuid
from typing import Any

from zonenews.distributed.keys import CrawlKeys, text_of

logger = logging.getLogger(__name__)

# KEYS: queue, in-flight hash; ARGV: lease token. Pop the best request and lease it, atomically.
POP_AND_LEASE = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. ':' .. r[1])
return r[1]
"""

# KEYS: dead worker's in-flight hash, queue, workers hash, dead worker's heartbeat; ARGV: worker id.
# Put a dead worker's leased requests back on the queue, atomically (-1: it is alive after all).
RECOVER = """
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local entries = redis.call('HVALS', KEYS[1])
for _, v in ipairs(entries) do
  local sep = string.find(v, ':', 1, true)
  redis.call('ZADD', KEYS[2], string.sub(v, 1, sep - 1), string.sub(v, sep + 1))
end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return #entries
"""


class Worker:
    """This process as one worker of a shared crawl: its heartbeat, its leases, its peers."""

    def __init__(self, server: Any, keys: CrawlKeys, ttl: float) -> None:
        self.server = server
        self.keys = keys
        self.ttl = max(1.0, float(ttl))
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.inflight = keys.inflight(self.id)
        self._tokens = itertools.count(1)
        self._pop = server.register_script(POP_AND_LEASE)
        self._recover = server.register_script(RECOVER)

    def join(self, info: dict[str, Any]) -> None:
        self.server.hset(self.keys.workers, self.id, json.dumps(info, ensure_ascii=False))
        self.beat()

    def beat(self) -> None:
        with self.server.pipeline(transaction=False) as pipe:
            pipe.set(self.keys.heartbeat(self.id), int(time.time()), px=int(self.ttl * 1000))
            pipe.hsetnx(self.keys.workers, self.id, "{}")  # back in the registry after a false death
            pipe.execute()

    def leave(self) -> None:
        with self.server.pipeline(transaction=True) as pipe:
            pipe.delete(self.inflight, self.keys.heartbeat(self.id))
            pipe.hdel(self.keys.workers, self.id)
            pipe.execute()

    def pop(self, queue_key: str) -> tuple[bytes, str] | None:
        """Pop the best queued request and lease it to this worker: (encoded request, token)."""
        token = str(next(self._tokens))
        data = self._pop(keys=[queue_key, self.inflight], args=[token])
        return (data, token) if data else None

    def release(self, token: str) -> None:
        self.server.hdel(self.inflight, token)

    def drop_leases(self) -> None:
        """Forget every lease (only when nothing is in progress here, so any left is stale)."""
        self.server.delete(self.inflight)

    def recover(self) -> int:
        """Re-queue the leased requests of registered workers whose heartbeat expired."""
        moved = 0
        for raw in self.server.hkeys(self.keys.workers):
            worker = text_of(raw)
            if worker == self.id or self.server.exists(self.keys.heartbeat(worker)):
                continue
            n = int(self._recover(keys=[self.keys.inflight(worker), self.keys.requests, self.keys.workers,
                                        self.keys.heartbeat(worker)], args=[worker]))
            if n > 0:
                logger.warning("worker %s stopped without heartbeat: re-queued its %d in-flight requests",
                               worker, n)
                moved += n
        return moved

    def peers_in_flight(self) -> int:
        """Requests other workers have popped and not finished (their pages may yield new links)."""
        ids = [text_of(w) for w in self.server.hkeys(self.keys.workers)]
        ids = [w for w in ids if w != self.id]
        if not ids:
            return 0
        with self.server.pipeline(transaction=False) as pipe:
            for worker in ids:
                pipe.hlen(self.keys.inflight(worker))
            return int(sum(pipe.execute()))
