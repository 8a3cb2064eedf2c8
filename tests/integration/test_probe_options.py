"""The probe options of issue 23 part two, each passing and failing with its reason through the
real binary's /metrics: compression (and a gzip bomb stopped at body_limit), expect_headers_absent,
expect_http_version, expect_tls, tls_min_version / tls_max_version, http2 (against nginx speaking
h2 over TLS, when nginx is installed) and payload_file (re-read when the file changes)."""

import ctypes
import gzip
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import unittest
import zlib

import harness
import tls
from harness import Epsitter, wait_until
from scripted import Reply, ScriptedServer

TEXT = b"hello MARKER " + b"compressible text " * 200
GZIPPED = gzip.compress(TEXT)
# Deflate as HTTP means it: zlib-wrapped (RFC 9110).
DEFLATED = zlib.compress(TEXT)
# 100 MB of zeros in ~100 KB: decoded whole it would be 100 MB in memory or in the body.
BOMB = gzip.compress(b"\0" * 100_000_000, compresslevel=9)
BODY_LIMIT = 1_048_576


def brotli(data):
    """`data` in Brotli, by libbrotlienc (the library Debian's libcurl decodes with); None
    without it: Python's brotli module is not a Debian package here."""
    try:
        lib = ctypes.CDLL("libbrotlienc.so.1")
    except OSError:
        return None
    out = ctypes.create_string_buffer(len(data) + 1024)
    size = ctypes.c_size_t(len(out))
    if not lib.BrotliEncoderCompress(11, 22, 0, ctypes.c_size_t(len(data)), data,
                                     ctypes.byref(size), out):
        return None
    return out.raw[:size.value]


BROTLIED = brotli(TEXT)


def routes():
    return {
        "/gzip": Reply(200, GZIPPED, {"Content-Encoding": "gzip"}),
        "/deflate": Reply(200, DEFLATED, {"Content-Encoding": "deflate"}),
        "/plain": Reply(200, TEXT, {"Content-Type": "text/plain"}),
        # The same again, for targets whose requests are looked at one by one.
        "/identity": Reply(200, TEXT, {"Content-Type": "text/plain"}),
        "/encoded": Reply(200, GZIPPED, {"Content-Encoding": "gzip"}),
        "/bomb": Reply(200, BOMB, {"Content-Encoding": "gzip"}),
        "/br": Reply(200, BROTLIED or b"", {"Content-Encoding": "br"}),
        "/php": Reply(200, "ok", {"X-Powered-By": "PHP/8.2"}),
        # 200 only for the body the payload file holds now.
        "/echo": lambda seen: Reply(200 if seen.body == current_payload[0] else 400, "seen"),
    }


current_payload = [b""]


class Yaml:
    """A value written into the config as it is (a flow list, a flag), not quoted as text."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


FALSE, TRUE = Yaml("false"), Yaml("true")


def failures(sitter, name):
    return [dict(labels)["reason"] for (metric, labels) in sitter.metrics()
            if metric == "sitter_probe_failures_total" and dict(labels)["name"] == name]


class ProbeOptionsCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="epsitter-options-")
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name

    def assert_cases(self, sitter, cases):
        """cases: {name: None (success) or the failure reason}; each probed twice first."""
        wait_until(lambda: all(sitter.value("sitter_request_time_count", name=name) >= 2
                               for name in cases), timeout=30, message="two probes of every case")
        for name, reason in cases.items():
            with self.subTest(case=name):
                if reason is None:
                    self.assertEqual(sitter.value("sitter_probe_success", name=name), 1,
                                     failures(sitter, name))
                    self.assertEqual(failures(sitter, name), [])
                else:
                    self.assertEqual(sitter.value("sitter_probe_success", name=name), 0)
                    self.assertEqual(failures(sitter, name), [reason])
                    self.assertGreaterEqual(sitter.value("sitter_probe_failures_total", name=name,
                                                         reason=reason), 2)
                    # Expectations log reason=, transport failures error=.
                    line = f'target="{name}" namespace="Unknown" (reason|error)={reason} '
                    self.assertRegex(sitter.log(), line)


class ResponseChecks(ProbeOptionsCase):
    def test_compression_headers_absent_http_version_and_expect_tls(self):
        with ScriptedServer(routes()) as server:
            url = server.url
            targets = {
                "gzip": {"url": url("/gzip"), "compression": "gzip", "expect_body": "MARKER"},
                "gzip_checks_see_decoded": {"url": url("/encoded"), "compression": "gzip",
                                           "expect_body_absent": "\\x1f"},
                "gzip_not_encoded": {"url": url("/plain"), "compression": "gzip"},
                "deflate": {"url": url("/deflate"), "compression": "deflate",
                            "expect_body": "MARKER"},
                "identity": {"url": url("/identity"), "compression": "identity",
                             "expect_body": "MARKER"},
                "identity_encoded": {"url": url("/encoded"), "compression": "identity"},
                "bomb": {"url": url("/bomb"), "compression": "gzip", "expect_body": "never"},
                "headers_absent": {"url": url("/plain"),
                                   "expect_headers_absent": {"X-Powered-By": "(?i)php"}},
                "headers_absent_found": {"url": url("/php"),
                                         "expect_headers_absent": {"x-powered-by": "(?i)php"}},
                "version_listed": {"url": url("/plain"),
                                   "expect_http_version": Yaml('["1.0", "1.1"]')},
                "version_blackbox_spelling": {"url": url("/plain"),
                                              "expect_http_version": "HTTP/1.1"},
                "version_not_listed": {"url": url("/plain"), "expect_http_version": Yaml("[2]")},
                "clear_not_tls": {"url": url("/plain"), "expect_tls": FALSE},
                "clear_expected_tls": {"url": url("/plain"), "expect_tls": TRUE},
            }
            cases = {
                "gzip": None, "gzip_checks_see_decoded": None, "gzip_not_encoded": "compression",
                "deflate": None, "identity": None, "identity_encoded": "compression",
                "bomb": "body", "headers_absent": None, "headers_absent_found": "header",
                "version_listed": None, "version_blackbox_spelling": None,
                "version_not_listed": "http_version",
                "clear_not_tls": None, "clear_expected_tls": "tls_expectation",
            }
            if BROTLIED:  # Debian's libcurl decodes br; elsewhere it may be refused at load
                targets["br"] = {"url": url("/br"), "compression": "br", "expect_body": "MARKER"}
                targets["br_not_encoded"] = {"url": url("/plain"), "compression": "br"}
                cases.update(br=None, br_not_encoded="compression")
            config = harness.config_yaml(targets)
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                self.assert_cases(sitter, cases)
                accepted = {name: server.seen(path)[-1].headers.get("Accept-Encoding")
                            for name, path in (("gzip", "/gzip"), ("deflate", "/deflate"),
                                               ("identity", "/identity"), ("bomb", "/bomb"))}
                self.assertEqual(accepted["gzip"], "gzip")
                self.assertEqual(accepted["deflate"], "deflate")
                self.assertEqual(accepted["identity"], "identity")
                self.assertEqual(accepted["bomb"], "gzip")
                if BROTLIED:
                    self.assertEqual(server.seen("/br")[-1].headers.get("Accept-Encoding"), "br")
                # Without `compression` nothing is asked for (the php route only has such targets).
                self.assertNotIn("Accept-Encoding", server.seen("/php")[-1].headers)

                # The wire size and the decoded size, side by side.
                sizes = [("gzip", len(GZIPPED)), ("deflate", len(DEFLATED)),
                         ("identity", len(TEXT))]
                if BROTLIED:
                    sizes.append(("br", len(BROTLIED)))
                for name, wire in sizes:
                    with self.subTest(sizes=name):
                        self.assertEqual(sitter.value("sitter_response_size_bytes", name=name),
                                         wire)
                        self.assertEqual(sitter.value("sitter_response_uncompressed_size_bytes",
                                                      name=name), len(TEXT))
                self.assertEqual(sitter.value("sitter_response_uncompressed_size_bytes",
                                              name="headers_absent"), len(TEXT))
                self.assertEqual(sitter.value("sitter_response_size_bytes",
                                              name="headers_absent"), len(TEXT))

                # The bomb: decoding stopped at body_limit, and reading off the wire stopped soon
                # after (a few receive buffers), far before the ~100 KB the server sends.
                self.assertEqual(sitter.value("sitter_response_uncompressed_size_bytes",
                                              name="bomb"), BODY_LIMIT)
                self.assertLess(sitter.value("sitter_response_size_bytes", name="bomb"),
                                len(BOMB) / 4)
                if os.environ.get("EPSITTER_SANITIZER", "none") in ("", "none"):
                    # 100 MB decoded into memory would show; a bounded probe stays small.
                    self.assertLess(peak_rss_kib(sitter.process.pid), 80 * 1024)
                harness.assert_promtool_accepts(self, sitter.scrape())


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


class TlsExpectations(ProbeOptionsCase):
    def server(self, ca, name, minimum=None, maximum=None):
        leaf = tls.make_cert(self.dir, name, ca=ca)
        context = tls.server_context(leaf.cert, leaf.key)
        if minimum is not None:
            context.minimum_version = minimum
        if maximum is not None:
            context.maximum_version = maximum
        return ScriptedServer(ssl_context=context)

    def test_expect_tls_and_the_tls_version_bounds(self):
        ca = tls.make_ca(self.dir, days=30)
        only12 = self.server(ca, "only12", maximum=ssl.TLSVersion.TLSv1_2)
        only13 = self.server(ca, "only13", minimum=ssl.TLSVersion.TLSv1_3)
        with only12, only13:
            def target(server, **fields):
                return {"url": server.url("/"), "ca_file": ca.cert, **fields}
            config = harness.config_yaml({
                "tls_expected": target(only13, expect_tls=TRUE),
                "tls_not_expected": target(only13, expect_tls=FALSE),
                "min13_against_12": target(only12, tls_min_version="1.3"),
                "min12_against_12": target(only12, tls_min_version="1.2"),
                "max12_against_13": target(only13, tls_max_version="1.2"),
                "max13_against_13": target(only13, tls_min_version="1.3", tls_max_version="1.3"),
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                self.assert_cases(sitter, {
                    "tls_expected": None, "tls_not_expected": "tls_expectation",
                    "min13_against_12": "tls", "min12_against_12": None,
                    "max12_against_13": "tls", "max13_against_13": None,
                })
                for name, version in (("min12_against_12", "TLSv1.2"),
                                      ("max13_against_13", "TLSv1.3")):
                    self.assertEqual(sitter.value("sitter_tls_version_info", name=name,
                                                  version=version), 1)


NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        location / {{ return 200 "hello over h2 or not\\n"; }}
    }}
}}
"""


class Http2(ProbeOptionsCase):
    @unittest.skipUnless(shutil.which("nginx"), "nginx (with http_v2) is not installed")
    def test_http2_false_keeps_to_http_1_1_against_a_server_that_speaks_h2(self):
        ca = tls.make_ca(self.dir, days=30)
        leaf = tls.make_cert(self.dir, "nginx", ca=ca)
        port = free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(dir=self.dir, port=port, cert=leaf.cert, key=leaf.key))
        nginx = subprocess.Popen([shutil.which("nginx"), "-c", conf, "-p", self.dir, "-e",
                                  os.path.join(self.dir, "error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(stop, nginx)
        wait_until(lambda: listening(port) or nginx.poll() is not None, timeout=10,
                   message="nginx to listen")
        if nginx.poll() is not None:
            with open(os.path.join(self.dir, "error.log")) as log:
                self.fail("nginx did not start: " + log.read())
        url = f"https://127.0.0.1:{port}/"
        config = harness.config_yaml({
            "h2_default": {"url": url, "ca_file": ca.cert, "expect_http_version": "2"},
            "h2_off": {"url": url, "ca_file": ca.cert, "http2": FALSE,
                       "expect_http_version": "1.1"},
            "h2_off_expects_2": {"url": url, "ca_file": ca.cert, "http2": FALSE,
                                 "expect_http_version": "HTTP/2.0"},
        })
        with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
            self.assert_cases(sitter, {"h2_default": None, "h2_off": None,
                                       "h2_off_expects_2": "http_version"})
            self.assertEqual(sitter.value("sitter_http_version", name="h2_default"), 2)
            self.assertEqual(sitter.value("sitter_http_version", name="h2_off"), 1.1)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    import socket
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class PayloadFile(ProbeOptionsCase):
    def test_payload_file_is_sent_and_read_again_when_it_changes(self):
        payload = os.path.join(self.dir, "request.xml")
        current_payload[0] = b"<ping>first</ping>\n"
        with open(payload, "wb") as f:
            f.write(current_payload[0])
        with ScriptedServer(routes()) as server:
            config = harness.config_yaml({
                "posted": {"url": server.url("/echo"), "method": "post", "payload_file": payload,
                           "headers": {"Content-Type": "application/xml"}},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.3"}) as sitter:
                self.assert_cases(sitter, {"posted": None})
                seen = server.seen("/echo")[-1]
                self.assertEqual(seen.body, b"<ping>first</ping>\n")
                self.assertEqual(seen.headers.get("Content-Type"), "application/xml")

                # The server now wants the new bytes; until epsitter reloads it answers 400.
                current_payload[0] = b"<ping>second</ping>"
                with open(payload, "wb") as f:
                    f.write(current_payload[0])
                wait_until(lambda: server.seen("/echo")[-1].body == b"<ping>second</ping>",
                           timeout=20, message="the new payload sent")
                self.assertIn('msg="file read by targets changed"', sitter.log())
                self.assertNotIn("<ping>", sitter.log())

    def test_payload_file_with_payload_is_refused_naming_the_field(self):
        payload = os.path.join(self.dir, "request.txt")
        with open(payload, "w") as f:
            f.write("body")
        config = harness.config_yaml({
            "both": {"url": "http://127.0.0.1:1/", "payload": "inline", "payload_file": payload},
        })
        path = os.path.join(self.dir, "sitter.yaml")
        with open(path, "w") as f:
            f.write(config)
        result = harness.run_epsitter([path])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("urls.both.payload_file", result.stderr)
        self.assertIn("set either payload_file (a file's bytes) or payload, not both",
                      result.stderr)


if __name__ == "__main__":
    unittest.main()
