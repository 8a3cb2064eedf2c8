// What changes from one hop of a redirect chain to the next.
#include "probe/redirects.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "text/ascii.hpp"

namespace epsitter {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct PartDeleter {
  void operator()(char* part) const { curl_free(part); }
};
using Url = std::unique_ptr<CURLU, UrlDeleter>;
using Part = std::unique_ptr<char, PartDeleter>;

std::optional<std::string> part_of(CURLU* url, CURLUPart which, unsigned flags) {
  char* text = nullptr;
  if (curl_url_get(url, which, &text, flags) != CURLUE_OK || text == nullptr) return std::nullopt;
  const Part owned{text};
  return std::string{owned.get()};
}

}  // namespace

std::optional<Origin> origin_of(const std::string& url) {
  const Url parsed{curl_url()};
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  const auto scheme = part_of(parsed.get(), CURLUPART_SCHEME, 0);
  const auto host = part_of(parsed.get(), CURLUPART_HOST, 0);
  const auto port = part_of(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
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
