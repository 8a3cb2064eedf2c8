"""File descriptors: epsitter raises its soft limit to the hard one at start, and running out of
descriptors with many targets degrades into counted errors, not a crash."""

import http.client
import re
import resource
import signal
import unittest

import harness
import hostile
import procfs
from harness import Backend, Epsitter, config_yaml, wait_until

LOW_LIMIT = 64
HANGING_TARGETS = 150  # each holds a socket for its whole timeout: far more than LOW_LIMIT allows


def limit_to(soft, hard):
    """A preexec_fn that sets RLIMIT_NOFILE in the child before epsitter starts."""
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# UBSan's vptr check proves an object and its vtable readable by write()-ing them into a fresh
# pipe() (IsAccessibleMemoryRange in sanitizer_common). With no descriptor left the pipe fails, and
# virtual calls are reported as "object has invalid vptr" (a wrong type would read "object is of
# type ..."); suppressions do not reach these reports. Only runtime errors about objects with such a
# note are set aside, and only here; their lines may be interleaved with other threads' log lines.
VPTR_ERROR = re.compile(r"runtime error: member (?:access within|call on) address (0x[0-9a-f]+) "
                        r"which does not point to an object of type")
VPTR_NOTE = re.compile(r"^(0x[0-9a-f]+): note: object has invalid vptr$")


def without_descriptor_starved_vptr_reports(text):
    lines = text.splitlines()
    starved = {m.group(1) for m in map(VPTR_NOTE.match, lines) if m}
    return "\n".join(line for line in lines
                     if not ((m := VPTR_ERROR.search(line)) and m.group(1) in starved))


def stop_and_check(sitter):
    """Stops epsitter like the harness does, then checks for sanitizer reports other than the
    descriptor-starved vptr ones. Returns the exit status."""
    sitter.process.send_signal(signal.SIGTERM)
    code = sitter.process.wait(timeout=30)
    sitter.reader.join(timeout=5)
    sitter.process.stderr.close()
    text = without_descriptor_starved_vptr_reports(sitter.log())
    for marker in harness.SANITIZER_MARKERS:
        if marker in text:
            raise AssertionError("sanitizer report:\n" + text[-20000:])
    return code


class Descriptors(unittest.TestCase):
    def test_the_soft_limit_is_raised_to_the_hard_limit_at_start(self):
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        hard = min(hard, 4096)
        with Epsitter(harness.quiet_config(), preexec_fn=limit_to(256, hard)) as sitter:
            self.assertEqual(procfs.open_files_limit(sitter.process.pid), (hard, hard))
            self.assertIn(f'msg="open file limit" soft={hard} hard={hard} soft_before=256',
                          sitter.log())

    def test_running_out_of_descriptors_degrades_into_counted_errors(self):
        with hostile.HostileServer(hostile.hangs_before_headers) as hang, Backend() as backend:
            targets = {f"hang{i}": {"namespace": "hang", "url": hang.url(f"/{i}"), "timeout": 3}
                       for i in range(HANGING_TARGETS)}
            targets["control"] = {"namespace": "control", "url": backend.url("/control")}
            with Epsitter(config_yaml(targets), env={"POLL_INTERVAL": "1"},
                          preexec_fn=limit_to(LOW_LIMIT, LOW_LIMIT)) as sitter:
                pid = sitter.process.pid
                self.assertEqual(procfs.open_files_limit(pid), (LOW_LIMIT, LOW_LIMIT))

                def totals():
                    errors = {}
                    try:
                        samples = sitter.metrics()
                    except (OSError, http.client.HTTPException):
                        # No descriptor left for CivetWeb to accept or answer this scrape: the
                        # next one gets through once a hanging probe times out.
                        return errors
                    for (name, labels), value in samples.items():
                        if name == "sitter_probe_failures_total":
                            error = dict(labels)["reason"]
                            errors[error] = errors.get(error, 0) + value
                    return errors

                # Probes that find no descriptor fail at once as `connect`; those that got one
                # hang until their timeout. Scrapes still get through between them.
                errors = wait_until(lambda: (lambda e: e if e.get("connect", 0) >= 50
                                             and e.get("timeout", 0) >= 10 else None)(totals()),
                                    timeout=60, message="counted connect errors and timeouts")
                self.assertLessEqual(set(errors), {"connect", "timeout"}, errors)
                self.assertLessEqual(procfs.fd_count(pid), LOW_LIMIT)
                self.assertTrue("out of file descriptors" in sitter.log(), "no hint in the log")
                self.assertIsNone(sitter.process.poll(), "epsitter is still running")
                print(f"with {LOW_LIMIT} descriptors and {HANGING_TARGETS} hanging targets: "
                      f"{errors}", flush=True)
                self.assertEqual(stop_and_check(sitter), 0)


if __name__ == "__main__":
    harness.main()
