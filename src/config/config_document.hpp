// The config file's one YAML document, loaded within the load's expansion budget.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/yaml_fields.hpp"

namespace epsitter {

// The text's only document, which must be a map. PyYAML's safe_load refused a stream of several
// documents, so a second one is an error here too. Aliases are charged to root's budget before
// yaml-cpp builds a tree that would expand them. Throws ConfigError (file, line, column) at root.
YAML::Node load_config_document(const std::string& yaml_text, const detail::Where& root);

}  // namespace epsitter
