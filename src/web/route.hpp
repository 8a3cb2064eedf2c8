// What the web server routes: a plain request in, a response out. Handlers know nothing of
// CivetWeb.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace epsitter {

struct HttpRequest {
  std::string method;                              // as sent: GET, HEAD, POST, ...
  std::string path;                                // as sent (plain), no query string
  std::string query;                               // raw query string, without '?'
  std::function<const char*(const char*)> header;  // a header's value, or nullptr
  std::string subpath;                             // prefix routes: the decoded rest of the path
};

// A body written piece by piece rather than held whole: the plain /metrics of 10,000 targets is
// tens of MB.
struct StreamedBody {
  // Hands exactly `length` bytes to the sink, in order; stops when the sink returns false (the
  // client has gone).
  using Sink = std::function<bool(std::string_view)>;
  std::uint64_t length = 0;
  std::function<void(const Sink&)> write;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::shared_ptr<const std::string> body;  // shared so that big pages are not copied
  std::optional<StreamedBody> streamed;     // instead of `body`, when set
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, ...)

  static HttpResponse text(int status, std::string body);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// What a route does decides how it is guarded (see dispatcher.hpp).
enum class RouteKind {
  page,    // shows state (/metrics, the status page, the API): Host check, auth, worker budget
  action,  // changes state (POST /-/reload): as a page, plus the cross-site checks
  health,  // /-/healthy, /-/ready: always answered (any Host, no auth, no budget), so that the
           // kubelet's probes get through whatever else holds the port
};

struct Route {
  std::string path;                  // exact match (or, with `prefix`, what the path starts with)
  std::vector<std::string> methods;  // allowed; HEAD is implied by GET. Others get 405.
  HttpHandler handler;
  bool prefix = false;  // exact routes win; the rest of the path goes to HttpRequest::subpath
  RouteKind kind = RouteKind::page;
};

}  // namespace epsitter
