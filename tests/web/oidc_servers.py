"""The two servers of the OIDC sign-in test: an OpenID provider and the web service.

oidc-provider-mock is a real OpenID provider (Authlib's server side, Flask) answering
over HTTP; the web service runs in uvicorn as in production. Both on free ports, each in
a thread of the test process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import oidc_provider_mock
import uvicorn
from werkzeug.serving import make_server

from services.web.main import create_app
from services.web.settings import WebSettings
from shared.embedded.process import free_port

CLIENT_ID = "wirkung-web"
CLIENT_SECRET = "test-client-secret"
# Nothing listens here: the pages the test opens need none of the other services.
NO_SERVICE = "http://127.0.0.1:9"


@dataclass(frozen=True)
class Web:
    url: str
    session_key: str


@contextmanager
def running_issuer(*users: oidc_provider_mock.User) -> Iterator[str]:
    """An OpenID provider offering `users` on its authorization page; yields its issuer."""
    port = free_port()
    server = make_server("127.0.0.1", port, oidc_provider_mock.app(user_claims=users),
                         threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def running_web(issuer: str, auth_audience: str | None = None) -> Iterator[Web]:
    """The web service signing people in at `issuer`, served by uvicorn."""
    session_key = WebSettings.new_session_key()
    settings = WebSettings(session_key=session_key, oidc_issuer=issuer,
                           oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET,
                           secure_cookies=False, agreements_url=NO_SERVICE,
                           cases_url=NO_SERVICE, metrics_url=NO_SERVICE,
                           auth_audience=auth_audience)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                          log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web service did not start")
            time.sleep(0.05)
        yield Web(url=f"http://127.0.0.1:{port}", session_key=session_key)
    finally:
        server.should_exit = True
        thread.join(10)
