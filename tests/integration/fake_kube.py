"""A fake Kubernetes API server on loopback, for discovery tests (Python standard library only).

It speaks what epsitter uses of the real API, in the documented formats:
- GET /api/v1[/namespaces/NS]/services and /apis/networking.k8s.io/v1[/namespaces/NS]/ingresses:
  a List ({"kind": "ServiceList", "metadata": {"resourceVersion", "continue"}, "items": [...]}),
  paged by `limit` and `continue`, filtered by an equality `labelSelector`;
- the same with ?watch=1&resourceVersion=RV: a chunked stream of newline-separated events
  {"type": "ADDED"|"MODIFIED"|"DELETED"|"BOOKMARK"|"ERROR", "object": {...}} for every change after
  RV; a watch from a resourceVersion older than the last compaction gets "410 Gone" (an ERROR event
  with a Status of code 410, as the API server sends it, or an HTTP 410 answer);
- coordination.k8s.io/v1 Leases, as replicas use them for membership: POST to the collection
  creates (409 AlreadyExists when the name is taken), GET/PUT/DELETE on
  .../namespaces/NS/leases/NAME read, update and delete; an update must carry the object's current
  `metadata.resourceVersion` (409 Conflict when it is stale, as the API server's optimistic
  concurrency does); lists and watches of Leases work as for the other kinds;
- the bearer token: any request without `Authorization: Bearer TOKEN` gets a 401 Status.

Tests change the objects while epsitter watches (`put`, `delete`), and make trouble on purpose:
`compact` (the next watch from an old resourceVersion gets 410 and must list again),
`expire_watches` (open watches get an ERROR 410 event), `drop_watches` (open streams are cut
without the final chunk, as a dropped connection looks), `bookmark`, and `unreachable` (every
request, and every open watch, hangs without an answer until `reachable` again: an API server
behind a partition).
"""

import copy
import http.server
import json
import os
import socket
import tempfile
import threading
import time
import urllib.parse

KINDS = {
    "services": ("/api/v1", "Service", "v1"),
    "ingresses": ("/apis/networking.k8s.io/v1", "Ingress", "networking.k8s.io/v1"),
    "leases": ("/apis/coordination.k8s.io/v1", "Lease", "coordination.k8s.io/v1"),
}
# Bound on a request body the fake reads (a Lease is a few hundred bytes).
MAX_BODY = 1 << 20


class Request:
    """What the fake saw of one request."""

    def __init__(self, path, resource, namespace, query, headers, method="GET", body=b""):
        self.path, self.resource, self.namespace = path, resource, namespace
        self.query, self.headers, self.method, self.body = query, headers, method, body

    @property
    def watch(self):
        return self.query.get("watch") in ("1", "true")


def service(namespace, name, annotations=None, ports=None, labels=None, spec=None):
    """A Service object as the API server returns it (the fields epsitter may read, and others):
    a ClusterIP Service selecting its pods, unless `spec` says otherwise."""
    return {
        "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{namespace}-{name}",
                     "labels": labels or {"app": name}, "annotations": annotations or {}},
        "spec": spec or {"type": "ClusterIP", "clusterIP": "10.0.0.10", "selector": {"app": name},
                         "ports": ports if ports is not None else
                         [{"name": "http", "port": 8080, "protocol": "TCP", "targetPort": 8080}]},
        "status": {"loadBalancer": {}},
    }


def ingress(namespace, name, annotations, rules, tls=None, labels=None):
    return {
        "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{namespace}-{name}",
                     "labels": labels or {}, "annotations": annotations},
        "spec": {"rules": rules, "tls": tls or []},
        "status": {"loadBalancer": {}},
    }


def selector_matches(selector, labels):
    """Equality-based selectors only (k=v, k==v, k!=v), comma-separated: all the tests need."""
    for term in filter(None, (s.strip() for s in selector.split(","))):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key) == value:
                return False
        else:
            key, value = term.replace("==", "=").split("=", 1)
            if labels.get(key) != value:
                return False
    return True


class FakeKube:
    """The fake API server; `ssl_context` (tls.server_context) serves it over HTTPS."""

    def __init__(self, token="test-token", ssl_context=None):
        self.token = token
        self.cond = threading.Condition()
        self.version = 1000
        self.objects = {}       # (resource, namespace, name) -> object
        self.events = []        # (version, resource, type, object)
        self.compacted = 0      # watches from a version below this get 410
        self.gone_as_http = False
        self.drops = 0          # bumped by drop_watches(); a stream sees it and cuts itself
        self.expiries = 0       # bumped by expire_watches()
        self.bookmarks = 0
        self.bookmarks_sent = 0
        self.closing = False
        self.requests = []
        self.malformed_items = []  # raw items added to every services list (not watchable)
        self.partitioned = False   # unreachable(): requests hang until reachable()
        self.uids = 0
        self._open = {}            # resource -> watch streams open now
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._handle(self)

            def do_POST(self):
                fake._handle(self)

            def do_PUT(self):
                fake._handle(self)

            def do_DELETE(self):
                fake._handle(self)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if ssl_context is not None:
            self.server.socket = ssl_context.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https" if ssl_context is not None else "http"
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        with self.cond:
            self.closing = True
            self.cond.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # --- what tests do ---------------------------------------------------------------------

    def put(self, resource, obj, event=True):
        """Adds or replaces an object (ADDED or MODIFIED event unless event=False)."""
        obj = copy.deepcopy(obj)
        meta = obj["metadata"]
        key = (resource, meta["namespace"], meta["name"])
        with self.cond:
            self.version += 1
            meta["resourceVersion"] = str(self.version)
            kind = "MODIFIED" if key in self.objects else "ADDED"
            self.objects[key] = obj
            if event:
                self.events.append((self.version, resource, kind, copy.deepcopy(obj)))
            self.cond.notify_all()

    def delete(self, resource, namespace, name, event=True):
        with self.cond:
            obj = self.objects.pop((resource, namespace, name))
            self.version += 1
            obj["metadata"]["resourceVersion"] = str(self.version)
            if event:
                self.events.append((self.version, resource, "DELETED", obj))
            self.cond.notify_all()

    def compact(self, as_http=False):
        """Forgets history: a watch from any version seen so far gets 410 Gone."""
        with self.cond:
            self.version += 1
            self.compacted = self.version
            self.gone_as_http = as_http
            self.cond.notify_all()

    def expire_watches(self):
        """Open watches get an ERROR event with a 410 Status (and the history is compacted)."""
        with self.cond:
            self.version += 1
            self.compacted = self.version
            self.expiries += 1
            self.cond.notify_all()

    def drop_watches(self):
        """Open watch streams are cut without their final chunk."""
        with self.cond:
            self.drops += 1
            self.cond.notify_all()

    def bookmark(self):
        with self.cond:
            self.version += 1
            self.bookmarks += 1
            self.cond.notify_all()

    def unreachable(self):
        """From now on no request is answered, and open watches send nothing more (a partition:
        the connections stay open, nothing arrives), until reachable()."""
        with self.cond:
            self.partitioned = True
            self.cond.notify_all()

    def reachable(self):
        with self.cond:
            self.partitioned = False
            self.cond.notify_all()

    def leases(self, namespace=None):
        """The Leases stored now, by name."""
        with self.cond:
            return {k[2]: copy.deepcopy(o) for k, o in self.objects.items()
                    if k[0] == "leases" and (namespace is None or k[1] == namespace)}

    def seen(self, resource=None, watch=None):
        with self.cond:
            return [r for r in self.requests
                    if (resource is None or r.resource == resource)
                    and (watch is None or r.watch == watch)]

    def open_watches(self, resource):
        """Watches of `resource` that have begun streaming and not ended."""
        with self.cond:
            return self._open.get(resource, 0)

    # --- the server side ----------------------------------------------------------------------

    def _item_route(self, path):
        """(resource, namespace, name) for a namespaced object's path, else None."""
        for resource, (prefix, _, _) in KINDS.items():
            head = f"{prefix}/namespaces/"
            if path.startswith(head):
                parts = path[len(head):].split("/")
                if len(parts) == 3 and parts[1] == resource and parts[0] and parts[2]:
                    return resource, parts[0], parts[2]
        return None

    def _route(self, path):
        """(resource, namespace or '') for a collection path, else None."""
        for resource, (prefix, _, _) in KINDS.items():
            if path == f"{prefix}/{resource}":
                return resource, ""
            head = f"{prefix}/namespaces/"
            if path.startswith(head) and path.endswith(f"/{resource}"):
                namespace = path[len(head):-len(resource) - 1]
                if namespace and "/" not in namespace:
                    return resource, namespace
        return None

    def _send_json(self, handler, status, body):
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        try:
            handler.wfile.write(payload)
        except OSError:
            pass  # the client gave up waiting (a partition test): nothing to answer

    @staticmethod
    def _status(code, reason, message):
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": message, "reason": reason, "code": code}

    def _handle(self, handler):
        parsed = urllib.parse.urlsplit(handler.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        route = self._route(parsed.path)
        item = self._item_route(parsed.path)
        resource = route[0] if route else item[0] if item else None
        namespace = route[1] if route else item[1] if item else None
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(min(length, MAX_BODY)) if length else b""
        request = Request(parsed.path, resource, namespace, query, dict(handler.headers),
                          handler.command, body)
        with self.cond:
            self.requests.append(request)
            while self.partitioned and not self.closing:
                self.cond.wait(0.2)
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            self._send_json(handler, 401, self._status(401, "Unauthorized", "Unauthorized"))
            return
        if item is not None:
            self._object(handler, item, request)
            return
        if route is not None and handler.command == "POST":
            self._create(handler, route, request)
            return
        if route is None or handler.command != "GET":
            self._send_json(handler, 404, self._status(404, "NotFound", "the server could not "
                                                       "find the requested resource"))
            return
        if request.watch:
            self._watch(handler, route, query)
        else:
            self._list(handler, route, query)

    def _store(self, resource, obj, kind):
        """Stores `obj` under a new resourceVersion and records the event; holds self.cond."""
        meta = obj["metadata"]
        self.version += 1
        meta["resourceVersion"] = str(self.version)
        self.objects[(resource, meta["namespace"], meta["name"])] = obj
        self.events.append((self.version, resource, kind, copy.deepcopy(obj)))
        self.cond.notify_all()

    def _body_object(self, handler, request, resource, namespace):
        """The JSON object of a POST or PUT, or None after answering 400."""
        try:
            obj = json.loads(request.body)
            meta = obj["metadata"]
            if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
                raise ValueError("metadata.name")
        except (ValueError, KeyError, TypeError) as error:
            self._send_json(handler, 400, self._status(400, "BadRequest", f"bad body: {error}"))
            return None
        if meta.setdefault("namespace", namespace) != namespace:
            self._send_json(handler, 400, self._status(400, "BadRequest",
                                                       "the namespace of the object does not "
                                                       "match the namespace of the request"))
            return None
        _, kind, api_version = KINDS[resource]
        obj["kind"], obj["apiVersion"] = kind, api_version
        return obj

    def _create(self, handler, route, request):
        resource, namespace = route
        if not namespace:
            self._send_json(handler, 405, self._status(405, "MethodNotAllowed", "create needs "
                                                       "a namespace"))
            return
        obj = self._body_object(handler, request, resource, namespace)
        if obj is None:
            return
        meta = obj["metadata"]
        with self.cond:
            if (resource, namespace, meta["name"]) in self.objects:
                answer = (409, self._status(409, "AlreadyExists",
                                            f'{resource} "{meta["name"]}" already exists'))
            else:
                self.uids += 1
                meta["uid"] = f"uid-lease-{self.uids}"
                meta["creationTimestamp"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                meta.pop("resourceVersion", None)
                self._store(resource, obj, "ADDED")
                answer = (201, copy.deepcopy(obj))
        self._send_json(handler, *answer)

    def _object(self, handler, item, request):
        resource, namespace, name = item
        key = (resource, namespace, name)
        if handler.command == "PUT":
            obj = self._body_object(handler, request, resource, namespace)
            if obj is None:
                return
        with self.cond:
            current = self.objects.get(key)
            if current is None:
                answer = (404, self._status(404, "NotFound", f'{resource} "{name}" not found'))
            elif handler.command == "GET":
                answer = (200, copy.deepcopy(current))
            elif handler.command == "DELETE":
                del self.objects[key]
                self.version += 1
                current["metadata"]["resourceVersion"] = str(self.version)
                self.events.append((self.version, resource, "DELETED", copy.deepcopy(current)))
                self.cond.notify_all()
                answer = (200, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                "status": "Success", "details": {"name": name}})
            elif handler.command == "PUT":
                meta = obj["metadata"]
                if meta.get("name") != name:
                    answer = (400, self._status(400, "BadRequest", "the name of the object "
                                                "does not match the name in the URL"))
                elif meta.get("resourceVersion") != current["metadata"]["resourceVersion"]:
                    # Optimistic concurrency: an update from a stale read is refused.
                    answer = (409, self._status(409, "Conflict", f'Operation cannot be fulfilled '
                                                f'on {resource} "{name}": the object has been '
                                                f'modified; please apply your changes to the '
                                                f'latest version and try again'))
                else:
                    meta["uid"] = current["metadata"]["uid"]
                    meta["creationTimestamp"] = current["metadata"].get("creationTimestamp")
                    self._store(resource, obj, "MODIFIED")
                    answer = (200, copy.deepcopy(obj))
            else:
                answer = (405, self._status(405, "MethodNotAllowed", "not allowed"))
        self._send_json(handler, *answer)

    def _matching(self, resource, namespace, selector, obj):
        meta = obj["metadata"]
        return ((not namespace or meta["namespace"] == namespace)
                and selector_matches(selector, meta.get("labels") or {}))

    def _list(self, handler, route, query):
        resource, namespace = route
        selector = query.get("labelSelector", "")
        with self.cond:
            items = [copy.deepcopy(o) for k, o in sorted(self.objects.items())
                     if k[0] == resource and self._matching(resource, namespace, selector, o)]
            version = str(self.version)
        if resource == "services":
            items += copy.deepcopy(self.malformed_items)
        limit = int(query.get("limit", "0") or 0)
        start = int(query.get("continue", "0") or 0)
        page = items[start:start + limit] if limit else items[start:]
        more = limit and start + limit < len(items)
        _, kind, api_version = KINDS[resource]
        self._send_json(handler, 200, {
            "kind": f"{kind}List", "apiVersion": api_version,
            "metadata": {"resourceVersion": version, **({"continue": str(start + limit)}
                                                         if more else {})},
            "items": page})

    def _watch(self, handler, route, query):
        resource, namespace = route
        selector = query.get("labelSelector", "")
        since = int(query.get("resourceVersion", "0") or 0)
        timeout = float(query.get("timeoutSeconds", "300"))
        with self.cond:
            too_old = since < self.compacted
            as_http = self.gone_as_http
        if too_old and as_http:
            self._send_json(handler, 410, self._status(410, "Expired", "too old resource version"))
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()

        def chunk(event):
            data = (json.dumps(event) + "\n").encode()
            handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            handler.wfile.flush()

        def gone():
            chunk({"type": "ERROR", "object": self._status(410, "Expired",
                                                           "too old resource version")})

        try:
            if too_old:
                gone()
                handler.wfile.write(b"0\r\n\r\n")
                return
            deadline = time.monotonic() + timeout
            with self.cond:
                drops, expiries, bookmarks = self.drops, self.expiries, self.bookmarks
                self._open[resource] = self._open.get(resource, 0) + 1
            try:
                while True:
                    with self.cond:
                        pending = [e for e in self.events if e[0] > since and e[1] == resource
                                   and self._matching(resource, namespace, selector, e[3])]
                        if self.partitioned and not self.closing:
                            self.cond.wait(0.2)  # nothing gets through, not even the end
                            continue
                        if not pending and not self.closing and self.drops == drops \
                                and self.expiries == expiries and self.bookmarks == bookmarks \
                                and time.monotonic() < deadline:
                            self.cond.wait(0.2)
                            continue
                        closing, dropped = self.closing, self.drops != drops
                        expired = self.expiries != expiries
                        bookmark = self.bookmarks != bookmarks
                        bookmarks = self.bookmarks
                        version = self.version
                    for number, _, kind, obj in pending:
                        chunk({"type": kind, "object": obj})
                        since = number
                    if bookmark and query.get("allowWatchBookmarks") == "true":
                        chunk({"type": "BOOKMARK", "object": {
                            "kind": KINDS[resource][1], "apiVersion": KINDS[resource][2],
                            "metadata": {"resourceVersion": str(version)}}})
                        since = max(since, version)
                        with self.cond:
                            self.bookmarks_sent += 1
                    if dropped:
                        # No final chunk: to the client the connection broke mid-stream.
                        handler.connection.shutdown(socket.SHUT_RDWR)
                        return
                    if expired:
                        gone()
                        break
                    if closing or time.monotonic() >= deadline:
                        break
            finally:
                with self.cond:
                    self._open[resource] -= 1
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # epsitter went away: that is its right


def cluster_for(test, token="test-token"):
    """A running FakeKube that accepts `token`, and a token file holding it, both cleaned up when
    `test` (a unittest.TestCase) ends: (kube, token_file)."""
    directory = tempfile.TemporaryDirectory(prefix="epsitter-kube-")
    test.addCleanup(directory.cleanup)
    token_file = os.path.join(directory.name, "token")
    with open(token_file, "w") as f:
        f.write(token + "\n")
    kube = FakeKube(token=token).__enter__()
    test.addCleanup(kube.__exit__, None, None, None)
    return kube, token_file
