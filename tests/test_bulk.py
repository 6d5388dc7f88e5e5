"""The bulk runner as users meet it: files with bad lines, the failures file, streamed rows,
a checkpoint surviving SIGKILL and Ctrl-C, partial failures that keep the record whole.

Slow-ish paths run `timctl` as a real process against an emulator served on 127.0.0.1 behind
a recorder of what reached it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
IMPORT = "/v4/im_open_login_svc/multiaccount_import"


class Recorder:
    """WSGI middleware: the bodies of REST calls per path, and the most in flight at once."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bodies: dict[str, list[dict[str, Any]]] = {}
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/v4/"):
            return self.app(environ, start_response)
        import io

        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(raw)
        with self.lock:
            self.bodies.setdefault(path, []).append(json.loads(raw))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return self.app(environ, start_response)
        finally:
            with self.lock:
                self.in_flight -= 1

    def first_ids(self, path: str = IMPORT) -> list[str]:
        return [b["AccountList"][0]["UserID"] for b in self.bodies.get(path, [])]


@pytest.fixture
def server(serve_app: Any, tmp_path: Path) -> Any:
    """An emulator on 127.0.0.1 (20 ms a call, rate limits on) as the default profile."""
    from timctl.emulator.faults import Faults

    served = serve_app("bulk", 1400000060, faults=Faults(latency=0.02), wrap=Recorder)
    recorder = served.wsgi
    recorder.app_obj = served.app
    recorder.tmp = tmp_path
    return recorder


def timctl(tmp: Path, *args: str, **kw: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TIMCTL_CONFIG_DIR": str(tmp / "config"),
           "TIMCTL_DATA_DIR": str(tmp / "data"), "PYTHONPATH": str(ROOT)}
    env.pop("TIMCTL_FORCE_TTY", None)
    return subprocess.Popen([sys.executable, "-m", "timctl", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def imported(run: Any, ids: list[str]) -> set[str]:
    r = run("-o", "jsonl", "users", "check", "-", input="\n".join(ids) + "\n")
    assert r.code == 0, r.err
    rows = [json.loads(line) for line in r.out.splitlines()]
    return {row["UserID"] for row in rows if row["AccountStatus"] == "Imported"}


# ------------------------------------------------------------------ bad lines, failures file


def test_file_with_bad_lines_imports_the_good_and_reruns_clean(server: Any, run: Any,
                                                               tmp_path: Path) -> None:
    csv_in = tmp_path / "users.csv"
    lines = ["UserID,Nick", "good1,One", ",NoId", "y" * 33 + ",Long", 'good2,"Two', "good3,Three"]
    csv_in.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe,bin\n")
    failures = tmp_path / "failed.csv"
    r = run("-o", "json", "users", "import", "-f", str(csv_in), "--failures", str(failures))
    assert r.code == 6, r.err
    bad = [line for line in r.err.splitlines() if "(skipped)" in line]
    assert bad == [
        f"timctl: {csv_in}:3: empty UserID (skipped)",
        f"timctl: {csv_in}:4: UserID is 33 bytes (at most 32): '{'y' * 33}' (skipped)",
        f"timctl: {csv_in}:5: broken CSV: unexpected end of data (skipped)",
        f"timctl: {csv_in}:7: not UTF-8 text (byte 0xff at column 1) (skipped)",
    ]
    assert {row["UserID"] for row in r.json() if row["Status"] == "imported"} == {
        "good1", "good3"}
    assert imported(run, ["good1", "good3"]) == {"good1", "good3"}
    # the failures file is the input's format: header, then the bad lines as they were
    text = failures.read_text(encoding="utf-8", errors="replace").splitlines()
    assert text[0] == "UserID,Nick" and len(text) == 5
    failures.write_text("UserID,Nick\nfixed1,F1\nfixed2,F2\nfixed3,\"F,3\"\nfixed4,F4\n")
    r = run("-o", "json", "users", "import", "-f", str(failures))
    assert r.code == 0, r.err
    assert imported(run, ["fixed1", "fixed2", "fixed3", "fixed4"]) == {
        "fixed1", "fixed2", "fixed3", "fixed4"}


def test_jsonl_input_with_bad_lines(server: Any, run: Any, tmp_path: Path) -> None:
    src = tmp_path / "users.jsonl"
    src.write_text('{"UserID": "j1", "Nick": "J"}\n{"UserID": \n[1]\n{"Nick": "x"}\n'
                   '{"UserID": "j2", "Nick": 5}\n{"UserID": "j3"}\n')
    r = run("-o", "json", "users", "import", "-f", str(src))
    assert r.code == 6
    skipped = [line.split(": ", 1)[1] for line in r.err.splitlines() if "(skipped)" in line]
    assert skipped == [
        f"{src}:2: invalid JSON: Expecting value (skipped)",
        f"{src}:3: a JSONL line must be a JSON object (skipped)",
        f"{src}:4: no UserID string (skipped)",
        f"{src}:5: Nick must be a string: 'j2' (skipped)",
    ]
    assert imported(run, ["j1", "j2", "j3"]) == {"j1", "j3"}


def test_trial_cap_keeps_the_record_of_what_was_imported(server: Any, run: Any) -> None:
    from timctl.emulator import apps

    apps.set_edition(server.app_obj.store, 1400000060, "trial")
    ids = [f"t{i:03d}" for i in range(150)]
    r = run("-o", "json", "users", "import", "-", input="\n".join(ids) + "\n")
    assert r.code == 6, r.err
    rows = r.json()
    assert len(rows) == 150
    ok = [row for row in rows if row["Status"] == "imported"]
    failed = [row for row in rows if row["Status"] == "failed"]
    assert len(ok) + len(failed) == 150 and len(failed) >= 50
    assert "failures by code" in r.err


def test_concurrent_calls_share_the_rate_limit(server: Any, run: Any) -> None:
    ids = [f"c{i:04d}" for i in range(1500)]
    started = time.monotonic()
    r = run("-o", "jsonl", "users", "import", "-", "--concurrency", "8",
            input="\n".join(ids) + "\n")
    took = time.monotonic() - started
    assert r.code == 0, r.err
    assert len(server.bodies[IMPORT]) == 15 and server.max_in_flight > 1
    assert took < 15 * 0.02 * 0.9 + 1  # faster than one call at a time would allow


# ------------------------------------------------------------------ streaming and resume


def test_jsonl_rows_print_before_the_run_ends(server: Any) -> None:
    ids = "".join(f"s{i:05d}\n" for i in range(3000)).encode()
    proc = timctl(server.tmp, "-o", "jsonl", "users", "import", "-", "--concurrency", "1",
                  stdin=subprocess.PIPE)
    assert proc.stdin and proc.stdout
    proc.stdin.write(ids)
    proc.stdin.close()
    first = json.loads(proc.stdout.readline())
    still_running = proc.poll() is None
    rest = proc.stdout.read()
    assert proc.wait(60) == 0
    assert first["Status"] == "imported" and still_running
    assert len(rest.splitlines()) == 2999


def _wait_for_done_chunks(path: Path, n: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if path.exists() and path.read_text().count('"done"') >= n:
            return
        time.sleep(0.01)
    raise AssertionError(f"no {n} chunks recorded done; exit {proc.poll()}")


def _done_chunks(path: Path) -> dict[int, str]:
    done = {}
    for line in path.read_text().splitlines()[1:]:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if "done" in event:
            done[event["done"]] = event["fp"]
    return done


def test_sigkill_then_resume_never_resends_a_finished_chunk(server: Any, run: Any,
                                                            tmp_path: Path) -> None:
    ids = [f"k{i:05d}" for i in range(5000)]  # 50 chunks
    src = tmp_path / "ids.txt"
    src.write_text("\n".join(ids) + "\n")
    ckpt = tmp_path / "import.ckpt"
    proc = timctl(server.tmp, "-o", "jsonl", "users", "import", "-f", str(src),
                  "--checkpoint", str(ckpt), "--concurrency", "2")
    _wait_for_done_chunks(ckpt, 10, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    done = _done_chunks(ckpt)
    assert 10 <= len(done) < 50
    done_first_ids = {ids[i * 100] for i in done}
    sent_before = len(server.bodies[IMPORT])

    r = run("-o", "jsonl", "users", "import", "-f", str(src), "--checkpoint", str(ckpt))
    assert r.code == 0, r.err
    resent = server.first_ids()[sent_before:]
    assert not done_first_ids & set(resent)  # no chunk recorded done went out again
    assert len(resent) == 50 - len(done)
    assert f"{len(done) * 100} already done (checkpoint)" in r.err or len(done) == 0
    assert imported(run, ids) == set(ids)


def test_ctrl_c_saves_the_checkpoint_prints_what_was_done_and_exits_130(
        server: Any, run: Any, tmp_path: Path) -> None:
    ids = [f"i{i:05d}" for i in range(5000)]
    src = tmp_path / "ids.txt"
    src.write_text("\n".join(ids) + "\n")
    ckpt = tmp_path / "ctrlc.ckpt"
    proc = timctl(server.tmp, "-o", "jsonl", "users", "import", "-f", str(src),
                  "--checkpoint", str(ckpt), "--concurrency", "2")
    _wait_for_done_chunks(ckpt, 5, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    printed = [json.loads(line)["UserID"] for line in out.decode().splitlines()]
    done = _done_chunks(ckpt)
    assert len(printed) == len(done) * 100  # every finished chunk's rows, nothing else
    assert b"resume with --checkpoint" in err
    r = run("-o", "jsonl", "users", "import", "-f", str(src), "--checkpoint", str(ckpt))
    assert r.code == 0, r.err
    assert len(r.out.splitlines()) == 5000 - len(printed)
    assert imported(run, ids) == set(ids)


def test_checkpoint_of_another_endpoint_is_refused(server: Any, run: Any,
                                                   tmp_path: Path) -> None:
    ckpt = tmp_path / "x.ckpt"
    assert run("users", "import", "a1", "--checkpoint", str(ckpt)).code == 0
    r = run("users", "delete", "a1", "--yes", "--checkpoint", str(ckpt))
    assert r.code == 2 and "not of im_open_login_svc/account_delete" in r.err


def test_a_chunk_failing_every_attempt_goes_again_in_a_later_round(
        served_profile: Any, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("timctl.rest.bulk.ROUND_PAUSE", 0.01)
    served_profile.app.faults.fail_next = 3  # 70169 "server timeout": transient
    r = run("-p", "emu", "-o", "json", "users", "import", "r1", "r2", "--max-attempts", "2")
    assert r.code == 0, r.err  # rounds 1 and 2 spent their attempts; round 3 got through
    assert [row["Status"] for row in r.json()] == ["imported", "imported"]

    served_profile.app.faults.fail_next = 6  # more than 3 rounds x 2 attempts can absorb
    r = run("-p", "emu", "-o", "json", "users", "import", "r3", "--max-attempts", "2")
    assert r.code == 5
    assert r.json()[0]["ResultCode"] == 70169


def test_collected_rows_keep_input_order_when_chunks_finish_out_of_order(
        serve_app: Any, run: Any, tmp_path: Path) -> None:
    """-o json/table show one row per item in reading order (each file, then arguments), even
    though concurrent chunks finish in whatever order their calls come back."""
    from timctl.emulator.faults import Faults

    serve_app("jittery", 1400000061, faults=Faults(latency=0.01, jitter=0.05, seed=7))
    listed = tmp_path / "more.txt"
    listed.write_text("".join(f"f{i:02d}\n" for i in range(12)))
    args = [f"a{i:02d}" for i in range(12)]
    r = run("-p", "jittery", "-o", "json", "users", "import", *args, "-f", str(listed),
            "--batch-size", "1", "--rate", "1000")
    assert r.code == 0, r.err
    assert [row["UserID"] for row in r.json()] == [f"f{i:02d}" for i in range(12)] + args
