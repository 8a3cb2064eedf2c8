"""Start, check, reload and stop: exit statuses and messages a pipeline or kubelet relies on."""

import os
import signal
import socket
import tempfile
import time
import unittest

import harness
from harness import Backend, Epsitter, refused_port, run_epsitter, wait_until


def write(directory, text, name="sitter.yaml"):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


class Lifecycle(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_a_broken_config_exits_2_naming_file_line_and_field(self):
        path = write(self.tmp.name, "urls:\n  api:\n    url: http://127.0.0.1:1/\n    timeout: soon\n")
        result = run_epsitter([path])
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{path}:4:", result.stderr)
        self.assertIn("urls.api.timeout", result.stderr)
        self.assertIn('"soon"', result.stderr)

    def test_a_typo_gets_a_did_you_mean_hint(self):
        path = write(self.tmp.name, "urls:\n  api:\n    url: http://127.0.0.1:1/\n    namepsace: x\n")
        result = run_epsitter(["--check-config", path])
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{path}:4:5", result.stderr)
        self.assertIn('did you mean "namespace"', result.stderr)

    def test_check_config_prints_a_summary_and_exits_0(self):
        path = write(self.tmp.name, harness.config_yaml({
            "a": {"namespace": "one", "url": "http://127.0.0.1:1/"},
            "b": {"namespace": "two", "url": "https://127.0.0.1:2/"}}))
        result = run_epsitter(["--check-config", path])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("2 targets in 2 namespaces", result.stdout)

    def test_a_missing_file_exits_2(self):
        result = run_epsitter([os.path.join(self.tmp.name, "absent.yaml")])
        self.assertEqual(result.returncode, 2)
        self.assertIn("absent.yaml", result.stderr)

    def test_help_and_version(self):
        result = run_epsitter(["--help"])
        self.assertEqual(result.returncode, 0)
        self.assertIn("--check-config", result.stdout)
        # The contract's defaults, as the help states them (from the one header of defaults).
        help_text = " ".join(result.stdout.split())
        for default in ("LOG_LEVEL (INFO)", "POLL_INTERVAL (30 s)", "SERVER_PORT (8989)",
                        "POOL_SIZE (5)", "REQUEST_TIMEOUT (15 s)", "METRIC_PREFIX (sitter)"):
            self.assertIn(default, help_text)
        result = run_epsitter(["--version"])
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"^epsitter \d+\.\d+\.\d+")
        self.assertEqual(run_epsitter([]).returncode, 2)

    def test_a_malformed_environment_variable_is_an_error_not_a_default(self):
        path = write(self.tmp.name, harness.config_yaml({"a": {"url": "http://127.0.0.1:1/"}}))
        for name, value in (("POLL_INTERVAL", "often"), ("SERVER_PORT", "99999"),
                            ("POOL_SIZE", "0"), ("LOG_LEVEL", "LOUD"), ("METRIC_PREFIX", "9bad"),
                            ("REQUEST_TIMEOUT", "-1")):
            with self.subTest(name=name):
                result = run_epsitter([path], env={name: value})
                self.assertEqual(result.returncode, 2)
                self.assertIn(name, result.stderr)
                self.assertIn(value, result.stderr)

    def test_sigterm_and_sigint_stop_cleanly_with_status_0(self):
        with Backend({"/hang": (200, 60)}) as backend:
            config = harness.config_yaml({"hang": {"url": backend.url("/hang"), "timeout": 30}})
            for sig in (signal.SIGTERM, signal.SIGINT):
                with self.subTest(signal=sig):
                    sitter = Epsitter(config).start()
                    wait_until(lambda: backend.seen("/hang"), message="a request in flight")
                    started = time.monotonic()
                    self.assertEqual(sitter.stop(sig), 0, sitter.log())
                    # A request hanging for 30 s is aborted, not waited for.
                    self.assertLess(time.monotonic() - started, 8)
                    self.assertIn('msg="stopped"', sitter.log())

    def test_a_port_in_use_is_a_clear_start_error(self):
        with socket.socket() as taken:
            taken.bind(("0.0.0.0", 0))
            taken.listen()
            port = taken.getsockname()[1]
            path = write(self.tmp.name, harness.config_yaml({"a": {"url": "http://127.0.0.1:1/"}}))
            result = run_epsitter([path], env={"SERVER_PORT": str(port)})
            self.assertEqual(result.returncode, 1)
            self.assertIn(f"port {port}", result.stderr)

    def test_sighup_reloads_and_a_broken_reload_keeps_the_old_targets(self):
        with Backend() as backend:
            first = harness.config_yaml({"kept": {"url": backend.url("/kept")},
                                         "dropped": {"url": backend.url("/dropped")}})
            with Epsitter(first, env={"POLL_INTERVAL": "0.3"}) as sitter:
                wait_until(lambda: sitter.value("sitter_request_time_count", name="kept") >= 2,
                           message="kept probed")
                with open(sitter.config_path, "w") as f:
                    f.write("urls:\n  kept:\n    url: [not, a, url]\n")
                sitter.process.send_signal(signal.SIGHUP)
                wait_until(lambda: "config reload failed" in sitter.log(), message="reload error")
                self.assertIn("sitter.yaml:3:", sitter.log())
                self.assertTrue(sitter.value("sitter_request_time_count", name="dropped") >= 1)

                before = sitter.value("sitter_request_time_count", name="kept")
                with open(sitter.config_path, "w") as f:
                    f.write(harness.config_yaml({"kept": {"url": backend.url("/kept")},
                                                 "added": {"url": backend.url("/added")}}))
                sitter.process.send_signal(signal.SIGHUP)
                wait_until(lambda: sitter.value("sitter_request_time_count", name="added") >= 1,
                           message="the added target probed")
                names = {dict(labels)["name"] for name, labels in sitter.metrics()
                         if "name" in dict(labels)}  # per-target series only
                self.assertEqual(names, {"kept", "added"})
                # Counters of a target that stays survive the reload.
                self.assertGreaterEqual(sitter.value("sitter_request_time_count", name="kept"), before)


if __name__ == "__main__":
    harness.main()
