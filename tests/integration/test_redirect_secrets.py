"""Redirects as a hostile or careless target uses them, against the real binary: credentials and
the headers named in secret_headers reach only the URL's own origin (scheme, host, port), as
libcurl does for Authorization alone; cookies set along a chain go on its next hops to their own
host and die with the probe; the method and body change as browsers change them; a flood of
response headers is cut off and counted, not stored."""

import unittest

import harness
import hostile
import procfs
from harness import Epsitter, wait_until
from scripted import Reply, ScriptedServer, redirect

TOKEN = "tok-s3cr3t"
API_KEY = "key-s3cr3t"


class RedirectSecrets(unittest.TestCase):
    def test_secrets_stay_with_their_origin_across_redirects(self):
        with ScriptedServer() as elsewhere, ScriptedServer() as home:
            # The same host on another port is another origin; "localhost" is another host name.
            home.routes.update({
                "/away": redirect(elsewhere.url("/landed")),
                "/other-host": redirect(home.url("/landed-host", host="localhost")),
                "/stay": redirect("/stayed", status=301),
                "/post-302": redirect("/after-302", status=302),
                "/post-307": redirect(elsewhere.url("/after-307"), status=307),
                "/basic": redirect(elsewhere.url("/basic-landed")),
            })
            config = f"""
urls:
  bearer_away:
    url: {home.url("/away")}
    bearer_token: {TOKEN}
    headers: {{X-Api-Key: {API_KEY}, X-Trace: visible}}
    secret_headers: [x-api-key]
  bearer_other_host:
    url: {home.url("/other-host")}
    bearer_token: {TOKEN}
    headers: {{X-Api-Key: {API_KEY}}}
    secret_headers: [X-Api-Key]
  same_origin:
    url: {home.url("/stay")}
    bearer_token: {TOKEN}
    headers: {{X-Api-Key: {API_KEY}}}
    secret_headers: [X-Api-Key]
  post_302:
    url: {home.url("/post-302")}
    method: post
    payload: {{a: b}}
  post_307:
    url: {home.url("/post-307")}
    method: post
    payload: {{a: b}}
  basic_away:
    url: {home.url("/basic")}
    auth_user: alice
    auth_pass: {TOKEN}
"""
            with Epsitter(config) as sitter:
                paths = ("/landed", "/landed-host", "/stayed", "/after-307", "/basic-landed")
                wait_until(lambda: all(elsewhere.seen(p) or home.seen(p) for p in paths)
                           and home.seen("/after-302"), message="every chain followed")
                landed = elsewhere.seen("/landed")[0]
                self.assertNotIn("Authorization", landed.headers)
                self.assertNotIn("X-Api-Key", landed.headers)
                self.assertEqual(landed.headers.get("X-Trace"), "visible")  # not named secret
                other_host = home.seen("/landed-host")[0]
                self.assertNotIn("Authorization", other_host.headers)
                self.assertNotIn("X-Api-Key", other_host.headers)
                self.assertNotIn("Authorization", elsewhere.seen("/basic-landed")[0].headers)
                # Where they came from, and within one origin, they are sent.
                first = home.seen("/away")[0]
                self.assertEqual(first.headers.get("Authorization"), f"Bearer {TOKEN}")
                self.assertEqual(first.headers.get("X-Api-Key"), API_KEY)
                self.assertEqual(home.seen("/basic")[0].headers.get("Authorization"),
                                 harness.basic_auth("alice", TOKEN))
                stayed = home.seen("/stayed")[0]
                self.assertEqual(stayed.headers.get("Authorization"), f"Bearer {TOKEN}")
                self.assertEqual(stayed.headers.get("X-Api-Key"), API_KEY)
                # 302 turns a POST into a bodiless GET; 307 keeps method and body.
                self.assertEqual(home.seen("/after-302")[0].method, "GET")
                self.assertNotIn("Content-Length", home.seen("/after-302")[0].headers)
                self.assertNotIn("Content-Type", home.seen("/after-302")[0].headers)
                kept = elsewhere.seen("/after-307")[0]
                self.assertEqual(kept.method, "POST")
                self.assertEqual(kept.headers.get("Content-Length"), "3")
                self.assertEqual(kept.headers.get("Content-Type"),
                                 "application/x-www-form-urlencoded")
                for name in ("bearer_away", "same_origin", "post_307"):
                    wait_until(lambda: sitter.value("sitter_redirects", name=name) == 1,
                               message=f"{name}: one redirect counted")
                    self.assertEqual(sitter.value("sitter_probe_success", name=name), 1)
                self.assertNotIn(TOKEN, sitter.log())
                self.assertNotIn(API_KEY, sitter.log())


SESSION = {"Set-Cookie": "session=c00k1e; Path=/"}


def needs_session(seen):
    """200 with the cookie the login set, 400 without it (a login wall)."""
    if seen.headers.get("Cookie") == "session=c00k1e":
        return Reply(200, "in")
    return Reply(400, "no session")


class Cookies(unittest.TestCase):
    def test_a_cookie_set_on_a_redirect_goes_on_that_probes_next_hops_to_its_host_only(self):
        with ScriptedServer() as home:
            home.routes.update({
                "/login": redirect("/app", headers=SESSION),
                "/app": needs_session,
                # "localhost" is another host on the same server.
                "/login-away": redirect(home.url("/app-away", host="localhost"), headers=SESSION),
                "/app-away": needs_session,
            })
            config = harness.config_yaml({"login": {"url": home.url("/login")},
                                          "login_away": {"url": home.url("/login-away")}})
            with Epsitter(config) as sitter:
                wait_until(lambda: all(sitter.value("sitter_request_time_count", name=name) >= 2
                                       for name in ("login", "login_away")), timeout=30,
                           message="two probes of each chain")
                self.assertEqual(sitter.value("sitter_probe_success", name="login"), 1)
                self.assertEqual(sitter.value("sitter_probe_failures_total", name="login",
                                              reason="status"), 0)
                self.assertGreaterEqual(len(home.seen("/login")), 2)
                for hop in home.seen("/app"):
                    self.assertEqual(hop.headers.get("Cookie"), "session=c00k1e")
                # Every probe starts with an empty jar: the next login goes without the cookie.
                for hop in home.seen("/login") + home.seen("/login-away"):
                    self.assertNotIn("Cookie", hop.headers)
                # Another host never gets it, so that chain meets the login wall.
                for hop in home.seen("/app-away"):
                    self.assertNotIn("Cookie", hop.headers)
                self.assertEqual(sitter.value("sitter_probe_success", name="login_away"), 0)
                self.assertGreaterEqual(sitter.value("sitter_probe_failures_total",
                                                     name="login_away", reason="status"), 2)
                self.assertNotIn("c00k1e", sitter.log())


def flood_of_headers(server, sock):
    """A status line, then 4-byte header lines without end (the finding: 299 KiB of them)."""
    hostile.read_request(sock)
    try:
        sock.sendall(b"HTTP/1.1 200 OK\r\n")
        for _ in range(75):
            sock.sendall(b"a:\r\n" * 1000)
        hostile.wait_for_hangup(server, sock)
    except OSError:
        pass


class HeaderFlood(unittest.TestCase):
    def test_a_flood_of_header_lines_is_cut_off_and_counted(self):
        servers = [hostile.HostileServer(flood_of_headers).__enter__() for _ in range(20)]
        try:
            config = harness.config_yaml({f"flood{i}": {"url": s.url("/"), "timeout": 5}
                                          for i, s in enumerate(servers)})
            with Epsitter(config, env={"POLL_INTERVAL": "1"}) as sitter:
                wait_until(lambda: all(sitter.value("sitter_probe_failures_total",
                                                    name=f"flood{i}", reason="response_too_large") >= 2
                                       for i in range(20)), timeout=30,
                           message="every flood cut off as response_too_large")
                rss = procfs.rss_kib(sitter.process.pid)
                self.assertIn("headers exceed 256 lines or 64 KiB", sitter.log())
                print(f"20 targets flooding header lines: RSS {rss / 1024:.1f} MiB")
                # Under a sanitizer the bound only catches a runaway (ASan: ~300 MiB here).
                self.assertLess(rss, (512 if harness.SANITIZED else 64) * 1024)
        finally:
            for server in servers:
                server.__exit__(None, None, None)


if __name__ == "__main__":
    harness.main()
