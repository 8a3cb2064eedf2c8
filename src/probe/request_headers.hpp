// The headers each hop of a probe sends: which configured ones go where (secret ones only to the
// first hop's origin), and the lines libcurl would otherwise make up or leave out.
#pragma once

#include <string>

#include "probe/curl_handles.hpp"
#include "probe/probe_request.hpp"

namespace epsitter {

// Whether the request's configured headers hold `name` (any case).
bool has_header(const ProbeRequest& request, const char* name);

// The list for one hop. `with_secrets`: the hop goes to the first hop's origin, so headers named
// secret go too. `with_body`: the hop sends the request's body; after a redirect turned it into a
// GET, the body's Content-Type goes too, as browsers drop it. A configured Cookie is left out (see
// configured_cookie). Returns false when out of memory.
bool build_header_list(const ProbeRequest& request, bool with_secrets, bool with_body,
                       CurlSlist& list);

// The configured Cookie header's value for a hop (nullptr when it has none or it is a secret the
// hop may not carry). It goes to libcurl as CURLOPT_COOKIE rather than as a header line, so that
// it and the cookies the redirect chain set travel in one Cookie header, as RFC 6265 requires.
const char* configured_cookie(const ProbeRequest& request, bool with_secrets);

}  // namespace epsitter
