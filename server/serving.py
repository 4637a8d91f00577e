"""gunicorn, embedded: one worker process with threads.

One process, so that what is costly to hold (the OCR engine, the reminder dispatcher) exists
once per server; it is created in the worker, after the fork, because onnxruntime is not
fork-safe.
"""

from __future__ import annotations

import sys

from gunicorn.app.base import BaseApplication


class AfterviewServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app()


def serve_forever(
    host, port, threads, certfile, keyfile, announce: str, dispatcher: bool = True
) -> None:
    def when_ready(server) -> None:
        print(announce, file=sys.stderr, flush=True)

    def post_worker_init(worker) -> None:
        # Exactly one reminder dispatcher per server, in the worker, after the fork (a worker
        # whose app failed to load holds gunicorn's error app, which has no extensions).
        if dispatcher and hasattr(worker.wsgi, "extensions"):
            from .dispatcher import start_in_server

            start_in_server(worker.wsgi)
        # The OCR engine (onnxruntime is not fork-safe) loads here too, in the background, so
        # the first card scan is as fast as the rest.
        config = getattr(worker.wsgi, "config", None)
        if config is not None and config.get("OCR_WARM_UP", True):
            from .ocr import warm_up_in_background

            warm_up_in_background(config.get("OCR_ENGINE", "rapidocr"))

    def worker_exit(server, worker) -> None:
        from .dispatcher import stop_in_server

        if hasattr(getattr(worker, "wsgi", None), "extensions"):
            stop_in_server(worker.wsgi)

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 120,
        "graceful_timeout": 10,
        "accesslog": "-",
        # A control socket in the home folder would be shared by every server on the machine.
        "control_socket_disable": True,
        "when_ready": when_ready,
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
    }
    if certfile:
        options.update(certfile=certfile, keyfile=keyfile)
    AfterviewServer(options).run()
