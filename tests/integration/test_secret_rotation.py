"""A Secret mounted the way the kubelet mounts it, rotated the way the kubelet rotates it (a new
timestamped directory, then an atomic rename of `..data`): the targets that read the rotated file
send the new credential from their next probe on, with no SIGHUP or POST, and the others keep their
counters. A rotation to a file that cannot be read keeps the running credentials."""

import os
import tempfile
import unittest

import configmap
import harness
from harness import Backend, Epsitter, basic_auth, wait_until

COUNT = "sitter_request_time_count"


class SecretRotation(unittest.TestCase):
    def config(self, backend, secrets):
        password = os.path.join(secrets, "api-password")
        token = os.path.join(secrets, "api-token")
        return harness.config_yaml({
            "basic": {"url": backend.url("/basic"), "auth_user": "epsitter",
                      "auth_pass_file": password},
            "bearer": {"url": backend.url("/bearer"), "bearer_token_file": token},
            "plain": {"url": backend.url("/plain")},
        })

    def last_authorization(self, backend, path):
        seen = backend.seen(path)
        return seen[-1].headers.get("Authorization") if seen else None

    def test_a_rotated_secret_reaches_the_targets_that_read_it(self):
        with Backend() as backend, tempfile.TemporaryDirectory(prefix="epsitter-secret-") as secrets:
            configmap.create(secrets, {"api-password": "first-password\n", "api-token": "token-1"})
            with Epsitter(self.config(backend, secrets), env={"POLL_INTERVAL": "0.3"}) as sitter:
                wait_until(lambda: self.last_authorization(backend, "/basic")
                           == basic_auth("epsitter", "first-password"), message="the first password")
                wait_until(lambda: self.last_authorization(backend, "/bearer") == "Bearer token-1",
                           message="the first token")
                plain_before = sitter.value(COUNT, name="plain")

                configmap.update(secrets, {"api-password": "second-password\n",
                                           "api-token": "token-2"})
                wait_until(lambda: self.last_authorization(backend, "/basic")
                           == basic_auth("epsitter", "second-password"), timeout=20,
                           message="the rotated password in use")
                wait_until(lambda: self.last_authorization(backend, "/bearer") == "Bearer token-2",
                           timeout=20, message="the rotated token in use")
                self.assertIn('msg="file read by targets changed"', sitter.log())
                self.assertIn('trigger="file changed"', sitter.log())
                # The target that reads no secret kept running, its counter growing from where it was.
                self.assertIn("started=2 kept=1 stopped=2", sitter.log())
                self.assertGreaterEqual(sitter.value(COUNT, name="plain"), plain_before)
                for secret in ("first-password", "second-password", "token-1", "token-2"):
                    self.assertNotIn(secret, sitter.log())

                # A rotation that leaves the file unreadable: the running credentials stay.
                configmap.update(secrets, {"api-token": "token-3"})  # api-password gone
                wait_until(lambda: 'msg="config reload failed' in sitter.log(), timeout=20,
                           message="the failed reload")
                self.assertIn("api-password", sitter.log())
                count = len(backend.seen("/basic"))
                wait_until(lambda: len(backend.seen("/basic")) >= count + 2,
                           message="probes with the running password")
                self.assertEqual(self.last_authorization(backend, "/basic"),
                                 basic_auth("epsitter", "second-password"))
                self.assertEqual(self.last_authorization(backend, "/bearer"), "Bearer token-2")


if __name__ == "__main__":
    harness.main()
