// Refusing state-changing requests (POST /-/reload) that a web page on another site could send.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

namespace epsitter {

// The header every POST /-/reload must carry (any non-empty value; `1` by convention). A browser
// sends a form, a beacon or a text/plain fetch() to another site without asking, but a custom
// header only after a CORS preflight (OPTIONS), which this server never grants: so the header
// proves the request was not made by a page of another origin. curl, scripts and sidecars simply
// add it.
inline constexpr const char* kReloadHeader = "X-Epsitter-Reload";

using HeaderLookup = std::function<const char*(const char*)>;  // a header's value, or nullptr

// Why a state-changing request is refused (403), or nullopt. Besides the header above: an
// `Origin` (browsers send it on every POST) must name this very server, i.e. its host and port
// equal the `Host` header's; `Origin: null` (sandboxed frames, file:// pages) is refused; and a
// `Sec-Fetch-Site` other than same-origin or none is refused.
std::optional<std::string_view> cross_site_problem(const HeaderLookup& header);

}  // namespace epsitter
