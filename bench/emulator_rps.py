"""Requests per second the emulator serves: over loopback HTTP and in-process (WSGI).

    python bench/emulator_rps.py [--seconds 5] [--clients 8] [--users 1000] [--profile FILE]

Loopback: starts `timctl emulator serve --no-rate-limit` on a free 127.0.0.1 port with a
fresh database, imports --users accounts, then drives it for --seconds with --clients
threads, each holding one keep-alive HTTP connection and sending a mix of calls as a user's
script would: 45 % account_check (10 accounts), 45 % portrait_get (5 accounts, 2 tags),
10 % multiaccount_import (5 accounts, upserts). Every answer must be ErrorCode 0.
In-process: the same mix through the WSGI app (timctl.emulator.app.EmulatorApp) on a temporary
file database, same number of threads, no sockets.

Prints one line: `emulator: N req/s loopback (C clients, CLIENT), M req/s in-process`.
--profile FILE writes cProfile stats of the in-process run (pstats format).
The documented rate limits are off: this measures the server, not the pacing.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timctl import usersig  # noqa: E402  (after the path set-up: runs from a checkout)

SDKAPPID = 1400000000
ADMIN = "administrator"

Call = tuple[str, bytes]  # (path, JSON body)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mix(users: int) -> Callable[[int], Call]:
    """The i-th call of a client: a fixed, deterministic mix of reads and writes."""
    def ids(i: int, n: int) -> list[str]:
        return [f"u{(i * 7 + k) % users:06d}" for k in range(n)]

    def call(i: int) -> Call:
        kind = i % 20
        if kind < 9:
            body: dict[str, Any] = {"CheckItem": [{"UserID": u} for u in ids(i, 10)]}
            return "/v4/im_open_login_svc/account_check", json.dumps(body).encode()
        if kind < 18:
            body = {"To_Account": ids(i, 5), "TagList": ["Tag_Profile_IM_Nick",
                                                          "Tag_Profile_IM_Gender"]}
            return "/v4/profile/portrait_get", json.dumps(body).encode()
        body = {"AccountList": [{"UserID": u, "Nick": f"n{i}"} for u in ids(i, 5)]}
        return "/v4/im_open_login_svc/multiaccount_import", json.dumps(body).encode()
    return call


def query(secret_key: str) -> str:
    sig = usersig.generate(SDKAPPID, secret_key, ADMIN, 86400)
    return (f"?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={sig}"
            "&random=1&contenttype=json")


def drive(clients: int, seconds: float, send: Callable[[Any, int], bool],
          connect: Callable[[], Any]) -> tuple[int, float]:
    """Run `clients` threads calling send(conn, i) until `seconds` pass: (calls, seconds)."""
    counts = [0] * clients
    errors: list[str] = []
    start = threading.Barrier(clients + 1)
    stop = threading.Event()

    def worker(n: int) -> None:
        conn = connect()
        start.wait()
        i = n * 1000
        try:
            while not stop.is_set():
                if not send(conn, i):
                    errors.append(f"client {n} call {i}")
                    return
                counts[n] += 1
                i += 1
        except Exception as exc:  # report, never hang the run
            errors.append(f"client {n}: {exc!r}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"emulator_rps: failed: {errors[0]}")
    return sum(counts), elapsed


def loopback(opts: argparse.Namespace, work: Path) -> float:
    port = free_port()
    env = {**os.environ, "TIMCTL_CONFIG_DIR": str(work / "config"),
           "TIMCTL_DATA_DIR": str(work / "data"), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "timctl", "emulator", "serve", "--db", str(work / "serve.db"),
         "--port", str(port), "--no-rate-limit"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        key = ""
        assert server.stdout is not None
        for line in server.stdout:
            if "TIMCTL_SECRET_KEY=" in line:
                key = line.rsplit("TIMCTL_SECRET_KEY=", 1)[1].strip()
                break
        if not key:
            raise SystemExit("emulator_rps: `timctl emulator serve` did not start")
        qs = query(key)
        call = mix(opts.users)

        def connect() -> http.client.HTTPConnection:
            return http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def send(conn: http.client.HTTPConnection, i: int) -> bool:
            path, body = call(i)
            conn.request("POST", path + qs, body, {"Content-Type": "application/json"})
            answer = conn.getresponse().read()
            return b'"ErrorCode":0,' in answer

        seed(opts.users, lambda i, body: send_seed(connect, qs, body))
        if opts.client == "raw":
            calls, elapsed = drive(opts.clients, opts.seconds, raw_send(call, qs),
                                   lambda: RawConnection(port))
        else:
            calls, elapsed = drive(opts.clients, opts.seconds, send, connect)
        return calls / elapsed
    finally:
        server.terminate()
        server.wait(10)


class RawConnection:
    """A minimal keep-alive HTTP/1.1 client (as wrk or ab would be): it costs the shared
    CPUs far less than http.client, so the figure is the server's."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def post(self, target: str, body: bytes) -> bytes:
        self.sock.sendall(f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: application/json\r\n"
                          f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._recv()
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200 "):
            raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
        length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        while len(rest) < length:
            rest += self._recv()
        self.buf = rest[length:]
        return rest[:length]

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        return chunk


def raw_send(call: Callable[[int], Call], qs: str) -> Callable[[RawConnection, int], bool]:
    def send(conn: RawConnection, i: int) -> bool:
        path, body = call(i)
        return b'"ErrorCode":0,' in conn.post(path + qs, body)
    return send


def send_seed(connect: Callable[[], http.client.HTTPConnection], qs: str, body: bytes) -> None:
    conn = connect()
    conn.request("POST", "/v4/im_open_login_svc/multiaccount_import" + qs, body)
    answer = conn.getresponse().read()
    conn.close()
    if b'"ErrorCode":0,' not in answer:
        raise SystemExit(f"emulator_rps: seeding failed: {answer[:200]!r}")


def seed(users: int, post: Callable[[int, bytes], None]) -> None:
    for start in range(0, users, 100):
        batch = [{"UserID": f"u{i:06d}"} for i in range(start, min(users, start + 100))]
        post(start, json.dumps({"AccountList": batch}).encode())


def in_process(opts: argparse.Namespace, work: Path) -> float:
    from timctl.emulator import apps
    from timctl.emulator.app import EmulatorApp
    from timctl.emulator.faults import Faults
    from timctl.emulator.store import Store

    store = Store(work / "inproc.db")
    info = apps.ensure_app(store, SDKAPPID, admin=ADMIN)
    app = EmulatorApp(store, Faults(rate_limit=False))
    qs = query(info.secret_key)[1:]
    call = mix(opts.users)

    def wsgi(path: str, body: bytes) -> bytes:
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": qs,
                   "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
        return b"".join(app(environ, lambda status, headers, exc_info=None: None))

    def post(_: int, body: bytes) -> None:
        answer = wsgi("/v4/im_open_login_svc/multiaccount_import", body)
        if b'"ErrorCode":0,' not in answer:
            raise SystemExit(f"emulator_rps: seeding failed: {answer[:200]!r}")

    def send(_: Any, i: int) -> bool:
        path, body = call(i)
        return b'"ErrorCode":0,' in wsgi(path, body)

    seed(opts.users, post)
    try:
        if opts.profile:  # cProfile sees one thread: profile sequential calls
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
            for i in range(2000):
                send(None, i)
            profiler.disable()
            profiler.dump_stats(opts.profile)
        calls, elapsed = drive(opts.clients, opts.seconds, send, lambda: None)
    finally:
        store.close()
    return calls / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--client", choices=("raw", "http.client"), default="raw",
                        help="loopback clients: a minimal keep-alive HTTP/1.1 client, or the "
                             "standard library's http.client (heavier: it shares the CPUs)")
    parser.add_argument("--profile", metavar="FILE")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure N times (a fresh server each time); print the median")
    parser.add_argument("--no-loopback", action="store_true")
    opts = parser.parse_args()
    nets: list[float] = []
    locals_: list[float] = []
    for n in range(opts.repeat):
        with tempfile.TemporaryDirectory(prefix="timctl-rps-") as tmp:
            work = Path(tmp)
            nets.append(0.0 if opts.no_loopback else loopback(opts, work))
            locals_.append(in_process(opts, work))
        if opts.repeat > 1:
            print(f"  run {n + 1}: {nets[-1]:.0f} req/s loopback, {locals_[-1]:.0f} in-process",
                  file=sys.stderr)
    spread = "" if opts.repeat == 1 else (
        f" (median of {opts.repeat}; loopback {min(nets):.0f}-{max(nets):.0f})")
    print(f"emulator: {statistics.median(nets):.0f} req/s loopback ({opts.clients} clients, "
          f"{opts.client}), {statistics.median(locals_):.0f} req/s in-process{spread}")


if __name__ == "__main__":
    main()
