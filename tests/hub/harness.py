"""A real hub for tests: uvicorn on a loopback port in a thread, over a real database.

`restart()` stops the server and starts a new process-like instance (a new app and
engine on the same database), as a hub restart would.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from csec_desktop.hub.app import create_app
from csec_desktop.hub.db import engine_for, upgrade
from csec_desktop.hub.limits import Limits
from csec_desktop.hub.store import Hub


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HubServer:
    def __init__(self, url: str, *, wall: Callable[[], float] = time.time,
                 certfile: str | None = None, keyfile: str | None = None) -> None:
        self.url = url
        self.wall = wall
        self.port = free_port()
        self.certfile, self.keyfile = certfile, keyfile
        # Every test device comes from 127.0.0.1 and enrols many times a minute, which the
        # production limits rightly refuse; test_hub_api.py tests the limits themselves.
        self.limits = Limits(device_per_minute=10**6, admin_per_minute=10**6, enrol_per_minute=10**6,
                             failures_per_minute=10**6)
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None
        self.hub: Hub
        self.app: FastAPI
        self.start()

    @property
    def base_url(self) -> str:
        scheme = "https" if self.certfile else "http"
        host = "localhost" if self.certfile else "127.0.0.1"
        return f"{scheme}://{host}:{self.port}"

    def start(self) -> None:
        engine = engine_for(self.url)
        upgrade(engine)
        self.hub = Hub(engine, wall=self.wall)
        self.app = create_app(self.hub, self.limits)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="critical",
                                ssl_certfile=self.certfile, ssl_keyfile=self.keyfile, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the hub did not start")
            time.sleep(0.005)

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
            self.hub.engine.dispose()
            self.server = None

    def restart(self) -> None:
        self.stop()
        self.start()
