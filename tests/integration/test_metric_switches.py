"""The config's `metrics:` block through the real binary: each switch removes its families from
/metrics and leaves the others; the series per target shrink by exactly the groups' sizes; a
SIGHUP reload switches a family off and on again without losing what was recorded meanwhile; a
broken block is refused at start (exit 2, file:line and field) and on reload (the old config
keeps running)."""

import os
import signal
import tempfile
import unittest

import harness
import tls
from harness import Backend, Epsitter, run_epsitter, wait_until
from scripted import ScriptedServer

# The families of each switch (docs/metrics.md), and the series each gives one target: an HTTP
# target has no TLS series, an HTTPS one five.
PHASES = {"sitter_request_phase_seconds"}
TLS = {"sitter_tls_cert_expiry_timestamp_seconds", "sitter_tls_chain_expiry_timestamp_seconds",
       "sitter_tls_cert_info", "sitter_tls_version_info", "sitter_tls_cipher_info"}
LAST_PROBE = {"sitter_last_status_code", "sitter_last_probe_timestamp_seconds",
              "sitter_response_size_bytes", "sitter_response_uncompressed_size_bytes",
              "sitter_redirects", "sitter_http_version"}
SUMMARY = {"sitter_request_time"}
HISTOGRAM = {"sitter_request_duration_seconds"}
ALWAYS = {"sitter_http_status_code_total", "sitter_http_error_total", "sitter_probe_success",
          "sitter_probe_failures_total", "sitter_consecutive_failures", "sitter_target_info"}
PER_TARGET = PHASES | TLS | LAST_PROBE | SUMMARY | HISTOGRAM | ALWAYS
DEFAULT_BUCKETS = 12  # request_duration_buckets' default bounds, +Inf not counted

SWITCHES = {
    "phases": ("phases: false", PHASES, {"plain": 5, "secure": 5}),
    "tls": ("tls: false", TLS, {"plain": 0, "secure": 5}),
    "last_probe": ("last_probe: false", LAST_PROBE, {"plain": 6, "secure": 6}),
    "summary": ("summary: false", SUMMARY, {"plain": 2, "secure": 2}),
    # Each bucket, +Inf, _sum and _count.
    "histogram": ("histogram: none", HISTOGRAM,
                  {"plain": DEFAULT_BUCKETS + 3, "secure": DEFAULT_BUCKETS + 3}),
}
EVERYTHING_OFF = ("phases: false\n  tls: false\n  last_probe: false\n  summary: false\n"
                  "  histogram: none")


def families(text):
    """The families a scrape announces (its TYPE lines)."""
    return {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}


def series_of(text, target):
    """The sample lines of one target (its name label)."""
    return [line for line in text.splitlines()
            if not line.startswith("#") and f'{{name="{target}"' in line]


def probed(sitter):
    """Both targets have a last probe: sitter_probe_success (always on) has their series."""
    return (sitter.value("sitter_probe_success", name="plain") == 1 and
            sitter.value("sitter_probe_success", name="secure") == 1)


class MetricSwitches(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="epsitter-switches-")
        self.addCleanup(self.tmp.cleanup)
        self.ca = tls.make_ca(self.tmp.name)
        leaf = tls.make_cert(self.tmp.name, "leaf", ca=self.ca)
        self.plain = Backend().__enter__()
        self.addCleanup(self.plain.__exit__, None, None, None)
        self.secure = ScriptedServer(
            ssl_context=tls.server_context(leaf.cert, leaf.key)).__enter__()
        self.addCleanup(self.secure.__exit__, None, None, None)

    def config(self, metrics_block=None):
        text = harness.config_yaml({
            "plain": {"url": self.plain.url("/")},
            "secure": {"url": self.secure.url("/"), "ca_file": self.ca.cert},
        })
        if metrics_block is not None:
            text += "metrics:\n  " + metrics_block + "\n"
        return text

    def scrape_probed(self, metrics_block=None):
        """The first scrape after both targets were probed, with `metrics:` set to the block."""
        with Epsitter(self.config(metrics_block)) as sitter:
            wait_until(lambda: probed(sitter), timeout=20, message="both targets probed")
            text = sitter.scrape()
            harness.assert_promtool_accepts(self, text)
            return text

    def test_each_switch_removes_its_families_and_keeps_the_others(self):
        everything = families(self.scrape_probed())
        self.assertTrue(PER_TARGET <= everything)
        for name, (block, gone, _) in SWITCHES.items():
            with self.subTest(switch=name):
                left = families(self.scrape_probed(block))
                self.assertEqual(left & gone, set())
                self.assertEqual(left, everything - gone)

    def test_series_per_target_shrink_by_exactly_the_groups_sizes(self):
        defaults = self.scrape_probed()
        off = self.scrape_probed(EVERYTHING_OFF)
        for target in ("plain", "secure"):
            with self.subTest(target=target):
                full = len(series_of(defaults, target))
                fewer = len(series_of(off, target))
                groups = sum(sizes[target] for _, _, sizes in SWITCHES.values())
                print(f"series of the {target} target: {full} with the defaults, {fewer} with "
                      f"every optional family off (groups: {groups})")
                self.assertEqual(full - fewer, groups)
        self.assertEqual(families(off) & PER_TARGET, ALWAYS)

    def test_a_native_histogram_leaves_its_sum_and_count_in_text(self):
        text = self.scrape_probed("histogram: native")
        self.assertIn("sitter_request_duration_seconds", families(text))
        self.assertNotIn("sitter_request_duration_seconds_bucket", text)
        for target in ("plain", "secure"):
            names = {line.split("{")[0] for line in series_of(text, target)}
            self.assertIn("sitter_request_duration_seconds_sum", names)
            self.assertIn("sitter_request_duration_seconds_count", names)

    def test_a_reload_switches_phases_off_and_on_and_nothing_recorded_is_lost(self):
        with Epsitter(self.config(), env={"POLL_INTERVAL": "0.3"}) as sitter:
            wait_until(lambda: probed(sitter), timeout=20, message="both targets probed")
            self.assertIn("sitter_request_phase_seconds", families(sitter.scrape()))

            with open(sitter.config_path, "w") as f:
                f.write(self.config("phases: false\n  summary: false"))
            sitter.process.send_signal(signal.SIGHUP)
            wait_until(lambda: "sitter_request_phase_seconds" not in families(sitter.scrape()),
                       message="the phases gone after the reload")
            text = sitter.scrape()
            self.assertNotIn("sitter_request_time", families(text))
            self.assertIn("sitter_probe_success", families(text))
            harness.assert_promtool_accepts(self, text)
            # Probes go on while the families are hidden: counted by an always-on family.
            hidden_at = sitter.value("sitter_http_status_code_total", name="plain", status="200")
            wait_until(lambda: sitter.value("sitter_http_status_code_total", name="plain",
                                            status="200") >= hidden_at + 2,
                       message="two more probes while hidden")
            counted = sitter.value("sitter_http_status_code_total", name="plain", status="200")

            with open(sitter.config_path, "w") as f:
                f.write(self.config())
            sitter.process.send_signal(signal.SIGHUP)
            wait_until(lambda: "sitter_request_phase_seconds" in families(sitter.scrape()),
                       message="the phases back after the reload")
            # The summary kept counting while it was not rendered.
            self.assertGreaterEqual(sitter.value("sitter_request_time_count", name="plain"),
                                    counted)
            self.assertEqual(len([line for line in series_of(sitter.scrape(), "plain")
                                  if line.startswith("sitter_request_phase_seconds{")]), 5)
            self.assertIn('trigger="SIGHUP"', sitter.log())

    def test_a_broken_metrics_block_exits_2_at_start_naming_file_line_and_field(self):
        path = os.path.join(self.tmp.name, "broken.yaml")
        with open(path, "w") as f:
            f.write(self.config("phases: false\n  histogram: sometimes"))
        result = run_epsitter([path])
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(f"{path}:9:", result.stderr)
        self.assertIn("metrics.histogram", result.stderr)
        self.assertIn('"sometimes" is not a histogram form', result.stderr)

        with open(path, "w") as f:
            f.write(self.config("phase: false"))
        result = run_epsitter([path])
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(f"{path}:8:3", result.stderr)
        self.assertIn("metrics.phase", result.stderr)

    def test_a_broken_metrics_block_on_reload_keeps_the_old_config_running(self):
        with Epsitter(self.config("tls: false"), env={"POLL_INTERVAL": "0.3"}) as sitter:
            wait_until(lambda: probed(sitter), timeout=20, message="both targets probed")
            with open(sitter.config_path, "w") as f:
                f.write(self.config("tls: maybe"))
            sitter.process.send_signal(signal.SIGHUP)
            wait_until(lambda: "config reload failed" in sitter.log(), message="the reload error")
            self.assertIn("sitter.yaml:8:", sitter.log())
            self.assertIn("metrics.tls", sitter.log())
            self.assertEqual(sitter.value("sitter_config_last_reload_successful"), 0)
            # Still the old selection, and still probing.
            before = sitter.value("sitter_http_status_code_total", name="secure", status="200")
            wait_until(lambda: sitter.value("sitter_http_status_code_total", name="secure",
                                            status="200") > before,
                       message="the old targets still probed")
            text = sitter.scrape()
            self.assertEqual(families(text) & TLS, set())
            self.assertTrue(PHASES | LAST_PROBE <= families(text))


if __name__ == "__main__":
    harness.main()
