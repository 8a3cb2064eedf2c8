// Unit tests for the dispatcher: which check answers first, and what each class of route gets.
#include <catch2/catch.hpp>
#include <map>
#include <stdexcept>
#include <string>

#include "web/basic_auth.hpp"
#include "web/dispatcher.hpp"

using namespace epsitter;

namespace {

// bcrypt of "secret" at cost 4.
const std::string kSecretHash = "$2b$04$7ur4Vpbcmyo5JSlJe/YeQep6Qf8d2aWEMl.JuS56fWEgflk1HpBv6";
constexpr const char* kRight = "Basic cHJvbWV0aGV1czpzZWNyZXQ=";  // prometheus:secret

struct Calls {
  int metrics = 0;
  int reloads = 0;
};

std::vector<Route> routes(Calls& calls) {
  std::vector<Route> list;
  list.push_back(Route{"/metrics", {"GET"}, [&calls](const HttpRequest&) {
                         ++calls.metrics;
                         return HttpResponse::text(200, "metrics\n");
                       }});
  list.push_back(Route{"/-/healthy",
                       {"GET"},
                       [](const HttpRequest&) { return HttpResponse::text(200, "healthy\n"); },
                       false,
                       RouteKind::health});
  list.push_back(Route{"/-/reload",
                       {"POST"},
                       [&calls](const HttpRequest&) {
                         ++calls.reloads;
                         return HttpResponse::text(200, "reloaded\n");
                       },
                       false,
                       RouteKind::action});
  list.push_back(Route{"/boom", {"GET"}, [](const HttpRequest&) -> HttpResponse {
                         throw std::runtime_error("boom");
                       }});
  return list;
}

// Owns the header texts: IncomingRequest's views and the NUL-terminated values point into them.
struct Request {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> fields;

  IncomingRequest view() const {
    IncomingRequest request;
    request.method = method;
    request.path = path;
    for (const auto& [name, value] : fields) request.headers.push_back({name, value.c_str()});
    return request;
  }
};

Request get(const std::string& path, std::vector<std::pair<std::string, std::string>> fields = {
                                         {"Host", "127.0.0.1:8989"}}) {
  return Request{"GET", path, std::move(fields)};
}

Request reload(std::vector<std::pair<std::string, std::string>> fields) {
  return Request{"POST", "/-/reload", std::move(fields)};
}

std::string header(const Reply& reply, const std::string& name) {
  for (const auto& [key, value] : reply.response.headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace

TEST_CASE("a smuggling attempt is a 400 that closes the connection, before anything runs",
          "[dispatcher]") {
  Calls calls;
  Dispatcher dispatcher{routes(calls), {}};
  const Reply reply = dispatcher.dispatch(
      get("/-/healthy", {{"Host", "127.0.0.1"}, {"Content-Length", "0"}, {"Content-Length", "60"}})
          .view());
  CHECK(reply.response.status == 400);
  CHECK(reply.close);
  CHECK(reply.refusal == "more than one Content-Length header");
  CHECK(calls.reloads == 0);
}

TEST_CASE("a foreign Host is refused for pages and actions, never for health", "[dispatcher]") {
  Calls calls;
  Dispatcher dispatcher{routes(calls), {}};
  const std::vector<std::pair<std::string, std::string>> evil = {{"Host", "evil.example:8989"}};
  CHECK(dispatcher.dispatch(get("/metrics", evil).view()).response.status == 403);
  CHECK(dispatcher.dispatch(get("/-/healthy", evil).view()).response.status == 200);
  CHECK(dispatcher
            .dispatch(reload({{"Host", "evil.example:8989"}, {"X-Epsitter-Reload", "1"}}).view())
            .response.status == 403);
  CHECK(calls.metrics == 0);
  CHECK(calls.reloads == 0);
  CHECK(dispatcher.dispatch(get("/metrics").view()).response.status == 200);
}

TEST_CASE("a reload needs its header and this server's origin", "[dispatcher]") {
  Calls calls;
  Dispatcher dispatcher{routes(calls), {}};
  const std::string host = "127.0.0.1:8989";
  CHECK(dispatcher.dispatch(reload({{"Host", host}}).view()).response.status == 403);
  CHECK(dispatcher
            .dispatch(reload({{"Host", host},
                              {"Origin", "http://evil.example"},
                              {"Content-Type", "text/plain"},
                              {"Content-Length", "2"}})
                          .view())
            .response.status == 403);
  CHECK(dispatcher
            .dispatch(
                reload(
                    {{"Host", host}, {"X-Epsitter-Reload", "1"}, {"Origin", "http://evil.example"}})
                    .view())
            .response.status == 403);
  CHECK(calls.reloads == 0);
  const Reply ok = dispatcher.dispatch(reload({{"Host", host}, {"X-Epsitter-Reload", "1"}}).view());
  CHECK(ok.response.status == 200);
  CHECK_FALSE(ok.close);
  CHECK(calls.reloads == 1);
  // A body is never read: the connection is closed after the answer rather than reused.
  CHECK(
      dispatcher
          .dispatch(
              reload({{"Host", host}, {"X-Epsitter-Reload", "1"}, {"Content-Length", "2"}}).view())
          .close);
}

TEST_CASE("with basic auth, pages and actions need credentials and health does not",
          "[dispatcher]") {
  Calls calls;
  DispatchGuards guards;
  guards.auth =
      std::make_shared<BasicAuth>(std::map<std::string, std::string>{{"prometheus", kSecretHash}});
  Dispatcher dispatcher{routes(calls), guards};
  const Reply refused = dispatcher.dispatch(get("/metrics").view());
  CHECK(refused.response.status == 401);
  CHECK(header(refused, "WWW-Authenticate") == "Basic realm=\"epsitter\"");
  CHECK(dispatcher.dispatch(get("/-/healthy").view()).response.status == 200);
  CHECK(dispatcher.dispatch(reload({{"X-Epsitter-Reload", "1"}}).view()).response.status == 401);
  CHECK(dispatcher
            .dispatch(
                get("/metrics", {{"Host", "localhost"}, {"Authorization", "Basic YTpi"}}).view())
            .response.status == 401);
  CHECK(calls.metrics == 0);
  CHECK(dispatcher
            .dispatch(get("/metrics", {{"Host", "localhost"}, {"Authorization", kRight}}).view())
            .response.status == 200);
  CHECK(dispatcher.dispatch(reload({{"X-Epsitter-Reload", "1"}, {"Authorization", kRight}}).view())
            .response.status == 200);
}

TEST_CASE("pages beyond the budget get a quick 503 while health is answered", "[dispatcher]") {
  Calls calls;
  DispatchGuards guards;
  guards.page_slots = 2;
  Dispatcher dispatcher{routes(calls), guards};
  // Two pages still being sent hold their slots.
  Reply first = dispatcher.dispatch(get("/metrics").view());
  Reply second = dispatcher.dispatch(get("/metrics").view());
  REQUIRE(first.slot);
  REQUIRE(second.slot);
  const Reply third = dispatcher.dispatch(get("/metrics").view());
  CHECK(third.response.status == 503);
  CHECK(header(third, "Retry-After") == "2");
  CHECK(third.close);
  CHECK(calls.metrics == 2);
  const Reply health = dispatcher.dispatch(get("/-/healthy").view());
  CHECK(health.response.status == 200);
  CHECK_FALSE(health.slot);
  first = Reply{};  // sent: its slot is free again
  CHECK(dispatcher.dispatch(get("/metrics").view()).response.status == 200);
}

TEST_CASE("paths, methods and failing handlers", "[dispatcher]") {
  Calls calls;
  Dispatcher dispatcher{routes(calls), {}};
  CHECK(dispatcher.dispatch(get("/nothing").view()).response.status == 404);
  CHECK(dispatcher.dispatch(get("/m%65trics").view()).response.status == 400);
  Request not_canonical = get("/metrics");
  IncomingRequest view = not_canonical.view();
  view.canonical = false;
  CHECK(dispatcher.dispatch(view).response.status == 400);
  const Reply wrong_method = dispatcher.dispatch(Request{"DELETE", "/metrics", {}}.view());
  CHECK(wrong_method.response.status == 405);
  CHECK(header(wrong_method, "Allow") == "GET, HEAD");
  CHECK(dispatcher.dispatch(Request{"HEAD", "/metrics", {}}.view()).response.status == 200);
  const Reply failed = dispatcher.dispatch(get("/boom").view());
  CHECK(failed.response.status == 500);
  CHECK(failed.failure == "boom");
}
