// The user and password of an `Authorization: Basic ...` header (RFC 7617).
#include "web/basic_credentials.hpp"

#include <openssl/evp.h>

#include <string_view>
#include <vector>

namespace epsitter {
namespace {

bool is_basic_scheme(std::string_view scheme) {
  constexpr std::string_view kBasic = "basic";
  if (scheme.size() != kBasic.size()) return false;
  for (std::size_t i = 0; i < kBasic.size(); ++i) {
    const char c = scheme[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kBasic[i]) return false;
  }
  return true;
}

// Strict standard base64 with padding; OpenSSL's decoder also skips whitespace, which no client
// sends inside the token.
std::optional<std::string> decode_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '+' || c == '/';
    const bool padding = c == '=' && i + 2 >= text.size();
    if (!alphabet && !padding) return std::nullopt;
  }
  const std::size_t pad = text.back() != '=' ? 0 : (text[text.size() - 2] == '=' ? 2 : 1);
  if (pad == 0 && text[text.size() - 2] == '=') return std::nullopt;  // "ab=c"
  std::vector<unsigned char> out(text.size() / 4 * 3);
  const int decoded =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
  if (decoded < 0 || static_cast<std::size_t>(decoded) < pad) return std::nullopt;
  return std::string(out.begin(), out.begin() + (decoded - static_cast<int>(pad)));
}

}  // namespace

std::optional<BasicCredentials> parse_basic_authorization(const char* header) {
  if (header == nullptr) return std::nullopt;
  std::string_view text = header;
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos || !is_basic_scheme(text.substr(0, space))) {
    return std::nullopt;
  }
  text.remove_prefix(space);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  const std::optional<std::string> decoded = decode_base64(text);
  if (!decoded) return std::nullopt;
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

}  // namespace epsitter
