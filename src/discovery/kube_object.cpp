// The Kubernetes objects discovery keeps: annotated Services and Ingresses, trimmed to what turning
// them into targets needs.
#include "discovery/kube_object.hpp"

namespace epsitter {
namespace {

using nlohmann::json;

const json* member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

std::optional<std::string> string_member(const json& object, const char* name) {
  const json* value = member(object, name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

void copy_member(const json& from, json& to, const char* name) {
  if (const json* value = member(from, name)) to[name] = *value;
}

}  // namespace

std::string_view kind_name(ObjectKind kind) {
  return kind == ObjectKind::service ? "Service" : "Ingress";
}

std::string_view source_name(ObjectKind kind) {
  return kind == ObjectKind::service ? "service" : "ingress";
}

std::optional<std::string> object_key(const json& object) {
  const json* metadata = member(object, "metadata");
  if (metadata == nullptr) return std::nullopt;
  const auto name = string_member(*metadata, "name");
  const auto namespace_ = string_member(*metadata, "namespace");
  if (!name || !namespace_ || name->empty() || namespace_->empty()) return std::nullopt;
  return *namespace_ + "/" + *name;
}

std::optional<json> trim_object(ObjectKind kind, const json& object) {
  const json* metadata = member(object, "metadata");
  const json* annotations = metadata != nullptr ? member(*metadata, "annotations") : nullptr;
  if (annotations == nullptr || !annotations->is_object()) return std::nullopt;
  json ours = json::object();
  for (const auto& [name, value] : annotations->items()) {
    if (name.compare(0, kAnnotationPrefix.size(), kAnnotationPrefix) == 0) ours[name] = value;
  }
  if (ours.empty()) return std::nullopt;
  json trimmed = {{"metadata", json::object()}, {"spec", json::object()}};
  copy_member(*metadata, trimmed["metadata"], "name");
  copy_member(*metadata, trimmed["metadata"], "namespace");
  trimmed["metadata"]["annotations"] = std::move(ours);
  if (const json* spec = member(object, "spec")) {
    if (kind == ObjectKind::service) {
      copy_member(*spec, trimmed["spec"], "ports");
      copy_member(*spec, trimmed["spec"], "type");      // ExternalName and selector-less Services
      copy_member(*spec, trimmed["spec"], "selector");  // reach hosts of anyone's choosing
    } else {
      copy_member(*spec, trimmed["spec"], "rules");
      copy_member(*spec, trimmed["spec"], "tls");
    }
  }
  return trimmed;
}

}  // namespace epsitter
