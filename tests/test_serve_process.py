"""`relations serve` as a real process (issue 23): what it serves and refuses, on which
address, a broken file shown and recovered, the change stream, a port in use, Ctrl-C and
SIGTERM. Waits are for an outcome, bounded by a deadline, never a duration asserted.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import BUNDLED, LEAKY_VARIABLES, MINIMAL, ROOT, invoke, write

DEADLINE = 30.0  # seconds to wait for an outcome before calling it missing


def _until(check: Callable[[], bool], what: str) -> None:
    """Wait for `check()` to hold, looking every tenth of a second, up to DEADLINE."""
    give_up = time.monotonic() + DEADLINE
    while not check():
        if time.monotonic() > give_up:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.1)


# -- the server, as a process ----------------------------------------------------------------


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    return env


class Served:
    def __init__(self, process: subprocess.Popen[str], url: str, first_lines: list[str]):
        self.process = process
        self.url = url
        self.lines = first_lines
        self.stderr = ""  # all it said, once stopped
        self.port = int(url.rstrip("/").rsplit(":", 1)[1])

    def get(self, path: str, host: str | None = None,
            method: str = "GET") -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=DEADLINE)
        try:
            # The path goes out as written (`..` and all): http.client does not tidy it.
            connection.putrequest(method, path, skip_host=host is not None)
            if host is not None:
                connection.putheader("Host", host)
            connection.endheaders()
            response = connection.getresponse()
            body = response.read().decode("utf-8")
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            connection.close()

    def page(self) -> str:
        status, _, body = self.get("/")
        assert status == 200
        return body


@contextlib.contextmanager
def served(*args: str, cwd: Path = ROOT) -> Iterator[Served]:
    """`relations serve ARGS --port 0` running, its URL read from its first line; stopped
    with Ctrl-C after, which must end it with 130 and nothing but its notes on stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "relations_cli", "serve", *args, "--port", "0"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        encoding="utf-8", env=_environment(), cwd=cwd)
    running: Served | None = None
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        assert first.startswith("relations: previewing "), first + process.stderr.read()
        url = first.split(" at ", 1)[1].split(" ", 1)[0]
        running = Served(process, url, [first])
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            pytest.fail(f"serve did not stop on Ctrl-C: {err}")
        if running is not None:
            running.stderr = running.lines[0] + err
    assert process.returncode == 130, err
    assert out == ""
    assert "Traceback" not in err, err


def test_it_listens_on_127_0_0_1_and_serves_the_timeline_page(tmp_path: Path) -> None:
    data = write(tmp_path, BUNDLED.read_text(encoding="utf-8"))
    with served("--data", str(data)) as server:
        assert server.url.startswith("http://127.0.0.1:")
        status, headers, page = server.get("/")
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert headers["cache-control"] == "no-store"
        assert page.count('id="relations-serve"') == 1
        exported = invoke("timeline", "--data", str(data), "--format", "html").stdout
        ids = [e["id"] for e in json.loads(
            invoke("timeline", "--data", str(data), "--format", "json").stdout)]
        for event_id in ids:
            assert event_id in page
        # The page is the export's, plus the hook and the empty icon.
        hook_start = page.index('<script id="relations-serve">')
        hook_end = page.index("</script>", hook_start) + len("</script>\n")
        without = page[:hook_start] + page[hook_end:]
        assert without.replace('<link rel="icon" href="data:,">\n', "") == exported
        status, headers, page = server.get("/?anything=1")
        assert status == 200


def test_only_the_page_is_served(tmp_path: Path) -> None:
    data = write(tmp_path, MINIMAL)
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    with served("--data", str(data), cwd=tmp_path) as server:
        for path in ("/timeline.yaml", "/secret.txt", "/../secret.txt", "/%2e%2e/secret.txt",
                     "/..%2fsecret.txt", "//etc/passwd", "/../../../../etc/passwd",
                     "/index.html", "/data/", "/favicon.ico", "/-/", "/-/changes/x"):
            status, _, body = server.get(path)
            assert status == 404, path
            assert "secret" not in body
            assert "root:" not in body
        status, _, _ = server.get("/-/changes", method="HEAD")
        assert status == 404
        status, _, body = server.get("/", host=f"attacker.example:{server.port}")
        assert status == 403
        assert "First event" not in body
        status, _, _ = server.get("/", host=f"localhost:{server.port}")
        assert status == 200
        status, _, _ = server.get("/", method="POST")
        assert status == 501


def _listening_addresses(port: int) -> list[str]:
    """The local addresses listening on `port`, from /proc/net/tcp (Linux)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table, encoding="ascii") as handle:
            for line in handle.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.append(address)
    return found


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="reads /proc/net/tcp")
def test_it_binds_to_the_loopback_address_alone(tmp_path: Path) -> None:
    with served("--data", str(write(tmp_path, MINIMAL))) as server:
        assert _listening_addresses(server.port) == ["0100007F"]  # 127.0.0.1, little-endian


def test_a_broken_file_is_shown_on_the_page_and_a_fix_recovers(tmp_path: Path) -> None:
    data = write(tmp_path, MINIMAL)
    with served("--data", str(data)) as server:
        assert "First event" in server.page()
        data.write_text(MINIMAL + '    "<b>bold</b>": x\n', encoding="utf-8")
        _until(lambda: "The timeline cannot be shown" in server.page(), "the error page")
        page = server.page()
        assert f"{data}:5:5: unknown field '&lt;b&gt;bold&lt;/b&gt;' in an event" in page
        assert "<b>bold</b>" not in page
        assert page.count('id="relations-serve"') == 1
        data.write_text(MINIMAL.replace("First event", "Fixed event"), encoding="utf-8")
        _until(lambda: "Fixed event" in server.page(), "the page recovered")
        # A file that disappears for a moment (an editor's save) is an error page, then back.
        data.unlink()
        _until(lambda: "no such file" in server.page(), "the missing file named")
        write(tmp_path, MINIMAL)
        _until(lambda: "First event" in server.page(), "the file back")
    assert (f"relations: error: {data}:5:5: unknown field '<b>bold</b>' in an event"
            in server.stderr)
    assert "(shown on the page until the file is fixed)" in server.stderr
    assert "relations: page built: 1 event\n" in server.stderr


def test_the_change_stream_announces_a_new_page(tmp_path: Path) -> None:
    data = write(tmp_path, MINIMAL)
    with served("--data", str(data)) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=DEADLINE)
        connection.request("GET", "/-/changes")
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/event-stream; charset=utf-8"

        def event() -> str:
            while True:
                line = response.fp.readline().decode("utf-8")
                if line.startswith("data: "):
                    return line[len("data: "):].strip()

        first = event()
        assert f'var version = "{first}";' in server.page()
        with data.open("a", encoding="utf-8") as handle:
            handle.write("  - {id: second, date: 2016, title: Second event}\n")
        second = event()
        assert second != first
        page = server.page()
        assert f'var version = "{second}";' in page
        assert "Second event" in page
        connection.close()


def test_filters_apply_to_the_page(tmp_path: Path) -> None:
    data = write(tmp_path, MINIMAL + "  - {id: later, date: 2020, title: Later event}\n")
    with served("--data", str(data), "--since", "2016") as server:
        page = server.page()
        assert "Later event" in page
        assert "First event" not in page


def _free_port_taken() -> Iterator[int]:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    try:
        yield holder.getsockname()[1]
    finally:
        holder.close()


def test_a_port_in_use_is_one_clean_error_line(tmp_path: Path) -> None:
    data = write(tmp_path, MINIMAL)
    for port in _free_port_taken():
        done = subprocess.run(
            [sys.executable, "-m", "relations_cli", "serve", "--data", str(data), "--port",
             str(port)], capture_output=True, text=True, env=_environment(), timeout=60,
            check=False)
        assert done.returncode == 2, done.stderr
        assert done.stdout == ""
        assert done.stderr == (f"relations: error: cannot listen on 127.0.0.1:{port}: the "
                               "port is in use; choose another with --port N (--port 0 takes "
                               "any free one)\n")


def test_sigterm_ends_it_with_143(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "relations_cli", "serve", "--data",
         str(write(tmp_path, MINIMAL)), "--port", "0"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=_environment())
    assert process.stderr is not None
    assert process.stderr.readline().startswith("relations: previewing")
    process.terminate()
    _, err = process.communicate(timeout=DEADLINE)
    assert process.returncode == 143, err
    assert "Traceback" not in err


@pytest.mark.parametrize(("data", "message"), [
    ("-", "not standard input"),
    ("missing.yaml", "missing.yaml:1:1: no such file"),
])
def test_what_cannot_be_watched_is_refused_at_once(tmp_path: Path, data: str,
                                                    message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "relations_cli", "serve", "--data", data,
                           "--port", "0"], capture_output=True, text=True, cwd=tmp_path,
                          env=_environment(), timeout=60, check=False, stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert done.stderr.count("\n") == 1
