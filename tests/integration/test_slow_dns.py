"""A target whose name never resolves in time must not delay the others: libcurl's threaded
resolver would make the engine thread wait for the lookup to end whenever such a probe timed out
(curl issue #4852). A preloaded getaddrinfo (slow_dns.c) makes lookups under slow-dns.test take
SLOW_DNS_SECONDS, and the real binary probes that target beside a fast loopback one."""

import os
import time
import unittest

import harness
from harness import Backend, Epsitter, wait_until

SLOW_DNS_LIB = os.environ.get("SLOW_DNS_LIB", "")
LOOKUP_SECONDS = 6
INTERVAL = 0.5


class SlowDns(unittest.TestCase):
    @unittest.skipUnless(SLOW_DNS_LIB, "SLOW_DNS_LIB is not built")
    def test_a_hanging_name_lookup_does_not_stall_other_probes(self):
        env = {"LD_PRELOAD": SLOW_DNS_LIB, "SLOW_DNS_SECONDS": str(LOOKUP_SECONDS),
               "POLL_INTERVAL": str(INTERVAL),
               # The sanitizers' runtimes must come first; the shim only wraps one libc call.
               "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"}
        with Backend() as backend:
            config = harness.config_yaml({
                "unresolvable": {"url": "http://api.slow-dns.test/", "timeout": 0.3},
                "fast": {"url": backend.url("/fast")},
            })
            with Epsitter(config, env=env) as sitter:
                wait_until(lambda: sitter.value("sitter_probe_failures_total",
                                                name="unresolvable", reason="timeout") >= 2,
                           timeout=30, message="two timed-out lookups")
                start = len(backend.seen("/fast"))
                time.sleep(LOOKUP_SECONDS)
                during = len(backend.seen("/fast")) - start
                print(f"fast target: {during} probes in {LOOKUP_SECONDS} s beside hanging lookups")
                if "thread" not in os.environ.get("EPSITTER_SANITIZER", ""):
                    # ThreadSanitizer stalls the whole process for seconds now and then.
                    # Stalled on each lookup, it would get one or two; on schedule, about twelve.
                    self.assertGreaterEqual(during, LOOKUP_SECONDS / INTERVAL / 2)
                # Stopping does not wait for the lookups either.
                started = time.monotonic()
                self.assertEqual(sitter.stop(), 0)
                self.assertLess(time.monotonic() - started, LOOKUP_SECONDS)


if __name__ == "__main__":
    harness.main()
