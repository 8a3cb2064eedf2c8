// What changes from one hop of a redirect chain to the next.
#include "probe/redirects.hpp"

#include <curl/curl.h>

#include <cstdlib>
#include <memory>

#include "probe/curl_handles.hpp"
#include "text/ascii.hpp"

namespace epsitter {

std::optional<Origin> origin_of(const std::string& url) {
  const CurlUrl parsed{curl_url()};
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  const auto scheme = url_part(parsed.get(), CURLUPART_SCHEME, 0);
  const auto host = url_part(parsed.get(), CURLUPART_HOST, 0);
  const auto port = url_part(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme || !host || !port || (*scheme != "http" && *scheme != "https")) return std::nullopt;
  Origin origin{*scheme, *host, std::strtol(port->c_str(), nullptr, 10)};
  origin.host = text::to_lower_ascii(origin.host);
  return origin;
}

bool is_followed_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

NextRequest after_redirect(const std::string& method, long status) {
  if (status == 303 && method != "HEAD") return {"GET", false};
  if ((status == 301 || status == 302) && method == "POST") return {"GET", false};
  return {method, true};
}

}  // namespace epsitter
