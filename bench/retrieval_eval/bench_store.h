// A throw-away RAG store for the benchmarks: a temporary folder (removed on
// destruction) holding a CollectionManager configured exactly as the server
// configures its own (UseSuanliKeywordSearch, default index settings).
// Thread-safety: that of CollectionManager.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "rag/collection_manager.h"

namespace suanli::bench {

class BenchStore {
 public:
  // Creates the folder under $TMPDIR (or /tmp). `configure` may change the
  // options after the server's settings are applied (null: none).
  static StatusOr<std::unique_ptr<BenchStore>> Create(const std::function<void(rag::StoreOptions*)>& configure = {});
  ~BenchStore();

  rag::CollectionManager& manager() { return *manager_; }
  const rag::StoreOptions& options() const { return options_; }
  const std::string& root() const { return root_; }

 private:
  BenchStore() = default;
  std::string root_;
  rag::StoreOptions options_;
  std::unique_ptr<rag::CollectionManager> manager_;
};

}  // namespace suanli::bench
