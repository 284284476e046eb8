"""PreviewServer: the HTTP server, the watcher and the render pool, started and closed together."""

from __future__ import annotations

import threading
from pathlib import Path

from briefgen.serve.http import PreviewHTTPServer
from briefgen.serve.log import Log, quiet
from briefgen.serve.site import Site
from briefgen.serve.watch import Changes, Watcher


class PreviewServer:
    """The preview bound to `host:port` (port 0: any free port). Binding happens here, so a taken
    port raises OSError before anything starts; the render workers start with serving."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000, log: Log = quiet) -> None:
        self.changes = Changes()
        self.watcher = Watcher(root, self.changes, log)
        self.httpd = PreviewHTTPServer((host, port), Site(root, log), self.changes, log)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_name, self.httpd.server_port
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    @property
    def loopback(self) -> bool:
        return self.httpd.check_host

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C raises KeyboardInterrupt here)."""
        self.httpd.site.start()  # first: its workers are forked before the watcher's thread exists
        self.watcher.start()
        self.httpd.serve_forever(poll_interval=0.5)

    def start(self) -> None:
        """Serve from a background thread (tests, embedding); returns once saves are being watched."""
        self.httpd.site.start()
        self.watcher.start()
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="briefgen-serve", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop watching, end open event streams, stop serving, stop the render workers, free the port."""
        self.changes.close()
        self.watcher.stop()
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.site.close()
        self.httpd.server_close()

    def __enter__(self) -> PreviewServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
