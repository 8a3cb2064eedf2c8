// Fuzz target: any bytes as a label value and HELP text. What the writer produces must parse back,
// by the text format's rules, to exactly the input: one line per sample, the value intact.
#include <cstddef>
#include <cstdint>
#include <string>

#include "metrics/exposition_writer.hpp"

namespace {

// Reads an escaped label value starting after the opening quote; returns the unescaped text and
// moves `pos` past the closing quote. Traps on anything the format does not allow.
std::string read_label_value(const std::string& text, std::size_t& pos) {
  std::string value;
  while (pos < text.size() && text[pos] != '"') {
    char c = text[pos++];
    if (c == '\n') __builtin_trap();  // a raw newline would split the sample line
    if (c == '\\') {
      if (pos >= text.size()) __builtin_trap();
      const char escaped = text[pos++];
      if (escaped == 'n') {
        c = '\n';
      } else if (escaped == '\\' || escaped == '"') {
        c = escaped;
      } else {
        __builtin_trap();
      }
    }
    value += c;
  }
  if (pos >= text.size()) __builtin_trap();
  ++pos;  // the closing quote
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  epsitter::ExpositionWriter writer;
  writer.family("fuzz_total", input, epsitter::MetricType::counter);
  writer.sample("fuzz_total", {{"a", input}, {"b", "x"}}, 1);
  const std::string text = writer.take();

  // HELP line: no raw newline inside it.
  const std::size_t help_end = text.find('\n');
  const std::string help = text.substr(0, help_end);
  if (help.rfind("# HELP fuzz_total ", 0) != 0) __builtin_trap();

  const std::size_t sample = text.find("fuzz_total{a=\"", help_end);
  if (sample == std::string::npos) __builtin_trap();
  std::size_t pos = sample + std::string("fuzz_total{a=\"").size();
  if (read_label_value(text, pos) != input) __builtin_trap();
  if (text.compare(pos, 12, ",b=\"x\"} 1.0\n") != 0) __builtin_trap();
  if (pos + 12 != text.size()) __builtin_trap();
  return 0;
}
