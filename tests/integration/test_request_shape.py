"""What the target's server sees: method, body, headers, basic auth and User-Agent."""

import json
import re
import unittest

import harness
from harness import Backend, Epsitter, wait_until

CONFIG = """
urls:
  api_post:
    namespace: prod
    url: {post_url}
    auth_user: myUsername
    auth_pass: myPa55word
    method: post
    json: {{some_parameter: "A value goes here", count: 3, enabled: true, none: null}}
    headers: {{x-my-custom-header: "Lee was here."}}
  plain_put:
    namespace: prod
    url: {put_url}
    method: PUT
    payload: "raw text body"
    headers: {{User-Agent: "custom-agent/1"}}
  head_check:
    url: {head_url}
    method: Head
  secret_in_url:
    namespace: prod
    url: {secret_url}
"""


class RequestShape(unittest.TestCase):
    def test_post_put_head_and_userinfo_reach_the_server_as_configured(self):
        with Backend() as backend:
            secret_url = backend.url("/userinfo").replace("http://", "http://alice:s3cr3t@")
            config = CONFIG.format(post_url=backend.url("/post"), put_url=backend.url("/put"),
                                   head_url=backend.url("/head"), secret_url=secret_url)
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: all(backend.seen(p) for p in ("/post", "/put", "/head", "/userinfo")),
                           message="one request per target")
                post = backend.seen("/post")[0]
                self.assertEqual(post.method, "POST")
                self.assertEqual(json.loads(post.body), {"some_parameter": "A value goes here",
                                                         "count": 3, "enabled": True, "none": None})
                self.assertEqual(post.headers.get("Content-Type"), "application/json")
                self.assertEqual(post.headers.get("x-my-custom-header"), "Lee was here.")
                expected_auth = harness.basic_auth("myUsername", "myPa55word")
                self.assertEqual(post.headers.get("Authorization"), expected_auth)
                self.assertRegex(post.headers.get("User-Agent"), r"^epsitter/\d+\.\d+\.\d+$")
                self.assertNotIn("Expect", post.headers)

                put = backend.seen("/put")[0]
                self.assertEqual(put.method, "PUT")
                self.assertEqual(put.body, b"raw text body")
                self.assertNotIn("Content-Type", put.headers)
                self.assertEqual(put.headers.get("User-Agent"), "custom-agent/1")

                head = backend.seen("/head")[0]
                self.assertEqual(head.method, "HEAD")
                self.assertEqual(head.body, b"")

                userinfo = backend.seen("/userinfo")[0]
                self.assertEqual(userinfo.headers.get("Authorization"),
                                 harness.basic_auth("alice", "s3cr3t"))

                wait_until(lambda: sitter.value("sitter_http_status_code_total", name="head_check",
                                                status="200") >= 1, message="the HEAD counted")
                text = sitter.scrape()
                self.assertIn('method="post"', text)  # labelled as the config wrote it
                self.assertIn('method="Head"', text)
                self.assertIn('namespace="Unknown"', text)
                self.assertIn(f'url="{backend.url("/userinfo")}"', text)
                for secret in ("s3cr3t", "alice", "myPa55word"):
                    self.assertNotIn(secret, text)
                    self.assertNotIn(secret, sitter.log())


if __name__ == "__main__":
    harness.main()
