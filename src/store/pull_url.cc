// Puller's URL pulls: a GGUF file downloaded with the same resumable,
// shared machinery as registry blobs (keyed by the URL's hash, since the
// digest is only known at the end), hashed, moved into the blob store and
// turned into a model by ModelStore::Create.
#include <cctype>
#include <cstdlib>

#include "base/sha256.h"
#include "net/http_fetch.h"
#include "store/pull.h"

namespace suanli::store {

StatusOr<std::string> Puller::NameForUrl(const std::string& url) {
  net::UrlParts parts;
  if (!net::SplitUrl(url, &parts)) return InvalidArgumentError("invalid URL '" + url + "'");
  std::string path = parts.path.substr(0, parts.path.find_first_of("?#"));
  std::string file = path.substr(path.find_last_of('/') + 1);
  std::string lower;
  for (char c : file) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.size() <= 5 || !lower.ends_with(".gguf")) {
    return InvalidArgumentError("a URL to pull must name a .gguf file");
  }
  lower.resize(lower.size() - 5);
  std::string name;
  for (char c : lower) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    const char out = ok ? c : '-';
    if (out == '.' && !name.empty() && name.back() == '.') continue;  // ".." is not allowed in names
    name += out;
  }
  while (!name.empty() && !(std::isalnum(static_cast<unsigned char>(name[0])) || name[0] == '_')) name.erase(0, 1);
  if (name.size() > 80) name.resize(80);
  if (name.empty()) return InvalidArgumentError("cannot derive a model name from the URL's file name");
  return name + ":latest";
}

Status Puller::PullFromUrl(const std::string& url, bool insecure, const PullProgressFn& progress,
                           const std::atomic<bool>& gone) {
  ASSIGN_OR_RETURN(std::string name, NameForUrl(url));
  RETURN_IF_ERROR(ParseModelName(name).status());
  auto guard = store_->name_locks().Lock(name);  // one writer per name
  net::FetchRequest head;
  head.method = "HEAD";
  head.url = url;
  head.headers = {{"User-Agent", options_.user_agent}};
  head.cancel = &gone;
  head.allow_http = insecure;
  head.allow_private_redirects = insecure;
  head.connect_timeout_s = options_.download.connect_timeout_s;
  head.stall_timeout_s = options_.download.stall_timeout_s;
  ASSIGN_OR_RETURN(net::FetchResponse info, net::HttpFetch(head));
  if (info.status == 404) return NotFoundError("the file at the URL does not exist (404)");
  if (info.status != 200) return UnavailableError("the server answered " + std::to_string(info.status) + " for the URL");
  const std::string length = info.Header("content-length");
  char* end = nullptr;
  const unsigned long long total = length.empty() ? 0 : std::strtoull(length.c_str(), &end, 10);
  if (length.empty() || *end != '\0' || length[0] == '-') {
    return UnavailableError("the server did not say how large the file is; it cannot be downloaded safely");
  }
  if (total > options_.limits.max_blob_bytes) return InvalidArgumentError("the file is larger than this server accepts");
  std::string validator = info.Header("etag");
  if (validator.empty()) validator = info.Header("last-modified");

  const std::string key = Sha256Hex(url);
  const std::string label = "pulling " + url.substr(url.find_last_of('/') + 1, 60);
  DownloadTarget target;
  target.url = url;
  target.partial_path = store_->root() + "/blobs/url-" + key + "-partial";
  target.source = "url:" + key;
  target.validator = validator;
  target.total = total;
  target.single_part = info.Header("accept-ranges") != "bytes";
  target.allow_http = insecure;
  target.allow_private_redirects = insecure;
  const std::string agent = options_.user_agent;
  target.headers = [agent] { return net::Headers{{"User-Agent", agent}}; };
  RETURN_IF_ERROR(downloads_.Fetch(
      target, [&](uint64_t completed, uint64_t size) { progress(PullProgress{label, "", size, completed, true}); },
      [&gone] { return gone.load(); }));

  progress(PullProgress{"verifying sha256 digest", "", 0, 0, false});
  ASSIGN_OR_RETURN(std::string digest, PartialDigest(target.partial_path));
  const bool is_new = !store_->HasBlob(digest);
  RETURN_IF_ERROR(downloads_.Commit(target.partial_path, store_->BlobPath(digest)));
  progress(PullProgress{"writing manifest", "", 0, 0, false});
  CreateSpec spec;
  spec.model_digest = digest;
  Status created = store_->Create(name, spec, [](const std::string&) {});
  if (!created.ok()) {
    if (is_new) store_->RemoveUnreferencedBlobs({digest});
    return created;
  }
  progress(PullProgress{"success", "", 0, 0, false});
  return OkStatus();
}

}  // namespace suanli::store
