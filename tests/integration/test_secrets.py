"""Secrets from ${ENV} and *_file: used on the wire, re-read on reload, never printed."""

import base64
import os
import signal
import tempfile
import unittest

import harness
from harness import Epsitter, run_epsitter, wait_until
from scripted import ScriptedServer

TOKEN = "tok-from-env-7d1f0c"
PASSWORD = "pass-from-file-93ab2e"
ROTATED = "rotated-pass-5c77e1"
FILE_TOKEN = "tok-from-file-4e2a9b"


class Secrets(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="epsitter-secrets-")
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_env_and_file_secrets_are_sent_reloaded_and_never_printed(self):
        password_file = self.write("password", PASSWORD + "\n")
        self.write("token", FILE_TOKEN)
        with ScriptedServer() as server:
            config = f"""
defaults:
  namespace: ${{SECRETS_NS}}
urls:
  env_bearer:
    url: http://127.0.0.1:${{BACKEND_PORT}}/env-bearer
    bearer_token: ${{SITTER_TEST_TOKEN}}
  file_basic:
    url: {server.url("/file-basic")}
    auth_user: prober
    auth_pass_file: {password_file}
  file_bearer:
    url: {server.url("/file-bearer")}
    bearer_token_file: {os.path.join(self.tmp.name, "token")}
  escaped:
    url: {server.url("/escaped")}
    headers: {{X-Literal: "$${{NOT_A_VARIABLE}}"}}
"""
            env = {"SITTER_TEST_TOKEN": TOKEN, "BACKEND_PORT": str(server.port),
                   "SECRETS_NS": "vault", "POLL_INTERVAL": "0.3", "LOG_LEVEL": "DEBUG"}
            with Epsitter(config, env=env) as sitter:
                wait_until(lambda: all(server.seen(p) for p in
                                       ("/env-bearer", "/file-basic", "/file-bearer", "/escaped")),
                           message="one request per target")
                self.assertEqual(server.seen("/env-bearer")[0].headers["Authorization"],
                                 "Bearer " + TOKEN)
                self.assertEqual(server.seen("/file-basic")[0].headers["Authorization"],
                                 harness.basic_auth("prober", PASSWORD))
                self.assertEqual(server.seen("/file-bearer")[0].headers["Authorization"],
                                 "Bearer " + FILE_TOKEN)
                self.assertEqual(server.seen("/escaped")[0].headers["X-Literal"],
                                 "${NOT_A_VARIABLE}")
                wait_until(lambda: sitter.value("sitter_probe_success", name="file_basic",
                                                namespace="vault") == 1,
                           message="the namespace from the environment")

                # A rotated secret file is read again on reload.
                self.write("password", ROTATED)
                sitter.process.send_signal(signal.SIGHUP)
                wait_until(lambda: any(r.headers.get("Authorization") == harness.basic_auth("prober", ROTATED)
                                       for r in server.seen("/file-basic")),
                           message="the rotated password on the wire")
                text = sitter.scrape()
            for secret in (TOKEN, PASSWORD, ROTATED, FILE_TOKEN):
                self.assertNotIn(secret, text)
                self.assertNotIn(secret, sitter.log())
                self.assertNotIn(base64.b64encode(f"prober:{secret}".encode()).decode(),
                                 sitter.log())

    def test_a_missing_variable_is_a_config_error_naming_it_and_not_the_value(self):
        path = self.write("sitter.yaml", "urls:\n  api:\n    url: http://127.0.0.1:1/\n"
                                         "    auth_user: me\n"
                                         "    auth_pass: hunter2-${MISSING_SITTER_SECRET}\n")
        result = run_epsitter(["--check-config", path])
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{path}:5:16: urls.api.auth_pass: uses ${{MISSING_SITTER_SECRET}}",
                      result.stderr)
        self.assertIn("MISSING_SITTER_SECRET is not set", result.stderr)
        self.assertNotIn("hunter2", result.stderr)
        result = run_epsitter(["--check-config", path], env={"MISSING_SITTER_SECRET": "x"})
        self.assertEqual(result.returncode, 0, result.stderr)


if __name__ == "__main__":
    harness.main()
