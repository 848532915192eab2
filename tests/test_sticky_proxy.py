"""serving.sticky_proxy in front of two small Gradio apps launched here: every request of a
session reaches the front that began it, sessions are spread over the fronts, and what Gradio
streams (a generator's steps) and uploads pass through."""

import threading
import time
from pathlib import Path

import gradio as gr
import pytest
import uvicorn
from gradio_client import Client, handle_file

from app import free_port, launch_in_background
from serving.sticky_proxy import COOKIE, StickyProxy


def front(name: str) -> gr.Blocks:
    """A front that says its name and counts a session's calls in the session's own state
    (kept in that front's memory: a session that hopped fronts would lose it)."""

    def count(calls: int) -> tuple[str, int]:
        return f"{name}:{calls + 1}", calls + 1

    def steps(n: float):
        for i in range(int(n)):
            time.sleep(0.05)
            yield f"{name} step {i + 1}"

    def size(path: str) -> str:
        return f"{name} got {Path(path).stat().st_size} bytes"

    with gr.Blocks() as blocks:
        calls = gr.State(0)
        said = gr.Textbox()
        gr.Button("count").click(count, calls, [said, calls], api_name="count")
        gr.Button("steps").click(steps, gr.Number(3), said, api_name="steps")
        gr.Button("size").click(size, gr.File(type="filepath"), said, api_name="size")
    return blocks


@pytest.fixture(scope="module")
def proxy_url():
    fronts = [front("a"), front("b")]
    urls = [launch_in_background(blocks) for blocks in fronts]
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(StickyProxy(urls).app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(10)
    for blocks in fronts:
        blocks.close()


def test_each_session_stays_on_its_front_and_sessions_spread_over_both(proxy_url):
    clients = [Client(proxy_url, verbose=False) for _ in range(4)]
    fronts = set()
    for client in clients:
        answers = [client.predict(api_name="/count") for _ in range(3)]
        name = answers[0].split(":")[0]
        # the session's state grew on one front: no call went to the other
        assert answers == [f"{name}:1", f"{name}:2", f"{name}:3"]
        fronts.add(name)
    assert fronts == {"a", "b"}


def test_streamed_steps_and_uploads_pass_through(proxy_url, tmp_path):
    client = Client(proxy_url, verbose=False)
    job = client.submit(5, api_name="/steps")
    steps = list(job)
    name = steps[0].split()[0]
    assert steps == [f"{name} step {i}" for i in range(1, 6)]
    upload = tmp_path / "photo.bin"
    upload.write_bytes(b"x" * 12345)
    assert client.predict(handle_file(str(upload)), api_name="/size") == f"{name} got 12345 bytes"


def test_a_page_is_pinned_by_the_cookie_its_first_answer_sets(proxy_url):
    import httpx

    first = httpx.get(proxy_url)
    assert first.status_code == 200 and "gradio" in first.text.lower()
    pinned = first.cookies[COOKIE]
    for _ in range(4):  # with the cookie: always the same front, however the turns go
        again = httpx.get(proxy_url + "config", cookies={COOKIE: pinned})
        assert COOKIE not in again.cookies
        assert again.status_code == 200
    other = httpx.get(proxy_url).cookies[COOKIE]  # a new session: the next front
    assert {pinned, other} == {"0", "1"}
