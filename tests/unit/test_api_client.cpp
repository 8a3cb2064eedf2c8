// The Kubernetes API client against a loopback server over plain http (an http api_url needs no
// CA): lists, watches as streams of lines, the token, timeouts, stop() and the size limits.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "discovery/api_client.hpp"
#include "loopback_server.hpp"
#include "temp_directory.hpp"
#include "wait_until.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;

namespace {

// Only a hang reaches it: the test fails by meson's timeout (120 s) rather than pass late.
constexpr std::chrono::seconds kNoTimeout{90};
constexpr std::size_t kMiB = std::size_t{1} << 20;

struct ApiFixture {
  TempDirectory directory;
  LoopbackServer server;

  ApiClient client(const std::string& token = "secret-token\n") const {
    KubernetesConfig config;
    config.api_url = server.url("");
    config.token_file = directory.write("token", token);
    return ApiClient{config};
  }

  // Streams `url` and keeps every line handed over.
  ApiReply stream(ApiClient& api, const std::string& path, std::chrono::seconds timeout,
                  std::vector<std::string>& lines) {
    return api.stream(server.url(path), timeout, [&lines](std::string_view line) {
      lines.emplace_back(line);
      return true;
    });
  }
};

// A body of `count` pieces of 1 MiB, none with a newline.
Reply::Pieces mebibytes(std::size_t count) {
  return [count](std::size_t sent) -> std::optional<std::string> {
    if (sent == count) return std::nullopt;
    return std::string(kMiB, 'x');
  };
}

// A 200 answer whose body is `text` and then nothing more: the stream stays open until stop().
Reply text_then_hang(std::string text) {
  return Reply::stream(
      200,
      [text = std::move(text)](std::size_t sent) -> std::optional<std::string> {
        if (sent == 0) return text;
        return std::nullopt;
      },
      true);
}

}  // namespace

TEST_CASE_METHOD(ApiFixture, "get returns the status and body and sends the file's bearer token") {
  server.on("/api/v1/services", Reply::respond(200, "{\"items\":[]}"));
  ApiClient api = client();
  const ApiReply reply = api.get(server.url("/api/v1/services?limit=500"), kNoTimeout);
  CHECK(reply.completed);
  CHECK_FALSE(reply.stopped);
  CHECK(reply.status == 200);
  CHECK(reply.body == "{\"items\":[]}");
  CHECK(reply.error.empty());
  REQUIRE(server.requests().size() == 1);
  const RecordedRequest request = server.requests().front();
  CHECK(request.method == "GET");
  CHECK(request.target == "/api/v1/services?limit=500");
  CHECK(request.header("Authorization") == "Bearer secret-token");  // without the newline
  CHECK(request.header("Accept") == "application/json");

  // The token is read again for every request: the kubelet rotates it.
  directory.write("token", "rotated-token");
  CHECK(api.get(server.url("/api/v1/services"), kNoTimeout).status == 200);
  REQUIRE(server.requests().size() == 2);
  CHECK(server.requests().back().header("Authorization") == "Bearer rotated-token");
}

TEST_CASE_METHOD(ApiFixture, "get returns a non-200 answer's status and body") {
  server.on("/api/v1/services", Reply::respond(403, "forbidden"));
  ApiClient api = client();
  const ApiReply reply = api.get(server.url("/api/v1/services"), kNoTimeout);
  CHECK(reply.completed);
  CHECK(reply.status == 403);
  CHECK(reply.body == "forbidden");
}

TEST_CASE_METHOD(ApiFixture, "an empty token file sends no Authorization header") {
  server.on("/api/v1/services", Reply::respond(200, "{}"));
  ApiClient api = client("");
  CHECK(api.get(server.url("/api/v1/services"), kNoTimeout).status == 200);
  REQUIRE(server.requests().size() == 1);
  CHECK_FALSE(server.requests().front().header("Authorization"));
}

TEST_CASE_METHOD(ApiFixture, "a token file that cannot be read fails the request unsent") {
  KubernetesConfig config;
  config.api_url = server.url("");
  config.token_file = (directory.path() / "missing").string();
  ApiClient api{config};
  const ApiReply reply = api.get(server.url("/api/v1/services"), kNoTimeout);
  CHECK_FALSE(reply.completed);
  CHECK(reply.error.find("cannot read token_file") != std::string::npos);
  CHECK(server.requests().empty());
}

TEST_CASE_METHOD(ApiFixture, "stream hands each line over as it arrives") {
  // The server sends the rest only once the client has handed the first line over: a client that
  // waited for the end would never see it in time.
  std::atomic<std::size_t> seen{0};
  std::atomic<bool> first_line_in_time{false};
  server.on("/watch", Reply::stream(200, [&](std::size_t sent) -> std::optional<std::string> {
              switch (sent) {
                case 0:
                  return "{\"n\":1}\n";
                case 1:
                  first_line_in_time = wait_until([&] { return seen >= 1; });
                  return "{\"n\":";  // a line cut across two chunks
                case 2:
                  return "2}\n\n{\"n\":3}\n";
                default:
                  return std::nullopt;
              }
            }));
  ApiClient api = client();
  std::vector<std::string> lines;
  const ApiReply reply = api.stream(server.url("/watch"), kNoTimeout, [&](std::string_view line) {
    lines.emplace_back(line);
    ++seen;
    return true;
  });
  CHECK(reply.completed);
  CHECK(reply.status == 200);
  CHECK(reply.error.empty());
  CHECK(first_line_in_time);
  CHECK(lines == std::vector<std::string>{"{\"n\":1}", "{\"n\":2}", "{\"n\":3}"});
  server.stop();  // its handler reads this test's variables
}

TEST_CASE_METHOD(ApiFixture, "stream ends when on_line returns false") {
  // The server keeps the stream open: only the reader's no can end it before the timeout.
  server.on("/watch", text_then_hang("a\nb\nc\n"));
  ApiClient api = client();
  std::vector<std::string> lines;
  const ApiReply reply = api.stream(server.url("/watch"), kNoTimeout, [&](std::string_view line) {
    lines.emplace_back(line);
    return line != "b";
  });
  CHECK(reply.completed);
  CHECK_FALSE(reply.stopped);
  CHECK(reply.error.empty());
  CHECK(lines == std::vector<std::string>{"a", "b"});
}

TEST_CASE_METHOD(ApiFixture, "stream hands no line of a non-200 answer over, and keeps its body") {
  server.on("/watch", Reply::respond(410, "{\"kind\":\"Status\",\"code\":410}\n"));
  ApiClient api = client();
  std::vector<std::string> lines;
  const ApiReply reply = stream(api, "/watch", kNoTimeout, lines);
  CHECK(reply.completed);
  CHECK(reply.status == 410);
  CHECK(reply.body == "{\"kind\":\"Status\",\"code\":410}\n");
  CHECK(lines.empty());
}

TEST_CASE_METHOD(ApiFixture, "a server that hangs ends the request at its timeout") {
  ApiClient api = client();
  SECTION("get, before any answer") {
    server.on("/api/v1/services", Reply::hang());
    const ApiReply reply = api.get(server.url("/api/v1/services"), 1s);
    CHECK_FALSE(reply.completed);
    CHECK_FALSE(reply.stopped);
    CHECK_FALSE(reply.error.empty());
    CHECK(reply.status == 0);
  }
  SECTION("stream, after a line") {
    server.on("/watch", text_then_hang("first\n"));
    std::vector<std::string> lines;
    // Long enough for the first line to arrive under a sanitizer on a busy machine.
    const ApiReply reply = stream(api, "/watch", 3s, lines);
    CHECK_FALSE(reply.completed);
    CHECK_FALSE(reply.stopped);
    CHECK_FALSE(reply.error.empty());
    CHECK(lines == std::vector<std::string>{"first"});
  }
}

TEST_CASE_METHOD(ApiFixture, "stop from another thread ends a hanging stream long before timeout") {
  server.on("/watch", text_then_hang("first\n"));
  ApiClient api = client();
  std::atomic<bool> streaming{false};
  std::chrono::steady_clock::time_point stop_called;
  std::thread stopper{[&] {
    // Stopped only while the stream runs (or, should it never start, after the wait).
    wait_until([&] { return streaming.load(); });
    stop_called = std::chrono::steady_clock::now();
    api.stop();
  }};
  std::vector<std::string> lines;
  const ApiReply reply = api.stream(server.url("/watch"), kNoTimeout, [&](std::string_view line) {
    lines.emplace_back(line);
    streaming = true;
    return true;
  });
  const auto returned = std::chrono::steady_clock::now();
  stopper.join();
  CHECK(reply.stopped);
  CHECK_FALSE(reply.completed);
  CHECK(lines == std::vector<std::string>{"first"});
  // Without stop() it would return at kNoTimeout; half of it leaves room for any loaded machine.
  CHECK(returned - stop_called < kNoTimeout / 2);
  CHECK(api.stopped());

  // Every later request ends at once, unsent.
  const std::size_t sent = server.requests().size();
  const ApiReply later = api.get(server.url("/watch"), kNoTimeout);
  CHECK(later.stopped);
  CHECK_FALSE(later.completed);
  CHECK(server.requests().size() == sent);
}

TEST_CASE_METHOD(ApiFixture, "get gives up on a body over 64 MiB") {
  server.on("/api/v1/services", Reply::stream(200, mebibytes(65)));
  ApiClient api = client();
  const ApiReply reply = api.get(server.url("/api/v1/services"), kNoTimeout);
  CHECK_FALSE(reply.completed);
  CHECK(reply.error == "the answer is larger than 64 MiB");
}

TEST_CASE_METHOD(ApiFixture, "stream gives up on a line over 16 MiB") {
  server.on("/watch", Reply::stream(200, mebibytes(17)));
  ApiClient api = client();
  std::vector<std::string> lines;
  const ApiReply reply = stream(api, "/watch", kNoTimeout, lines);
  CHECK_FALSE(reply.completed);
  CHECK(reply.error == "a watch event is larger than 16 MiB");
  CHECK(lines.empty());
}

TEST_CASE_METHOD(ApiFixture, "send puts a JSON body with the token and returns the answer") {
  server.on("/apis/coordination.k8s.io/v1/namespaces/ns/leases/pod-a",
            [](const RecordedRequest& request) {
              return Reply::respond(request.method == "PUT" ? 200 : 409, "{\"kind\":\"Lease\"}");
            });
  ApiClient api = client();
  const std::string url = server.url("/apis/coordination.k8s.io/v1/namespaces/ns/leases/pod-a");
  const std::string json = "{\"metadata\":{\"name\":\"pod-a\"}}";
  const ApiReply reply = api.send("PUT", url, json, kNoTimeout);
  CHECK(reply.completed);
  CHECK(reply.status == 200);
  CHECK(reply.body == "{\"kind\":\"Lease\"}");
  REQUIRE(server.requests().size() == 1);
  const RecordedRequest request = server.requests().front();
  CHECK(request.method == "PUT");
  CHECK(request.body == json);
  CHECK(request.header("Content-Type") == "application/json");
  CHECK(request.header("Authorization") == "Bearer secret-token");

  // The same client sends a conflicting POST, then a DELETE without a body, then a plain GET.
  CHECK(api.send("POST", url, json, kNoTimeout).status == 409);
  CHECK(api.send("DELETE", url, "", kNoTimeout).status == 409);
  CHECK(api.get(url, kNoTimeout).status == 409);
  REQUIRE(server.requests().size() == 4);
  CHECK(server.requests()[1].method == "POST");
  CHECK(server.requests()[1].body == json);
  CHECK(server.requests()[2].method == "DELETE");
  CHECK(server.requests()[2].body.empty());
  CHECK_FALSE(server.requests()[2].header("Content-Type"));
  CHECK(server.requests()[3].method == "GET");
}

TEST_CASE_METHOD(ApiFixture, "send gives up on an answer over 1 MiB") {
  server.on("/big", Reply::stream(200, mebibytes(2)));
  ApiClient api = client();
  const ApiReply reply = api.send("PUT", server.url("/big"), "{}", kNoTimeout);
  CHECK_FALSE(reply.completed);
  CHECK(reply.error == "the answer is larger than 1 MiB");
}
