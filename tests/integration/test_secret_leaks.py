"""Secrets stay secret: a password, a bearer token and a secret header value, and a password in URL
userinfo, never appear in logs (at LOG_LEVEL=DEBUG), stdout, error messages or any page, whatever
happens to the probes or the config."""

import base64
import os
import signal
import tempfile
import unittest
import urllib.error
import urllib.request

import harness
import hostile
import tls
from harness import Backend, Epsitter, refused_port, run_epsitter, wait_until

PASSWORD = "PASS-s3cr3t-7c1e"
BEARER = "TOKEN-s3cr3t-93ab"
HEADER = "HDR-s3cr3t-5d20"
URL_PASSWORD = "URLPW-s3cr3t-e4f8"
SECRETS = (PASSWORD, BEARER, HEADER, URL_PASSWORD)
# Every page that may exist; the ones that do not answer 404, and the check covers those too.
PAGES = ("/metrics", "/", "/health", "/healthz", "/-/healthy", "/-/ready", "/-/reload", "/status",
         "/targets", "/api/targets", "/config")


def target(name, url, auth="basic", **extra):
    """One target's YAML with a secret header and basic auth, a bearer token (a target sends one
    or the other) or neither (auth="none", for credentials in the URL)."""
    lines = [f"  {name}:", f"    url: {url}"]
    if auth == "basic":
        lines += ["    auth_user: alice", f"    auth_pass: {PASSWORD}"]
    elif auth == "bearer":
        lines += [f"    bearer_token: {BEARER}"]
    lines += [f"    headers: {{X-Api-Key: {HEADER}}}"]
    lines += [f"    {key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def with_userinfo(url):
    return url.replace("://", f"://bob:{URL_PASSWORD}@", 1)


# Broken configs whose errors sit next to, or are made of, the secrets.
BROKEN_CONFIGS = {
    "password of the wrong shape": f"urls:\n  a:\n    url: http://127.0.0.1:1/\n"
                                   f"    auth_user: alice\n    auth_pass: [{PASSWORD}]\n",
    "password without a user": f"urls:\n  a:\n    url: http://127.0.0.1:1/\n"
                               f"    auth_pass: {PASSWORD}\n",
    "header value with a line break": f"urls:\n  a:\n    url: http://127.0.0.1:1/\n"
                                      f"    headers: {{X-Api-Key: \"{HEADER}\\nX: y\"}}\n",
    "header value that is a map": f"urls:\n  a:\n    url: http://127.0.0.1:1/\n"
                                  f"    headers: {{Authorization: {{Bearer: {BEARER}}}}}\n",
    "url with userinfo and a bad port": f"urls:\n  a:\n    url: http://bob:{URL_PASSWORD}@host:99999/\n",
    "url with userinfo and no host": f"urls:\n  a:\n    url: http://bob:{URL_PASSWORD}@/\n",
    "url with userinfo and a bad scheme": f"urls:\n  a:\n    url: ftp://bob:{URL_PASSWORD}@host/\n",
    "url with userinfo and a control character":
        f"urls:\n  a:\n    url: \"http://bob:{URL_PASSWORD}@ho\\tst/\"\n",
    # A '#' or '/' in a password ends the authority (RFC 3986): the "password" would be a fragment
    # or a path, and the host "bob". Both are config errors that show no part of it.
    "url with a '#' in the password":
        f"urls:\n  a:\n    url: \"http://bob:p#{URL_PASSWORD}@host/\"\n",
    "url with a '/' in the password":
        f"urls:\n  a:\n    url: \"http://bob:8080/{URL_PASSWORD}@host/\"\n",
    "url with a '?' in the password":
        f"urls:\n  a:\n    url: \"http://bob:8080?{URL_PASSWORD}@host/\"\n",
    "YAML syntax error inside a password": f"urls:\n  a:\n    url: http://127.0.0.1:1/\n"
                                           f"    auth_user: alice\n    auth_pass: {PASSWORD}: x\n",
    "YAML syntax error after a password": f"urls:\n  a:\n    url: http://127.0.0.1:1/\n"
                                          f"    auth_user: alice\n    auth_pass: {PASSWORD}\n"
                                          f"   method: get\n",
    "typo beside the secrets": "urls:\n" + target("a", "http://127.0.0.1:1/", tiemout=5),
    "duplicate password": f"urls:\n  a:\n    url: http://127.0.0.1:1/\n    auth_user: alice\n"
                          f"    auth_pass: {PASSWORD}\n    auth_pass: {PASSWORD}\n",
    "bearer token with a line break": f"urls:\n  a:\n    url: http://127.0.0.1:1/\n"
                                      f"    bearer_token: \"{BEARER}\\nX: y\"\n",
    "bearer token beside basic auth": f"urls:\n  a:\n    url: http://127.0.0.1:1/\n"
                                      f"    auth_user: alice\n    auth_pass: {PASSWORD}\n"
                                      f"    bearer_token: {BEARER}\n",
}


class SecretLeaks(unittest.TestCase):
    def assert_no_secret(self, text, where):
        for secret in SECRETS:
            self.assertNotIn(secret, text, f"a secret appears in {where}")

    def test_check_config_never_shows_a_secret(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "sitter.yaml")
            for name, text in BROKEN_CONFIGS.items():
                with self.subTest(config=name):
                    with open(path, "w") as f:
                        f.write(text)
                    for args in (["--check-config", path], [path]):
                        result = run_epsitter(args, env={"LOG_LEVEL": "DEBUG"})
                        self.assertEqual(result.returncode, 2, result.stderr)
                        self.assert_no_secret(result.stdout + result.stderr, f"{args[0]}: {name}")
            with open(path, "w") as f:
                f.write("urls:\n" + target("good", with_userinfo("http://127.0.0.1:1/")))
            result = run_epsitter(["--check-config", path], env={"LOG_LEVEL": "DEBUG"})
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assert_no_secret(result.stdout + result.stderr, "--check-config output")

    def test_probes_reloads_and_pages_never_show_a_secret(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        made = tls.make_cert(tmp.name, "self-signed", days=30)
        cert = (made.cert, made.key)
        stdout_path = os.path.join(tmp.name, "stdout")

        def stdout_to_file():
            # Runs in the child after Popen set up its stdio: stdout goes to a file we can read.
            fd = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 1)
            os.close(fd)

        with Backend({"/ok": (200, 0), "/denied": (401, 0), "/hang": (200, 30)}) as backend, \
                hostile.HostileServer(hostile.sends_garbage) as garbage, \
                hostile.HostileServer(hostile.redirects_in_a_loop) as loop, \
                hostile.HostileServer(hostile.answers_ok, tls=cert) as tls_server:
            urls = {
                "ok": backend.url("/ok"), "denied": backend.url("/denied"),
                "hang": backend.url("/hang"), "garbage": garbage.url("/"), "loop": loop.url("/"),
                "tls": tls_server.url("/"), "refused": f"http://127.0.0.1:{refused_port()}/",
                "dns": "http://epsitter-secrets-test.invalid/",
            }
            config = "urls:\n" + "".join(
                # Basic auth, a bearer token, or only the password in the URL's userinfo.
                target(name, with_userinfo(url) if i % 3 == 2 else url,
                       auth=("basic", "bearer", "none")[i % 3], timeout=1,
                       method="post" if name == "ok" else "get")
                for i, (name, url) in enumerate(urls.items()))
            with Epsitter(config, env={"LOG_LEVEL": "DEBUG", "POLL_INTERVAL": "0.5"},
                          preexec_fn=stdout_to_file) as sitter:
                wait_until(lambda: all(sitter.value("sitter_request_time_count", name=name) >= 2
                                       for name in urls if name != "dns"),
                           timeout=30, message="every target probed twice")
                # The secrets did reach the target: the probes are real, not stripped.
                sent = backend.seen("/ok")[-1].headers
                basic = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
                self.assertEqual(sent["Authorization"], f"Basic {basic}")
                self.assertEqual(sent["X-Api-Key"], HEADER)
                sent = backend.seen("/denied")[-1].headers
                self.assertEqual(sent["Authorization"], f"Bearer {BEARER}")
                sent = backend.seen("/hang")[-1].headers
                basic = base64.b64encode(f"bob:{URL_PASSWORD}".encode()).decode()
                self.assertEqual(sent["Authorization"], f"Basic {basic}")

                # Reloads that fail next to the secrets, then one that succeeds.
                for name, text in BROKEN_CONFIGS.items():
                    with open(sitter.config_path, "w") as f:
                        f.write(text)
                    failures = sitter.log().count("config reload failed")
                    sitter.process.send_signal(signal.SIGHUP)
                    wait_until(lambda: sitter.log().count("config reload failed") > failures,
                               message=f"the reload of '{name}' to fail")
                loads = sitter.log().count('msg="config loaded"')
                with open(sitter.config_path, "w") as f:
                    f.write(config)
                sitter.process.send_signal(signal.SIGHUP)
                wait_until(lambda: sitter.log().count('msg="config loaded"') > loads,
                           message="a good reload")

                for path in PAGES:
                    for method in ("GET", "POST"):
                        # The reload header too, so that POST /-/reload really reloads.
                        request = urllib.request.Request(f"http://127.0.0.1:{sitter.port}{path}",
                                                         method=method, data=b"" if method ==
                                                         "POST" else None,
                                                         headers={"X-Epsitter-Reload": "1"})
                        try:
                            with urllib.request.urlopen(request, timeout=10) as response:
                                page = str(response.headers) + response.read().decode()
                        except urllib.error.HTTPError as error:
                            page = str(error.headers) + error.read().decode()
                        self.assert_no_secret(page, f"{method} {path}")
            # Stopped; everything it ever wrote is in.
            self.assertIn('level=debug msg="probe done"', sitter.log())
            self.assertIn("error=tls", sitter.log())
            self.assert_no_secret(sitter.log(), "the log (stderr)")
            with open(stdout_path) as f:
                self.assert_no_secret(f.read(), "stdout")


    def test_a_password_that_ends_the_authority_shows_nowhere(self):
        # Before: http://bob:8080/SECRET@host/ was accepted, probed host "bob" and showed the
        # password in the url label of /metrics; http://bob:p#SECRET@host/ failed with an error
        # that quoted the password in --check-config, the log and POST /-/reload's answer.
        with Backend() as backend:
            good = f"urls:\n  ok:\n    url: {backend.url('/ok')}\n"
            with Epsitter(good, args=["--no-watch"]) as sitter:
                for name in ("url with a '#' in the password", "url with a '/' in the password",
                             "url with a '?' in the password"):
                    with self.subTest(config=name):
                        with open(sitter.config_path, "w") as f:
                            f.write(good + BROKEN_CONFIGS[name].replace("urls:\n", "", 1))
                        status, _, body = sitter.reload()
                        self.assertEqual(status, 500)
                        self.assertIn("has an '@' after its host but no user info", body)
                        self.assertIn('"http://***@host/"', body)
                        self.assert_no_secret(body, f"the reload answer: {name}")
                        self.assert_no_secret(sitter.scrape(), f"/metrics: {name}")
                        self.assertEqual(sitter.value("sitter_config_last_reload_successful"), 0)
                self.assertNotIn('name="a"', sitter.scrape())
            self.assert_no_secret(sitter.log(), "the log")


if __name__ == "__main__":
    harness.main()
