#include "rag/grounded_prompt.h"

#include "rag/unicode_text.h"

namespace suanli::rag {
namespace {

constexpr std::string_view kEnglishTemplate =
    "Answer the question using only the numbered sources below. Cite the sources you use as [n], "
    "for example [1] or [2][3]. If the sources do not contain the answer, say that you do not know.\n\n"
    "Sources:\n{context}\n\nQuestion: {question}\nAnswer:";

constexpr std::string_view kChineseTemplate =
    "请只根据下面编号的资料回答问题，并用 [n] 标注所引用的资料，例如 [1] 或 [2][3]。"
    "如果资料中没有答案，请说“根据已知信息无法回答该问题”，不要编造。\n\n"
    "资料：\n{context}\n\n问题：{question}\n回答：";

constexpr std::string_view kContext = "{context}";
constexpr std::string_view kQuestion = "{question}";

// Han ideographs only: kana or Hangul mark Japanese or Korean, not Chinese.
bool IsHanCharacter(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3134F);
}

bool IsAsciiAlnum(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

}  // namespace

PromptLanguage DetectQuestionLanguage(std::string_view question) {
  size_t cjk = 0, letters = 0;
  for (size_t i = 0; i < question.size();) {
    char32_t cp;
    i += DecodeUtf8At(question, i, &cp);
    if (IsHanCharacter(cp)) {
      ++cjk;
      ++letters;
    } else if (IsAsciiAlnum(cp)) {
      ++letters;
    }
  }
  return letters > 0 && cjk * 10 >= letters * 3 ? PromptLanguage::kChinese : PromptLanguage::kEnglish;
}

std::string_view DefaultGroundedTemplate(PromptLanguage language) {
  return language == PromptLanguage::kChinese ? kChineseTemplate : kEnglishTemplate;
}

std::string FormatSources(const std::vector<PromptSource>& sources) {
  std::string out;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (i > 0) out += "\n\n";
    out += "[" + std::to_string(i + 1) + "]";
    if (!sources[i].source.empty()) out += " (" + sources[i].source + ")";
    out += "\n";
    out += sources[i].text;
  }
  return out;
}

StatusOr<std::string> BuildGroundedPrompt(std::string_view question, const std::vector<PromptSource>& sources,
                                          std::string_view prompt_template) {
  if (prompt_template.empty()) prompt_template = DefaultGroundedTemplate(DetectQuestionLanguage(question));
  const size_t context_at = prompt_template.find(kContext);
  const size_t question_at = prompt_template.find(kQuestion);
  if (context_at == std::string_view::npos || question_at == std::string_view::npos) {
    return InvalidArgumentError("the rag prompt template must contain {context} and {question}");
  }
  const std::string context = FormatSources(sources);
  // Replace in the template only, first the later placeholder, so inserted
  // text is never scanned again.
  std::string out(prompt_template);
  if (context_at > question_at) {
    out.replace(context_at, kContext.size(), context);
    out.replace(question_at, kQuestion.size(), question);
  } else {
    out.replace(question_at, kQuestion.size(), question);
    out.replace(context_at, kContext.size(), context);
  }
  return out;
}

}  // namespace suanli::rag
