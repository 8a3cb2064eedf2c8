// From a parsed request to the route's answer, through every check the port makes on the way.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "web/host_policy.hpp"
#include "web/request_framing.hpp"
#include "web/route.hpp"
#include "web/worker_budget.hpp"

namespace epsitter {

class BasicAuth;

// A request as CivetWeb parsed it; the views point into CivetWeb's buffer.
struct IncomingRequest {
  std::string_view method;
  std::string_view path;  // as sent, without the query string
  bool canonical = true;  // CivetWeb's normalised path is the path as sent
  std::string_view query;
  std::vector<HeaderField> headers;
  bool field_limit_reached = false;  // CivetWeb kept its maximum of fields: some may be lost

  // The first value of header `name` (ASCII case ignored), or nullptr. Values end in a NUL.
  const char* header(const char* name) const;
};

struct DispatchGuards {
  HostPolicy hosts;
  std::shared_ptr<BasicAuth> auth;  // nullptr: no auth (no basic_auth_users in the web config)
  // Pages and actions answered at once; more get a quick 503. The workers above it are kept for
  // the health routes, refusals and connections still sending their request.
  int page_slots = 16;
};

// The answer and what the connection does after it.
struct Reply {
  HttpResponse response;
  bool close = false;                      // close the connection after the answer
  std::optional<WorkerBudget::Slot> slot;  // a page's slot: hold it until the answer is sent
  std::string_view refusal;                // why the request was refused; empty when routed
  std::string failure;                     // a handler's exception (the answer is a 500)
};

// The order of checks: framing (400, close); path (400, 404); for pages and actions the Host (403)
// and credentials (401, or 503 when they cannot be checked now); the method (405); for actions the
// cross-site checks (403); for pages and actions a slot of the budget (503 with Retry-After,
// close); then the handler. A request that announced a body is answered and closed: the body is
// never read, and a connection is never reused past unread bytes.
class Dispatcher {
 public:
  Dispatcher(std::vector<Route> routes, DispatchGuards guards);
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  Reply dispatch(const IncomingRequest& request);  // thread-safe

 private:
  std::optional<Reply> guard(const Route& route, const IncomingRequest& request);

  const std::vector<Route> routes_;
  const DispatchGuards guards_;
  WorkerBudget page_budget_;
};

}  // namespace epsitter
