// The status page's inline stylesheet and script (no external assets: it works air-gapped).
#pragma once

namespace epsitter {

extern const char* const kStatusPageStyle;
extern const char* const kStatusPageScript;

}  // namespace epsitter
