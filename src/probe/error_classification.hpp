// Maps libcurl's result codes onto the fixed ProbeError set.
#pragma once

#include <curl/curl.h>

#include "probe/probe_result.hpp"

namespace epsitter {

// `os_errno` is CURLINFO_OS_ERRNO of the transfer; it tells a refused port from an unreachable one.
ProbeError classify_curl_error(CURLcode code, long os_errno);

}  // namespace epsitter
