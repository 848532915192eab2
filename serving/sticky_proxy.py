"""A reverse proxy with sticky sessions in front of several Gradio fronts of the gallery.

    python -m serving.sticky_proxy --port 7860 --fronts http://127.0.0.1:7861 http://127.0.0.1:7862

Gradio keeps a session in the process that served it: the queue's events, what a page waits
for over server-sent events, the uploaded files. Every request of one session must reach the
same front, or it is answered "session not found" (Gradio's guide, "Deploying Gradio with
Docker", asks for stickiness for multiple replicas). The proxy pins each session with a cookie,
`gallery-front`: a request without it goes to the next front in turn and its answer sets it; a
browser sends it with every later request of the page, and gradio_client keeps the cookies of
its first answer. A front that does not answer is skipped, and the session is pinned again to
the next one (the page then starts a new session there).

The fronts are `python app.py --serve ray --ray-address ADDRESS --port N`: they share one Ray
cluster's model servers, so adding fronts adds UI capacity (the queue, uploads, encoding) while
the models scale in Ray Serve. Requests stream both ways; the original Host header is kept so
that Gradio's file links point at the proxy.
"""

import argparse
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

log = logging.getLogger(__name__)

COOKIE = "gallery-front"
# Headers of one connection, not of the request (RFC 9110, 7.6.1): never forwarded
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


class StickyProxy:
    """Forwards each request to the front its session is pinned to (see the module's text)."""

    def __init__(self, fronts: list[str]):
        if not fronts:
            raise ValueError("give at least one front")
        self.fronts = [front.rstrip("/") for front in fronts]
        self.turns = itertools.cycle(range(len(self.fronts)))
        # No timeout: a long job's events stream for minutes
        self.client = httpx.AsyncClient(timeout=None, follow_redirects=False)

    def pinned(self, request: Request) -> int | None:
        """The front of this request's session, or None for a new session."""
        value = request.cookies.get(COOKIE, "")
        return int(value) if value.isdigit() and int(value) < len(self.fronts) else None

    async def send(self, request: Request, front: int) -> httpx.Response:
        url = httpx.URL(self.fronts[front] + request.url.path, query=request.url.query.encode())
        headers = [(k, v) for k, v in request.headers.raw if k.decode().lower() not in HOP_BY_HOP]
        upstream = self.client.build_request(
            request.method, url, headers=headers, content=request.stream()
        )
        return await self.client.send(upstream, stream=True)

    async def forward(self, request: Request) -> Response:
        pinned = self.pinned(request)
        front = next(self.turns) if pinned is None else pinned
        try:
            upstream = await self.send(request, front)
        except httpx.ConnectError:
            if request.method not in ("GET", "HEAD"):  # (its body was read: not sent again)
                return PlainTextResponse("This app's server is restarting; reload the page.", 503)
            for front in range(len(self.fronts)):
                try:
                    upstream = await self.send(request, front)
                    break
                except httpx.ConnectError:
                    log.warning("front %s does not answer", self.fronts[front])
            else:
                return PlainTextResponse("No server of this app answers; try again soon.", 503)
        response = StreamingResponse(
            upstream.aiter_raw(),  # (as sent: a compressed body stays compressed)
            status_code=upstream.status_code,
            background=BackgroundTask(upstream.aclose),
        )
        response.raw_headers = [  # (a list: several Set-Cookie headers stay several)
            (k, v) for k, v in upstream.headers.raw if k.decode().lower() not in HOP_BY_HOP
        ]
        if front != pinned:
            response.set_cookie(COOKIE, str(front), httponly=True, samesite="lax")
        return response

    def app(self) -> Starlette:
        methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        route = Route("/{path:path}", self.forward, methods=methods)
        return Starlette(routes=[route], lifespan=self.lifespan)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        yield
        await self.client.aclose()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--fronts", nargs="+", required=True, help="the fronts' URLs")
    args = p.parse_args(argv)
    uvicorn.run(StickyProxy(args.fronts).app(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
