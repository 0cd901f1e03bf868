// The REPL's slash commands, with Ollama's wording (cmd/interactive.go).
#include <cstdio>
#include <sstream>
#include <vector>

#include "cli/client_common.h"
#include "cli/client_params.h"
#include "cli/client_show.h"
#include "cli/repl.h"

namespace suanli::cli {

namespace {

using json = nlohmann::json;

void Usage() {
  std::fputs(
      "Available Commands:\n"
      "  /set            Set session variables\n"
      "  /show           Show model information\n"
      "  /clear          Clear session context\n"
      "  /bye            Exit\n"
      "  /?, /help       Help for a command\n"
      "  /? shortcuts    Help for keyboard shortcuts\n"
      "\n"
      "Use \"\"\" to begin a multi-line message.\n"
      "\n",
      stderr);
}

void UsageSet() {
  std::fputs(
      "Available Commands:\n"
      "  /set parameter ...     Set a parameter\n"
      "  /set system <string>   Set system message\n"
      "  /set history           Enable history\n"
      "  /set nohistory         Disable history\n"
      "  /set wordwrap          Enable wordwrap\n"
      "  /set nowordwrap        Disable wordwrap\n"
      "  /set format json       Enable JSON mode\n"
      "  /set noformat          Disable formatting\n"
      "  /set verbose           Show LLM stats\n"
      "  /set quiet             Disable LLM stats\n"
      "  /set think             Enable thinking\n"
      "  /set nothink           Disable thinking\n"
      "\n",
      stderr);
}

void UsageShortcuts() {
  std::fputs(
      "Available keyboard shortcuts:\n"
      "  Ctrl + a            Move to the beginning of the line (Home)\n"
      "  Ctrl + e            Move to the end of the line (End)\n"
      "   Alt + b            Move back (left) one word\n"
      "   Alt + f            Move forward (right) one word\n"
      "  Ctrl + k            Delete the sentence after the cursor\n"
      "  Ctrl + u            Delete the sentence before the cursor\n"
      "  Ctrl + w            Delete the word before the cursor\n"
      "\n"
      "  Ctrl + l            Clear the screen\n"
      "  Ctrl + c            Stop the model from responding\n"
      "  Ctrl + d            Exit suanli (/bye)\n"
      "\n",
      stderr);
}

void UsageShow() {
  std::fputs(
      "Available Commands:\n"
      "  /show info         Show details for this model\n"
      "  /show license      Show model license\n"
      "  /show modelfile    Show Modelfile for this model\n"
      "  /show parameters   Show parameters for this model\n"
      "  /show system       Show system message\n"
      "  /show template     Show prompt template\n"
      "\n",
      stderr);
}

void UsageParameters() {
  std::fputs(
      "Available Parameters:\n"
      "  /set parameter seed <int>             Random number seed\n"
      "  /set parameter num_predict <int>      Max number of tokens to predict\n"
      "  /set parameter top_k <int>            Pick from top k num of tokens\n"
      "  /set parameter top_p <float>          Pick token based on sum of probabilities\n"
      "  /set parameter min_p <float>          Pick token based on top token probability * min_p\n"
      "  /set parameter num_ctx <int>          Set the context size\n"
      "  /set parameter temperature <float>    Set creativity level\n"
      "  /set parameter repeat_penalty <float> How strongly to penalize repetitions\n"
      "  /set parameter repeat_last_n <int>    Set how far back to look for repetitions\n"
      "  /set parameter num_gpu <int>          The number of layers to send to the GPU\n"
      "  /set parameter stop <string> <string> ...   Set the stop parameters\n"
      "\n",
      stderr);
}

std::vector<std::string> Fields(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

std::string Join(const std::vector<std::string>& words, size_t from, const char* sep) {
  std::string out;
  for (size_t i = from; i < words.size(); ++i) out += (i > from ? sep : "") + words[i];
  return out;
}

// "/set" matches "/set" and "/set ...", not "/settings".
bool IsCommand(const std::string& line, const char* name) {
  const std::string n(name);
  return line == n || line.rfind(n + " ", 0) == 0 || line.rfind(n + "\t", 0) == 0;
}

// A value as Go's %v prints it: strings bare, lists as "[a b]".
std::string GoValueText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (!value.is_array()) return value.dump();
  std::string out = "[";
  for (size_t i = 0; i < value.size(); ++i) out += (i > 0 ? " " : "") + GoValueText(value[i]);
  return out + "]";
}

void HandleSet(ReplSession& s, const std::string& line, const std::vector<std::string>& args) {
  if (args.size() < 2) return UsageSet();
  const std::string& what = args[1];
  if (what == "parameter") {
    if (args.size() < 4) return UsageParameters();
    const std::vector<std::string> values(args.begin() + 3, args.end());
    auto value = ParseOptionValue(args[2], values);
    if (!value.ok()) {
      std::printf("Couldn't set parameter: \"%s\"\n", value.status().message().c_str());
      return;
    }
    s.settings.options[args[2]] = *value;
    std::printf("Set parameter '%s' to '%s'\n", args[2].c_str(), Join(values, 0, ", ").c_str());
  } else if (what == "system") {
    if (args.size() < 3) return UsageSet();
    // The text after "/set system", with its own spacing kept.
    std::string text = line.substr(line.find("system") + 6);
    text.erase(0, text.find_first_not_of(" \t"));
    if (text.rfind("\"\"\"", 0) == 0) {
      text.erase(0, 3);
      if (text.size() >= 3 && text.compare(text.size() - 3, 3, "\"\"\"") == 0) {
        text.resize(text.size() - 3);
      } else {
        s.buffer = text + "\n";
        s.multiline = Multiline::kSystem;
        return;
      }
    }
    s.buffer = text;
    CommitSystemMessage(s);
  } else if (what == "history") {
    s.editor->SetSaving(true);
  } else if (what == "nohistory") {
    s.editor->SetSaving(false);
  } else if (what == "wordwrap") {
    s.settings.word_wrap = true;
    std::printf("Set 'wordwrap' mode.\n");
  } else if (what == "nowordwrap") {
    s.settings.word_wrap = false;
    std::printf("Set 'nowordwrap' mode.\n");
  } else if (what == "verbose") {
    s.settings.verbose = true;
    std::printf("Set 'verbose' mode.\n");
  } else if (what == "quiet") {
    s.settings.verbose = false;
    std::printf("Set 'quiet' mode.\n");
  } else if (what == "format") {
    if (args.size() < 3 || args[2] != "json") {
      std::printf("Invalid or missing format. For 'json' mode use '/set format json'\n");
      return;
    }
    s.settings.format = "json";
    std::printf("Set format to 'json' mode.\n");
  } else if (what == "noformat") {
    s.settings.format.clear();
    std::printf("Disabled format.\n");
  } else if (what == "think") {
    s.settings.think = true;
    std::printf("Set 'think' mode.\n");
  } else if (what == "nothink") {
    s.settings.think = false;
    std::printf("Set 'nothink' mode.\n");
  } else {
    std::printf("Unknown command '/set %s'. Type /? for help\n", what.c_str());
  }
}

void HandleShow(ReplSession& s, const std::vector<std::string>& args) {
  if (args.size() < 2) return UsageShow();
  const std::string& what = args[1];
  if (what != "info" && what != "license" && what != "modelfile" && what != "parameters" && what != "system" &&
      what != "template") {
    std::printf("Unknown command '/show %s'. Type /? for help\n", what.c_str());
    return;
  }
  auto show = ShowModel(*s.client, s.settings.model);
  if (!show.ok()) {
    std::printf("error: couldn't get model: %s\n", show.status().message().c_str());
    return;
  }
  if (what == "info") {
    std::printf("%s", FormatShowInfo(*show).c_str());
  } else if (what == "license") {
    const std::string license = JsonString(*show, "license");
    std::printf("%s\n", license.empty() ? "No license was specified for this model." : license.c_str());
  } else if (what == "modelfile") {
    std::printf("%s\n", JsonString(*show, "modelfile").c_str());
  } else if (what == "parameters") {
    const std::string parameters = JsonString(*show, "parameters");
    if (parameters.empty()) {
      std::printf("No parameters were specified for this model.\n");
    } else {
      std::printf("Model defined parameters:\n%s\n", parameters.c_str());
    }
    if (!s.settings.options.empty()) {
      std::printf("User defined parameters:\n");
      for (const auto& [key, value] : s.settings.options.items()) {
        std::printf("%-30s %s\n", key.c_str(), GoValueText(value).c_str());
      }
      std::printf("\n");
    }
  } else if (what == "system") {
    const std::string system = !s.system.empty() ? s.system : JsonString(*show, "system");
    if (system.empty()) {
      std::printf("No system message was specified for this model.\n");
    } else {
      std::printf("%s\n\n", system.c_str());
    }
  } else if (what == "template") {
    const std::string tmpl = JsonString(*show, "template");
    std::printf("%s\n", tmpl.empty() ? "No prompt template was specified for this model." : tmpl.c_str());
  }
}

}  // namespace

void CommitSystemMessage(ReplSession& s) {
  s.system = s.buffer;
  s.buffer.clear();
  const json message = {{"role", "system"}, {"content", s.system}};
  if (!s.messages.empty() && JsonString(s.messages.back(), "role") == "system") {
    s.messages.back() = message;
  } else {
    s.messages.push_back(message);
  }
  std::printf("Set system message.\n");
}

SlashResult HandleSlashCommand(ReplSession& s, const std::string& line) {
  const std::vector<std::string> args = Fields(line);
  if (args.empty()) return SlashResult::kNotCommand;
  if (IsCommand(line, "/bye") || IsCommand(line, "/exit")) return SlashResult::kExit;
  if (IsCommand(line, "/clear")) {
    s.messages = json::array();
    if (!s.system.empty()) s.messages.push_back({{"role", "system"}, {"content", s.system}});
    std::printf("Cleared session context\n");
  } else if (IsCommand(line, "/set")) {
    HandleSet(s, line, args);
  } else if (IsCommand(line, "/show")) {
    HandleShow(s, args);
  } else if (IsCommand(line, "/help") || IsCommand(line, "/?")) {
    if (args.size() < 2) {
      Usage();
    } else if (args[1] == "set" || args[1] == "/set") {
      UsageSet();
    } else if (args[1] == "show" || args[1] == "/show") {
      UsageShow();
    } else if (args[1] == "shortcut" || args[1] == "shortcuts") {
      UsageShortcuts();
    } else {
      Usage();
    }
  } else {
    std::printf("Unknown command '%s'. Type /? for help\n", args[0].c_str());
  }
  std::fflush(stdout);
  return SlashResult::kHandled;
}

}  // namespace suanli::cli
