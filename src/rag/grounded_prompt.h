// Grounded prompts: put retrieved passages into a prompt as numbered sources
// with an instruction to answer only from them and cite them as [n]. The
// language of the default instruction (English or Chinese) follows the
// script of the question. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace suanli::rag {

// One retrieved passage, numbered from 1 in the order given.
struct PromptSource {
  std::string source;  // where it came from (file name, URL)
  std::string text;
};

enum class PromptLanguage { kEnglish, kChinese };

// kChinese when Han ideographs make up at least 30 % of the question's
// letters (ASCII letters and digits count as letters too), else kEnglish.
PromptLanguage DetectQuestionLanguage(std::string_view question);

// The built-in templates. Both contain the placeholders {context} and
// {question}.
std::string_view DefaultGroundedTemplate(PromptLanguage language);

// "[1] (source)\ntext\n\n[2] ..." -- the {context} block.
std::string FormatSources(const std::vector<PromptSource>& sources);

// Fills `prompt_template` (or the default for the question's language when
// it is empty). InvalidArgument when a given template lacks {context} or
// {question}. Each placeholder is replaced once, at its first occurrence;
// text that comes from documents or the question is never re-scanned for
// placeholders.
StatusOr<std::string> BuildGroundedPrompt(std::string_view question, const std::vector<PromptSource>& sources,
                                          std::string_view prompt_template = {});

}  // namespace suanli::rag
