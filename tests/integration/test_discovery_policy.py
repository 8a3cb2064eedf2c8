"""A tenant who can only create Services and Ingresses, against the real binary and a fake
Kubernetes API: the admin's rules decide what an annotation may make epsitter do. The tenant's own
listener (the test's proxy, which sees every request epsitter sends to a discovered target) never
receives a credential, header or body the tenant did not get from an admin's profile; refused
objects are logged once and counted as policy errors; caps hold memory and request rates down."""

import time
import unittest

import harness
import procfs
from fake_kube import cluster_for, ingress, service
from harness import Backend, Epsitter, wait_until

PROBE = {"epsitter.io/probe": "true"}
SECRET_TOKEN = "admins-token-s3cr3t"
SECRET_KEY = "admins-api-key-s3cr3t"


def annotated(**annotations):
    return {**PROBE, **{f"epsitter.io/{k.replace('_', '-')}": v for k, v in annotations.items()}}


class DiscoveryPolicy(unittest.TestCase):
    def setUp(self):
        self.kube, self.token_file = cluster_for(self)
        # Stands for every host a discovered target names: epsitter reaches them through it.
        self.listener = Backend().__enter__()
        self.addCleanup(self.listener.__exit__, None, None, None)

    def config(self):
        # The README's suggestion that made the hole: a token and an API key in `defaults:`.
        proxy = self.listener.url()
        return (f"kubernetes:\n  api_url: {self.kube.url}\n  token_file: {self.token_file}\n"
                f"  allowed_hosts: ['*.apps.example']\n"
                f"defaults:\n  bearer_token: {SECRET_TOKEN}\n"
                f"  headers: {{X-Api-Key: {SECRET_KEY}}}\n  proxy: {proxy}\n  timeout: 2\n"
                f"profiles:\n  default: {{proxy: '{proxy}', timeout: 2}}\n"
                f"  internal: {{proxy: '{proxy}', timeout: 2, bearer_token: for-internal}}\n"
                + harness.config_yaml({"file_target": {"url": self.listener.url("/file")}}))

    def test_annotations_cannot_steer_credentials_requests_or_hosts(self):
        kube = self.kube
        many_paths = [{"path": f"/p{i}", "pathType": "Prefix"} for i in range(60)]
        refused = {
            # Crafted requests: method, headers and a body from annotations.
            ("services", "crafted"): service("tenant", "crafted", annotated(
                method="PUT", headers='{"Metadata-Flavor": "Google"}', payload="x=1")),
            # A host outside the admin's patterns.
            ("ingresses", "outside"): ingress("tenant", "outside", PROBE,
                                              [{"host": "metadata.internal"}]),
            # Services that reach any host.
            ("services", "external"): service("tenant", "external", PROBE, spec={
                "type": "ExternalName", "externalName": "metadata.internal",
                "ports": [{"port": 80}]}),
            ("services", "noselector"): service("tenant", "noselector", PROBE, spec={
                "type": "ClusterIP", "ports": [{"port": 80}]}),
            # Caps: one object, many targets; a flood of requests; a huge body limit; a big value.
            ("ingresses", "paths"): ingress("tenant", "paths", PROBE, [
                {"host": "many.apps.example", "http": {"paths": many_paths}}]),
            ("services", "flood"): service("tenant", "flood", annotated(interval="0.001")),
            ("services", "biglimit"): service("tenant", "biglimit",
                                              annotated(body_limit="1073741824")),
            ("services", "bigvalue"): service("tenant", "bigvalue",
                                              annotated(expect_body="a" * 17000)),
            ("services", "noprofile"): service("tenant", "noprofile", annotated(profile="root")),
        }
        for (resource, _), obj in refused.items():
            kube.put(resource, obj)
        # What a tenant may do: its own Service, an allowed Ingress host on a port of its choice.
        kube.put("services", service("tenant", "own", annotated(path="/health")))
        kube.put("ingresses", ingress("tenant", "grab", annotated(port="9999"),
                                      [{"host": "grab.apps.example"}]))
        # What the admin gives: a profile with its own token.
        kube.put("services", service("tenant", "trusted", annotated(profile="internal")))

        with Epsitter(self.config(), env={"no_proxy": "", "NO_PROXY": "", "http_proxy": ""}) \
                as sitter:
            grab_url = "http://grab.apps.example:9999/"
            own_url = "http://own.tenant.svc:8080/health"
            trusted_url = "http://trusted.tenant.svc:8080/"
            wait_until(lambda: all(self.listener.seen(u) for u in (grab_url, own_url, trusted_url)),
                       timeout=20, message="the allowed discovered targets probed")
            wait_until(lambda: sitter.value("sitter_discovery_errors_total", reason="policy")
                       >= len(refused), timeout=20, message="every refusal counted")
            rss_kib = procfs.rss_kib(sitter.process.pid)

            # What the tenant's listener received.
            for url in (grab_url, own_url):
                for request in self.listener.seen(url):
                    self.assertEqual(request.method, "GET")
                    self.assertNotIn("Authorization", request.headers)
                    self.assertNotIn("X-Api-Key", request.headers)
                    self.assertEqual(request.body, b"")
            trusted = self.listener.seen(trusted_url)[0]
            self.assertEqual(trusted.headers.get("Authorization"), "Bearer for-internal")
            file_request = wait_until(lambda: self.listener.seen(self.listener.url("/file")),
                                      message="the file target probed")
            self.assertEqual(file_request[0].headers.get("Authorization"),
                             f"Bearer {SECRET_TOKEN}")  # the file's own targets keep defaults
            everything = self.listener.seen()
            for request in everything:
                self.assertNotIn("Metadata-Flavor", request.headers)
                self.assertNotIn("metadata.internal", request.path)
                self.assertNotEqual(request.method, "PUT")
                self.assertNotIn("many.apps.example", request.path)
                self.assertNotIn("flood.tenant.svc", request.path)

            # Each refusal is logged once, naming the object and the rule, never the secrets.
            time.sleep(1)
            log = sitter.log()
            for (resource, name) in refused:
                kind = "Service" if resource == "services" else "Ingress"
                lines = [line for line in log.splitlines()
                         if "kubernetes object skipped" in line and f"{kind} tenant/{name}:" in line]
                self.assertEqual(len(lines), 1, f"{kind} tenant/{name}: {lines}")
            self.assertIn("is not in kubernetes.allowed_annotations", log)
            self.assertIn("matches no pattern of kubernetes.allowed_hosts", log)
            self.assertIn("allow_external_name", log)
            self.assertIn("allow_selectorless", log)
            self.assertIn("over kubernetes.max_targets_per_object (50)", log)
            self.assertIn("over kubernetes.max_annotation_bytes (16384)", log)
            self.assertIn('epsitter.io/profile: \\"root\\" is not a profile', log)
            for secret in (SECRET_TOKEN, SECRET_KEY, "for-internal"):
                self.assertNotIn(secret, log)
            self.assertEqual(sitter.value("sitter_discovery_errors_total", reason="policy"),
                             len(refused))
            self.assertEqual(sitter.value("sitter_discovery_targets", source="service"), 2)
            self.assertEqual(sitter.value("sitter_discovery_targets", source="ingress"), 1)
            # No series for a refused object.
            names = {dict(labels)["name"] for name, labels in sitter.metrics()
                     if name == "sitter_request_time_count"}
            self.assertEqual(names, {"file_target", "tenant/own", "tenant/trusted",
                                     "tenant/grab/grab.apps.example/"})
            # Requests the flood annotation would have made: none; the allowed ones at their
            # interval (POLL_INTERVAL 0.5 s in tests).
            self.assertLess(len(everything), 200)
            print(f"policy: {len(refused)} objects refused, {len(everything)} requests in all, "
                  f"RSS {rss_kib / 1024:.1f} MiB")
            # Under a sanitizer the bound only catches a runaway (ASan: ~190 MiB here).
            self.assertLess(rss_kib, (512 if harness.SANITIZED else 128) * 1024)


if __name__ == "__main__":
    harness.main()
