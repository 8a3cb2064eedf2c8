// Maps libcurl's result codes onto the fixed ProbeError set.
#pragma once

#include <curl/curl.h>

#include <string_view>

#include "probe/probe_result.hpp"

namespace epsitter {

// `os_errno` is CURLINFO_OS_ERRNO of the transfer; it tells a refused port from an unreachable one.
ProbeError classify_curl_error(CURLcode code, long os_errno);

// Words to add to a failure's detail when the cause is ours rather than the target's: out of file
// descriptors (EMFILE, ENFILE) reads in libcurl's text only as "Couldn't connect to server".
// Empty otherwise.
std::string_view os_error_hint(long os_errno);

}  // namespace epsitter
