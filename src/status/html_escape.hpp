// HTML escaping for text and attribute values: the one place the status page escapes.
#pragma once

#include <string>
#include <string_view>

namespace epsitter {

// Escapes & < > " ' so that the result is safe in element text and in quoted attribute values.
void append_html_escaped(std::string& out, std::string_view text);
std::string html_escape(std::string_view text);

}  // namespace epsitter
