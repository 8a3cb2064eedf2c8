"""docs/from-blackbox-exporter.md maps every option of a blackbox_exporter 0.23 `http` module, and
every epsitter field it names is a real field: one in the option table that
docs/configuration.md carries from the schema (tests/unit/test_target_schema.cpp keeps that table
equal to the schema)."""

import os
import re
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

# blackbox_exporter 0.23's CONFIGURATION.md, <http_probe> with its <tls_config>, <basic_auth>
# and the module's timeout.
BLACKBOX_HTTP_OPTIONS = [
    "timeout", "valid_status_codes", "valid_http_versions", "method", "headers",
    "body_size_limit", "compression", "follow_redirects", "fail_if_ssl", "fail_if_not_ssl",
    "fail_if_body_matches_regexp", "fail_if_body_not_matches_regexp", "fail_if_header_matches",
    "fail_if_header_not_matches", "tls_config.insecure_skip_verify", "tls_config.ca_file",
    "tls_config.cert_file", "key_file", "tls_config.server_name", "tls_config.min_version",
    "basic_auth.username", "password", "password_file", "bearer_token", "bearer_token_file",
    "proxy_url", "skip_resolve_phase_with_proxy", "oauth2", "enable_http2",
    "preferred_ip_protocol", "ip_protocol_fallback", "body",
]


def table_rows(path, begin, end):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    section = text.split(begin, 1)[1].split(end, 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows.append(cells)
    return rows[1:]  # without the heading


def names(cell):
    """The backticked names of a cell, each up to its first ':' or space (`expect_tls: true`)."""
    return [re.split(r"[: ]", n, 1)[0] for n in re.findall(r"`([^`]+)`", cell)]


class BlackboxMapping(unittest.TestCase):
    def setUp(self):
        self.mapping = table_rows(os.path.join(ROOT, "docs", "from-blackbox-exporter.md"),
                                  "<!-- blackbox-mapping:begin -->", "<!-- blackbox-mapping:end -->")
        fields = table_rows(os.path.join(ROOT, "docs", "configuration.md"),
                            "<!-- target-schema:begin -->", "<!-- target-schema:end -->")
        self.fields = {names(row[0])[0] for row in fields}
        self.assertIn("expect_status", self.fields)

    def test_every_blackbox_http_option_has_a_row(self):
        mapped = set()
        for row in self.mapping:
            mapped.update(names(row[0]))
        self.assertEqual([o for o in BLACKBOX_HTTP_OPTIONS if o not in mapped], [])

    def test_every_epsitter_field_named_exists(self):
        for row in self.mapping:
            if row[1] == "not supported":
                continue
            with self.subTest(row=row[0]):
                named = names(row[1])
                self.assertTrue(named, f"no epsitter field in the row of {row[0]}")
                self.assertEqual([n for n in named if n not in self.fields], [])


if __name__ == "__main__":
    unittest.main()
