// LineEditor: line editing for the REPL on libedit (emacs keys, history
// file). Ctrl+C while editing returns kInterrupted instead of raising
// SIGINT; Ctrl+D on an empty line returns kEof. Not thread-safe: one editor,
// used from the REPL's thread.
#pragma once

#include <histedit.h>

#include <memory>
#include <string>

namespace suanli::cli {

class LineEditor {
 public:
  enum class Result { kLine, kInterrupted, kEof };

  // `history_path` is loaded now and saved after each entry; "" keeps the
  // history in memory only. Stdin and stdout must be terminals.
  explicit LineEditor(std::string history_path);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  // Reads one line (without its newline) after showing `prompt`. On
  // kInterrupted `line` holds what had been typed.
  Result ReadLine(const std::string& prompt, std::string* line);

  // Adds a non-empty line to the history (and to the file when saving).
  void AddHistory(const std::string& line);
  // /set history | nohistory: whether entries are written to the file.
  void SetSaving(bool saving) { saving_ = saving && !history_path_.empty(); }

 private:
  static char* PromptFn(EditLine* el);
  static unsigned char InterruptFn(EditLine* el, int ch);
  static unsigned char DeleteOrEofFn(EditLine* el, int ch);

  std::string history_path_;
  bool saving_;
  std::string prompt_;
  bool interrupted_ = false;
  EditLine* el_ = nullptr;
  History* history_ = nullptr;
};

}  // namespace suanli::cli
