"""Micro-batching (models.common.batching): concurrent calls share a forward pass, each caller
gets its own answer, and a bad request fails alone."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from models.common.batching import MicroBatcher


def gated_batcher(max_batch: int = 16):
    """A batcher whose first batch waits for `gate`, so the callers behind it pile up."""
    gate, first = threading.Event(), threading.Event()

    def double(items: list[int]) -> list[int]:
        if not first.is_set():
            first.set()
            gate.wait(5)
        if -1 in items:
            raise RuntimeError("model broke")
        return [2 * item for item in items]

    return MicroBatcher(double, max_batch=max_batch), gate, first


def call_all(batcher: MicroBatcher, items: list[int], gate: threading.Event, first) -> list:
    """Call the batcher from one thread per item; returns results or the exceptions raised."""

    def call(item: int):
        try:
            return batcher(item)
        except Exception as err:
            return err

    with ThreadPoolExecutor(len(items)) as pool:
        head = pool.submit(call, items[0])
        first.wait(5)  # the first batch is running: everyone else queues behind it
        rest = [pool.submit(call, item) for item in items[1:]]
        while len(batcher._queue) < len(items) - 1:
            threading.Event().wait(0.01)
        gate.set()
        return [head.result(), *(future.result() for future in rest)]


def test_callers_that_arrive_together_share_one_batch_and_get_their_own_answers():
    batcher, gate, first = gated_batcher()
    items = list(range(10))
    assert call_all(batcher, items, gate, first) == [2 * item for item in items]
    assert list(batcher.batch_sizes) == [1, 9]


def test_a_batch_holds_at_most_max_batch_items():
    batcher, gate, first = gated_batcher(max_batch=4)
    items = list(range(11))
    assert call_all(batcher, items, gate, first) == [2 * item for item in items]
    assert list(batcher.batch_sizes) == [1, 4, 4, 2]


def test_max_batch_one_runs_every_call_alone():
    batcher, gate, first = gated_batcher(max_batch=1)
    assert call_all(batcher, [1, 2, 3], gate, first) == [2, 4, 6]
    assert list(batcher.batch_sizes) == [1, 1, 1]


def test_a_failing_batch_fails_its_callers_only_and_the_next_batch_works():
    batcher, gate, first = gated_batcher()
    results = call_all(batcher, [0, 1, -1, 2], gate, first)  # batches [0], then [1, -1, 2]
    assert results[0] == 0
    assert all(isinstance(r, RuntimeError) for r in results[1:])
    assert batcher(5) == 10


def test_a_single_caller_is_answered_without_waiting_for_company():
    batcher = MicroBatcher(lambda items: [item + 1 for item in items])
    assert [batcher(i) for i in range(3)] == [1, 2, 3]
    assert list(batcher.batch_sizes) == [1, 1, 1]


def test_concurrent_digit_requests_one_of_them_empty_each_get_their_own_answer():
    """The shipped digits net: the empty canvas gets its message, the drawings their digits."""
    from models.common.errors import InputError
    from models.digits import SPEC, predict
    from tests.strokes import render

    if not SPEC.weights_path().is_file():
        pytest.fail("no shipped digits weights")
    requests = [render(d) for d in (1, 7, 3)] * 4 + [None]

    def call(value):
        try:
            return max((p, k) for k, p in predict.predict(value).items())[1]
        except InputError as err:
            return err

    with ThreadPoolExecutor(len(requests)) as pool:
        answers = list(pool.map(call, requests))
    assert answers[:-1] == ["1", "7", "3"] * 4
    assert isinstance(answers[-1], InputError)
