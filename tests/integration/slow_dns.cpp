// Preloaded into epsitter by test_slow_dns.py: a name lookup of any host under "slow-dns.test"
// takes SLOW_DNS_SECONDS (default 5) and then fails, as a resolver that does not answer does;
// every other lookup is the C library's own.
#include <dlfcn.h>
#include <netdb.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace {

using GetAddrInfo = int (*)(const char*, const char*, const addrinfo*, addrinfo**);

bool is_slow(std::string_view host) {
  constexpr std::string_view kSlowDomain = "slow-dns.test";
  return host.size() >= kSlowDomain.size() &&
         host.substr(host.size() - kSlowDomain.size()) == kSlowDomain;
}

}  // namespace

extern "C" int getaddrinfo(const char* node, const char* service, const addrinfo* hints,
                           addrinfo** result) {
  if (node != nullptr && is_slow(node)) {
    const char* seconds = std::getenv("SLOW_DNS_SECONDS");
    sleep(seconds != nullptr ? static_cast<unsigned>(std::atoi(seconds)) : 5U);
    return EAI_NONAME;
  }
  const auto real = reinterpret_cast<GetAddrInfo>(dlsym(RTLD_NEXT, "getaddrinfo"));
  return real(node, service, hints, result);
}
