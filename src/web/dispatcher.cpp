// From a parsed request to the route's answer, through every check the port makes on the way.
#include "web/dispatcher.hpp"

#include <algorithm>
#include <exception>
#include <string>

#include "text/percent_decode.hpp"
#include "web/basic_auth.hpp"
#include "web/cross_site.hpp"

namespace epsitter {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

Reply refuse(int status, std::string_view why, std::string body) {
  Reply reply;
  reply.response = HttpResponse::text(status, std::move(body));
  reply.refusal = why;
  return reply;
}

// Busy now, fine in a moment: a 503 that frees its worker at once and says when to come back.
Reply busy(std::string_view why, std::string body) {
  Reply reply = refuse(503, why, std::move(body));
  reply.response.headers.emplace_back("Retry-After", "2");
  reply.close = true;
  return reply;
}

bool allows(const Route& route, std::string_view method) {
  const auto& methods = route.methods;
  if (std::find(methods.begin(), methods.end(), method) != methods.end()) return true;
  return method == "HEAD" && std::find(methods.begin(), methods.end(), "GET") != methods.end();
}

std::string allow_header(const Route& route) {
  std::string allow;
  for (const auto& method : route.methods) {
    allow += allow.empty() ? method : ", " + method;
    if (method == "GET") allow += ", HEAD";
  }
  return allow;
}

// Routes are plain ASCII paths. A path that needs decoding or normalising ("%2e%2e", "%00",
// "/a/../b", "//metrics") names none of them and is refused, not guessed at. CivetWeb runs with
// decode_url=no, so the path is exactly as sent. Only the one segment a prefix route takes (a
// target's name) may be percent-encoded: it is decoded, never normalised.
bool is_plain(std::string_view path, bool allow_percent) {
  return std::none_of(path.begin(), path.end(), [allow_percent](char c) {
    return (c == '%' && !allow_percent) || c == '\\' || static_cast<unsigned char>(c) < 0x20 ||
           c == 0x7f;
  });
}

// An exact route for a plain path; else a prefix route followed by one percent-encoded segment
// ("/" inside a name arrives as %2F), decoded into `subpath`.
const Route* find_route(const std::vector<Route>& routes, std::string_view path,
                        std::string& subpath) {
  if (is_plain(path, false)) {
    for (const auto& route : routes) {
      if (!route.prefix && route.path == path) return &route;
    }
  }
  for (const auto& route : routes) {
    if (!route.prefix || path.substr(0, route.path.size()) != route.path) continue;
    const std::string_view rest = path.substr(route.path.size());
    if (rest.find('/') != std::string_view::npos || !is_plain(rest, true)) return nullptr;
    subpath = text::percent_decoded(rest);
    return &route;
  }
  return nullptr;
}

}  // namespace

const char* IncomingRequest::header(const char* name) const {
  const auto found = std::find_if(headers.begin(), headers.end(), [name](const HeaderField& field) {
    return same_name(field.name, name);
  });
  return found == headers.end() ? nullptr : found->value.data();
}

Dispatcher::Dispatcher(std::vector<Route> routes, DispatchGuards guards)
    : routes_(std::move(routes)),
      guards_(std::move(guards)),
      page_budget_(std::max(1, guards_.page_slots)) {}

Reply Dispatcher::dispatch(const IncomingRequest& request) {
  if (const auto problem =
          framing_problem(request.method, request.headers, request.field_limit_reached)) {
    Reply reply = refuse(400, *problem, "400 bad request: " + std::string(*problem) + "\n");
    reply.close = true;
    return reply;
  }
  const bool close = announces_body(request.headers);
  Reply reply;
  if (!request.canonical) {
    reply = refuse(400, "path", "400 bad request: encoded or non-canonical path\n");
  } else {
    std::string subpath;
    const Route* route = find_route(routes_, request.path, subpath);
    if (route == nullptr) {
      reply = is_plain(request.path, false)
                  ? refuse(404, "no route", "404 not found\n")
                  : refuse(400, "path", "400 bad request: encoded or non-canonical path\n");
    } else if (std::optional<Reply> refused = guard(*route, request)) {
      reply = std::move(*refused);
    } else {
      HttpRequest routed;
      routed.method = std::string(request.method);
      routed.path = std::string(request.path);
      routed.query = std::string(request.query);
      routed.subpath = std::move(subpath);
      routed.header = [&request](const char* name) { return request.header(name); };
      if (route->kind != RouteKind::health) reply.slot = page_budget_.try_take();
      if (route->kind != RouteKind::health && !reply.slot) {
        reply = busy("page budget",
                     "503 busy: as many pages as this server answers at once are being sent; "
                     "retry shortly\n");
      } else {
        try {
          reply.response = route->handler(routed);
        } catch (const std::exception& error) {
          reply.failure = error.what();
          reply.response = HttpResponse::text(500, "500 internal error\n");
        }
      }
    }
  }
  reply.close = reply.close || close;
  return reply;
}

std::optional<Reply> Dispatcher::guard(const Route& route, const IncomingRequest& request) {
  if (route.kind != RouteKind::health) {
    if (!guards_.hosts.allows(request.header("Host"))) {
      return refuse(403, "host",
                    "403 forbidden: this server does not answer for the host name in the Host "
                    "header (see WEB_ALLOWED_HOSTS)\n");
    }
    if (guards_.auth) {
      switch (guards_.auth->check(request.header("Authorization"))) {
        case BasicAuth::Verdict::allowed:
          break;
        case BasicAuth::Verdict::refused: {
          Reply reply = refuse(401, "credentials", "401 unauthorized\n");
          reply.response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"epsitter\"");
          return reply;
        }
        case BasicAuth::Verdict::busy:
          return busy("credential checks",
                      "503 busy: too many password checks at once; retry shortly\n");
      }
    }
  }
  if (!allows(route, request.method)) {
    Reply reply = refuse(405, "method", "405 method not allowed\n");
    reply.response.headers.emplace_back("Allow", allow_header(route));
    return reply;
  }
  if (route.kind == RouteKind::action) {
    if (const auto problem =
            cross_site_problem([&request](const char* name) { return request.header(name); })) {
      return refuse(403, *problem, "403 forbidden: " + std::string(*problem) + "\n");
    }
  }
  return std::nullopt;
}

}  // namespace epsitter
