"""The tests' one loopback HTTP(S) server: routes answer with any status, headers, body and delay
(or choose the answer from the request), and every request is recorded (method, path, headers,
body, connection, client certificate, arrival time). harness.Backend is this server with routes
given as (status, delay) pairs.
"""

import http.server
import threading
import time


class QuietServer(http.server.ThreadingHTTPServer):
    """Connections the prober cuts short (body_limit, timeouts, refused TLS) are expected here."""

    def handle_error(self, request, client_address):
        pass


class Reply:
    """What a route answers: status, headers (a dict), body (bytes or str), after `delay` seconds."""

    def __init__(self, status=200, body=b"ok\n", headers=None, delay=0):
        self.status = status
        self.body = body.encode() if isinstance(body, str) else body
        self.headers = dict(headers if headers is not None else {"Content-Type": "text/plain"})
        self.delay = delay


    def length(self):
        return len(self.body)

    def write_body(self, wfile):
        wfile.write(self.body)


class Stream(Reply):
    """A body of `size` bytes (announced in Content-Length) written `piece` bytes at a time, to
    see where a client stops reading: `sent` holds the bytes that left for each response, and
    `client_stopped` is set when the client hung up before the end."""

    def __init__(self, size, piece=16 * 1024, status=200):
        super().__init__(status, b"")
        self.size, self.piece = size, piece
        self.sent = []
        self.client_stopped = threading.Event()

    def length(self):
        return self.size

    def write_body(self, wfile):
        self.sent.append(0)
        chunk = b"z" * self.piece
        try:
            while self.sent[-1] < self.size:
                part = chunk[:self.size - self.sent[-1]]
                wfile.write(part)
                wfile.flush()
                self.sent[-1] += len(part)
        except OSError:
            self.client_stopped.set()
            raise


def redirect(location, status=302, headers=None):
    return Reply(status, b"", {"Location": location, **(headers or {})})


class Seen:
    """What the server saw of one request."""

    def __init__(self, method, path, headers, body, client, peer_cert, at):
        self.method, self.path, self.headers, self.body = method, path, headers, body
        self.client = client        # (address, port) of the TCP connection
        self.peer_cert = peer_cert  # the client certificate (ssl's dict form) or None
        self.at = at                # time.monotonic() on arrival


class ScriptedServer:
    """routes: {path: Reply, or a function of the request's Seen that returns one}; other paths
    answer 200 "ok". `ssl_context` makes it HTTPS."""

    def __init__(self, routes=None, ssl_context=None):
        self.routes = dict(routes or {})
        self.requests = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                peer = None
                if ssl_context is not None:
                    peer = self.connection.getpeercert()
                seen = Seen(self.command, self.path, dict(self.headers), body,
                            self.client_address, peer, time.monotonic())
                with server.lock:
                    server.requests.append(seen)
                reply = server.routes.get(self.path, Reply())
                if callable(reply):
                    reply = reply(seen)
                if reply.delay:
                    server.stopping.wait(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(reply.length()))
                    self.end_headers()
                    if self.command != "HEAD":
                        reply.write_body(self.wfile)
                except OSError:
                    pass  # the prober gave up (body_limit, timeout): that is the point

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if ssl_context is not None:
            # The handshake runs in accept(); a client that fails it only costs that accept.
            self.server.socket = ssl_context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.scheme = "https" if ssl_context is not None else "http"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path="/", host="127.0.0.1"):
        return f"{self.scheme}://{host}:{self.port}{path}"

    def seen(self, path=None):
        with self.lock:
            return [r for r in self.requests if path is None or r.path == path]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
