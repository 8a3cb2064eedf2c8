"""Hostile peers for the fault suite: loopback servers that each misbehave in one way, and a fast
backend for crowds of targets.

Python standard library only, like harness.py.
"""

import socket
import ssl
import threading
import time

ONE_GIB = 1 << 30
REQUEST_END = b"\r\n\r\n"


# --- Hostile servers ------------------------------------------------------------------------------

class HostileServer:
    """A raw TCP server on 127.0.0.1 that runs `behaviour(server, sock)` for every connection in a
    thread of its own. With `tls=(cert, key)` it speaks TLS first. Use as a context manager.

    `bytes_sent` lists what each finished connection was sent, so a test can prove what the client
    read before it hung up."""

    def __init__(self, behaviour, tls=None):
        self.behaviour = behaviour
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.connections = 0
        self.bytes_sent = []
        self.tls = None
        if tls:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(*tls)
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def url(self, path="/"):
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def _accept(self):
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock):
        counter = SentCounter(sock)
        try:
            if self.tls:
                sock.settimeout(5)
                sock = self.tls.wrap_socket(sock, server_side=True)
                counter = SentCounter(sock)
            sock.settimeout(None)
            self.behaviour(self, counter)
        except (OSError, ssl.SSLError):
            pass  # the client gave up or refused our certificate: what these servers are for
        finally:
            with self.lock:
                self.bytes_sent.append(counter.sent)
            try:
                sock.close()
            except OSError:
                pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join(timeout=5)
        self.listener.close()


class SentCounter:
    """Wraps a socket and counts the bytes sent through it."""

    def __init__(self, sock):
        self.sock = sock
        self.sent = 0

    def send(self, data):
        self.sock.sendall(data)
        self.sent += len(data)

    def __getattr__(self, name):
        return getattr(self.sock, name)


def read_request(sock, limit=65536):
    """Reads up to the end of the request headers (bodies are not read; probes here send none)."""
    data = b""
    while REQUEST_END not in data and len(data) < limit:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def wait_for_hangup(server, sock):
    """Holds the connection open until the client closes it or the server stops."""
    sock.settimeout(0.2)
    while not server.stopping.is_set():
        try:
            if not sock.recv(4096):
                return
        except socket.timeout:
            continue


def hangs_before_headers(server, sock):
    read_request(sock)
    wait_for_hangup(server, sock)


def hangs_after_headers(server, sock):
    read_request(sock)
    sock.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n")
    wait_for_hangup(server, sock)


def drips_a_byte_a_second(server, sock):
    read_request(sock)
    sock.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3600\r\n\r\n")
    while not server.stopping.wait(1.0):
        sock.send(b".")


def resets_mid_body(server, sock):
    read_request(sock)
    sock.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n")
    sock.send(b"x" * 1000)
    # SO_LINGER with a zero timeout turns close() into a reset (RST) instead of an orderly FIN.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")


def closes_without_response(server, sock):
    read_request(sock)
    sock.shutdown(socket.SHUT_RDWR)


def sends_garbage(server, sock):
    read_request(sock)
    sock.send(b"\x00\xff\xfe\x16SSH-2.0-not-http\r\n\x1b[31m%n%n%s\r\n\r\n" + bytes(range(256)))
    sock.shutdown(socket.SHUT_WR)
    wait_for_hangup(server, sock)


def streams_one_gib(server, sock):
    """Announces and streams 1 GiB from one 64 KiB buffer: generated, never held in memory."""
    read_request(sock)
    sock.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
              b"Content-Length: %d\r\n\r\n" % ONE_GIB)
    chunk = b"\xa5" * 65536
    remaining = ONE_GIB
    while remaining > 0 and not server.stopping.is_set():
        sock.send(chunk[:remaining])
        remaining -= len(chunk)


def redirects_in_a_loop(server, sock):
    read_request(sock)
    sock.send(b"HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n"
              b"Connection: close\r\n\r\n")


def answers_ok(server, sock):
    """For the TLS servers: what a client that accepted the certificate would get."""
    read_request(sock)
    sock.send(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")


# --- Hostile clients of epsitter's own port ---------------------------------------------------------

def exchange(port, data, timeout=10):
    """Sends raw bytes to 127.0.0.1:`port` and reads until the server closes the connection or
    `timeout` passes. Returns (bytes received, closed): closed is True when the server ended the
    connection (end of stream or reset), False when it was still open after `timeout`."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server may answer and close before taking everything
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except OSError:
                return received, True  # reset: closed with unread bytes on its side
            if not chunk:
                return received, True
            received += chunk
    return received, False


class SlowReaders:
    """`count` connections that each ask for `path` and then read `rate` bytes a second, through a
    4 KiB receive buffer: the slowest steady readers, which hold a worker for as long as the server
    keeps writing to them. Reading runs in a thread of its own from start() to stop()."""

    def __init__(self, port, count, path="/metrics", rate=4096):
        self.port, self.count, self.path, self.rate = port, count, path, rate
        self.sockets = []
        self.heads = []        # what each connection got first (up to the end of the headers)
        self.received = []     # bytes each connection got, headers included
        self.ended = []        # None while open, else "eof" or "reset"
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)

    def start(self):
        for _ in range(self.count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window
            sock.connect(("127.0.0.1", self.port))
            sock.sendall(f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            sock.setblocking(False)
            self.sockets.append(sock)
            self.heads.append(b"")
            self.received.append(0)
            self.ended.append(None)
        self.thread.start()
        return self

    def _read(self):
        while not self.stopping.wait(1.0):
            for i, sock in enumerate(self.sockets):
                if self.ended[i] is not None:
                    continue
                try:
                    chunk = sock.recv(self.rate)
                except BlockingIOError:
                    continue
                except OSError:
                    self.ended[i] = "reset"
                    continue
                if not chunk:
                    self.ended[i] = "eof"
                if REQUEST_END not in self.heads[i]:
                    self.heads[i] += chunk[:4096]
                self.received[i] += len(chunk)

    def status(self, i):
        """The status code connection `i` got, or None before its first line arrived."""
        line = self.heads[i].split(b"\r\n", 1)[0].split(b" ")
        return int(line[1]) if len(line) > 1 and line[1].isdigit() else None

    def local_port(self, i):
        return self.sockets[i].getsockname()[1]

    def stop(self):
        self.stopping.set()
        self.thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()
