"""Reload by SIGHUP, by POST /-/reload and by a ConfigMap `..data` symlink swap: each one adds,
removes and restarts targets while an unchanged target's counters keep growing from where they were,
and a broken config keeps the old targets running with the reload gauge at 0."""

import os
import signal
import unittest

import configmap
import harness
from harness import Backend, Epsitter, wait_until

COUNT = "sitter_request_time_count"


def first_config(backend):
    return harness.config_yaml({
        "kept": {"url": backend.url("/kept")},
        "dropped": {"url": backend.url("/dropped")},
        "changed": {"url": backend.url("/changed-v1")},
    })


def second_config(backend):
    return harness.config_yaml({
        "kept": {"url": backend.url("/kept")},
        "changed": {"url": backend.url("/changed-v2")},
        "added": {"url": backend.url("/added")},
    })


BROKEN = "urls:\n  kept:\n    url: http://127.0.0.1:1/\n    timeout: soon\n"


class Reload(unittest.TestCase):
    """Each test runs the same story; only the way the new config arrives differs."""

    def story(self, sitter, backend, deliver):
        """deliver(text) puts new config text in place and makes epsitter reload it."""
        wait_until(lambda: sitter.value(COUNT, name="kept") >= 3, message="kept probed 3 times")
        first_success = sitter.value("sitter_config_last_reload_success_timestamp_seconds")
        self.assertGreater(first_success, 0)
        self.assertEqual(sitter.value("sitter_config_last_reload_successful"), 1)

        # A broken config: the gauge drops to 0, the running targets stay and keep probing.
        deliver(BROKEN)
        wait_until(lambda: sitter.value("sitter_config_last_reload_successful") == 0,
                   message="the reload gauge at 0")
        self.assertIn("config reload failed", sitter.log())
        self.assertIn("sitter.yaml:4:", sitter.log())
        self.assertEqual(sitter.value("sitter_config_last_reload_success_timestamp_seconds"),
                         first_success)
        dropped = sitter.value(COUNT, name="dropped")
        wait_until(lambda: sitter.value(COUNT, name="dropped") > dropped,
                   message="the old targets still probed after a failed reload")
        self.assertEqual(sitter.get("/-/ready")[0], 200)

        # A valid config: one target added, one removed, one changed, one unchanged.
        before = sitter.value(COUNT, name="kept")
        deliver(second_config(backend))
        wait_until(lambda: sitter.value("sitter_config_last_reload_successful") == 1,
                   message="the reload gauge back at 1")
        self.assertGreater(sitter.value("sitter_config_last_reload_success_timestamp_seconds"),
                           first_success)
        wait_until(lambda: sitter.value(COUNT, name="added") >= 1, message="the added target probed")
        wait_until(lambda: backend.seen("/changed-v2"), message="the changed target restarted")

        series = {(dict(labels)["name"], dict(labels)["url"])
                  for name, labels in sitter.metrics() if name == COUNT}
        self.assertEqual(series, {("kept", backend.url("/kept")),
                                  ("changed", backend.url("/changed-v2")),
                                  ("added", backend.url("/added"))})
        # The unchanged target was not restarted: its counter went on from where it was.
        self.assertGreaterEqual(sitter.value(COUNT, name="kept"), before)
        wait_until(lambda: sitter.value(COUNT, name="kept") >= before + 2,
                   message="kept's counter growing on")
        self.assertIn("started=2 kept=1 stopped=2", sitter.log())
        self.assertIn('trigger="start" ', sitter.log())
        self.assertRegex(sitter.log(), r'discovered=0 targets=3 started=2 kept=1')
        return sitter

    def test_sighup(self):
        # --no-watch: only the signal can explain the reload.
        with Backend() as backend, Epsitter(first_config(backend), env={"POLL_INTERVAL": "0.3"},
                                             args=["--no-watch"]) as sitter:
            def deliver(text):
                with open(sitter.config_path, "w") as f:
                    f.write(text)
                sitter.process.send_signal(signal.SIGHUP)
            self.story(sitter, backend, deliver)
            self.assertIn('trigger="SIGHUP"', sitter.log())
            self.assertNotIn("watching config", sitter.log())

    def test_post_reload(self):
        with Backend() as backend, Epsitter(first_config(backend), env={"POLL_INTERVAL": "0.3"},
                                             args=["--no-watch"]) as sitter:
            answers = []

            def deliver(text):
                with open(sitter.config_path, "w") as f:
                    f.write(text)
                answers.append(sitter.reload())
            self.story(sitter, backend, deliver)
            (bad_status, _, bad_body), (ok_status, _, ok_body) = answers
            self.assertEqual(bad_status, 500)
            self.assertIn("sitter.yaml:4:", bad_body)
            self.assertIn("urls.kept.timeout", bad_body)
            self.assertEqual(ok_status, 200)
            self.assertIn("3 targets", ok_body)
            self.assertIn('trigger="POST /-/reload"', sitter.log())
            self.assertNotIn('trigger="file changed"', sitter.log())
            # The same file again: parsed whole, and every target equal to the running one.
            status, _, body = sitter.reload()
            self.assertEqual(status, 200)
            self.assertIn("targets=3 started=0 kept=3 stopped=0", body)

    def test_configmap_symlink_swap(self):
        with Backend() as backend:
            sitter = Epsitter(first_config(backend), env={"POLL_INTERVAL": "0.3"})
            # Replace the plain file with the kubelet's layout before epsitter starts.
            directory = os.path.dirname(sitter.config_path)
            os.remove(sitter.config_path)
            configmap.create(directory, {"sitter.yaml": first_config(backend)})
            with sitter:
                self.assertTrue(os.path.islink(sitter.config_path))
                self.story(sitter, backend,
                           lambda text: configmap.update(directory, {"sitter.yaml": text}))
                self.assertIn('trigger="file changed"', sitter.log())
                self.assertNotIn('trigger="SIGHUP"', sitter.log())

    def test_an_unchanged_file_triggers_no_reload(self):
        with Backend() as backend, Epsitter(first_config(backend),
                                             env={"POLL_INTERVAL": "0.3"}) as sitter:
            wait_until(lambda: sitter.value(COUNT, name="kept") >= 1, message="kept probed")
            with open(sitter.config_path, "w") as f:  # same bytes, new write
                f.write(first_config(backend))
            # Then a real change, so that the test knows the watcher has looked.
            with open(os.path.join(os.path.dirname(sitter.config_path), "other.txt"), "w") as f:
                f.write("noise")
            with open(sitter.config_path, "w") as f:
                f.write(second_config(backend))
            wait_until(lambda: sitter.value(COUNT, name="added") >= 1, message="the change applied")
            self.assertEqual(sitter.log().count('trigger="file changed"'), 1, sitter.log())


if __name__ == "__main__":
    harness.main()
