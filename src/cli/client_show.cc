// `suanli show`: prints a model's summary or one raw field.
#include "cli/client_show.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "cli/client_common.h"
#include "cli/client_format.h"
#include "cli/commands.h"

namespace suanli::cli {

namespace {

using json = nlohmann::json;

std::string NumberText(const json& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  const double d = value.get<double>();
  if (d == std::trunc(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<int64_t>(d));
  return value.dump();
}

std::vector<std::string> Fields(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

// The first `n` non-empty trimmed lines, then "..." when there are more.
std::vector<std::vector<std::string>> Head(const std::string& text, int n) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  int count = 0;
  for (std::string line; std::getline(in, line);) {
    const size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    line = line.substr(b, line.find_last_not_of(" \t\r") - b + 1);
    if (++count <= n) rows.push_back({"", line});
  }
  if (count > n) rows.push_back({"", "..."});
  return rows;
}

void Section(std::string& out, const char* header, const std::vector<std::vector<std::string>>& rows) {
  out += std::string("  ") + header + "\n" + RenderTable(rows) + "\n";
}

struct ShowFlags {
  std::string model;
  bool license = false, modelfile = false, parameters = false, template_ = false, system = false, verbose = false;
};

int RunShow(const ShowFlags& f) {
  const int set = f.license + f.modelfile + f.parameters + f.template_ + f.system;
  if (set > 1) {
    return PrintError(InvalidArgumentError(
        "only one of '--license', '--modelfile', '--parameters', '--system', or '--template' can be specified"));
  }
  api::ApiClient client = ClientFromEnv();
  json request = {{"model", f.model}};
  if (f.verbose) request["verbose"] = true;
  auto show = client.Post("/api/show", request);
  if (!show.ok()) {
    if (show.status().code() == StatusCode::kNotFound) {
      return PrintError(NotFoundError("model '" + f.model + "' not found"));
    }
    return PrintError(show.status());
  }
  if (f.license) std::printf("%s\n", JsonString(*show, "license").c_str());
  if (f.modelfile) std::printf("%s\n", JsonString(*show, "modelfile").c_str());
  if (f.parameters) std::printf("%s\n", JsonString(*show, "parameters").c_str());
  if (f.system) std::printf("%s", JsonString(*show, "system").c_str());
  if (f.template_) std::printf("%s", JsonString(*show, "template").c_str());
  if (set == 0) std::printf("%s", FormatShowInfo(*show).c_str());
  return 0;
}

}  // namespace

std::string FormatShowInfo(const json& show) {
  std::string out;
  const json& details = JsonField(show, "details");
  const json& info = JsonField(show, "model_info");
  std::vector<std::vector<std::string>> rows;
  if (info.is_object() && !info.empty()) {
    const std::string arch = JsonString(info, "general.architecture");
    rows.push_back({"", "architecture", arch});
    std::string params = JsonString(details, "parameter_size");
    if (params.empty() && info.contains("general.parameter_count") && info["general.parameter_count"].is_number()) {
      params = HumanNumber(info["general.parameter_count"].get<uint64_t>());
    }
    rows.push_back({"", "parameters", params});
    for (const auto& [key, label] :
         {std::pair{".context_length", "context length"}, std::pair{".embedding_length", "embedding length"}}) {
      auto it = info.find(arch + key);
      if (it != info.end() && it->is_number()) rows.push_back({"", label, NumberText(*it)});
    }
  } else {
    rows.push_back({"", "architecture", JsonString(details, "family")});
    rows.push_back({"", "parameters", JsonString(details, "parameter_size")});
  }
  rows.push_back({"", "quantization", JsonString(details, "quantization_level")});
  Section(out, "Model", rows);

  const json& capabilities = JsonField(show, "capabilities");
  if (capabilities.is_array() && !capabilities.empty()) {
    rows.clear();
    for (const auto& c : capabilities) {
      if (c.is_string()) rows.push_back({"", c.get<std::string>()});
    }
    Section(out, "Capabilities", rows);
  }

  const std::string parameters = JsonString(show, "parameters");
  if (!parameters.empty()) {
    rows.clear();
    std::istringstream in(parameters);
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> fields = Fields(line);
      if (fields.empty()) continue;
      fields.insert(fields.begin(), "");
      rows.push_back(std::move(fields));
    }
    Section(out, "Parameters", rows);
  }
  if (const std::string system = JsonString(show, "system"); !system.empty()) Section(out, "System", Head(system, 2));
  if (const std::string license = JsonString(show, "license"); !license.empty())
    Section(out, "License", Head(license, 2));
  return out;
}

StatusOr<json> ShowModel(const api::ApiClient& client, const std::string& name) {
  auto show = client.Post("/api/show", {{"model", name}});
  if (!show.ok() && show.status().code() == StatusCode::kNotFound) {
    return NotFoundError("model '" + name + "' not found");
  }
  return show;
}

CommandFn RegisterShowCommand(CLI::App& app) {
  auto flags = std::make_shared<ShowFlags>();
  CLI::App* cmd = app.add_subcommand("show", "Show information for a model");
  cmd->add_option("MODEL", flags->model, "Model name")->required();
  cmd->add_flag("--license", flags->license, "Show license of a model");
  cmd->add_flag("--modelfile", flags->modelfile, "Show Modelfile of a model");
  cmd->add_flag("--parameters", flags->parameters, "Show parameters of a model");
  cmd->add_flag("--template", flags->template_, "Show template of a model");
  cmd->add_flag("--system", flags->system, "Show system message of a model");
  cmd->add_flag("-v,--verbose", flags->verbose, "Show detailed model information");
  return [flags] { return RunShow(*flags); };
}

}  // namespace suanli::cli
