// One resource (Services or Ingresses of a namespace, or of all) as the API server last described
// it: its annotated objects, trimmed, and the resourceVersion a watch resumes from. Pure state.
#include "discovery/resource_mirror.hpp"

#include <algorithm>

namespace epsitter {
namespace {

bool same_objects(const ObjectMap& a, const ObjectMap& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.first == y.first && *x.second == *y.second;
  });
}

}  // namespace

void Listing::add_items(ObjectKind kind, const nlohmann::json& page_items) {
  if (!page_items.is_array()) return;
  for (const nlohmann::json& item : page_items) {
    ++items;
    const std::optional<std::string> key = object_key(item);
    if (!key) {
      ++malformed;
      continue;
    }
    if (auto trimmed = trim_object(kind, item)) {
      objects[*key] = std::make_shared<const nlohmann::json>(std::move(*trimmed));
    }
  }
}

bool ResourceMirror::replace(Listing listing, std::string resource_version) {
  resource_version_ = std::move(resource_version);
  const bool changed = !same_objects(objects_, listing.objects);
  objects_ = std::move(listing.objects);
  return changed;
}

// cppcheck-suppress constParameter ; `problem` is written when the object has no name
bool ResourceMirror::apply(const WatchEvent& event, std::string& problem) {
  const std::string version = resource_version_of(event.object);
  if (!version.empty()) resource_version_ = version;
  if (event.type == WatchEvent::Type::bookmark || event.type == WatchEvent::Type::error) {
    return false;
  }
  const std::optional<std::string> key = object_key(event.object);
  if (!key) {
    problem = std::string{kind_name(kind_)} + " without metadata.name or metadata.namespace";
    return false;
  }
  const auto found = objects_.find(*key);
  std::optional<nlohmann::json> trimmed;
  if (event.type != WatchEvent::Type::deleted) trimmed = trim_object(kind_, event.object);
  if (!trimmed) {  // deleted, or no longer annotated
    if (found == objects_.end()) return false;
    objects_.erase(found);
    return true;
  }
  if (found != objects_.end() && *found->second == *trimmed) return false;
  objects_[*key] = std::make_shared<const nlohmann::json>(std::move(*trimmed));
  return true;
}

void ResourceMirror::append_to(DiscoveredObjects& out) const {
  for (const auto& [key, object] : objects_) out.push_back({kind_, key, object});
}

}  // namespace epsitter
