// One resource (Services or Ingresses of a namespace, or of all) as the API server last described
// it: its annotated objects, trimmed, and the resourceVersion a watch resumes from. Pure state.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "discovery/kube_object.hpp"
#include "discovery/watch_event.hpp"

namespace epsitter {

using ObjectMap = std::map<std::string, std::shared_ptr<const nlohmann::json>>;  // by key

// Collects the items of a list, page after page, keeping only annotated ones.
struct Listing {
  ObjectMap objects;
  std::size_t items = 0;      // seen, annotated or not
  std::size_t malformed = 0;  // items without a name or namespace, skipped

  void add_items(ObjectKind kind, const nlohmann::json& items);
};

class ResourceMirror {
 public:
  explicit ResourceMirror(ObjectKind kind) : kind_(kind) {}

  // A complete list replaces everything. Returns whether the kept objects changed.
  bool replace(Listing listing, std::string resource_version);

  // One watch event (ADDED, MODIFIED, DELETED or BOOKMARK; ERROR is the caller's). Returns whether
  // the kept objects changed; an object without a name is skipped and described in `problem`.
  bool apply(const WatchEvent& event, std::string& problem);

  const std::string& resource_version() const { return resource_version_; }
  const ObjectMap& objects() const { return objects_; }
  void append_to(DiscoveredObjects& out) const;

 private:
  ObjectKind kind_;
  ObjectMap objects_;
  std::string resource_version_;
};

}  // namespace epsitter
