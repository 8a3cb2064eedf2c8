"""Facts of the served certificate chain, also when verification fails, and the failures that
are told apart by what the transfer saw: a refused client certificate is `tls`, a header section
over the bounds is `response_too_large`."""

import json
import tempfile
import time
import unittest

import harness
import tls
from harness import Epsitter, wait_until
from hostile import HostileServer, read_request
from scripted import ScriptedServer


def series(sitter, metric, name):
    """The label dicts of every `metric` series of target `name`."""
    return [dict(labels) for (family, labels) in sitter.metrics()
            if family == metric and dict(labels).get("name") == name]


def cert_info(sitter, name):
    found = series(sitter, "sitter_tls_cert_info", name)
    assert len(found) <= 1, f"{name}: {len(found)} sitter_tls_cert_info series"
    return found[0] if found else None


def failures(sitter, name, reason):
    return sitter.value("sitter_probe_failures_total", name=name, reason=reason)


class TlsFacts(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="epsitter-tls-facts-")
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name

    def test_an_untrusted_self_signed_leaf_fails_tls_and_its_facts_are_exported(self):
        leaf = tls.make_cert(self.dir, "selfsigned", hosts=("127.0.0.1", "localhost",
                                                            "www.example.test"))
        with ScriptedServer(ssl_context=tls.server_context(leaf.cert, leaf.key)) as server:
            config = harness.config_yaml({"untrusted": {"url": server.url("/")}})
            with Epsitter(config) as sitter:
                wait_until(lambda: sitter.probed("untrusted"), message="a probe")
                self.assertGreaterEqual(failures(sitter, "untrusted", "tls"), 1)
                self.assertEqual(sitter.value("sitter_probe_success", name="untrusted"), 0)
                self.assertEqual(sitter.value("sitter_tls_cert_expiry_timestamp_seconds",
                                              name="untrusted"), leaf.not_after())
                self.assertEqual(sitter.value("sitter_tls_chain_expiry_timestamp_seconds",
                                              name="untrusted"), leaf.not_after())
                info = cert_info(sitter, "untrusted")
                self.assertIsNotNone(info)
                self.assertEqual(info["subject"], "CN=selfsigned")
                self.assertEqual(info["issuer"], "CN=selfsigned")
                self.assertEqual(info["serial"], tls.serial_hex(leaf))
                self.assertEqual(info["fingerprint_sha256"], tls.sha256_fingerprint(leaf))
                self.assertEqual(info["dns_names"], "localhost,www.example.test")
                # No handshake finished: no cipher to tell.
                self.assertEqual(series(sitter, "sitter_tls_cipher_info", "untrusted"), [])
                self.assertEqual(series(sitter, "sitter_tls_version_info", "untrusted"), [])
                self.assertEqual(server.seen("/"), [])
                harness.assert_promtool_accepts(self, sitter.scrape())

    def test_an_expired_and_a_wrong_host_leaf_fail_tls_with_their_facts(self):
        ca = tls.make_ca(self.dir, days=365)
        expired = tls.make_cert(self.dir, "expired", ca=ca, days=-1)
        wrong = tls.make_cert(self.dir, "wrong", ca=ca, hosts=("wrong.example.test",))
        with ScriptedServer(ssl_context=tls.server_context(expired.cert, expired.key)) as old, \
                ScriptedServer(ssl_context=tls.server_context(wrong.cert, wrong.key)) as other:
            config = harness.config_yaml({
                "expired": {"url": old.url("/"), "ca_file": ca.cert},
                "wrong_host": {"url": other.url("/"), "ca_file": ca.cert},
            })
            with Epsitter(config) as sitter:
                wait_until(lambda: sitter.probed("expired") and sitter.probed("wrong_host"),
                           message="both targets probed")
                for name, leaf in (("expired", expired), ("wrong_host", wrong)):
                    self.assertGreaterEqual(failures(sitter, name, "tls"), 1, name)
                    self.assertEqual(sitter.value("sitter_tls_cert_expiry_timestamp_seconds",
                                                  name=name), leaf.not_after())
                    info = cert_info(sitter, name)
                    self.assertEqual(info["issuer"], "CN=epsitter test ca")
                    self.assertEqual(info["fingerprint_sha256"], tls.sha256_fingerprint(leaf))
                self.assertLess(expired.not_after(), time.time())
                self.assertEqual(cert_info(sitter, "wrong_host")["dns_names"],
                                 "wrong.example.test")
                self.assertEqual(cert_info(sitter, "expired")["subject"], "CN=expired")

    def test_an_intermediate_expiring_before_the_leaf_sets_the_chain_expiry(self):
        root = tls.make_ca(self.dir, "root", days=365)
        inter = tls.make_intermediate(self.dir, "inter", root, days=3)
        leaf = tls.make_cert(self.dir, "leaf", ca=inter, days=60)
        chain = tls.chain_file(self.dir, "chain", leaf, inter)
        with ScriptedServer(ssl_context=tls.server_context(chain, leaf.key)) as server:
            config = harness.config_yaml({"chained": {"url": server.url("/"), "ca_file": root.cert,
                                                      "min_cert_days": 5}})
            with Epsitter(config) as sitter:
                wait_until(lambda: sitter.probed("chained"), message="a probe")
                chain_expiry = sitter.value("sitter_tls_chain_expiry_timestamp_seconds",
                                            name="chained")
                cert_expiry = sitter.value("sitter_tls_cert_expiry_timestamp_seconds",
                                           name="chained")
                self.assertEqual(chain_expiry, inter.not_after())
                self.assertLess(chain_expiry, leaf.not_after())
                # cert_expiry keeps its meaning since the first release: the chain's earliest.
                self.assertEqual(cert_expiry, chain_expiry)
                # The leaf's own expiry is in the status API.
                _, _, body = sitter.get("/api/v1/targets/chained")
                self.assertGreater(json.loads(body)["cert_leaf_days_left"], 50)
                # min_cert_days looks at the chain: the intermediate's 3 days fail it.
                self.assertGreaterEqual(failures(sitter, "chained", "cert_expiring"), 1)
                self.assertEqual(cert_info(sitter, "chained")["issuer"], "CN=epsitter test inter")
                ciphers = series(sitter, "sitter_tls_cipher_info", "chained")
                self.assertEqual(len(ciphers), 1)
                self.assertNotEqual(ciphers[0]["cipher"], "")
                harness.assert_promtool_accepts(self, sitter.scrape())

    def test_a_refused_or_missing_client_certificate_is_tls_not_reset(self):
        server_ca, _, context = tls.mutual_tls(self.dir)
        stranger_ca = tls.make_ca(self.dir, "stranger-ca")
        stranger = tls.make_cert(self.dir, "stranger", ca=stranger_ca, client=True)
        with ScriptedServer(ssl_context=context) as server:
            config = harness.config_yaml({
                "anonymous": {"url": server.url("/anonymous"), "ca_file": server_ca.cert},
                "stranger": {"url": server.url("/stranger"), "ca_file": server_ca.cert,
                             "cert_file": stranger.cert, "key_file": stranger.key},
            })
            with Epsitter(config) as sitter:
                wait_until(lambda: sitter.probed("anonymous", 2) and sitter.probed("stranger", 2),
                           message="both targets probed twice")
                for name in ("anonymous", "stranger"):
                    self.assertGreaterEqual(failures(sitter, name, "tls"), 2, name)
                    self.assertEqual(failures(sitter, name, "reset"), 0, name)
                    # The server's own certificate was seen before it refused ours.
                    self.assertEqual(cert_info(sitter, name)["subject"], "CN=server")
                self.assertEqual(server.seen("/anonymous"), [])
                self.assertEqual(server.seen("/stranger"), [])

    def test_a_header_section_over_the_bounds_is_response_too_large(self):
        def one_mib_line(server, sock):
            read_request(sock)
            sock.sendall(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (1 << 20) +
                         b"\r\nContent-Length: 0\r\n\r\n")

        def many_lines(server, sock):
            read_request(sock)
            lines = b"".join(b"X-Line-%d: %s\r\n" % (i, b"b" * 100) for i in range(1100))
            sock.sendall(b"HTTP/1.1 200 OK\r\n" + lines + b"Content-Length: 0\r\n\r\n")

        with HostileServer(one_mib_line) as line, HostileServer(many_lines) as lines:
            config = harness.config_yaml({"one_line": {"url": line.url("/")},
                                          "many_lines": {"url": lines.url("/")}})
            with Epsitter(config) as sitter:
                wait_until(lambda: sitter.probed("one_line") and sitter.probed("many_lines"),
                           message="both targets probed")
                for name in ("one_line", "many_lines"):
                    self.assertGreaterEqual(failures(sitter, name, "response_too_large"), 1, name)
                    self.assertEqual(sitter.value("sitter_probe_success", name=name), 0)
                    # Still a probe that got no response, counted as the original tool does.
                    self.assertGreaterEqual(sitter.value("sitter_http_error_total", name=name), 1)
                self.assertIn("error=response_too_large", sitter.log())

    def test_old_certificate_series_go_when_the_certificate_changes_or_tls_ends(self):
        first = tls.make_cert(self.dir, "first")
        second = tls.make_cert(self.dir, "second")
        context = tls.server_context(first.cert, first.key)
        with ScriptedServer(ssl_context=context) as secure, ScriptedServer() as plain:
            config = harness.config_yaml({"t": {"url": secure.url("/"),
                                                "insecure_skip_verify": "true"}})
            with Epsitter(config) as sitter:
                wait_until(lambda: (cert_info(sitter, "t") or {}).get("subject") == "CN=first",
                           message="the first certificate's facts")
                # New handshakes get the new certificate; the old facts must not linger beside.
                context.load_cert_chain(second.cert, second.key)
                wait_until(lambda: (cert_info(sitter, "t") or {}).get("subject") == "CN=second",
                           message="the second certificate's facts")
                self.assertEqual(cert_info(sitter, "t")["fingerprint_sha256"],
                                 tls.sha256_fingerprint(second))
                self.assertEqual(len(series(sitter, "sitter_tls_cipher_info", "t")), 1)
                with open(sitter.config_path, "w") as f:
                    f.write(harness.config_yaml({"t": {"url": plain.url("/")}}))
                status, _, _ = sitter.reload()
                self.assertEqual(status, 200)
                wait_until(lambda: sitter.value("sitter_probe_success", name="t",
                                                url=plain.url("/")) == 1,
                           message="the plain URL probed")
                for family in ("sitter_tls_cert_info", "sitter_tls_cipher_info",
                               "sitter_tls_cert_expiry_timestamp_seconds",
                               "sitter_tls_chain_expiry_timestamp_seconds"):
                    self.assertEqual(series(sitter, family, "t"), [], family)

    def test_a_reused_connection_keeps_reporting_the_certificate(self):
        ca = tls.make_ca(self.dir)
        leaf = tls.make_cert(self.dir, "kept", ca=ca)
        with ScriptedServer(ssl_context=tls.server_context(leaf.cert, leaf.key)) as server:
            config = harness.config_yaml({"kept": {"url": server.url("/"), "ca_file": ca.cert,
                                                   "keepalive": "true"}})
            with Epsitter(config) as sitter:
                wait_until(lambda: sitter.probed("kept", 4), message="4 probes")
                self.assertEqual(sitter.value("sitter_probe_success", name="kept"), 1)
                # Later probes made no handshake of their own; their connection still tells.
                self.assertEqual(cert_info(sitter, "kept")["subject"], "CN=kept")
                self.assertEqual(sitter.value("sitter_tls_cert_expiry_timestamp_seconds",
                                              name="kept"), leaf.not_after())
                self.assertEqual(len(series(sitter, "sitter_tls_cipher_info", "kept")), 1)
                clients = {request.client for request in server.seen("/")}
                self.assertLess(len(clients), 4)  # the connection was reused


if __name__ == "__main__":
    harness.main()
