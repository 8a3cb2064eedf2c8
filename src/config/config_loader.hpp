// Reads the YAML config (the seed's `urls:` format) into validated Targets, or a ConfigError that
// names the file, line, column, field and bad value.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "config/target.hpp"

namespace epsitter {

struct Config {
  std::vector<Target> targets;  // in file order; names are unique
};

class ConfigError : public std::runtime_error {
 public:
  // `line` and `column` are 1-based; 0 when unknown (e.g. the file cannot be read).
  ConfigError(std::string file, int line, int column, std::string field, std::string message);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& field() const { return field_; }  // dotted path, e.g. urls.my_api.timeout

 private:
  std::string file_;
  int line_;
  int column_;
  std::string field_;
};

// Parses config text; `file_name` is only used in error messages. Throws ConfigError.
Config parse_config(const std::string& yaml_text, const std::string& file_name);

// Reads and parses the file at `path`. Throws ConfigError (also when the file cannot be read).
Config load_config_file(const std::string& path);

}  // namespace epsitter
