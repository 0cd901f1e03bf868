#include "cli/status_stream.h"

#include <algorithm>
#include <cstdio>

#include "cli/client_common.h"

namespace suanli::cli {

bool StatusStreamPrinter::OnLine(const nlohmann::json& line) {
  const std::string status = JsonString(line, "status");
  const int64_t total = JsonInt(line, "total");
  if (JsonField(line, "total").is_number() && total > 0) {
    const std::string digest = JsonString(line, "digest");
    auto& bar = bars_[digest.empty() ? status : digest];
    if (!bar) bar = std::make_unique<ProgressBar>(status, static_cast<uint64_t>(total));
    const int64_t completed = std::max<int64_t>(0, JsonInt(line, "completed"));
    bar->Set(static_cast<uint64_t>(completed));
    if (completed >= total) bar->Finish();
  } else if (!status.empty() && status != last_status_) {
    for (auto& [_, bar] : bars_) bar->Finish();
    std::fprintf(stderr, "%s\n", status.c_str());
    last_status_ = status;
  }
  return true;
}

}  // namespace suanli::cli
