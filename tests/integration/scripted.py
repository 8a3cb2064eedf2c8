"""The tests' one loopback HTTP(S) server: routes answer with any status, headers, body and delay,
and every request is recorded (method, path, headers, body, connection, client certificate, arrival
time). harness.Backend is this server with routes given as (status, delay) pairs.
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


def redirect(location, status=302):
    return Reply(status, b"", {"Location": location})


class Seen:
    """What the server saw of one request."""

    def __init__(self, method, path, headers, body, client, peer_cert, at):
        self.method, self.path, self.headers, self.body = method, path, headers, body
        self.client = client        # (address, port) of the TCP connection
        self.peer_cert = peer_cert  # the client certificate (ssl's dict form) or None
        self.at = at                # time.monotonic() on arrival


class ScriptedServer:
    """routes: {path: Reply}; other paths answer 200 "ok". `ssl_context` makes it HTTPS."""

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
                with server.lock:
                    server.requests.append(Seen(self.command, self.path, dict(self.headers), body,
                                                self.client_address, peer, time.monotonic()))
                reply = server.routes.get(self.path, Reply())
                if reply.delay:
                    server.stopping.wait(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(reply.body)
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
