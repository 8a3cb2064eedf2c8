"""oauth2: client-credentials tokens from a loopback token endpoint that counts how often it is
asked, sent as a bearer token to a loopback target that demands one: one request serves every
target of the same settings, a token is fetched again after it expires (not for every probe), a
401 refreshes it once, a failing endpoint fails the probes as `oauth2` with its status in
/metrics, and the client secret and the tokens never show in the log, /metrics or the status page."""

import json
import os
import tempfile
import threading
import unittest
import urllib.parse

import configmap
import harness
from harness import Epsitter, basic_auth, wait_until
from scripted import Reply, ScriptedServer, redirect

CLIENT_ID = "probe-client"
SECRET = "cl1ent-s3cret-5e0d9a"
TOKEN_PREFIX = "at-7f3b2c-"
COUNT = "sitter_request_time_count"
FAILURES = "sitter_probe_failures_total"


class TokenEndpoint:
    """Issues a new token for each valid client-credentials request; `status` other than 200 makes
    it fail. The target accepts the tokens in `valid`."""

    def __init__(self, expires_in=3600, status=200, delay=0):
        self.secret = SECRET  # the client secret it accepts
        self.expires_in = expires_in
        self.status = status
        self.delay = delay  # seconds before each token answer
        self.lock = threading.Lock()
        self.issued = []
        self.valid = set()
        self.server = ScriptedServer({"/token": self.token, "/api": self.api})

    def token(self, seen):
        expected = basic_auth(CLIENT_ID, self.secret)
        form = urllib.parse.parse_qs(seen.body.decode())
        if (seen.method != "POST" or seen.headers.get("Authorization") != expected
                or form.get("grant_type") != ["client_credentials"]):
            return Reply(400, '{"error":"invalid_client"}', {"Content-Type": "application/json"})
        if self.status != 200:
            return Reply(self.status, '{"error":"server_error"}',
                         {"Content-Type": "application/json"})
        with self.lock:
            token = f"{TOKEN_PREFIX}{len(self.issued) + 1}"
            self.issued.append(token)
            self.valid.add(token)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
        return Reply(200, json.dumps(body), {"Content-Type": "application/json"},
                     delay=self.delay)

    def api(self, seen):
        authorization = seen.headers.get("Authorization", "")
        with self.lock:
            ok = authorization.startswith("Bearer ") and authorization[7:] in self.valid
        return Reply(200 if ok else 401, "ok\n" if ok else "unauthorized\n")

    def token_requests(self):
        return len(self.server.seen("/token"))

    def api_tokens(self):
        """The bearer token each request to the target carried, in order."""
        return [r.headers.get("Authorization", "")[7:] for r in self.server.seen("/api")]

    def __enter__(self):
        self.server.__enter__()
        return self

    def __exit__(self, *exc):
        return self.server.__exit__(*exc)


def config(endpoint, names, extra=""):
    """Targets `names`, all with the same oauth2 settings (the secret in a file)."""
    lines = ["urls:"]
    for name in names:
        lines += [f"  {name}:",
                  f"    url: {endpoint.server.url('/api')}",
                  "    oauth2:",
                  f"      token_url: {endpoint.server.url('/token')}",
                  f"      client_id: {CLIENT_ID}",
                  f"      client_secret_file: {endpoint.secret_file}",
                  "      scopes: [probe, read]",
                  "      endpoint_params: {audience: api}"]
    return "\n".join(lines) + "\n" + extra


class OAuth2(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="epsitter-oauth2-")
        self.addCleanup(self.tmp.cleanup)
        self.secret_file = os.path.join(self.tmp.name, "client-secret")
        with open(self.secret_file, "w") as f:
            f.write(SECRET + "\n")

    def endpoint(self, **kwargs):
        endpoint = TokenEndpoint(**kwargs)
        endpoint.secret_file = self.secret_file
        return endpoint

    def assert_nothing_secret(self, sitter, endpoint):
        """Neither the client secret nor any token in the log, /metrics or the status page."""
        texts = {"log": sitter.log(), "metrics": sitter.scrape()}
        for path in ("/", "/api/v1/targets"):
            status, _, body = sitter.get(path)
            self.assertEqual(status, 200, path)
            texts[path] = body
        for where, text in texts.items():
            self.assertNotIn(SECRET, text, where)
            self.assertNotIn(TOKEN_PREFIX, text, where)

    def test_five_targets_of_the_same_settings_share_one_token_request(self):
        names = [f"t{i}" for i in range(5)]
        # The answer takes longer than the interval over which the five first probes are spread:
        # they all ask while the one request is in flight, and wait for it.
        with self.endpoint(delay=1.0) as endpoint, \
                Epsitter(config(endpoint, names), env={"POLL_INTERVAL": "0.3"}) as sitter:
            wait_until(lambda: all(sitter.value(COUNT, name=n) >= 3 for n in names), timeout=30,
                       message="three probes of every target")
            for name in names:
                self.assertEqual(sitter.value("sitter_probe_success", name=name), 1, name)
                self.assertEqual(sitter.value(FAILURES, name=name, reason="status"), 0, name)
            self.assertEqual(endpoint.token_requests(), 1)
            # The request is RFC 6749 4.4's: a form POST, scopes space-joined, params as fields.
            form = urllib.parse.parse_qs(endpoint.server.seen("/token")[0].body.decode())
            self.assertEqual(form, {"grant_type": ["client_credentials"], "scope": ["probe read"],
                                    "audience": ["api"]})
            self.assertEqual(set(endpoint.api_tokens()), {TOKEN_PREFIX + "1"})
            token_url = endpoint.server.url("/token")
            self.assertEqual(sitter.value("sitter_oauth2_token_requests_total",
                                          token_url=token_url, status="200"), 1)
            self.assertEqual(sitter.value("sitter_oauth2_token_failures_total",
                                          token_url=token_url), 0)
            harness.assert_promtool_accepts(self, sitter.scrape())
            self.assert_nothing_secret(sitter, endpoint)

    def test_a_short_lived_token_is_fetched_again_after_it_expires_not_for_every_probe(self):
        # expires_in 3 s: used for 2.7 s, while the target is probed every 0.2 s.
        with self.endpoint(expires_in=3) as endpoint, \
                Epsitter(config(endpoint, ["t"]), env={"POLL_INTERVAL": "0.2"}) as sitter:
            wait_until(lambda: endpoint.token_requests() >= 3, timeout=40,
                       message="three token requests")
            asked = [r.at for r in endpoint.server.seen("/token")]
            # Never before the token in use expired (less its margin): not once per probe.
            for earlier, later in zip(asked, asked[1:]):
                self.assertGreaterEqual(later - earlier, 2.5)
            tokens = endpoint.api_tokens()
            self.assertGreater(tokens.count(TOKEN_PREFIX + "1"), 1)
            self.assertIn(TOKEN_PREFIX + "2", tokens)
            self.assertEqual(sitter.value(FAILURES, name="t", reason="status"), 0)
            self.assert_nothing_secret(sitter, endpoint)

    def test_a_revoked_token_is_refreshed_once_and_the_probe_retried(self):
        with self.endpoint() as endpoint, \
                Epsitter(config(endpoint, ["t"]), env={"POLL_INTERVAL": "0.3"}) as sitter:
            wait_until(lambda: sitter.value(COUNT, name="t") >= 2, timeout=30,
                       message="two probes")
            with endpoint.lock:
                endpoint.valid.clear()  # the token is revoked: the next probe gets a 401
            before = sitter.value(COUNT, name="t")
            wait_until(lambda: sitter.value(COUNT, name="t") >= before + 3, timeout=30,
                       message="three more probes")
            self.assertEqual(endpoint.token_requests(), 2)
            self.assertEqual(sitter.value(FAILURES, name="t", reason="status"), 0)
            self.assertEqual(sitter.value("sitter_probe_success", name="t"), 1)
            self.assertEqual(sitter.value("sitter_http_status_code_total", name="t", status="401"),
                             0)
            tokens = endpoint.api_tokens()
            # The refused probe was sent again, once, with the new token.
            first_new = tokens.index(TOKEN_PREFIX + "2")
            self.assertEqual(tokens[first_new - 1], TOKEN_PREFIX + "1")
            self.assertEqual(set(tokens[first_new:]), {TOKEN_PREFIX + "2"})

    def test_a_target_that_refuses_every_token_fails_as_status_after_one_refresh(self):
        with self.endpoint() as endpoint:
            endpoint.api = lambda seen: Reply(401, "no\n")
            endpoint.server.routes["/api"] = endpoint.api
            with Epsitter(config(endpoint, ["t"]), env={"POLL_INTERVAL": "0.3"}) as sitter:
                wait_until(lambda: sitter.value(FAILURES, name="t", reason="status") >= 2,
                           timeout=30, message="two status failures")
                probes = sitter.value(COUNT, name="t")
                # One refresh and one retry per probe, never more.
                self.assertLessEqual(len(endpoint.server.seen("/api")), 2 * probes + 2)
                self.assertLessEqual(endpoint.token_requests(), probes + 2)

    def test_a_failing_token_endpoint_fails_the_probes_as_oauth2_with_its_status(self):
        with self.endpoint(status=500) as endpoint, \
                Epsitter(config(endpoint, ["t"]), env={"POLL_INTERVAL": "0.3"}) as sitter:
            wait_until(lambda: sitter.value(FAILURES, name="t", reason="oauth2") >= 2, timeout=30,
                       message="two oauth2 failures")
            token_url = endpoint.server.url("/token")
            self.assertGreaterEqual(sitter.value("sitter_oauth2_token_requests_total",
                                                 token_url=token_url, status="500"), 2)
            self.assertGreaterEqual(sitter.value("sitter_oauth2_token_failures_total",
                                                 token_url=token_url), 2)
            self.assertEqual(sitter.value("sitter_probe_success", name="t"), 0)
            self.assertGreaterEqual(sitter.value("sitter_http_error_total", name="t"), 2)
            # The target itself was never asked without a token.
            self.assertEqual(endpoint.server.seen("/api"), [])
            self.assertIn("token endpoint answered status 500", sitter.log())
            harness.assert_promtool_accepts(self, sitter.scrape())
            self.assert_nothing_secret(sitter, endpoint)

    def test_a_rotated_client_secret_is_used_for_a_new_token(self):
        rotated = "r0tated-s3cret-81c4de"
        secrets = os.path.join(self.tmp.name, "secrets")
        os.mkdir(secrets)
        configmap.create(secrets, {"client-secret": SECRET})
        with self.endpoint() as endpoint:
            endpoint.secret_file = os.path.join(secrets, "client-secret")
            with Epsitter(config(endpoint, ["t"]), env={"POLL_INTERVAL": "0.3"}) as sitter:
                wait_until(lambda: sitter.value(COUNT, name="t") >= 2, timeout=30,
                           message="two probes")
                endpoint.secret = rotated  # the identity provider now wants the new secret
                configmap.update(secrets, {"client-secret": rotated + "\n"})
                wait_until(lambda: any(r.headers.get("Authorization")
                                       == basic_auth(CLIENT_ID, rotated)
                                       for r in endpoint.server.seen("/token")),
                           timeout=30, message="a token request with the rotated secret")
                self.assertIn('msg="file read by targets changed"', sitter.log())
                wait_until(lambda: TOKEN_PREFIX + "2" in endpoint.api_tokens(), timeout=30,
                           message="the new token sent")
                self.assertNotIn(rotated, sitter.log())

    def test_the_secret_does_not_follow_a_redirect_of_the_token_endpoint(self):
        with ScriptedServer() as elsewhere, self.endpoint() as endpoint:
            endpoint.server.routes["/token"] = redirect(elsewhere.url("/token"), status=307)
            with Epsitter(config(endpoint, ["t"]), env={"POLL_INTERVAL": "0.3"}) as sitter:
                wait_until(lambda: sitter.value(FAILURES, name="t", reason="oauth2") >= 2,
                           timeout=30, message="two oauth2 failures")
                self.assertEqual(elsewhere.seen(), [])
                self.assertGreaterEqual(sitter.value("sitter_oauth2_token_requests_total",
                                                     token_url=endpoint.server.url("/token"),
                                                     status="307"), 2)
                self.assertIn("token endpoint answered status 307", sitter.log())

    def test_the_secret_never_shows_even_at_debug_level(self):
        with self.endpoint() as endpoint, \
                Epsitter(config(endpoint, ["t"]),
                         env={"POLL_INTERVAL": "0.3", "LOG_LEVEL": "DEBUG"}) as sitter:
            wait_until(lambda: sitter.value(COUNT, name="t") >= 2, timeout=30,
                       message="two probes")
            self.assert_nothing_secret(sitter, endpoint)


if __name__ == "__main__":
    unittest.main()
