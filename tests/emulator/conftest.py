"""Fixtures for the emulator tests: a store on a temp file, a frozen app clock, the app, and
`Api` helpers that sign requests and talk to it in-process (EmulatorAdapter) or over real HTTP
on 127.0.0.1. Nothing here touches any other network."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
import requests

from timctl import endpoints, usersig
from timctl.emulator import DEFAULT_SDKAPPID
from timctl.emulator.adapter import EmulatorAdapter
from timctl.emulator.app import EmulatorApp
from timctl.emulator.apps import AppInfo, ensure_app
from timctl.emulator.faults import Faults
from timctl.emulator.server import make_server
from timctl.emulator.store import Store

ADMIN = "administrator"
DEFAULT = object()  # "use the normal value" for a query parameter; None leaves it out


class FakeClock:
    """The app clock, frozen unless advanced (rate-limit windows and expiry are exact)."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def sign(sdkappid: int, key: str, user: str, *, issued_at: float | None = None,
         expire: int = 86400) -> str:
    """A real TLSSigAPIv2 UserSig; `issued_at` pins TLS.time (the library reads time.time)."""
    if issued_at is None:
        return usersig.generate(sdkappid, key, user, expire)
    import TLSSigAPIv2 as lib

    with mock.patch.object(lib, "time", SimpleNamespace(time=lambda: issued_at)):
        return usersig.generate(sdkappid, key, user, expire)


class Api:
    """Signed calls to one emulator app through a requests session."""

    def __init__(self, session: requests.Session, base: str, info: AppInfo,
                 identifier: str = ADMIN) -> None:
        self.session = session
        self.base = base
        self.info = info
        self.identifier = identifier
        self._sigs: dict[str, str] = {}

    def sig(self, user: str | None = None) -> str:
        user = user or self.identifier
        if user not in self._sigs:
            self._sigs[user] = sign(self.info.sdkappid, self.info.secret_key, user)
        return self._sigs[user]

    def signed(self, user: str | None = None, *, key: str | None = None,
               sdkappid: int | None = None, issued_at: float | None = None,
               expire: int = 86400) -> str:
        """A fresh sig with any part changed (another key, app, user, issue time)."""
        return sign(sdkappid or self.info.sdkappid, key or self.info.secret_key,
                    user or self.identifier, issued_at=issued_at, expire=expire)

    def url(self, target: str, *, sdkappid: Any = DEFAULT, identifier: Any = DEFAULT,
            usersig: Any = DEFAULT, random: Any = DEFAULT, contenttype: Any = DEFAULT) -> str:
        """`target` is an endpoint name from the table, or a raw path starting with '/'."""
        path = target if target.startswith("/") else _endpoint(target).path
        who = self.identifier if identifier is DEFAULT else identifier
        params = {
            "sdkappid": self.info.sdkappid if sdkappid is DEFAULT else sdkappid,
            "identifier": who,
            "usersig": self.sig(who) if usersig is DEFAULT else usersig,
            "random": 12345 if random is DEFAULT else random,
            "contenttype": "json" if contenttype is DEFAULT else contenttype,
        }
        query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
        return f"{self.base}{path}?{query}"

    def post(self, target: str, body: Any = None, *, method: str = "POST",
             timeout: float | None = 10, **query: Any) -> requests.Response:
        data = body if isinstance(body, (bytes, str)) or body is None else None
        return self.session.request(method, self.url(target, **query), data=data,
                                    json=None if data is not None or body is None else body,
                                    timeout=timeout)

    def call(self, target: str, body: Any = None, **query: Any) -> dict[str, Any]:
        """The JSON envelope; asserts the documented HTTP 200."""
        resp = self.post(target, {} if body is None else body, **query)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def ok(self, target: str, body: Any = None, **query: Any) -> dict[str, Any]:
        doc = self.call(target, body, **query)
        assert (doc["ActionStatus"], doc["ErrorCode"]) == ("OK", 0), doc
        return doc

    def code(self, target: str, body: Any = None, **query: Any) -> int:
        doc = self.call(target, body, **query)
        assert doc["ActionStatus"] == ("OK" if doc["ErrorCode"] == 0 else "FAIL"), doc
        return doc["ErrorCode"]

    def control(self, name: str, body: dict[str, Any] | None = None,
                token: str | None = None) -> requests.Response:
        url = f"{self.base}/_emulator/{name}"
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if body is None:
            return self.session.get(url, timeout=10, headers=headers)
        return self.session.post(url, json=body, timeout=10, headers=headers)

    # conveniences for the account services
    def import_users(self, *user_ids: str) -> None:
        for i in range(0, len(user_ids), 100):
            doc = self.ok("im_open_login_svc/multiaccount_import",
                          {"Accounts": list(user_ids[i:i + 100])})
            assert doc["FailAccounts"] == []

    def imported(self, *user_ids: str) -> dict[str, bool]:
        out: dict[str, bool] = {}
        for i in range(0, len(user_ids), 100):
            doc = self.ok("im_open_login_svc/account_check",
                          {"CheckItem": [{"UserID": u} for u in user_ids[i:i + 100]]})
            out.update({r["UserID"]: r["AccountStatus"] == "Imported"
                        for r in doc["ResultItem"]})
        return out


def _endpoint(name: str) -> endpoints.Endpoint:
    ep = endpoints.get(name)
    assert ep is not None, name
    return ep


def inprocess_session(app: EmulatorApp) -> requests.Session:
    session = requests.Session()
    session.mount("emulator://", EmulatorAdapter(app))
    return session


def wsgi(app: EmulatorApp, method: str, path: str, body: bytes = b"", *,
         remote: str | None = "127.0.0.1", headers: dict[str, str] | None = None,
         query: str = "") -> tuple[int, dict[str, str], bytes]:
    """Call the WSGI app directly, as a server would for a peer at `remote`."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
        **({"REMOTE_ADDR": remote} if remote is not None else {}),
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in (headers or {}).items()},
    }
    seen: dict[str, Any] = {}

    def start_response(status: str, hdrs: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = int(status.split()[0]), dict(hdrs)

    content = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], content


class HttpEmulator:
    """make_server on 127.0.0.1:0 in a thread; stop() shuts it down."""

    def __init__(self, app: EmulatorApp, **kw: Any) -> None:
        self.server = make_server(app, "127.0.0.1", 0, **kw)
        # a short poll interval: shutdown() waits up to one interval
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # never route 127.0.0.1 through an environment proxy
        return session

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Any) -> Any:
    return tmp_path / "state" / "emulator.db"


@pytest.fixture
def store(db_path: Any) -> Iterator[Store]:
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def info(store: Store) -> AppInfo:
    return ensure_app(store, DEFAULT_SDKAPPID)


@pytest.fixture
def faults() -> Faults:
    return Faults()


@pytest.fixture
def emu(store: Store, info: AppInfo, faults: Faults, clock: FakeClock) -> EmulatorApp:
    return EmulatorApp(store, faults, clock, debug=True)  # debug: handler bugs fail loudly


@pytest.fixture
def api(emu: EmulatorApp, info: AppInfo) -> Api:
    return Api(inprocess_session(emu), "emulator://local", info)


@pytest.fixture
def http_emu(emu: EmulatorApp) -> Iterator[HttpEmulator]:
    server = HttpEmulator(emu)
    yield server
    server.stop()


@pytest.fixture
def http_api(http_emu: HttpEmulator, info: AppInfo) -> Api:
    return Api(http_emu.session(), http_emu.base, info)


@pytest.fixture
def api_for() -> Any:
    """api_for(app, info) -> an in-process Api to another EmulatorApp."""
    return lambda app, info: Api(inprocess_session(app), "emulator://local", info)


@pytest.fixture
def http_api_for() -> Any:
    """http_api_for(server, info) -> an Api over HTTP to a running HttpEmulator."""
    return lambda server, info: Api(server.session(), server.base, info)


@pytest.fixture
def call_wsgi() -> Any:
    """call_wsgi(app, method, path, body, remote=..., headers=...) -> (status, headers, body)."""
    return wsgi


@pytest.fixture
def serve_http() -> Iterator[Any]:
    """serve_http(app, **make_server_kw) -> a running HttpEmulator, stopped after the test."""
    started: list[HttpEmulator] = []

    def start(app: EmulatorApp, **kw: Any) -> HttpEmulator:
        started.append(HttpEmulator(app, **kw))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture(params=["in-process", "http"])
def any_api(request: pytest.FixtureRequest, emu: EmulatorApp, info: AppInfo) -> Iterator[Api]:
    """The same test through both transports: the client never knows which it talks to."""
    if request.param == "in-process":
        yield Api(inprocess_session(emu), "emulator://local", info)
        return
    server = HttpEmulator(emu)
    try:
        yield Api(server.session(), server.base, info)
    finally:
        server.stop()
