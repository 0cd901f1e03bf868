// NameLocks serialises the operations that write one model name (create,
// delete, copy to it, pull), while different names proceed in parallel:
//
//   auto guard = locks.Lock(name);  // blocks while another guard holds it
//
// Names are keyed canonically (ModelName::Key(): host/namespace/model/tag,
// lower case), so "Llama:latest" and "llama" share a lock. Entries exist only
// while a guard holds or waits for them.
// Thread-safety: all methods are thread-safe; a Guard may be moved to and
// released on another thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "store/model_name.h"

namespace suanli::store {

class NameLocks {
 public:
  // Holds one name's lock until destroyed (or moved from).
  class Guard {
   public:
    Guard() = default;
    Guard(Guard&& other) noexcept : owner_(other.owner_), key_(std::move(other.key_)) { other.owner_ = nullptr; }
    Guard& operator=(Guard&& other) noexcept;
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() { Release(); }
    // Releases the lock early; a no-op when not held.
    void Release();

   private:
    friend class NameLocks;
    Guard(NameLocks* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
    NameLocks* owner_ = nullptr;
    std::string key_;
  };

  NameLocks() = default;
  NameLocks(const NameLocks&) = delete;
  NameLocks& operator=(const NameLocks&) = delete;

  // Waits until no other guard holds `name`, then holds it.
  Guard Lock(const ModelName& name);
  // The same for a name in text; text that is not a valid model name is
  // keyed by its lower-cased self.
  Guard Lock(const std::string& name);

  // Names currently held or waited for (for tests).
  size_t size() const;

 private:
  struct Entry {
    bool held = false;
    int users = 0;  // the holder and the waiters
  };
  Guard LockKey(const std::string& key);
  void Unlock(const std::string& key);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Entry> entries_;  // GUARDED_BY(mu_)
};

}  // namespace suanli::store
