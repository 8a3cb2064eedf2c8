"""The original Python tool's config shape, run by the real binary against loopback servers: its
three families carry exactly the original's label sets and values, and a payload map reaches the
server as the form body Python requests sent for it (`data=`)."""

import re
import unittest
import urllib.parse

import harness
from harness import Backend, Epsitter, refused_port, wait_until

# The seed README's example, pointed at loopback: a `post` target with a map payload, headers and
# basic auth; one target that sets neither namespace nor method; one nobody answers.
CONFIG = """
urls:
  my_service:
    namespace: qa_workloads
    url: {service_url}
    timeout: 10
  my_api_test:
    namespace: prod
    url: {api_url}
    auth_user: myUsername
    auth_pass: myPa55word
    method: post
    payload:
      some_parameter: "A value goes here"
      more: [1, yes, 2.50, "a&b=c d/é"]
      skipped: null
    headers:
      x-my-custom-header: "Lee was here."
  bare:
    url: {bare_url}
  nobody_home:
    namespace: prod
    method: Get
    url: {refused_url}
"""

# What PyYAML's safe_load made of the payload above, as the original tool handed it to requests.
PAYLOAD_AS_PYYAML_TYPED_IT = {"some_parameter": "A value goes here",
                              "more": [1, True, 2.5, "a&b=c d/é"], "skipped": None}

ORIGINAL_FAMILIES = ("sitter_request_time_count", "sitter_request_time_sum",
                     "sitter_http_status_code_total", "sitter_http_error_total")


def form_body_as_requests_sends_it(data):
    """requests' RequestEncodingMixin._encode_params: None values are dropped, lists repeat their
    key, other values are str()-ed, then urlencode(doseq=True)."""
    pairs = []
    for key, values in data.items():
        for value in values if isinstance(values, list) else [values]:
            if value is not None:
                pairs.append((key, str(value)))
    return urllib.parse.urlencode(pairs, doseq=True)


def sample_lines(text, family):
    return [line for line in text.splitlines() if line.startswith(family + "{")]


class DropIn(unittest.TestCase):
    def test_the_original_families_labels_and_form_body(self):
        with Backend() as backend:
            urls = {"service": backend.url("/health"), "api": backend.url("/api/whatevs"),
                    "bare": backend.url("/bare"),
                    "refused": f"http://127.0.0.1:{refused_port()}/"}
            config = CONFIG.format(service_url=urls["service"], api_url=urls["api"],
                                   bare_url=urls["bare"], refused_url=urls["refused"])
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: sitter.value("sitter_request_time_count", name="my_api_test") >= 1
                           and sitter.value("sitter_request_time_count", name="bare") >= 1
                           and sitter.value("sitter_http_error_total", name="nobody_home") >= 1,
                           message="a probe of every target")

                # The body and Content-Type the target received: the original's form.
                post = backend.seen("/api/whatevs")[0]
                self.assertEqual(post.method, "POST")
                self.assertEqual(post.body.decode(),
                                 form_body_as_requests_sends_it(PAYLOAD_AS_PYYAML_TYPED_IT))
                self.assertEqual(post.body, b"some_parameter=A+value+goes+here&more=1&more=True"
                                            b"&more=2.5&more=a%26b%3Dc+d%2F%C3%A9")
                self.assertEqual(post.headers.get("Content-Type"),
                                 "application/x-www-form-urlencoded")
                self.assertEqual(post.headers.get("x-my-custom-header"), "Lee was here.")
                self.assertEqual(post.headers.get("Authorization"),
                                 harness.basic_auth("myUsername", "myPa55word"))
                self.assertEqual(backend.seen("/bare")[0].method, "GET")

                text = sitter.scrape()
                labels = {
                    "my_service": f'name="my_service",namespace="qa_workloads",method="get",'
                                  f'url="{urls["service"]}"',
                    "my_api_test": f'name="my_api_test",namespace="prod",method="post",'
                                   f'url="{urls["api"]}"',
                    "bare": f'name="bare",namespace="Unknown",method="get",url="{urls["bare"]}"',
                    "nobody_home": f'name="nobody_home",namespace="prod",method="Get",'
                                   f'url="{urls["refused"]}"',
                }
                number = r" [0-9.e+-]+"
                for family in ("sitter_request_time_count", "sitter_request_time_sum",
                               "sitter_http_error_total"):
                    expected = [re.escape(f"{family}{{{labels[name]}}}") + number
                                for name in sorted(labels)]
                    lines = sample_lines(text, family)
                    self.assertEqual(len(lines), len(expected), lines)
                    for line, pattern in zip(lines, expected):
                        self.assertRegex(line, "^" + pattern + "$")
                statuses = sample_lines(text, "sitter_http_status_code_total")
                self.assertEqual(len(statuses), 3, statuses)
                for line, name in zip(statuses, ("bare", "my_api_test", "my_service")):
                    self.assertRegex(line, "^" + re.escape(
                        f'sitter_http_status_code_total{{{labels[name]},status="200"}}') + number + "$")

                # No response: counted once per probe in sitter_http_error_total (no reason
                # label); the reason is in sitter_probe_failures_total.
                failures = sitter.value("sitter_probe_failures_total", name="nobody_home",
                                        reason="connection_refused")
                self.assertGreaterEqual(failures, 1)
                self.assertEqual(sitter.value("sitter_http_error_total", name="my_service"), 0)
                for family in ("sitter_request_time", "sitter_http_status_code_total",
                               "sitter_http_error_total"):
                    self.assertIn(f"# TYPE {family} ", text)

                harness.assert_promtool_accepts(self, text, silent=True)


if __name__ == "__main__":
    harness.main()
