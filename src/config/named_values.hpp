// The words a setting may take, each naming one value: one lookup, and the list of words that
// "did you mean" suggestions and error messages offer, for every such table.
#pragma once

#include <optional>
#include <string_view>

#include "config/spelling.hpp"

namespace epsitter::detail {

template <typename T>
struct NamedValue {
  std::string_view name;
  T value;
};

// The value `name` stands for in `table` (exact match), or nothing.
template <typename Table>
auto value_named(const Table& table, std::string_view name)
    -> std::optional<decltype(std::begin(table)->value)> {
  for (const auto& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

// Every word of `table`, in its order.
template <typename Table>
Words names_of(const Table& table) {
  Words words;
  for (const auto& entry : table) words.push_back(entry.name);
  return words;
}

}  // namespace epsitter::detail
