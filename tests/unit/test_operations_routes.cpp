// Unit tests for /-/healthy, /-/ready and /-/reload: status codes and bodies for each answer.
#include <algorithm>
#include <catch2/catch.hpp>

#include "web/operations_routes.hpp"

using namespace epsitter;

namespace {

struct Answers {
  bool healthy = true;
  bool ready = true;
  ReloadAnswer reload{true, "3 targets"};
  int reloads = 0;
};

std::vector<Route> routes_for(Answers& answers) {
  Operations operations;
  operations.healthy = [&answers] { return answers.healthy; };
  operations.ready = [&answers] { return answers.ready; };
  operations.reload = [&answers] {
    ++answers.reloads;
    return answers.reload;
  };
  return make_operation_routes(std::move(operations));
}

const Route& route(const std::vector<Route>& routes, const std::string& path) {
  const auto found = std::find_if(routes.begin(), routes.end(),
                                  [&path](const Route& r) { return r.path == path; });
  REQUIRE(found != routes.end());
  return *found;
}

HttpResponse call(const std::vector<Route>& routes, const std::string& path) {
  HttpRequest request;
  request.path = path;
  return route(routes, path).handler(request);
}

}  // namespace

TEST_CASE("healthy and ready answer 200, or 503 with the reason", "[operations]") {
  Answers answers;
  const auto routes = routes_for(answers);
  CHECK(call(routes, "/-/healthy").status == 200);
  CHECK(call(routes, "/-/ready").status == 200);
  answers.healthy = false;
  answers.ready = false;
  const HttpResponse unhealthy = call(routes, "/-/healthy");
  CHECK(unhealthy.status == 503);
  CHECK_THAT(*unhealthy.body, Catch::Contains("not healthy"));
  const HttpResponse unready = call(routes, "/-/ready");
  CHECK(unready.status == 503);
  CHECK_THAT(*unready.body, Catch::Contains("no valid config"));
}

TEST_CASE("a reload answers 200 with the summary or 500 with the error", "[operations]") {
  Answers answers;
  const auto routes = routes_for(answers);
  const HttpResponse ok = call(routes, "/-/reload");
  CHECK(ok.status == 200);
  CHECK(*ok.body == "config reloaded: 3 targets\n");
  answers.reload =
      ReloadAnswer{false, "sitter.yaml:4:14: urls.a.timeout: \"soon\" is not a number"};
  const HttpResponse failed = call(routes, "/-/reload");
  CHECK(failed.status == 500);
  CHECK(*failed.body ==
        "config reload failed: sitter.yaml:4:14: urls.a.timeout: \"soon\" is not a number\n");
  CHECK(answers.reloads == 2);
}

TEST_CASE("reload takes POST only; the probes take GET (and so HEAD)", "[operations]") {
  Answers answers;
  const auto routes = routes_for(answers);
  CHECK(route(routes, "/-/reload").methods == std::vector<std::string>{"POST"});
  CHECK(route(routes, "/-/healthy").methods == std::vector<std::string>{"GET"});
  CHECK(route(routes, "/-/ready").methods == std::vector<std::string>{"GET"});
}
