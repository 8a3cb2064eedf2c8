// Unit tests for the protobuf exposition: what ProtobufFamilyWriter writes, decoded by
// libprotobuf's own parser (ParseDelimitedFromCodedStream) with client_model's metrics.proto.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/delimited_message_util.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fixed_stats.hpp"
#include "metrics.pb.h"
#include "metrics/own_families.hpp"
#include "metrics/protobuf_exposition.hpp"
#include "metrics/protobuf_family_writer.hpp"
#include "metrics/render.hpp"

using namespace epsitter;
namespace pb = io::prometheus::client;

namespace {

// Every delimited message of `bytes`; fails the test if one does not parse or bytes are left.
std::vector<pb::MetricFamily> decode(const std::string& bytes) {
  google::protobuf::io::ArrayInputStream input{bytes.data(), static_cast<int>(bytes.size())};
  google::protobuf::io::CodedInputStream coded{&input};
  std::vector<pb::MetricFamily> families;
  while (coded.CurrentPosition() < static_cast<int>(bytes.size())) {
    pb::MetricFamily family;
    bool clean_eof = false;
    REQUIRE(google::protobuf::util::ParseDelimitedFromCodedStream(&family, &coded, &clean_eof));
    families.push_back(family);
  }
  return families;
}

const pb::MetricFamily& find(const std::vector<pb::MetricFamily>& families,
                             const std::string& name) {
  for (const auto& family : families) {
    if (family.name() == name) return family;
  }
  FAIL("no family " << name);
  throw;  // unreachable
}

std::map<std::string, std::string> labels_of(const pb::Metric& metric) {
  std::map<std::string, std::string> out;
  for (const auto& pair : metric.label()) out[pair.name()] = pair.value();
  return out;
}

const pb::Metric& metric_named(const pb::MetricFamily& family, const std::string& target) {
  for (const auto& metric : family.metric()) {
    if (labels_of(metric)["name"] == target) return metric;
  }
  FAIL("no series of " << target << " in " << family.name());
  throw;
}

// The text exposition's families that have at least one series, with their series count.
std::map<std::string, int> text_families(const std::string& text) {
  std::map<std::string, int> series;
  std::map<std::string, std::string> types;
  std::string current;
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words{line.substr(7)};
      std::string type;
      words >> current >> type;
      types[current] = type;
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    const std::string name = line.substr(0, line.find_first_of("{ "));
    const std::string& type = types[current];
    // One series per sample line, per _count line of a summary or histogram.
    if ((type != "summary" && type != "histogram") || name == current + "_count") {
      ++series[current];
    }
  }
  return series;
}

}  // namespace

TEST_CASE("the protobuf exposition carries every family with series the text format carries") {
  const StatsByTarget stats = testing::fixed_stats();
  const auto families = decode(render_protobuf_targets("sitter", stats, testing::fixed_bounds()));
  const std::map<std::string, int> text =
      text_families(render_exposition("sitter", stats, testing::fixed_bounds()));
  std::map<std::string, int> protobuf;
  for (const auto& family : families) protobuf[family.name()] = family.metric_size();
  CHECK(protobuf == text);
  // In the text's order.
  std::vector<std::string> order;
  for (const auto& family : families) order.push_back(family.name());
  CHECK(order.front() == "sitter_request_time");
  CHECK(order.back() == "sitter_target_info");
}

TEST_CASE("counters, gauges and the summary decode with their types, labels and values") {
  const auto families =
      decode(render_protobuf_targets("sitter", testing::fixed_stats(), testing::fixed_bounds()));
  const auto& summary = find(families, "sitter_request_time");
  CHECK(summary.type() == pb::SUMMARY);
  CHECK(summary.help() == "Time taken by each probe request, in seconds.");
  const auto& plain = metric_named(summary, "plain");
  CHECK(plain.summary().sample_count() == 9);
  CHECK(plain.summary().sample_sum() == Approx(8.848));
  CHECK(plain.summary().quantile_size() == 0);
  CHECK(labels_of(plain) == std::map<std::string, std::string>{{"name", "plain"},
                                                               {"namespace", "prod"},
                                                               {"method", "get"},
                                                               {"url", "http://127.0.0.1:1/x"}});

  const auto& status = find(families, "sitter_http_status_code_total");
  CHECK(status.type() == pb::COUNTER);
  CHECK(labels_of(metric_named(status, "plain"))["status"] == "200");
  CHECK(metric_named(status, "plain").counter().value() == 8);

  const auto& failures = find(families, "sitter_probe_failures_total");
  CHECK(labels_of(metric_named(failures, "plain"))["reason"] == "connection_refused");

  const auto& version = find(families, "sitter_http_version");
  CHECK(version.type() == pb::GAUGE);
  // The last probe of "plain" got no response; the TLS target's answered over HTTP/2.
  CHECK(metric_named(version, "plain").gauge().value() == 0);
  CHECK(version.metric_size() == 2);  // the target not probed yet has no last probe
  const auto& phases = find(families, "sitter_request_phase_seconds");
  CHECK(phases.metric_size() == 10);

  const auto& info = find(families, "sitter_target_info");
  CHECK(labels_of(metric_named(info, "plain"))["team"] == "web");
  CHECK(labels_of(metric_named(info, "plain"))["tier"] == "1");
}

TEST_CASE("label values and help are raw UTF-8 in protobuf, without the text format's escapes") {
  const auto families =
      decode(render_protobuf_targets("sitter", testing::fixed_stats(), testing::fixed_bounds()));
  const auto& summary = find(families, "sitter_request_time");
  const std::string tricky = "quote\"back\\slash\nnewline \xc3\xa9t\xc3\xa9";
  const auto& metric = metric_named(summary, tricky);
  CHECK(labels_of(metric)["url"] == "https://127.0.0.1:2/y?a=1&b=\"2\"");
  const auto& cert = find(families, "sitter_tls_cert_info");
  CHECK(labels_of(metric_named(cert, tricky))["subject"] == "CN=a \"b\"");

  std::string bytes;
  ProtobufFamilyWriter out{bytes};
  out.family("x", "back\\slash\nnewline", MetricType::gauge);
  out.sample("x", one_label("v", "a\"b"), 1);
  out.finish();
  const auto decoded = decode(bytes);
  REQUIRE(decoded.size() == 1);
  CHECK(decoded[0].help() == "back\\slash\nnewline");
  CHECK(labels_of(decoded[0].metric(0))["v"] == "a\"b");
}

TEST_CASE("the duration histogram carries its classic buckets and its native ones") {
  const StatsByTarget stats = testing::fixed_stats();
  const auto families = decode(render_protobuf_targets("sitter", stats, testing::fixed_bounds()));
  const auto& family = find(families, "sitter_request_duration_seconds");
  CHECK(family.type() == pb::HISTOGRAM);
  const auto& histogram = metric_named(family, "plain").histogram();
  CHECK(histogram.sample_count() == 9);
  CHECK(histogram.sample_sum() == Approx(8.848));
  // Classic: the finite bounds, cumulative (+Inf's is the sample count).
  REQUIRE(histogram.bucket_size() == static_cast<int>(testing::fixed_bounds().size()));
  CHECK(histogram.bucket(0).upper_bound() == 0.005);
  CHECK(histogram.bucket(0).cumulative_count() == 4);  // 0, 0.001, 0.003, 0.004
  CHECK(histogram.bucket(7).upper_bound() == 1);
  CHECK(histogram.bucket(7).cumulative_count() == 8);  // 7.5 is above 5
  CHECK(histogram.bucket(9).cumulative_count() == 8);
  // Native: schema 3, 0 in the zero bucket, the rest in spans of deltas.
  CHECK(histogram.schema() == 3);
  CHECK(histogram.zero_threshold() == std::ldexp(1.0, -128));
  CHECK(histogram.zero_count() == 1);
  const NativeHistogram& native = stats.begin()->second.native_durations.count() > 0
                                      ? stats.begin()->second.native_durations
                                      : std::next(stats.begin())->second.native_durations;
  REQUIRE(native.count() == 9);
  REQUIRE(histogram.positive_span_size() == static_cast<int>(native.spans().size()));
  for (int i = 0; i < histogram.positive_span_size(); ++i) {
    CHECK(histogram.positive_span(i).offset() == native.spans()[i].offset);
    CHECK(histogram.positive_span(i).length() == native.spans()[i].length);
  }
  std::int64_t total = 0;
  std::int64_t count = 0;
  for (std::int64_t delta : histogram.positive_delta()) total += (count += delta);
  CHECK(total + static_cast<std::int64_t>(histogram.zero_count()) == 9);
  CHECK(histogram.positive_span(0).offset() == NativeHistogram::bucket_index(0.001, 3));

  // A target not probed yet: a native histogram still, with a no-op span.
  const auto& idle = metric_named(family, "idle").histogram();
  CHECK(idle.sample_count() == 0);
  CHECK(idle.schema() == 3);
  REQUIRE(idle.positive_span_size() == 1);
  CHECK(idle.positive_span(0).offset() == 0);
  CHECK(idle.positive_span(0).length() == 0);
  CHECK(idle.positive_delta_size() == 0);
}

TEST_CASE("NaN and infinities keep their value") {
  std::string bytes;
  ProtobufFamilyWriter out{bytes};
  out.family("g", "gauges", MetricType::gauge);
  out.sample("g", one_label("v", "nan"), std::numeric_limits<double>::quiet_NaN());
  out.sample("g", one_label("v", "inf"), std::numeric_limits<double>::infinity());
  out.sample("g", one_label("v", "-inf"), -std::numeric_limits<double>::infinity());
  out.sample("g", one_label("v", "-0"), -0.0);
  out.finish();
  const auto families = decode(bytes);
  REQUIRE(families.size() == 1);
  REQUIRE(families[0].metric_size() == 4);
  CHECK(std::isnan(families[0].metric(0).gauge().value()));
  CHECK(families[0].metric(1).gauge().value() == std::numeric_limits<double>::infinity());
  CHECK(families[0].metric(2).gauge().value() == -std::numeric_limits<double>::infinity());
  CHECK(std::signbit(families[0].metric(3).gauge().value()));
}

TEST_CASE("a family without series is left out, as client_golang leaves it out") {
  std::string bytes;
  ProtobufFamilyWriter out{bytes};
  out.family("empty", "no series", MetricType::counter);
  out.family("one", "one series", MetricType::untyped);
  out.sample("one", {}, 2);
  out.family("empty_too", "no series", MetricType::gauge);
  out.finish();
  const auto families = decode(bytes);
  REQUIRE(families.size() == 1);
  CHECK(families[0].name() == "one");
  CHECK(families[0].type() == pb::UNTYPED);
  CHECK(families[0].metric(0).untyped().value() == 2);
  CHECK(families[0].metric(0).label_size() == 0);
}

TEST_CASE("epsitter's own families decode too; the start delay histogram is classic only") {
  StartDelayHistogram start_delays;
  start_delays.observe(std::chrono::milliseconds(3));
  OwnFamilies::Readers readers;
  readers.reload = [] { return ReloadGauges{true, 1700000100.5}; };
  readers.discovery = [] { return DiscoveryGauges{}; };
  const OwnFamilies own{"sitter", BuildInfo{"1.2.3", "abc", 0, 1}, start_delays, readers};
  const auto families = decode(render_protobuf_own(own));
  const std::map<std::string, int> text = text_families(own.render());
  std::map<std::string, int> protobuf;
  for (const auto& family : families) protobuf[family.name()] = family.metric_size();
  CHECK(protobuf == text);
  const auto& delays = find(families, "sitter_probe_start_delay_seconds").metric(0).histogram();
  CHECK(delays.sample_count() == 1);
  CHECK(delays.bucket(2).cumulative_count() == 1);  // le 0.005
  CHECK(!delays.has_schema());
  CHECK(delays.positive_span_size() == 0);
  const auto& build = find(families, "sitter_build_info").metric(0);
  CHECK(labels_of(build) ==
        std::map<std::string, std::string>{
            {"revision", "abc"}, {"shard", "0"}, {"shard_count", "1"}, {"version", "1.2.3"}});
}

TEST_CASE("the metrics: switches apply to the protobuf exposition too") {
  const StatsByTarget stats = testing::fixed_stats();
  const auto names = [](const std::vector<pb::MetricFamily>& families) {
    std::set<std::string> found;
    for (const auto& family : families) found.insert(family.name());
    return found;
  };
  const auto all = names(decode(render_protobuf_targets("sitter", stats, testing::fixed_bounds())));
  REQUIRE(all.count("sitter_request_phase_seconds") == 1);
  REQUIRE(all.count("sitter_request_time") == 1);

  FamilySelection off;
  off.phases = false;
  off.summary = false;
  const auto fewer =
      names(decode(render_protobuf_targets("sitter", stats, testing::fixed_bounds(), 0, off)));
  CHECK(fewer.count("sitter_request_phase_seconds") == 0);
  CHECK(fewer.count("sitter_request_time") == 0);
  CHECK(fewer.size() == all.size() - 2);

  const auto histogram_as = [&](HistogramForm form) {
    FamilySelection selection;
    selection.histogram = form;
    return decode(render_protobuf_targets("sitter", stats, testing::fixed_bounds(), 0, selection));
  };
  SECTION("classic: buckets and no native part, which Prometheus would take for a native one") {
    const auto families = histogram_as(HistogramForm::classic);
    const auto& histogram =
        metric_named(find(families, "sitter_request_duration_seconds"), "plain").histogram();
    CHECK(histogram.bucket_size() == static_cast<int>(testing::fixed_bounds().size()));
    CHECK_FALSE(histogram.has_schema());
    CHECK(histogram.zero_threshold() == 0);
    CHECK(histogram.positive_span_size() == 0);
  }
  SECTION("native: the native part and no classic buckets") {
    const auto families = histogram_as(HistogramForm::native);
    const auto& histogram =
        metric_named(find(families, "sitter_request_duration_seconds"), "plain").histogram();
    CHECK(histogram.bucket_size() == 0);
    CHECK(histogram.schema() == 3);
    CHECK(histogram.positive_span_size() > 0);
    CHECK(histogram.sample_count() == 9);
  }
  SECTION("none: no histogram family") {
    CHECK(names(histogram_as(HistogramForm::none)).count("sitter_request_duration_seconds") == 0);
  }
}

TEST_CASE("the targets' part is compressed once, by the first scrape that asks, for all") {
  const std::string bytes =
      render_protobuf_targets("sitter", testing::fixed_stats(), testing::fixed_bounds());
  const ProtobufTargets targets{bytes};
  std::vector<const DeflatedPiece*> seen(4, nullptr);
  std::vector<std::thread> scrapes;
  for (auto& piece : seen) scrapes.emplace_back([&targets, &piece] { piece = &targets.deflated(); });
  for (auto& scrape : scrapes) scrape.join();
  for (const DeflatedPiece* piece : seen) CHECK(piece == seen.front());  // one compression
  // What it holds is the rendering, byte for byte.
  std::string inflated;
  CHECK(inflate_piece(*seen.front(), [&inflated](std::string_view chunk) {
    inflated += chunk;
    return true;
  }));
  CHECK(inflated == bytes);
  CHECK(decode(inflated).size() == decode(bytes).size());
}
