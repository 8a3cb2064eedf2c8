"""Hostile peers for the fault suite: loopback servers that each misbehave in one way, a fast
backend for crowds of targets, and readers of a process's descriptor count and memory.

Python standard library only, like harness.py.
"""

import asyncio
import os
import socket
import ssl
import subprocess
import threading
import time

ONE_GIB = 1 << 30
REQUEST_END = b"\r\n\r\n"


# --- What a process holds -------------------------------------------------------------------------

def fd_count(pid):
    """Open file descriptors of process `pid`."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_kib(pid):
    """Resident memory of process `pid` in KiB (VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


def open_files_limit(pid):
    """(soft, hard) of RLIMIT_NOFILE as /proc/PID/limits shows them."""
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return int(soft), int(hard)
    raise AssertionError(f"no open files limit for pid {pid}")


# --- Certificates ---------------------------------------------------------------------------------

def make_certificate(directory, name, days):
    """A self-signed certificate for 127.0.0.1 made by the openssl command; days < 0 is expired.

    Returns (cert_path, key_path)."""
    key = os.path.join(directory, name + ".key")
    csr = os.path.join(directory, name + ".csr")
    cert = os.path.join(directory, name + ".pem")
    run = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True)
    run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    # `x509 -days -1` signs a certificate whose notAfter is a day before its notBefore.
    run("x509", "-req", "-in", csr, "-signkey", key, "-out", cert, "-days", str(days))
    return cert, key


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


# --- A fast backend for crowds of targets ---------------------------------------------------------

class CrowdBackend:
    """An asyncio HTTP/1.1 server on 127.0.0.1 that answers every request 200 and counts requests
    per path; it keeps up with a thousand targets where a thread per connection would not."""

    def __init__(self):
        self.counts = {}
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.port = None

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path):
        with self.lock:
            return self.counts.get(path, 0)

    def snapshot(self):
        with self.lock:
            return dict(self.counts)

    async def _handle(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(REQUEST_END)
                path = head.split(b" ", 2)[1].decode("latin-1")
                with self.lock:
                    self.counts[path] = self.counts.get(path, 0) + 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError,
                IndexError):
            pass
        finally:
            writer.close()

    def _run(self):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=1024))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()
        server.close()
        self.loop.run_until_complete(server.wait_closed())

    def __enter__(self):
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


def settle(seconds):
    """Waits a fixed time, for the few places where "nothing happens for a while" is the point."""
    time.sleep(seconds)
