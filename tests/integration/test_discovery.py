"""Kubernetes discovery against a fake API server (fake_kube.py) that speaks the real list and watch
formats: annotated Services and Ingresses become targets and are really probed (through a proxy,
since *.svc names do not resolve here), a changed annotation changes the target, a deleted Service
takes its series with it, unannotated and malformed objects are left out, the bearer token is sent,
a 410 Gone makes epsitter list again, and a dropped stream is resumed where it broke."""

import json
import tempfile
import time
import unittest

import harness
import tls
from fake_kube import FakeKube, cluster_for, ingress, service
from harness import Backend, Epsitter, refused_port, wait_until

COUNT = "sitter_request_time_count"
PROBE = {"epsitter.io/probe": "true"}


def series(sitter):
    """{target name: labels} of every per-target series epsitter serves."""
    return {dict(labels)["name"]: dict(labels)
            for name, labels in sitter.metrics() if name == COUNT}


class Discovery(unittest.TestCase):
    def setUp(self):
        self.kube, self.token_file = cluster_for(self)
        self.tmp = tempfile.TemporaryDirectory(prefix="epsitter-discovery-")
        self.addCleanup(self.tmp.cleanup)
        # Discovered targets are named NAME.NAMESPACE.svc, which does not resolve on this machine:
        # they are probed through this backend acting as their HTTP proxy, so the test sees each
        # URL epsitter really requests (an absolute URI on the request line).
        self.proxy = Backend().__enter__()
        self.addCleanup(self.proxy.__exit__, None, None, None)

    def config(self, block="", urls=None, defaults=""):
        # The admin allows the test's Ingress hosts; the profile every object gets routes its
        # probes through the proxy (`defaults:` never sets a discovered target's route).
        text = (f"kubernetes:\n  api_url: {self.kube.url}\n  token_file: {self.token_file}\n"
                f"  allowed_hosts: ['*.example.com']\n{block}"
                f"profiles:\n  default: {{proxy: '{self.proxy.url()}', timeout: 2}}\n"
                f"defaults:\n  proxy: {self.proxy.url()}\n  timeout: 2\n{defaults}")
        if urls:
            text += harness.config_yaml(urls)
        return text

    def sitter(self, text, env=None):
        # A proxy setting of the environment would bypass the test's own.
        env = dict(env or {}, no_proxy="", NO_PROXY="", http_proxy="", HTTP_PROXY="")
        return Epsitter(text, env=env)

    def proxied(self, url):
        return [r for r in self.proxy.seen() if r.path == url]

    def test_annotated_objects_become_targets_and_follow_every_change(self):
        kube = self.kube
        kube.put("services", service("shop", "web", {**PROBE, "epsitter.io/path": "/healthz"}))
        kube.put("services", service("shop", "plain"))  # no annotation: ignored
        kube.put("services", service("shop", "bad", {**PROBE, "epsitter.io/interval": "soon"}))
        kube.put("services", service("shop", "typo", {"epsitter.io/prob": "true"}))
        kube.put("services", service("shop", "noport", PROBE, ports=[]))
        kube.malformed_items.append({"metadata": {"name": "no-namespace",
                                                  "annotations": PROBE}})
        kube.put("ingresses", ingress("shop", "front", {**PROBE, "epsitter.io/expect-status":
                                                        "[200, 404]"},
                                      [{"host": "shop.example.com",
                                        "http": {"paths": [{"path": "/", "pathType": "Prefix"}]}}],
                                      tls=[{"hosts": ["other.example.com"]}]))
        text = self.config(urls={"static_one": {"url": self.proxy.url("/static")}})
        with self.sitter(text) as sitter:
            web_url = "http://web.shop.svc:8080/healthz"
            wait_until(lambda: "shop/web" in series(sitter), message="shop/web discovered")
            web = series(sitter)["shop/web"]
            self.assertEqual(web["namespace"], "shop")
            self.assertEqual(web["url"], web_url)
            # Really probed, at that URL (through the proxy); the ingress and the file's target too.
            wait_until(lambda: self.proxied(web_url), message="shop/web probed")
            wait_until(lambda: self.proxied("http://shop.example.com/"),
                       message="the ingress host probed")
            wait_until(lambda: sitter.value(COUNT, name="static_one") >= 1,
                       message="the file's target probed beside the discovered ones")
            self.assertEqual(set(series(sitter)),
                             {"static_one", "shop/web", "shop/front/shop.example.com/"})
            self.assertEqual(sitter.value("sitter_probe_success",
                                          name="shop/front/shop.example.com/"), 1)

            log = sitter.log()
            self.assertIn('Service shop/bad: epsitter.io/interval: \\"soon\\" is not a number', log)
            self.assertIn('unknown annotation \\"epsitter.io/prob\\" (did you mean \\"probe\\"?)',
                          log)
            self.assertIn("Service shop/noport: has no ports", log)
            self.assertIn('malformed=1', log)
            self.assertEqual(sitter.value("sitter_discovery_targets", source="service"), 1)
            self.assertEqual(sitter.value("sitter_discovery_targets", source="ingress"), 1)
            self.assertEqual(sitter.value("sitter_discovery_targets", source="file"), 1)
            self.assertEqual(sitter.value("sitter_discovery_errors_total", reason="object"), 4)
            self.assertEqual(sitter.value("sitter_discovery_errors_total", reason="api"), 0)
            self.assertGreater(sitter.value("sitter_discovery_last_sync_timestamp_seconds"),
                               time.time() - 60)
            self.assertEqual(sitter.value("sitter_shard_targets"), 3)
            # The status API and page say where each target came from.
            status, _, body = sitter.get("/api/v1/targets?history=0")
            self.assertEqual(status, 200)
            self.assertEqual({t["name"]: t["source"] for t in json.loads(body)["targets"]},
                             {"static_one": "file", "shop/web": "service",
                              "shop/front/shop.example.com/": "ingress"})
            page = sitter.get("/")[2]
            self.assertIn('<span class="n">shop/web</span><span class="src">service</span>', page)

            # Every request carried the ServiceAccount token.
            requests = kube.seen()
            self.assertTrue(requests)
            for request in requests:
                self.assertEqual(request.headers.get("Authorization"), "Bearer test-token")
            self.assertNotIn("test-token", sitter.log())

            # A changed annotation changes the target: new URL, the old series gone.
            kube.put("services", service("shop", "web", {**PROBE, "epsitter.io/path": "/v2",
                                                         "epsitter.io/port": "9090"}))
            new_url = "http://web.shop.svc:9090/v2"
            wait_until(lambda: series(sitter).get("shop/web", {}).get("url") == new_url,
                       message="shop/web at its new URL")
            wait_until(lambda: self.proxied(new_url), message="the new URL probed")
            self.assertEqual(len([n for n, l in sitter.metrics()
                                  if n == COUNT and dict(l)["name"] == "shop/web"]), 1)

            # An object annotated later joins; fixing a bad one brings it in.
            kube.put("services", service("shop", "plain", PROBE))
            kube.put("services", service("shop", "bad", {**PROBE, "epsitter.io/interval": "5"}))
            wait_until(lambda: {"shop/plain", "shop/bad"} <= set(series(sitter)),
                       message="newly annotated and fixed services discovered")

            # A deleted Service removes its series; the others keep counting.
            kube.delete("services", "shop", "web")
            wait_until(lambda: "shop/web" not in series(sitter), message="shop/web gone")
            static = sitter.value(COUNT, name="static_one")
            wait_until(lambda: sitter.value(COUNT, name="static_one") > static,
                       message="the file's target still probed")
            # Unannotating is as good as deleting.
            kube.put("services", service("shop", "plain"))
            wait_until(lambda: "shop/plain" not in series(sitter), message="shop/plain gone")

            # SIGTERM while watches hang open: a prompt, clean exit.
            started = time.monotonic()
            self.assertEqual(sitter.stop(), 0)
            self.assertLess(time.monotonic() - started, 5)

    def test_410_gone_makes_epsitter_list_again(self):
        kube = self.kube
        kube.put("services", service("shop", "web", PROBE))
        kube.put("services", service("shop", "old", PROBE))
        with self.sitter(self.config()) as sitter:
            wait_until(lambda: {"shop/web", "shop/old"} <= set(series(sitter)),
                       message="both discovered")
            wait_until(lambda: kube.open_watches("services"), message="a services watch open")
            lists = len(kube.seen("services", watch=False))

            # While the watch is told its history is gone, a Service is deleted and another added
            # without any event: only a new list can show that.
            kube.delete("services", "shop", "old", event=False)
            kube.put("services", service("shop", "late", PROBE), event=False)
            kube.expire_watches()
            wait_until(lambda: len(kube.seen("services", watch=False)) > lists,
                       message="a new list after the ERROR 410 event")
            wait_until(lambda: set(series(sitter)) == {"shop/web", "shop/late"},
                       message="the relisted set")
            self.assertIn("kubernetes watch expired, listing again", sitter.log())

            # The same when the watch request itself is answered 410 (HTTP status).
            lists = len(kube.seen("services", watch=False))
            kube.delete("services", "shop", "late", event=False)
            kube.compact(as_http=True)
            kube.drop_watches()
            wait_until(lambda: len(kube.seen("services", watch=False)) > lists, timeout=20,
                       message="a new list after an HTTP 410")
            wait_until(lambda: set(series(sitter)) == {"shop/web"}, message="late gone")

    def test_a_dropped_stream_resumes_from_the_last_resource_version(self):
        kube = self.kube
        kube.put("services", service("shop", "web", PROBE))
        with self.sitter(self.config()) as sitter:
            wait_until(lambda: "shop/web" in series(sitter), message="shop/web discovered")
            wait_until(lambda: kube.open_watches("services"), message="a services watch open")
            kube.put("services", service("shop", "second", PROBE))
            wait_until(lambda: "shop/second" in series(sitter), message="second via the watch")
            last_seen = kube.version
            lists = len(kube.seen("services", watch=False))
            watches = len(kube.seen("services", watch=True))

            kube.drop_watches()
            wait_until(lambda: len(kube.seen("services", watch=True)) > watches, timeout=20,
                       message="a new watch after the drop")
            resumed = kube.seen("services", watch=True)[watches]
            self.assertEqual(resumed.query["resourceVersion"], str(last_seen))
            self.assertEqual(resumed.query["allowWatchBookmarks"], "true")
            kube.put("services", service("shop", "third", PROBE))
            wait_until(lambda: "shop/third" in series(sitter), message="third via the new watch")
            self.assertEqual(len(kube.seen("services", watch=False)), lists)  # no list needed
            self.assertGreaterEqual(sitter.value("sitter_discovery_errors_total", reason="api"), 1)
            self.assertIn("kubernetes discovery failed", sitter.log())

            # A bookmark moves the resource version on without changing anything.
            wait_until(lambda: kube.open_watches("services"), message="the watch open again")
            kube.bookmark()
            bookmarked = kube.version
            watches = len(kube.seen("services", watch=True))
            wait_until(lambda: kube.bookmarks_sent >= 1, message="the bookmark sent")
            kube.drop_watches()
            wait_until(lambda: len(kube.seen("services", watch=True)) > watches, timeout=20,
                       message="a watch after the bookmark")
            self.assertEqual(kube.seen("services", watch=True)[watches].query["resourceVersion"],
                             str(bookmarked))

    def test_namespaces_and_label_selector_narrow_what_is_listed(self):
        kube = self.kube
        labels = {"team": "sre"}
        kube.put("services", service("shop", "web", PROBE, labels=labels))
        kube.put("services", service("billing", "api", PROBE, labels=labels))
        kube.put("services", service("other", "web", PROBE, labels=labels))
        kube.put("services", service("shop", "foreign", PROBE, labels={"team": "payments"}))
        block = "  namespaces: [shop, billing]\n  label_selector: team=sre\n"
        with self.sitter(self.config(block=block)) as sitter:
            wait_until(lambda: set(series(sitter)) == {"shop/web", "billing/api"},
                       message="only the selected namespaces and labels")
            paths = {r.path for r in kube.seen()}
            self.assertEqual(paths, {"/api/v1/namespaces/shop/services",
                                     "/api/v1/namespaces/billing/services",
                                     "/apis/networking.k8s.io/v1/namespaces/shop/ingresses",
                                     "/apis/networking.k8s.io/v1/namespaces/billing/ingresses"})
            for request in kube.seen():
                self.assertEqual(request.query.get("labelSelector"), "team=sre")

    def test_a_file_target_wins_a_name_clash_and_the_clash_is_logged(self):
        self.kube.put("services", service("shop", "web", PROBE))
        self.kube.put("services", service("shop", "api", PROBE))
        static_url = self.proxy.url("/mine")
        with self.sitter(self.config(urls={"shop/web": {"url": static_url}})) as sitter:
            wait_until(lambda: "shop/api" in series(sitter), message="shop/api discovered")
            self.assertEqual(series(sitter)["shop/web"]["url"], static_url)
            self.assertIn('discovered target ignored: the config file has a target of the same '
                          'name, which wins" target="shop/web"', sitter.log())
            self.assertEqual(sitter.value("sitter_discovery_targets", source="service"), 1)

    def test_an_unreachable_api_server_is_retried_while_file_targets_run(self):
        text = (f"kubernetes:\n  api_url: http://127.0.0.1:{refused_port()}\n"
                f"  token_file: {self.token_file}\n"
                + harness.config_yaml({"static_one": {"url": self.proxy.url("/static")}}))
        with self.sitter(text) as sitter:
            wait_until(lambda: sitter.value("sitter_discovery_errors_total", reason="api") >= 3,
                       timeout=20, message="retries with backoff")
            self.assertGreaterEqual(sitter.value(COUNT, name="static_one"), 1)
            self.assertEqual(sitter.get("/-/ready")[0], 200)
            self.assertEqual(sitter.value("sitter_discovery_last_sync_timestamp_seconds"), 0)
            started = time.monotonic()
            self.assertEqual(sitter.stop(), 0)
            self.assertLess(time.monotonic() - started, 5)

    def test_a_wrong_token_is_refused_and_counted(self):
        with open(self.token_file, "w") as f:
            f.write("wrong")
        with self.sitter(self.config()) as sitter:
            wait_until(lambda: sitter.value("sitter_discovery_errors_total", reason="api") >= 1,
                       message="a 401 counted")
            self.assertIn("list answered 401", sitter.log())
            # The token is read again for every request: a rotated token is picked up.
            with open(self.token_file, "w") as f:
                f.write("test-token")
            self.kube.put("services", service("shop", "web", PROBE))
            wait_until(lambda: "shop/web" in series(sitter), timeout=40,
                       message="discovered with the rotated token")

    def test_a_reload_starts_and_stops_discovery(self):
        self.kube.put("services", service("shop", "web", PROBE))
        static = {"static_one": {"url": self.proxy.url("/static")}}
        with self.sitter(harness.config_yaml(static)) as sitter:
            wait_until(lambda: sitter.value(COUNT, name="static_one") >= 1, message="started")
            self.assertEqual(self.kube.seen(), [])
            with open(sitter.config_path, "w") as f:
                f.write(self.config(urls=static))
            wait_until(lambda: "shop/web" in series(sitter), message="discovery after a reload")
            with open(sitter.config_path, "w") as f:
                f.write(harness.config_yaml(static))
            wait_until(lambda: set(series(sitter)) == {"static_one"},
                       message="discovered targets gone with the block")
            self.assertIn("kubernetes discovery stopped", sitter.log())


    def test_an_https_api_server_is_verified_with_ca_file(self):
        ca = tls.make_ca(self.tmp.name)
        other_ca = tls.make_ca(self.tmp.name, name="other")
        leaf = tls.make_cert(self.tmp.name, "apiserver", ca=ca)
        with FakeKube(token="test-token", ssl_context=tls.server_context(leaf.cert, leaf.key)) \
                as kube:
            kube.put("services", service("shop", "web", PROBE))
            for ca_file, trusted in ((other_ca.cert, False), (ca.cert, True)):
                text = (f"kubernetes:\n  api_url: {kube.url}\n  token_file: {self.token_file}\n"
                        f"  ca_file: {ca_file}\n"
                        + harness.config_yaml({"static_one": {"url": self.proxy.url("/s")}}))
                with self.subTest(trusted=trusted), self.sitter(text) as sitter:
                    if trusted:
                        wait_until(lambda: "shop/web" in series(sitter),
                                   message="discovered over verified HTTPS")
                        self.assertEqual(
                            sitter.value("sitter_discovery_errors_total", reason="api"), 0)
                    else:
                        wait_until(lambda: sitter.value("sitter_discovery_errors_total",
                                                        reason="api") >= 1,
                                   message="an untrusted API server refused")
                        self.assertNotIn("shop/web", series(sitter))


if __name__ == "__main__":
    harness.main()
