// Fuzz target: any text as a config file. The loader must return valid targets or throw
// ConfigError, nothing else: no crash, no hang, no other exception, no runaway memory. Parsing the
// same text again (what a reload of an unchanged file does) must give equal targets, or the same
// error: the supervisor keeps a target running only when the new one equals it. Under a budget
// small enough for 8 KiB inputs to pass it (aliases, merge keys and defaults multiply), what the
// targets hold stays within what the budget allowed; and the text as an annotation's payload is
// bounded the same way.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config_loader.hpp"
#include "config/option_target.hpp"

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Schemes are case-insensitive ("HTTPS://" is valid), so the check is too.
bool is_http_url(const std::string& url) {
  const std::string head = lower(url.substr(0, 8));
  return head.rfind("http://", 0) == 0 || head.rfind("https://", 0) == 0;
}

// The url label must never carry credentials: no '@' may be left in its authority.
bool label_has_userinfo(const std::string& url) {
  const std::size_t begin = url.find("://");
  if (begin == std::string::npos) return false;
  const std::size_t end = url.find_first_of("/?#", begin + 3);
  return url.substr(begin + 3, end == std::string::npos ? end : end - begin - 3).find('@') !=
         std::string::npos;
}

// The message of the ConfigError that `load` throws, or "" when it loads.
template <class Load>
std::string error_of(const Load& load) {
  try {
    load();
  } catch (const epsitter::ConfigError& error) {
    return error.what();
  }
  return "";
}

bool same_config(const epsitter::Config& a, const epsitter::Config& b) {
  return a.targets == b.targets && a.duration_buckets == b.duration_buckets &&
         a.kubernetes == b.kubernetes && (a.discovery == nullptr) == (b.discovery == nullptr);
}

// A second parse of the same text against the first: a reload of a file that did not change must
// restart nothing, so every target must equal itself parsed again (a NaN anywhere in it would
// not), and an error must be the same error.
void check_parses_alike(const std::string& text) {
  epsitter::Config first;
  const std::string first_error =
      error_of([&] { first = epsitter::parse_config(text, "fuzz.yaml"); });
  epsitter::Config again;
  const std::string again_error =
      error_of([&] { again = epsitter::parse_config(text, "fuzz.yaml"); });
  if (again_error != first_error) __builtin_trap();
  if (first_error.empty() && !same_config(again, first)) __builtin_trap();
}

// The text under a small budget: the bodies and headers its targets hold cannot outgrow what the
// budget let through (JSON writes a control byte in 6 and adds a few bytes per value).
void check_small_budget(const std::string& text) {
  epsitter::ExpansionBudget budget{epsitter::ExpansionLimits{16 << 10, 1'000, "the config"}};
  try {
    const epsitter::Config config = epsitter::parse_config(text, "fuzz.yaml", {}, budget);
    std::size_t held = 0;
    for (const auto& target : config.targets) {
      held += target.body.value_or("").size();
      for (const auto& [name, value] : target.headers) held += name.size() + value.size();
    }
    const epsitter::ExpandedSize& used = budget.used();
    if (used.bytes > (16 << 10) || used.values > 1'000) __builtin_trap();
    if (held > 6 * used.bytes + 16 * used.values + 64 * config.targets.size()) __builtin_trap();
  } catch (const epsitter::ConfigError&) {
  }
}

// The budget builds alias-free text unmeasured when yaml-cpp could make no more than two values
// per byte of it (as "{,,,}" does): a text that makes more would let a tree pass the budget before
// it is counted.
void check_values_per_byte(const std::string& text) {
  const epsitter::ExpansionBudget budget{
      epsitter::ExpansionLimits{std::size_t{1} << 40, std::size_t{1} << 40, "the config"}};
  if (budget.needs_measuring(text)) return;
  try {
    const YAML::Node tree = YAML::Load(text);
    const epsitter::ExpandedSize size =
        epsitter::expanded_size(tree, epsitter::ExpandedSize{std::size_t{1} << 40, 1 << 30});
    if (size.values > 2 * text.size() + 2) __builtin_trap();
  } catch (const YAML::Exception&) {
  }
}

// The text as an annotation's payload and expected JSON: an error or a bounded target.
void check_as_annotation(const std::string& text) {
  try {
    const epsitter::Target target =
        epsitter::target_from_options("shop/web", "shop", "http://web.shop.svc:8080/",
                                      {{"method", "epsitter.io/method", "POST"},
                                       {"payload", "epsitter.io/payload", text},
                                       {"expect_json", "epsitter.io/expect-json", text}},
                                      epsitter::detail::Fields{}, "Service shop/web");
    if (target.body.value_or("").size() > 6 * (64 << 10) + 16 * 10'000) __builtin_trap();
  } catch (const epsitter::ConfigError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const epsitter::Config config = epsitter::parse_config(text, "fuzz.yaml");
    if (config.targets.empty()) __builtin_trap();
    for (const auto& target : config.targets) {
      if (target.labels.name.empty() || !is_http_url(target.url)) __builtin_trap();
      if (!is_http_url(target.labels.url) || label_has_userinfo(target.labels.url)) {
        __builtin_trap();
      }
      if (target.timeout && target.timeout->count() <= 0) __builtin_trap();
    }
  } catch (const epsitter::ConfigError&) {
  }
  check_parses_alike(text);
  check_small_budget(text);
  check_values_per_byte(text);
  check_as_annotation(text);
  return 0;
}
