// The readers of a target's fields: each turns its YAML entries into a part of a Target, failing
// with the file, line, column, field path and (for non-secrets) the bad value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/target.hpp"
#include "config/yaml_fields.hpp"

namespace epsitter::detail {

// One field as found in the file: from the target's own map or inherited from `defaults:`, with
// the path errors name (urls.NAME.FIELD or defaults.FIELD).
struct Field {
  Entry entry;
  Where where;

  const std::string& name() const { return entry.name(); }
  YAML::Mark mark() const { return entry.value_mark(); }
  [[noreturn]] void fail(const std::string& message) const { where.fail(mark(), message); }
};

using Fields = std::vector<Field>;

const Field* find_field(const Fields& fields, std::string_view name);

// The entries of one map as Fields whose paths hang under `parent`.
Fields to_fields(const std::vector<Entry>& entries, const Where& parent);

// `own` plus every field of `defaults` that `own` does not set (either spelling of a secret
// counts as set): a target's own value wins as a whole, maps are not merged.
Fields with_defaults(Fields own, const Fields& defaults);

// Every reader below, in order, into `target`.
void read_target_fields(const Fields& fields, bool complete, Target& target);

// Shared value readers.
std::string text_of(const Field& field, const std::string& expected);
std::optional<std::string> optional_text(const Fields& fields, std::string_view name,
                                         const std::string& expected);
double seconds_of(const Field& field, double max_seconds);
bool flag_of(const Field& field);
std::string path_of(const Field& field);  // a readable file; resolved against the config's dir
// A secret given inline (`inline_name`) or as a file (`file_name`, bounded, recorded in
// `files_read` for the rotation watch), never both; never quoted in a message.
std::optional<std::string> read_secret(const Fields& fields, std::string_view inline_name,
                                       std::string_view file_name, const std::string& expected,
                                       std::vector<FileRead>& files_read);

// Request shape (request_fields.cpp): url, timeout, method, auth and secrets, headers, payload.
// `complete` is false while `defaults:` is checked on its own: checks that need the whole target
// (a url, auth_pass with auth_user, ...) wait until it is merged into one.
void read_request_fields(const Fields& fields, bool complete, Target& target);

// Schedule, connection, TLS, proxy and body limits (connection_fields.cpp). `complete` as above:
// max_body_size is held against the body_limit of the whole target.
void read_connection_fields(const Fields& fields, bool complete, Target& target);

// oauth2: (oauth2_fields.cpp), after the credentials and headers it excludes.
void read_oauth2(const Fields& fields, bool complete, Target& target);

// expect_* (expectation_fields.cpp).
void read_expectation_fields(const Fields& fields, Target& target);
// expect_json's map of paths to values and operators (json_expectation_fields.cpp).
std::vector<JsonExpectation> read_json_expectations(const Field& field);

// labels: for sitter_target_info (label_fields.cpp).
void read_label_fields(const Fields& fields, Target& target);

}  // namespace epsitter::detail
