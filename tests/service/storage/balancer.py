"""A TCP balancer for tests, as a Kubernetes Service balances: each new connection goes to
the next backend in turn, and its bytes are relayed both ways until either side closes.
With one backend, and switched to another, it is the -rw Service through a failover."""

import itertools
import socket
import threading
from types import TracebackType


class Balancer:
    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._turn = itertools.cycle(backends)
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="test-balancer", daemon=True).start()

    def switch(self, backends: list[tuple[str, int]]) -> None:
        """Send new connections to ``backends`` from now on, as a Service whose endpoints
        changed (the -rw Service after a failover); connections open stay where they are."""
        self._turn = itertools.cycle(backends)

    def __enter__(self) -> "Balancer":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._listener.close()
        with self._lock:
            for sock in self._open:
                sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            try:
                backend = socket.create_connection(next(self._turn), timeout=5)
            except OSError:
                client.close()
                continue
            backend.settimeout(None)
            with self._lock:
                self._open += [client, backend]
            for source, target in ((client, backend), (backend, client)):
                threading.Thread(target=_relay, args=(source, target), daemon=True).start()


def _relay(source: socket.socket, target: socket.socket) -> None:
    """Bytes from ``source`` to ``target`` until one side ends; then both are closed."""
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        source.close()
        target.close()
