"""Native histograms end to end: a real Prometheus with --enable-feature=native-histograms asks for
the protobuf exposition and stores sitter_request_duration_seconds as one native histogram per
target (no _bucket series), which histogram_quantile answers; a Prometheus without the flag still
gets the text with its classic buckets; and the protobuf body itself carries every family."""

import gzip
import unittest
import urllib.request

import harness
from harness import Backend, Epsitter, wait_until
from prometheus_server import Prometheus

# Prometheus 2.42's Accept header with native histograms enabled (scrapeAcceptHeaderWithProtobuf).
PROTOBUF_ACCEPT = (
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
    "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;"
    "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
PROTOBUF_TYPE = ("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
                 "encoding=delimited")


def read_varint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def fields(message):
    """{field number: [value]} of one protobuf message: ints for varints, bytes for
    length-delimited fields, 8 raw bytes for fixed64."""
    out, at = {}, 0
    while at < len(message):
        tag, at = read_varint(message, at)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, at = read_varint(message, at)
        elif wire == 1:
            value, at = message[at:at + 8], at + 8
        elif wire == 2:
            length, at = read_varint(message, at)
            value, at = message[at:at + length], at + length
        else:
            raise AssertionError(f"unexpected wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def families(body):
    """{family name: [Metric message fields]} of a delimited MetricFamily stream."""
    out, at = {}, 0
    while at < len(body):
        length, at = read_varint(body, at)
        family = fields(body[at:at + length])
        at += length
        name = family[1][0].decode()
        out[name] = [fields(metric) for metric in family.get(4, [])]
    return out


def text_families_with_series(text):
    names, current = set(), None
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            current = line.split()[2]
        elif line and not line.startswith("#"):
            names.add(current)
    return names


def routes():
    return {"/fast": (200, 0), "/slow": (200, 0.3)}


def targets(backend):
    return harness.config_yaml({"fast": {"url": backend.url("/fast")},
                                "slow": {"url": backend.url("/slow")}})


class NativeHistograms(unittest.TestCase):
    def test_prometheus_with_native_histograms_stores_one_series_that_quantiles_answer(self):
        with Backend(routes()) as backend, \
                Epsitter(targets(backend), env={"POLL_INTERVAL": "0.5"}) as sitter, \
                Prometheus("epsitter", [f"127.0.0.1:{sitter.port}"],
                           flags=["--enable-feature=native-histograms"]) as prometheus:
            query = prometheus.query
            wait_until(lambda: query('up{job="epsitter"} == 1'), timeout=60,
                       message="prometheus scraping epsitter:\n" + prometheus.log())
            median = "histogram_quantile(0.5, rate(sitter_request_duration_seconds[1m]))"
            answered = wait_until(lambda: len(query(median)) == 2 and query(median), timeout=60,
                                  message="a median per target from the native histogram")
            by_name = {labels["name"]: value for labels, value in answered}
            self.assertGreater(by_name["slow"], by_name["fast"])
            self.assertGreater(by_name["slow"], 0.25)  # 0.3 s, within a bucket's width

            # One series per target: the native histogram, without _bucket, _sum or _count.
            self.assertEqual(query("sitter_request_duration_seconds_bucket"), [])
            per_target = query(
                'count by (name) ({__name__=~"sitter_request_duration_seconds.*"})')
            self.assertEqual({labels["name"]: value for labels, value in per_target},
                             {"fast": 1.0, "slow": 1.0})

            # Its count is the summary's count, sample for sample and in increase().
            pairs = query("histogram_count(sitter_request_duration_seconds)"
                          " - on (name) sitter_request_time_count")
            self.assertEqual({labels["name"]: value for labels, value in pairs},
                             {"fast": 0.0, "slow": 0.0})
            increases = query("histogram_count(increase(sitter_request_duration_seconds[1m]))"
                              " - on (name) increase(sitter_request_time_count[1m])")
            self.assertEqual(len(increases), 2)
            for _, difference in increases:
                self.assertAlmostEqual(difference, 0.0, places=6)

            # The other families arrive through protobuf too.
            self.assertEqual(len(query("sitter_build_info")), 1)
            self.assertEqual(len(query("sitter_probe_success == 1")), 2)
            # A histogram without native buckets stays classic, +Inf bucket included (the protobuf
            # leaves it out: it is the count).
            self.assertTrue(query('sitter_probe_start_delay_seconds_bucket{le="+Inf"}'))
            self.assertTrue(query("histogram_quantile(0.5, "
                                  "rate(sitter_probe_start_delay_seconds_bucket[1m])) >= 0"))

    def test_prometheus_without_the_flag_still_scrapes_text_with_classic_buckets(self):
        with Backend(routes()) as backend, \
                Epsitter(targets(backend), env={"POLL_INTERVAL": "0.5"}) as sitter, \
                Prometheus("epsitter", [f"127.0.0.1:{sitter.port}"]) as prometheus:
            query = prometheus.query
            wait_until(lambda: query('up{job="epsitter"} == 1'), timeout=60,
                       message="prometheus scraping epsitter:\n" + prometheus.log())
            buckets = wait_until(lambda: query(
                'count by (name) (sitter_request_duration_seconds_bucket)'), timeout=60,
                message="classic bucket series")
            for _, count in buckets:
                self.assertGreater(count, 1)
            self.assertEqual(query("sitter_request_duration_seconds"), [])

    def test_the_protobuf_body_carries_every_family_of_the_text(self):
        with Backend(routes()) as backend, \
                Epsitter(targets(backend), env={"POLL_INTERVAL": "0.5"}) as sitter:
            wait_until(lambda: sum(value for key, value in sitter.metrics().items()
                                   if key[0] == "sitter_request_time_count") >= 2,
                       message="both targets probed")
            status, _, text = sitter.get("/metrics")
            self.assertEqual(status, 200)
            for encoding in ("gzip", "identity"):
                request = urllib.request.Request(
                    sitter.url("/metrics"),
                    headers={"Accept": PROTOBUF_ACCEPT, "Accept-Encoding": encoding})
                with urllib.request.urlopen(request, timeout=10) as response:
                    self.assertEqual(response.headers["Content-Type"], PROTOBUF_TYPE)
                    self.assertEqual(response.headers["Vary"], "Accept, Accept-Encoding")
                    body = response.read()
                    if encoding == "gzip":
                        self.assertEqual(response.headers["Content-Encoding"], "gzip")
                        body = gzip.decompress(body)
                decoded = families(body)
                self.assertEqual(set(decoded), text_families_with_series(text))
                # The duration histogram: native fields (schema 3 as zigzag 6, spans) beside the
                # classic buckets, for each target.
                histograms = [fields(metric[7][0])
                              for metric in decoded["sitter_request_duration_seconds"]]
                self.assertEqual(len(histograms), 2)
                for histogram in histograms:
                    self.assertEqual(histogram[5], [6])
                    self.assertIn(12, histogram)  # positive spans
                    self.assertIn(3, histogram)   # classic buckets


if __name__ == "__main__":
    harness.main()
