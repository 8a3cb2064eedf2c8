// Holds one expect_json expectation (plain value or operator, `*` segments) against a document.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "expect/expectations.hpp"

namespace epsitter {

// Nullopt when `document` satisfies `wanted`; otherwise why not, naming the concrete path that
// failed ("items.2.state"), the expectation's path and its operator, never a piece of the body.
//
// A `*` segment requires every element of the array (every value of the object) there to satisfy
// the rest: none (an empty array) satisfies it; something else there (a scalar, or nothing) fails
// it whatever the operator. The walk visits each node of the document at most once, however many
// `*` a path holds: the document is a tree and the branches of a `*` never meet again.
std::optional<std::string> check_json_expectation(const JsonExpectation& wanted,
                                                  const nlohmann::json& document);

// The length `length` compares: elements of an array, members of an object, Unicode code points
// of a string (UTF-8, which the JSON parser has checked). Nullopt for numbers, booleans and null.
std::optional<std::size_t> json_length(const nlohmann::json& value);

// The order `in` sorts its list by at load and looks values up in: by kind (every number one kind,
// as 3 equals 3.0), then strings by bytes, numbers by value, the rest as nlohmann orders them.
// Values it finds equivalent are then told apart by ==.
struct JsonOrder {
  bool operator()(const nlohmann::json& a, const nlohmann::json& b) const;
};

}  // namespace epsitter
