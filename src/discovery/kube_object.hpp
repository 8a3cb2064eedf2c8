// The Kubernetes objects discovery keeps: annotated Services and Ingresses, trimmed to what turning
// them into targets needs.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epsitter {

enum class ObjectKind { service, ingress };

// "Service", "Ingress": as Kubernetes spells the kind (for messages).
std::string_view kind_name(ObjectKind kind);
// "service", "ingress": the `source` of the targets made from it.
std::string_view source_name(ObjectKind kind);

// Every annotation epsitter reads starts with this.
inline constexpr std::string_view kAnnotationPrefix = "epsitter.io/";

struct DiscoveredObject {
  ObjectKind kind;
  std::string key;                               // NAMESPACE/NAME
  std::shared_ptr<const nlohmann::json> object;  // trimmed (see trim_object)
};
using DiscoveredObjects = std::vector<DiscoveredObject>;

// NAMESPACE/NAME of an object, or nullopt when its metadata lacks either (a malformed object).
std::optional<std::string> object_key(const nlohmann::json& object);

// The parts of `object` that make its targets: metadata.name, .namespace and the epsitter.io/
// annotations; spec.ports, .type and .selector (Service) or spec.rules and spec.tls (Ingress).
// nullopt for an object with no epsitter.io/ annotation: discovery never keeps those, however many
// the cluster holds. The resourceVersion is left out, so that an unrelated change (a new label, a
// status update) compares equal and changes nothing.
std::optional<nlohmann::json> trim_object(ObjectKind kind, const nlohmann::json& object);

}  // namespace epsitter
