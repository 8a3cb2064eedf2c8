"""The port behind --web.config.file (exporter-toolkit's format): HTTPS with certificates made by
`openssl`, basic auth with bcrypt hashes, client certificates, and a real Prometheus scraping it;
a web config with a mistake stops the start with its file, line and field."""

import json
import os
import ssl
import tempfile
import unittest
import urllib.error
import urllib.request

import harness
import tls
from harness import Epsitter, refused_port, run_epsitter, wait_until
from prometheus_server import Prometheus

PASSWORD = "correct horse battery staple"


class WebTls(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="epsitter-web-")
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name
        self.ca = tls.make_ca(self.dir)
        self.server = tls.make_cert(self.dir, "server", ca=self.ca)

    def web_config(self, text):
        path = os.path.join(self.dir, "web.yml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def tls_and_users(self, extra_tls="", users=None):
        users = users if users is not None else {"prometheus": tls.bcrypt_hash(PASSWORD)}
        lines = ["tls_server_config:", f"  cert_file: {self.server.cert}",
                 f"  key_file: {self.server.key}"]
        lines += ["  " + line for line in extra_tls.splitlines() if line]
        if users:
            lines.append("basic_auth_users:")
            lines += [f"  {user}: '{hash_}'" for user, hash_ in users.items()]
        return self.web_config("\n".join(lines) + "\n")

    def test_prometheus_scrapes_over_https_with_basic_auth_and_a_wrong_password_gets_401(self):
        path = self.tls_and_users()
        with Epsitter(harness.quiet_config(), args=["--web.config.file", path]) as sitter:
            self.assertTrue(sitter.https)
            target = [f"127.0.0.1:{sitter.port}"]
            secure = {"scheme": "https", "tls_config": {"ca_file": self.ca.cert}}
            wrong = {"job_name": "wrong-password", "static_configs": [{"targets": target}],
                     **secure, "basic_auth": {"username": "prometheus", "password": "wrong"}}
            with Prometheus("epsitter", target, more_jobs=[wrong], options={
                    **secure, "basic_auth": {"username": "prometheus", "password": PASSWORD}}) \
                    as prometheus:
                wait_until(lambda: prometheus.query('up{job="epsitter"} == 1'), timeout=60,
                           message="prometheus scraping epsitter over TLS:\n" + prometheus.log())
                build = wait_until(lambda: prometheus.query('sitter_build_info{job="epsitter"}'),
                                   timeout=60, message="epsitter's series in prometheus")
                self.assertEqual(len(build), 1)
                refused = wait_until(
                    lambda: [t for t in prometheus.targets()
                             if t["job"] == "wrong-password" and t["health"] == "down"],
                    timeout=60, message="the wrong password refused")
                self.assertIn("401", refused[0]["lastError"])
                self.assertEqual(prometheus.query('up{job="wrong-password"}')[0][1], 0)
                self.assertFalse(prometheus.query('sitter_build_info{job="wrong-password"}'))
            self.assertNotIn(PASSWORD, sitter.log())

    def test_pages_need_credentials_health_does_not_and_plain_http_gets_nothing(self):
        path = self.tls_and_users(extra_tls="min_version: TLS13")
        context = tls.client_context(self.ca)
        with Epsitter(harness.quiet_config(), args=["--web.config.file", path, "--no-watch"]) as sitter:
            right = {"Authorization": harness.basic_auth("prometheus", PASSWORD)}
            for page in ("/metrics", "/", "/api/v1/targets"):
                with self.subTest(page=page):
                    status, headers, _ = sitter.get(page, context=context)
                    self.assertEqual(status, 401)
                    self.assertEqual(headers["WWW-Authenticate"], 'Basic realm="epsitter"')
                    for wrong in (harness.basic_auth("prometheus", "wrong"), harness.basic_auth("nobody", PASSWORD),
                                  "Basic !!!", "Bearer token"):
                        status, _, body = sitter.get(page, headers={"Authorization": wrong},
                                                     context=context)
                        self.assertEqual(status, 401, wrong)
                        self.assertNotIn("sitter_", body)
                    self.assertEqual(sitter.get(page, headers=right, context=context)[0], 200)
            for health in ("/-/healthy", "/-/ready"):
                self.assertEqual(sitter.get(health, context=context)[0], 200)
            self.assertEqual(sitter.reload(context=context)[0], 401)
            self.assertEqual(sitter.reload(headers=right, context=context)[0], 200)
            # Plain HTTP on the TLS port gets no HTTP answer at all.
            with self.assertRaises(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{sitter.port}/-/healthy", timeout=10)
            # min_version TLS13: a client that stops at TLS 1.2 cannot connect.
            old = tls.client_context(self.ca)
            old.maximum_version = ssl.TLSVersion.TLSv1_2
            with self.assertRaises(OSError):
                sitter.get("/-/healthy", context=old)
            self.assertNotIn(PASSWORD, sitter.log())

    def test_client_certificates_are_required_and_verified(self):
        client_ca = tls.make_ca(self.dir, "client-ca")
        client = tls.make_cert(self.dir, "client", ca=client_ca, client=True)
        stranger_ca = tls.make_ca(self.dir, "stranger-ca")
        stranger = tls.make_cert(self.dir, "stranger", ca=stranger_ca, client=True)
        path = self.tls_and_users(users={}, extra_tls=(
            f"client_ca_file: {client_ca.cert}\nclient_auth_type: RequireAndVerifyClientCert"))
        with Epsitter(harness.quiet_config(), args=["--web.config.file", path]) as sitter:
            self.assertEqual(
                sitter.get("/metrics", context=tls.client_context(self.ca, client))[0], 200)
            for name, context in (("no certificate", tls.client_context(self.ca)),
                                  ("a certificate of another CA",
                                   tls.client_context(self.ca, stranger))):
                with self.subTest(client=name):
                    with self.assertRaises(OSError):
                        sitter.get("/-/healthy", context=context)

    def test_a_web_config_with_a_mistake_stops_the_start_with_file_line_and_field(self):
        other = tls.make_cert(self.dir, "other", ca=self.ca)
        cases = {
            "tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n  min_version: TLS11\n":
                ":4:16: tls_server_config.min_version: \"TLS11\" is not supported",
            "tls_server_config:\n  cert_file: {cert}\n  keyfile: {key}\n":
                ":3:3: tls_server_config.keyfile: unknown field \"keyfile\" (did you mean "
                "\"key_file\"?)",
            "tls_server_config:\n  cert_file: {cert}\n  key_file: {other_key}\n":
                ":3:13: tls_server_config.key_file: cannot load the private key",
            "tls_server_config:\n  cert_file: {key}\n  key_file: {key}\n":
                ":2:14: tls_server_config.cert_file: cannot load the certificate",
            "basic_auth_users:\n  prometheus: hunter2\n":
                ":2:15: basic_auth_users.prometheus: expected a bcrypt hash",
            "basic_auth_user:\n  prometheus: x\n": ":1:1: basic_auth_user: unknown field",
        }
        for text, expected in cases.items():
            with self.subTest(expected=expected):
                path = self.web_config(text.format(cert=self.server.cert, key=self.server.key,
                                                   other_key=other.key))
                config = os.path.join(self.dir, "sitter.yaml")
                with open(config, "w") as f:
                    f.write(harness.quiet_config())
                for args in (["--web.config.file", path, config],
                             ["--check-config", "--web.config.file", path, config]):
                    result = run_epsitter(args, env={"SERVER_PORT": "0"})
                    self.assertEqual(result.returncode, 2, result.stderr)
                    self.assertIn(path + expected, result.stderr)
                    self.assertNotIn("hunter2", result.stderr)
                    self.assertNotIn("listening", result.stderr)
        result = run_epsitter(["--web.config.file", os.path.join(self.dir, "absent.yml"),
                               os.path.join(self.dir, "sitter.yaml")])
        self.assertEqual(result.returncode, 2)
        self.assertIn("absent.yml: cannot read the web config", result.stderr)


if __name__ == "__main__":
    harness.main()
