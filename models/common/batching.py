"""Micro-batching: requests that arrive together share one forward pass.

    batched = MicroBatcher(lambda images: classify(np.stack(images)))
    probs = batched(image)  # from many threads at once; each gets its own row back

Gradio's own `batch=True` fails every request in a batch when one input is bad. Here each caller
checks its own input first (a bad one raises in its own thread and never joins a batch), then
hands the checked item over: the first caller to find no batch running becomes the batch's
leader, waits `max_wait_s` for company, runs the whole batch once and hands each caller its
result. An exception from the batch itself (a broken model) reaches every caller in it.
"""

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# At most this many requests in one forward pass; 1 turns batching off. The concurrency group of
# the batched endpoints (demos.common.BATCHED_CALLS) lets this many requests in at once.
MAX_BATCH = max(1, int(os.environ.get("GALLERY_MAX_BATCH", "16")))
MAX_WAIT_S = 0.005  # a leader waits this long for more requests: far below a request's cost


@dataclass
class _Pending:
    item: Any
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


class MicroBatcher:
    """Calls `run_batch(items) -> results` (one result per item, in order) on the items of the
    callers that arrive while a batch forms; one batch runs at a time."""

    def __init__(
        self,
        run_batch: Callable[[list], Sequence],
        max_batch: int = MAX_BATCH,
        max_wait_s: float = MAX_WAIT_S,
    ) -> None:
        self.run_batch, self.max_batch, self.max_wait_s = run_batch, max_batch, max_wait_s
        self._queue: list[_Pending] = []
        self._lock = threading.Lock()  # guards _queue
        self._running = threading.Lock()  # held by the leader of the batch being run
        # how the latest calls were grouped (for tests and benchmarks), bounded
        self.batch_sizes: deque[int] = deque(maxlen=1024)

    def __call__(self, item: Any) -> Any:
        pending = _Pending(item)
        with self._lock:
            self._queue.append(pending)
        while not pending.done.is_set():
            # whoever gets the running lock leads the next batch, which may or may not hold
            # this caller's item; a caller whose item was taken waits for its leader instead
            if self._running.acquire(timeout=0.05):
                try:
                    if not pending.done.is_set():
                        self._lead()
                finally:
                    self._running.release()
            else:
                pending.done.wait(0.05)
        if pending.error is not None:
            raise pending.error
        return pending.result

    def _lead(self) -> None:
        """Gather callers for up to max_wait_s (or max_batch of them), then run them."""
        with self._lock:
            full = len(self._queue) >= self.max_batch
        if not full:
            time.sleep(self.max_wait_s)
        with self._lock:
            batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
        if batch:
            self._run(batch)

    def _run(self, batch: list[_Pending]) -> None:
        self.batch_sizes.append(len(batch))
        try:
            results = self.run_batch([pending.item for pending in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"run_batch gave {len(results)} results for {len(batch)}")
            for pending, result in zip(batch, results, strict=True):
                pending.result = result
        except BaseException as err:  # every caller of this batch gets the model's failure
            for pending in batch:
                pending.error = err
        for pending in batch:
            pending.done.set()
