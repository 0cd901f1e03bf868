// CollectionManager: the collections under one root folder, one folder each
// (<root>/<name>/collection.db and vectors.faiss). Creation builds the whole
// folder under a temporary name and renames it into place, deletion renames
// it away before removing it, so a crash never leaves a half-made or
// half-deleted collection; leftovers of either are removed by Open.
//
// Thread-safety: all methods may be called concurrently. Collections are
// shared: Get returns the same open Collection to every caller, and a
// collection deleted while others hold it is closed first (its in-flight
// calls finish, later calls fail with NotFound), never destroyed under them.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "rag/collection.h"
#include "rag/store_options.h"

namespace suanli::rag {

// [A-Za-z0-9][A-Za-z0-9_.-]{0,63}: never a path, never hidden.
bool IsValidCollectionName(std::string_view name);

class CollectionManager {
 public:
  // Creates the root folder when missing and removes leftovers of
  // interrupted creates and deletes.
  static StatusOr<std::unique_ptr<CollectionManager>> Open(const StoreOptions& options);
  ~CollectionManager();

  // AlreadyExists when the name is taken; InvalidArgument for a bad name or
  // config (empty embed_model, chunk_size < 1, overlap outside [0, size)).
  StatusOr<std::shared_ptr<Collection>> Create(const std::string& name, const CollectionConfig& config);
  // The open collection; NotFound when there is none by that name.
  StatusOr<std::shared_ptr<Collection>> Get(const std::string& name);
  // Every collection with its stats, ordered by name. A collection that
  // cannot be opened is left out (and logged).
  StatusOr<std::vector<CollectionStats>> List();
  // Closes the collection and removes its folder. NotFound.
  Status Delete(const std::string& name);

 private:
  explicit CollectionManager(const StoreOptions& options);
  StatusOr<std::shared_ptr<Collection>> GetLocked(const std::string& name);
  std::string TempName(const char* prefix, const std::string& name);

  const StoreOptions options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Collection>> open_;  // GUARDED_BY(mu_)
  uint64_t counter_ = 0;                                      // GUARDED_BY(mu_)
};

}  // namespace suanli::rag
