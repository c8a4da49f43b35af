"""A TCP proxy on loopback that can take a real server off the network and back.

Clients talk to the proxy's port; the proxy forwards to the server. ``cut()`` drops
every open connection and stops listening (new connections are refused, exactly as
when the server is down); ``restore()`` listens on the same port again.
``cut_after(n)`` cuts once ``n`` more bytes have gone from clients to the server, so
a test can stop the endpoint in the middle of an upload deterministically.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class FaultProxy:
    def __init__(self, target_port: int, port: int = 0) -> None:
        self.target = ("127.0.0.1", target_port)
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._budget: int | None = None
        self.cut_event = threading.Event()
        self.forwarded = 0
        self.cuts = 0
        self.port = port
        self.restore()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener
            self._budget = None
        self.cut_event.clear()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut_after(self, nbytes: int) -> None:
        with self._lock:
            self._budget = nbytes

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            conns, self._conns = list(self._conns), set()
            self._budget = None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        if listener is not None:
            self.cuts += 1
        self.cut_event.set()

    def close(self) -> None:
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._conns.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, upload: bool) -> None:
        try:
            while data := src.recv(65536):
                if upload and self._spend(len(data)):
                    self.cut()
                    return
                dst.sendall(data)
        except OSError:
            return  # either side closed or was cut: the finally closes both
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _spend(self, n: int) -> bool:
        with self._lock:
            self.forwarded += n
            if self._budget is None:
                return False
            self._budget -= n
            return self._budget <= 0
