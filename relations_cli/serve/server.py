"""`relations serve`: the page on a local HTTP server, rebuilt when the timeline changes.

The standard library is enough: `http.server` serves the page and one Server-Sent Events
stream that tells open pages a newer one is ready (they reload, as `mkdocs serve` does); the
timeline files are polled a few times a second (store/watch.py). The main thread polls and
builds, so a build reads the index as every command does and Ctrl-C lands there; the server
answers from threads of its own, handing out the last page built.

Only `/` (the page) and the change stream are served: any other path is 404, whatever it
holds (`..`, encoded slashes), since nothing is looked up on disk. A request naming a host
other than the one listened on is refused (403), so that a web page elsewhere cannot read the
timeline through a DNS name pointed at 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from relations_cli.core.errors import ServeError
from relations_cli.serve.page import CHANGES_PATH, Built, with_reload_hook

__all__ = ["POLL_SECONDS", "Preview", "listen", "serve", "url_of"]

POLL_SECONDS = 0.25  # how often the files are looked at; a change is built one look later
KEEPALIVE_SECONDS = 15.0  # a comment on the change stream, so a closed page is noticed
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


class Preview:
    """The page as last built and its version, shared by the builder and the server's
    threads; the change streams wait here for the next version."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._started = time.time_ns()
        self._number = 0
        self._page = b""
        self._stopping = False

    @property
    def version(self) -> str:
        with self._changed:
            return self._current()

    def _current(self) -> str:
        return f"{self._started}-{self._number}"

    @property
    def page(self) -> bytes:
        with self._changed:
            return self._page

    def publish(self, built: Built) -> None:
        """A new build: the page served from now on, and every open page told."""
        with self._changed:
            self._number += 1
            self._page = with_reload_hook(built.html, self._current()).encode("utf-8")
            self._changed.notify_all()

    def next_version(self, seen: str, timeout: float) -> str | None:
        """The version once it differs from `seen` (at once if it does), or the same one
        after `timeout` seconds; None when the server is stopping."""
        with self._changed:
            self._changed.wait_for(lambda: self._stopping or self._current() != seen, timeout)
            return None if self._stopping else self._current()

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # an open change stream never keeps the process alive
    preview: Preview
    hosts: frozenset[str] | None  # the Host headers answered; None: any

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A page closed mid-answer (a reload, a closed tab) is no error worth a traceback.
        return


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(code)d %(message)s\n"

    def version_string(self) -> str:
        return "relations"

    def log_message(self, format: str, *args: Any) -> None:
        return  # the terminal shows builds, not each request

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        hosts = self.server.hosts
        if hosts is not None and self.headers.get("Host", "").lower() not in hosts:
            self._plain(403, "relations serve answers only to the address it listens on\n",
                        body)
            return
        path = urlsplit(self.path).path
        if path == "/":
            self._send(200, "text/html; charset=utf-8", self.server.preview.page, body)
        elif path == CHANGES_PATH and body:
            self._changes()
        else:
            self._plain(404, "not found: relations serve shows only the page, at /\n", body)

    def _headers(self, status: int, content_type: str, length: int | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.end_headers()

    def _send(self, status: int, content_type: str, content: bytes, body: bool) -> None:
        self._headers(status, content_type, len(content))
        if body:
            self.wfile.write(content)

    def _plain(self, status: int, text: str, body: bool) -> None:
        self._send(status, "text/plain; charset=utf-8", text.encode("utf-8"), body)

    def _changes(self) -> None:
        """The change stream: the current version at once, then each new one; a comment
        now and then, so that a page gone away is noticed and this thread ends."""
        self._headers(200, "text/event-stream; charset=utf-8", None)
        preview = self.server.preview
        seen = ""
        with contextlib.suppress(OSError):
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                version = preview.next_version(seen, KEEPALIVE_SECONDS)
                if version is None:
                    return
                if version == seen:
                    self.wfile.write(b": still here\n\n")
                else:
                    self.wfile.write(f"event: change\ndata: {version}\n\n".encode("ascii"))
                    seen = version
                self.wfile.flush()


def _hosts(host: str, port: int) -> frozenset[str] | None:
    """The Host headers a request may carry: the address listened on, by any of its loopback
    names; any when listening on every interface (the person asked for that)."""
    if host in ("", "0.0.0.0", "::"):
        return None
    names = {host.lower()}
    if host in LOOPBACK or host.startswith("127."):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    shown = {f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names}
    return frozenset(f"{name}:{port}" for name in shown)


def listen(host: str, port: int, preview: Preview) -> _Server:
    """The server, listening (not yet answering) on host:port; a taken or refused address
    is a ServeError naming it."""
    server_class = _Server6 if ":" in host else _Server
    try:
        server = server_class((host, port), _Handler)
    except OSError as error:
        shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if error.errno == errno.EADDRINUSE:
            raise ServeError(f"cannot listen on {shown}: the port is in use; choose another "
                             "with --port N (--port 0 takes any free one)") from None
        reason = (error.strerror or str(error)).lower()
        raise ServeError(f"cannot listen on {shown}: {reason}") from None
    server.preview = preview
    server.hosts = _hosts(host, server.server_address[1])
    return server


def url_of(server: _Server) -> str:
    host, port = str(server.server_address[0]), int(server.server_address[1])
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(server: _Server, build: Callable[[], Built], changed: Callable[[], bool],
          report: Callable[[str], None]) -> None:
    """Answer on `server` until stopped (Ctrl-C: KeyboardInterrupt goes on to the caller):
    build the page now, then again each time `changed()` says the files changed and they
    then hold still for one more look (a file is often written in several steps)."""
    preview = server.preview
    answering = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                 name="relations-serve", daemon=True)
    try:
        _publish(preview, build(), report)
        answering.start()
        pending = False
        while True:
            time.sleep(POLL_SECONDS)
            if changed():
                pending = True  # built once the files have held still for a look
            elif pending:
                pending = False
                _publish(preview, build(), report)
    finally:
        preview.stop()
        if answering.is_alive():
            server.shutdown()
        server.server_close()


def _publish(preview: Preview, built: Built, report: Callable[[str], None]) -> None:
    preview.publish(built)
    report(f"page built: {built.report}" if built.ok
           else f"error: {built.report} (shown on the page until the file is fixed)")
