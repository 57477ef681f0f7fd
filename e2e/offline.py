"""Taking the test server off the network and back, for the offline browser tests.

The browser must find the server truly gone (connection refused), the way a phone in a
basement does, and then back at the same origin, where its service worker and storage
live. So: Django's live server thread on a fixed port, stopped (with every open
keep-alive connection cut) and started again on that port.
"""

import socket

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

from e2e.serving import free_port


class _CuttingServer(ThreadedWSGIServer):
    """Closing it also cuts the connections the browser keeps open: else Chromium sends
    its next request down a kept-alive socket and the "stopped" server answers it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_sockets: set[socket.socket] = set()

    def process_request(self, request, client_address):
        self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        self.open_sockets.discard(request)
        super().shutdown_request(request)

    def server_close(self):
        super().server_close()
        for sock in list(self.open_sockets):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by its own thread


class _Thread(LiveServerThread):
    server_class = _CuttingServer

    def _create_server(self, connections_override=None):
        # Reusing the address: the port we just closed may still be in TIME_WAIT.
        return self.server_class(
            (self.host, self.port),
            QuietWSGIRequestHandler,
            allow_reuse_address=True,
            connections_override=connections_override,
        )


class SwitchableServer:
    """The app at http://127.0.0.1:<port>, static files included, that `stop()` takes
    off the network and `start()` brings back on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread: _Thread | None = None

    def start(self) -> None:
        thread = _Thread("127.0.0.1", StaticFilesHandler, port=self.port)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        self._thread = thread

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.terminate()
            self._thread = None
