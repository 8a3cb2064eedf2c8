// The config file's one YAML document, loaded within the load's expansion budget.
#include "config/config_document.hpp"

#include <algorithm>
#include <cstddef>

#include "config/expansion_budget.hpp"
#include "config/number_parsing.hpp"
#include "config/yaml_documents.hpp"

namespace epsitter {
namespace {

using detail::Where;

// Charges the budget with the text's first document, aliases expanded, before yaml-cpp builds its
// tree (which costs ~470 bytes a value, and whose walks follow every alias), when the text needs
// it; false when it is for charge_built to charge once the tree is built.
bool charge_before_building(const std::string& yaml_text, const Where& root) {
  ExpansionBudget& budget = *root.context->budget;
  if (!budget.needs_measuring(yaml_text)) return false;
  try {
    budget.charge_document(yaml_text);
  } catch (const ExpansionExceeded& error) {
    Where{root.context, error.field()}.fail(error.mark(), error.what());
  } catch (const YAML::Exception& error) {
    root.fail(error.mark, "invalid YAML: " + error.msg);
  }
  return true;
}

void charge_built(const YAML::Node& node, const Where& where) {
  try {
    where.context->budget->charge_tree(node);
  } catch (const ExpansionExceeded& error) {
    where.fail(error.mark(), error.what());
  }
}

}  // namespace

YAML::Node load_config_document(const std::string& yaml_text, const Where& root) {
  const bool charged = charge_before_building(yaml_text, root);
  // A config is almost always one block map without "---": parsed once. Anything else is counted
  // first, then loaded.
  if (auto document = load_sole_block_map(yaml_text)) {
    if (!charged) charge_built(*document, root);
    return *document;
  }
  DocumentCount documents;
  YAML::Node document;
  try {
    documents = count_documents(yaml_text);  // bounded: YAML::LoadAll may never return
    if (documents.count == 1) document = YAML::Load(yaml_text);
  } catch (const YAML::Exception& error) {
    root.fail(error.mark, "invalid YAML: " + error.msg);
  }
  const std::string expected = "expected a map with a \"urls\" key";
  if (documents.count == 0) root.fail(YAML::Mark::null_mark(), "the file is empty: " + expected);
  if (documents.stuck) {
    const auto pos = static_cast<std::size_t>(std::max(documents.second_start.pos, 0));
    const std::string token = pos < yaml_text.size() ? yaml_text.substr(pos, 1) : "";
    root.fail(documents.second_start, "invalid YAML: unexpected " + detail::quote(token));
  }
  if (documents.count > 1) {
    root.fail(documents.second_start, "found a second YAML document (---): expected only one");
  }
  if (document.IsNull()) root.fail(document.Mark(), "the document is empty: " + expected);
  if (!document.IsMap()) {
    root.fail(document.Mark(), expected + ", got " + detail::describe(document));
  }
  if (!charged) charge_built(document, root);
  return document;
}

}  // namespace epsitter
