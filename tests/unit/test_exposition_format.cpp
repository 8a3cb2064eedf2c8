// Unit tests for the Accept negotiation of /metrics: protobuf only for a scraper that prefers it.
#include <catch2/catch.hpp>
#include <string>

#include "web/exposition_format.hpp"

using namespace epsitter;

namespace {

constexpr const char* kProtobuf =
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

ExpositionFormat of(const std::string& accept) {
  return negotiate_exposition_format(accept);
}

}  // namespace

TEST_CASE("Prometheus with native histograms gets protobuf, without them text") {
  // Prometheus 2.42's headers, with and without --enable-feature=native-histograms.
  CHECK(of(std::string{kProtobuf} +
           ",application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;"
           "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1") ==
        ExpositionFormat::protobuf);
  CHECK(of(std::string{kProtobuf} +
           ";q=0.5,application/openmetrics-text;version=1.0.0;q=0.4,application/"
           "openmetrics-text;version=0.0.1;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1") ==
        ExpositionFormat::protobuf);
  CHECK(of("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
           "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1") == ExpositionFormat::text);
}

TEST_CASE("no Accept, a wildcard or text get text") {
  CHECK(of("") == ExpositionFormat::text);
  CHECK(of("*/*") == ExpositionFormat::text);
  CHECK(of("text/plain") == ExpositionFormat::text);
  CHECK(of("text/html,application/xhtml+xml,*/*;q=0.8") == ExpositionFormat::text);
}

TEST_CASE("protobuf needs a q above text's") {
  CHECK(of(kProtobuf) == ExpositionFormat::protobuf);
  CHECK(of(std::string{kProtobuf} + ",text/plain") == ExpositionFormat::text);  // equal q: text
  CHECK(of(std::string{kProtobuf} + ";q=0.4,text/plain;q=0.5") == ExpositionFormat::text);
  CHECK(of(std::string{kProtobuf} + ";q=0.6,text/*;q=0.5") == ExpositionFormat::protobuf);
  CHECK(of("text/plain;q=0.2, " + std::string{kProtobuf} + " ;q=0.3") ==
        ExpositionFormat::protobuf);
  CHECK(of(std::string{kProtobuf} + ";q=0") == ExpositionFormat::text);
  CHECK(of(std::string{kProtobuf} + ";q=1.000,*/*;q=0.999") == ExpositionFormat::protobuf);
}

TEST_CASE("protobuf needs both the MetricFamily proto and the delimited encoding") {
  CHECK(of("application/vnd.google.protobuf") == ExpositionFormat::text);
  CHECK(of("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily") ==
        ExpositionFormat::text);
  CHECK(of("application/vnd.google.protobuf;proto=other.Message;encoding=delimited") ==
        ExpositionFormat::text);
  CHECK(of("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
           "encoding=text") == ExpositionFormat::text);
}

TEST_CASE("type and parameter names are compared without regard to case, values may be quoted") {
  CHECK(of("Application/Vnd.Google.Protobuf; PROTO=io.prometheus.client.MetricFamily; "
           "Encoding=\"delimited\"; Q=0.9, TEXT/PLAIN; q=0.1") == ExpositionFormat::protobuf);
}

TEST_CASE("garbage and an oversized header fall back to text") {
  CHECK(of(",,,;;;===") == ExpositionFormat::text);
  CHECK(of(std::string{kProtobuf} + ";q=high") == ExpositionFormat::text);  // bad q: ignored
  CHECK(of(std::string{kProtobuf} + ";q=1.5") == ExpositionFormat::text);
  CHECK(of(std::string{kProtobuf} + ";q=0.5;q") == ExpositionFormat::text);
  CHECK(of(std::string{kProtobuf} + ";q=0.5,text/plain;q=nonsense") == ExpositionFormat::protobuf);
  std::string long_header = std::string{kProtobuf} + ",";
  while (long_header.size() <= kMaxAcceptBytes) long_header += "x-padding/none;q=0.1,";
  CHECK(of(long_header) == ExpositionFormat::text);
  CHECK(of(std::string{kProtobuf} + std::string(1000, ' ')) == ExpositionFormat::protobuf);
}
