"""Bounded input: an alias bomb in the config or in an annotation, /dev/zero, a 100 MB file or a
FIFO as the config, and a running epsitter whose config is swapped for a FIFO or /dev/zero. Each
is refused with a clear error, quickly and in bounded memory; a running epsitter keeps its config,
keeps answering and stops on SIGTERM."""

import os
import signal
import tempfile
import time
import unittest

import harness
import procfs
from fake_kube import cluster_for, service
from harness import Backend, Epsitter, run_epsitter, run_measured, wait_until

SANITIZER = harness.SANITIZED
# What epsitter itself takes with a small config (~15 MiB; ASan's shadow memory adds far more).
# Before these bounds, the bombs below took 1 GB (the file) and 1.5 GB or an abort (the
# annotation).
PEAK_RSS_LIMIT_KIB = (400 if SANITIZER else 64) * 1024
COUNT = "sitter_request_time_count"


def alias_bomb(leaf, indent, fanout=9, levels=5):
    """YAML lines: a `leaf`-byte text, then `levels` lists of `fanout` aliases each to the level
    below: fanout**levels copies of the leaf in about `leaf` bytes."""
    lines = [f"{indent}l0: &l0 \"{'x' * leaf}\""]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*l{level - 1}"] * fanout)
        lines.append(f"{indent}l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def flow_alias_bomb(leaf, fanout=9, levels=5):
    parts = [f"l0: &l0 \"{'x' * leaf}\""]
    for level in range(1, levels + 1):
        parts.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * fanout)}]")
    return "{" + ", ".join(parts) + "}"


class ConfigFiles(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="epsitter-bounds-")
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.path(name)

    def check(self, path, timeout=30):
        return run_measured(["--check-config", path], timeout=timeout)

    def test_an_alias_bomb_is_a_config_error_at_its_alias_in_bounded_memory(self):
        # 8 KiB: 59,049 copies of a 7,600-byte text, 449 MB of payload. It used to pass
        # --check-config after 1.9 s at a peak of 1,008 MiB.
        path = self.write("bomb.yaml", "urls:\n  bomb:\n    url: http://127.0.0.1:1/\n"
                                       "    method: POST\n    payload:\n"
                          + alias_bomb(7_600, "      "))
        self.assertLess(os.path.getsize(path), 8 * 1024)
        run = self.check(path)
        harness_report(f"alias bomb file: exit {run.returncode} in {run.seconds:.2f} s, "
                       f"peak RSS {run.peak_rss_kib // 1024} MiB")
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertEqual(run.stdout, "")
        self.assertEqual(run.stderr.strip(),
                         f"epsitter: error: {path}:10:21: urls.bomb.payload.l4[1]: the config "
                         "grows past 16 MiB of text here once expanded (every use of an alias "
                         "(*name) counts in full; at most 16 MiB of text and 1000000 values are "
                         "allowed)")
        self.assertLess(run.peak_rss_kib, PEAK_RSS_LIMIT_KIB)
        self.assertLess(run.seconds, 10)

    def test_a_merge_key_bomb_is_refused_instead_of_hanging(self):
        # 1 KiB of merges of merges: 10^12 merges to walk, a hang before.
        lines = ["urls:", "  t:", "    url: http://127.0.0.1:1/", "    labels:",
                 "      m0: &m0 {k: v}"]
        for level in range(1, 13):
            refs = ", ".join([f"*m{level - 1}"] * 10)
            lines.append(f"      m{level}: &m{level} {{<<: [{refs}]}}")
        run = self.check(self.write("merges.yaml", "\n".join(lines) + "\n"))
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn("urls.t.labels.m6.<<[1]: the config grows past 1000000 values here",
                      run.stderr)
        self.assertLess(run.peak_rss_kib, PEAK_RSS_LIMIT_KIB)

    def test_dev_zero_a_100_mb_file_and_a_fifo_are_refused_at_once(self):
        # Before: /dev/zero aborted with std::bad_alloc after filling memory, the 100 MB file was
        # accepted (394 MiB, 3 s), the FIFO hung --check-config for ever.
        big = self.path("big.yaml")
        with open(big, "w") as f:
            f.write("urls:\n  a:\n    url: http://127.0.0.1:1/\n")
            f.truncate(100_000_000)  # sparse: the size is what counts
        fifo = self.path("fifo.yaml")
        os.mkfifo(fifo)
        cases = {
            "/dev/zero": "cannot read file: it is a character device, not a regular file",
            big: "cannot read file: it is larger than 16 MiB, the most allowed here",
            fifo: "cannot read file: it is a FIFO (named pipe), not a regular file",
            self.tmp.name: "cannot read file: it is a directory, not a regular file",
        }
        for path, error in cases.items():
            with self.subTest(path=path):
                run = self.check(path, timeout=10)  # a FIFO that blocked would fail here
                self.assertEqual(run.returncode, 2, run.stderr)
                self.assertEqual(run.stderr.strip(), f"epsitter: error: {path}: {error}")
                self.assertLess(run.peak_rss_kib, PEAK_RSS_LIMIT_KIB)
                # Starting for real is refused the same way.
                self.assertEqual(run_epsitter([path], timeout=10).returncode, 2)

    def test_check_config_tells_the_expanded_size(self):
        path = self.write("ok.yaml", "defaults:\n  timeout: 2\nurls:\n  a:\n"
                                     "    url: http://127.0.0.1:1/\n")
        result = run_epsitter(["--check-config", path])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout,
                         rf"^config OK: {path}: 1 targets in 1 namespaces; expanded=\d+ bytes "
                         r"values=\d+ \(at most 16 MiB and 1000000\)\n$")


class RunningConfigSwapped(unittest.TestCase):
    """The config of a running epsitter becomes a FIFO or a device: before, the watcher blocked on
    the FIFO for ever, reloads hung, and SIGTERM no longer stopped it."""

    def swap(self, sitter, make):
        replacement = sitter.config_path + ".new"
        make(replacement)
        os.rename(replacement, sitter.config_path)

    def run_swap(self, make, error):
        with Backend() as backend:
            with Epsitter(f"urls:\n  kept:\n    url: {backend.url('/kept')}\n") as sitter:
                wait_until(lambda: sitter.value(COUNT, name="kept") >= 1, message="first probe")
                self.swap(sitter, make)
                # The watcher's reload fails with the reason; so does an asked-for one.
                wait_until(lambda: error in sitter.log(), message="the watcher's reload to fail")
                status, _, body = sitter.reload()
                self.assertEqual(status, 500)
                self.assertIn(error, body)
                self.assertEqual(sitter.get("/-/healthy")[0], 200)
                self.assertEqual(sitter.get("/-/ready")[0], 200)
                # The old config keeps running.
                probes = sitter.value(COUNT, name="kept")
                wait_until(lambda: sitter.value(COUNT, name="kept") > probes,
                           message="the old config's target probed again")
                self.assertEqual(sitter.value("sitter_config_last_reload_successful"), 0)
                started = time.monotonic()
                self.assertEqual(sitter.stop(signal.SIGTERM, timeout=10), 0)
                harness_report(f"config swapped ({error}): stopped {time.monotonic() - started:.1f}"
                               " s after SIGTERM")
            harness.parse_log(sitter.log())

    def test_a_fifo_swapped_in_is_refused_and_epsitter_still_stops(self):
        self.run_swap(os.mkfifo, "it is a FIFO (named pipe), not a regular file")

    def test_dev_zero_swapped_in_is_refused(self):
        self.run_swap(lambda path: os.symlink("/dev/zero", path),
                      "it is a character device, not a regular file")


class AnnotationBomb(unittest.TestCase):
    def test_an_alias_bomb_annotation_is_an_object_error_in_bounded_memory(self):
        # 15 KiB that expand to 59,049 copies of 13,000 bytes: 768 MB of body. Before, a 2.3 KiB
        # one cost 659 MiB and a 20 KiB one aborted epsitter with std::bad_alloc on every start.
        bomb = flow_alias_bomb(13_000)
        self.assertLess(len(bomb), 16 * 1024)
        kube, token = cluster_for(self)
        with Backend() as backend:
            kube.put("services", service("shop", "bomb", {
                "epsitter.io/probe": "true", "epsitter.io/method": "POST",
                "epsitter.io/payload": bomb}))
            kube.put("services", service("shop", "huge", {
                "epsitter.io/probe": "true", "epsitter.io/expect-body": "x" * (17 * 1024)}))
            # The admin lets annotations shape the request: the bomb reaches the parser.
            config = (f"kubernetes:\n  api_url: {kube.url}\n  token_file: {token}\n"
                      f"  allowed_annotations: [method, payload, expect-body]\n"
                      f"urls:\n  static:\n    url: {backend.url('/static')}\n")
            with Epsitter(config, env={"no_proxy": "*"}) as sitter:
                wait_until(lambda: sitter.value("sitter_discovery_errors_total",
                                                reason="object") >= 1
                           and sitter.value("sitter_discovery_errors_total",
                                            reason="policy") >= 1,
                           message="both objects counted as errors")
                probes = sitter.value(COUNT, name="static")
                wait_until(lambda: sitter.value(COUNT, name="static") > probes + 1,
                           message="the file's target probed on")
                self.assertEqual(sitter.get("/-/healthy")[0], 200)
                peak = procfs.peak_rss_kib(sitter.process.pid)
                harness_report(f"alias bomb annotation: peak RSS {peak // 1024} MiB")
                self.assertLess(peak, PEAK_RSS_LIMIT_KIB)
                self.assertEqual(sitter.value("sitter_discovery_targets", source="service"), 0)
            log = sitter.log()
            self.assertIn("Service shop/bomb:1:", log)
            self.assertIn("epsitter.io/payload.l1[4]: ", log)
            self.assertIn("the annotation's value grows past 64 KiB of text here once expanded",
                          log)
            self.assertIn("Service shop/huge: epsitter.io/expect-body is 17408 bytes, over "
                          "kubernetes.max_annotation_bytes (16384)", log)
            harness.parse_log(log)


def harness_report(text):
    print(f"  [input bounds] {text}", flush=True)


if __name__ == "__main__":
    harness.main()
