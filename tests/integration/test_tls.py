"""HTTPS targets with certificates made by `openssl`: expiry, verification, mTLS, server_name."""

import tempfile
import unittest

import harness
import tls
from harness import Epsitter, wait_until
from scripted import ScriptedServer


class Tls(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="epsitter-tls-")
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name

    def test_expiry_is_the_leaf_not_after_and_min_cert_days_fails_a_3_day_certificate(self):
        ca = tls.make_ca(self.dir, days=365)
        leaf = tls.make_cert(self.dir, "expiring", ca=ca, days=3)
        chain = tls.chain_file(self.dir, "chain", leaf, ca)
        with ScriptedServer(ssl_context=tls.server_context(chain, leaf.key)) as server:
            config = harness.config_yaml({
                "strict": {"url": server.url("/"), "ca_file": ca.cert, "min_cert_days": 14},
                "lenient": {"url": server.url("/"), "ca_file": ca.cert, "min_cert_days": 2},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: sitter.probed("strict") and sitter.probed("lenient"),
                           message="both targets probed")
                for name in ("strict", "lenient"):
                    self.assertEqual(
                        sitter.value("sitter_tls_cert_expiry_timestamp_seconds", name=name),
                        leaf.not_after())
                self.assertLess(leaf.not_after(), ca.not_after())
                self.assertEqual(sitter.value("sitter_probe_success", name="lenient"), 1)
                self.assertEqual(sitter.value("sitter_probe_success", name="strict"), 0)
                self.assertGreaterEqual(sitter.value("sitter_probe_failures_total", name="strict",
                                                     reason="cert_expiring"), 1)
                versions = [dict(labels)["version"] for (metric, labels) in sitter.metrics()
                            if metric == "sitter_tls_version_info" and
                            dict(labels)["name"] == "lenient"]
                self.assertEqual(len(versions), 1)
                self.assertIn(versions[0], ("TLSv1.2", "TLSv1.3"))
                self.assertGreater(sitter.value("sitter_request_phase_seconds", name="lenient",
                                                phase="tls"), 0)
                self.assertIn('reason=cert_expiring', sitter.log())
                harness.assert_promtool_accepts(self, sitter.scrape())

    def test_the_earliest_expiry_in_the_served_chain_counts(self):
        ca = tls.make_ca(self.dir, "short-lived-ca", days=2)
        leaf = tls.make_cert(self.dir, "long-lived", ca=ca, days=60)
        chain = tls.chain_file(self.dir, "chain", leaf, ca)
        with ScriptedServer(ssl_context=tls.server_context(chain, leaf.key)) as server:
            config = harness.config_yaml({"chained": {"url": server.url("/"), "ca_file": ca.cert}})
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: sitter.probed("chained"), message="a probe")
                self.assertLess(ca.not_after(), leaf.not_after())
                self.assertEqual(sitter.value("sitter_tls_chain_expiry_timestamp_seconds",
                                              name="chained"), ca.not_after())
                # cert_expiry keeps its meaning: the chain's earliest, not the leaf's.
                self.assertEqual(sitter.value("sitter_tls_cert_expiry_timestamp_seconds",
                                              name="chained"), ca.not_after())

    def test_a_self_signed_certificate_fails_unless_insecure_skip_verify(self):
        leaf = tls.make_cert(self.dir, "selfsigned", days=30)
        with ScriptedServer(ssl_context=tls.server_context(leaf.cert, leaf.key)) as server:
            config = harness.config_yaml({
                "verified": {"url": server.url("/")},
                "skipped": {"url": server.url("/"), "insecure_skip_verify": "true"},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: sitter.probed("verified") and sitter.probed("skipped"),
                           message="both targets probed")
                self.assertGreaterEqual(sitter.value("sitter_probe_failures_total", name="verified",
                                                     reason="tls"), 1)
                self.assertGreaterEqual(sitter.value("sitter_probe_failures_total",
                                                     name="verified", reason="tls"), 1)
                self.assertEqual(sitter.value("sitter_probe_success", name="verified"), 0)
                self.assertEqual(sitter.value("sitter_probe_success", name="skipped"), 1)
                self.assertEqual(sitter.value("sitter_tls_cert_expiry_timestamp_seconds",
                                              name="skipped"), leaf.not_after())

    def test_mtls_is_accepted_only_with_the_client_certificate(self):
        server_ca, client_ca, context = tls.mutual_tls(self.dir)
        client = tls.make_cert(self.dir, "prober", ca=client_ca, client=True)
        with ScriptedServer(ssl_context=context) as server:
            config = harness.config_yaml({
                "anonymous": {"url": server.url("/anonymous"), "ca_file": server_ca.cert},
                "with_cert": {"url": server.url("/with-cert"), "ca_file": server_ca.cert,
                              "cert_file": client.cert, "key_file": client.key},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: sitter.probed("anonymous", 2) and sitter.probed("with_cert"),
                           message="both targets probed")
                self.assertEqual(sitter.value("sitter_probe_success", name="with_cert"), 1)
                self.assertEqual(sitter.value("sitter_probe_success", name="anonymous"), 0)
                self.assertGreaterEqual(sitter.value("sitter_probe_failures_total",
                                                     name="anonymous", reason="tls"), 2)
                self.assertEqual(server.seen("/anonymous"), [])
                peer = server.seen("/with-cert")[0].peer_cert
                self.assertIn((("commonName", "prober"),), peer["subject"])

    def test_server_name_sets_sni_host_and_the_name_verified(self):
        ca = tls.make_ca(self.dir)
        leaf = tls.make_cert(self.dir, "named", ca=ca, hosts=("api.example.test",))
        with ScriptedServer(ssl_context=tls.server_context(leaf.cert, leaf.key)) as server:
            config = harness.config_yaml({
                "by_address": {"url": server.url("/by-address"), "ca_file": ca.cert},
                "by_name": {"url": server.url("/by-name"), "ca_file": ca.cert,
                            "server_name": "api.example.test"},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: sitter.probed("by_address") and sitter.probed("by_name"),
                           message="both targets probed")
                self.assertEqual(sitter.value("sitter_probe_success", name="by_name"), 1)
                self.assertGreaterEqual(sitter.value("sitter_probe_failures_total",
                                                     name="by_address", reason="tls"), 1)
                host = server.seen("/by-name")[0].headers["Host"]
                self.assertEqual(host, f"api.example.test:{server.port}")
                # The url label stays what was configured.
                self.assertEqual(sitter.value("sitter_probe_success", name="by_name",
                                              url=server.url("/by-name")), 1)


if __name__ == "__main__":
    harness.main()
