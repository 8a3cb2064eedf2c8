"""The status page and its JSON API on the real binary: order, reasons, names, secrets, reloads."""

import json
import signal
import tempfile
import time
import unittest
import urllib.parse

import harness
import tls
from harness import Backend, Epsitter, config_yaml, refused_port, wait_until
from scripted import ScriptedServer

HOSTILE = 'we<ird> & "q"/x y'


def get_json(sitter, path):
    status, headers, body = sitter.get(path)
    assert headers.get("Content-Type") == "application/json", headers.get("Content-Type")
    return status, json.loads(body)


def target(sitter, name):
    status, doc = get_json(sitter, "/api/v1/targets/" + urllib.parse.quote(name, safe=""))
    return doc if status == 200 else None


def probed(sitter, name, at_least):
    found = target(sitter, name)
    return found is not None and found["probes"] >= at_least


class StatusApi(unittest.TestCase):
    def test_the_list_puts_the_down_target_first_with_its_reason_and_history(self):
        with Backend({"/ok": (200, 0)}) as backend:
            config = config_yaml({
                "api": {"namespace": "prod", "url": backend.url("/ok")},
                "db": {"namespace": "prod", "url": f"http://127.0.0.1:{refused_port()}/"},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.3"}) as sitter:
                wait_until(lambda: probed(sitter, "api", 2) and probed(sitter, "db", 2),
                           message="two probes of each target")
                status, doc = get_json(sitter, "/api/v1/targets")
                self.assertEqual(status, 200)
                self.assertEqual(doc["counts"], {"down": 1, "pending": 0, "up": 1, "total": 2})
                self.assertEqual(doc["history_capacity"], 120)
                down, up = doc["targets"]
                self.assertEqual((down["name"], down["state"]), ("db", "down"))
                self.assertEqual(down["outcome"], "connection refused")
                self.assertEqual(down["last_probe"]["reason"], "connection_refused")
                self.assertIsNone(down["last_probe"]["status_code"])
                self.assertIsNone(down["last_success_at"])
                self.assertEqual(down["success_ratio"], 0)
                self.assertEqual((up["name"], up["state"]), ("api", "up"))
                self.assertEqual(up["url"], backend.url("/ok"))
                self.assertEqual(up["last_probe"]["status_code"], 200)
                self.assertGreaterEqual(len(up["history"]), 2)
                self.assertTrue(all(p["success"] for p in up["history"][-2:]))
                self.assertGreater(up["seconds_in_state"], 0)

                _, lean = get_json(sitter, "/api/v1/targets?history=0")
                self.assertNotIn("history", lean["targets"][0])

                status, headers, page = sitter.get("/")
                self.assertEqual(status, 200)
                self.assertEqual(headers.get("Content-Type"), "text/html; charset=utf-8")
                self.assertIn("default-src 'none'", headers.get("Content-Security-Policy"))
                self.assertIn("<title>1 down · epsitter</title>", page)
                self.assertLess(page.index('<span class="n">db</span>'),
                                page.index('<span class="n">api</span>'))
                self.assertIn('<td class="r">connection refused', page)

    def test_one_target_by_its_url_encoded_name_and_a_json_404_for_others(self):
        config = config_yaml({HOSTILE: {"namespace": "x", "url": f"http://127.0.0.1:{refused_port()}/"},
                              "plain": {"namespace": "x", "url": "http://127.0.0.1:1/"}})
        with Epsitter(config, env={"POLL_INTERVAL": "0.3"}) as sitter:
            wait_until(lambda: probed(sitter, HOSTILE, 1), message="a probe of the odd name")
            found = target(sitter, HOSTILE)
            self.assertEqual(found["name"], HOSTILE)
            self.assertEqual(found["state"], "down")
            self.assertIn("history", found)

            status, doc = get_json(sitter, "/api/v1/targets/no%20such%20target")
            self.assertEqual(status, 404)
            self.assertEqual(doc, {"error": 'no target named "no such target"'})
            status, doc = get_json(sitter, "/api/v1/targets/x%2F..%2F..%2Fmetrics")
            self.assertEqual((status, doc), (404, {"error": 'no target named "x/../../metrics"'}))
            status, doc = get_json(sitter, "/api/v1/targets/")
            self.assertEqual(status, 404)
            # Only the name is percent-decoded; the path around it must still arrive plain.
            self.assertEqual(sitter.get("/api/v1/targets/../../metrics")[0], 400)
            self.assertEqual(sitter.get("/api/v1/targets/plain/x")[0], 404)
            self.assertEqual(sitter.get("/api/v1/%74argets/plain")[0], 400)

            status, headers, body = sitter.get("/api/v1/targets/plain", method="HEAD")
            self.assertEqual((status, body), (200, ""))
            status, headers, _ = sitter.get("/api/v1/targets/plain", method="POST")
            self.assertEqual(status, 405)
            self.assertEqual(headers.get("Allow"), "GET, HEAD")
            status, _, _ = sitter.get("/api/v1/targetsX")
            self.assertEqual(status, 404)

            _, _, page = sitter.get("/")
            self.assertIn("we&lt;ird&gt; &amp; &quot;q&quot;/x y", page)
            self.assertNotIn("we<ird>", page)

    def test_no_password_token_or_header_value_is_ever_shown(self):
        secrets = ["s3cret-in-url", "pa55-in-field", "tok-in-header", "payload-secret"]
        config = config_yaml({
            "userinfo": {"namespace": "x", "url": f"http://bob:{secrets[0]}@127.0.0.1:{refused_port()}/"},
            "fields": {"namespace": "x", "url": f"http://127.0.0.1:{refused_port()}/",
                       "auth_user": "alice", "auth_pass": secrets[1],
                       "headers": {"Authorization": "Bearer " + secrets[2]},
                       "payload": {"key": secrets[3]}, "method": "post"},
        })
        with Epsitter(config, env={"POLL_INTERVAL": "0.3"}) as sitter:
            wait_until(lambda: probed(sitter, "userinfo", 1) and probed(sitter, "fields", 1),
                       message="a probe of each target")
            for path in ("/", "/api/v1/targets", "/api/v1/targets/userinfo",
                         "/api/v1/targets/fields"):
                _, _, body = sitter.get(path)
                for secret in secrets + ["bob", "alice"]:
                    self.assertNotIn(secret, body, f"{secret} leaked on {path}")
            self.assertEqual(target(sitter, "userinfo")["url"],
                             target(sitter, "userinfo")["url"].replace("@", ""))

    def test_history_survives_a_reload_for_unchanged_targets_only(self):
        with Backend() as backend:
            config = {"kept": {"namespace": "x", "url": backend.url("/kept")},
                      "changed": {"namespace": "x", "url": backend.url("/before")}}
            with Epsitter(config_yaml(config), env={"POLL_INTERVAL": "0.3"}) as sitter:
                wait_until(lambda: probed(sitter, "kept", 5) and probed(sitter, "changed", 5),
                           message="five probes of each target")
                kept_before = target(sitter, "kept")
                config["changed"]["url"] = backend.url("/after")
                with open(sitter.config_path, "w") as f:
                    f.write(config_yaml(config))
                sitter.process.send_signal(signal.SIGHUP)
                wait_until(lambda: target(sitter, "changed")["url"] == backend.url("/after"),
                           message="the changed target to be replaced")
                kept_after = target(sitter, "kept")
                changed_after = target(sitter, "changed")
                self.assertGreaterEqual(kept_after["probes"], kept_before["probes"])
                self.assertEqual(kept_after["history"][:len(kept_before["history"])][0],
                                 kept_before["history"][0])
                self.assertEqual(kept_after["state_since"], kept_before["state_since"])
                self.assertLess(changed_after["probes"], 5)
                self.assertLess(len(changed_after["history"]), 5)

    def test_a_failed_expectation_is_down_with_its_reason_and_cert_days_are_shown(self):
        with tempfile.TemporaryDirectory(prefix="epsitter-status-tls-") as directory:
            ca = tls.make_ca(directory, days=365)
            leaf = tls.make_cert(directory, "leaf", ca=ca, days=40)
            chain = tls.chain_file(directory, "chain", leaf, ca)
            with ScriptedServer(ssl_context=tls.server_context(chain, leaf.key)) as server:
                config = config_yaml({
                    "tls-ok": {"namespace": "x", "url": server.url("/"), "ca_file": ca.cert},
                    "wrong-body": {"namespace": "x", "url": server.url("/"), "ca_file": ca.cert,
                                   "expect_body": "no such text"},
                })
                with Epsitter(config, env={"POLL_INTERVAL": "0.3"}) as sitter:
                    wait_until(lambda: probed(sitter, "tls-ok", 1) and probed(sitter, "wrong-body", 1),
                               message="a probe of each target")
                    good, bad = target(sitter, "tls-ok"), target(sitter, "wrong-body")
                    self.assertEqual(good["state"], "up")
                    days = (leaf.not_after() - time.time()) / 86400
                    self.assertAlmostEqual(good["cert_days_left"], days, delta=0.01)
                    self.assertEqual(good["cert_expires_at"],
                                     time.strftime("%Y-%m-%dT%H:%M:%S.000Z",
                                                   time.gmtime(leaf.not_after())))
                    self.assertEqual(bad["state"], "down")
                    self.assertEqual(bad["outcome"], "body mismatch (HTTP 200)")
                    self.assertEqual(bad["last_probe"]["reason"], "body")
                    self.assertEqual(bad["last_probe"]["status_code"], 200)
                    self.assertEqual(good["cert_subject"], "CN=leaf")
                    self.assertEqual(good["cert_issuer"], "CN=epsitter test ca")
                    self.assertAlmostEqual(good["cert_leaf_days_left"], days, delta=0.01)
                    _, _, page = sitter.get("/")
                    self.assertIn(f'">{int(days)} d<', page)
                    self.assertIn("; leaf CN=leaf issued by CN=epsitter test ca", page)
                    self.assertIn("body mismatch (HTTP 200)", page)

    def test_an_untrusted_certificate_is_shown_though_the_probe_fails_tls(self):
        with tempfile.TemporaryDirectory(prefix="epsitter-status-tls-") as directory:
            leaf = tls.make_cert(directory, "untrusted", days=20)
            with ScriptedServer(ssl_context=tls.server_context(leaf.cert, leaf.key)) as server:
                config = config_yaml({"untrusted": {"namespace": "x", "url": server.url("/")}})
                with Epsitter(config, env={"POLL_INTERVAL": "0.3"}) as sitter:
                    wait_until(lambda: probed(sitter, "untrusted", 1), message="a probe")
                    shown = target(sitter, "untrusted")
                    self.assertEqual(shown["state"], "down")
                    self.assertEqual(shown["last_probe"]["reason"], "tls")
                    self.assertEqual(shown["cert_subject"], "CN=untrusted")
                    self.assertEqual(shown["cert_issuer"], "CN=untrusted")
                    days = (leaf.not_after() - time.time()) / 86400
                    self.assertAlmostEqual(shown["cert_leaf_days_left"], days, delta=0.01)
                    self.assertAlmostEqual(shown["cert_days_left"], days, delta=0.01)


if __name__ == "__main__":
    harness.main()
