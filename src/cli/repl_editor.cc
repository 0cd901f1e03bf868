#include "cli/repl_editor.h"

#include <cstdio>

namespace suanli::cli {

LineEditor::LineEditor(std::string history_path)
    : history_path_(std::move(history_path)), saving_(!history_path_.empty()) {
  history_ = history_init();
  HistEvent ev;
  history(history_, &ev, H_SETSIZE, 1000);
  history(history_, &ev, H_SETUNIQUE, 1);
  if (!history_path_.empty()) history(history_, &ev, H_LOAD, history_path_.c_str());

  el_ = el_init("suanli", stdin, stdout, stderr);
  el_set(el_, EL_CLIENTDATA, this);
  el_set(el_, EL_EDITOR, "emacs");
  el_set(el_, EL_PROMPT, &LineEditor::PromptFn);
  el_set(el_, EL_HIST, history, history_);
  el_set(el_, EL_SIGNAL, 0);
  // While editing, Ctrl+C is a key (not SIGINT) bound to our interrupt.
  el_set(el_, EL_SETTY, "-d", "-isig", nullptr);
  el_set(el_, EL_ADDFN, "suanli-interrupt", "Discard the line", &LineEditor::InterruptFn);
  el_set(el_, EL_BIND, "^C", "suanli-interrupt", nullptr);
  // Ctrl+D: end of input on an empty line (without libedit's "^D" echo),
  // else delete the character under the cursor.
  el_set(el_, EL_ADDFN, "suanli-delete-or-eof", "Delete a character or end input", &LineEditor::DeleteOrEofFn);
  el_set(el_, EL_BIND, "^D", "suanli-delete-or-eof", nullptr);
  // Ollama's keys: Ctrl+W deletes the previous word, Ctrl+U the line before
  // the cursor.
  el_set(el_, EL_BIND, "^W", "ed-delete-prev-word", nullptr);
  el_set(el_, EL_BIND, "^U", "vi-kill-line-prev", nullptr);
  el_source(el_, nullptr);  // the user's ~/.editrc, if any
}

LineEditor::~LineEditor() {
  if (el_ != nullptr) el_end(el_);
  if (history_ != nullptr) history_end(history_);
}

char* LineEditor::PromptFn(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return static_cast<LineEditor*>(data)->prompt_.data();
}

unsigned char LineEditor::InterruptFn(EditLine* el, int) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  static_cast<LineEditor*>(data)->interrupted_ = true;
  return CC_NEWLINE;
}

unsigned char LineEditor::DeleteOrEofFn(EditLine* el, int) {
  const LineInfo* line = el_line(el);
  if (line->buffer == line->lastchar) return CC_EOF;
  if (line->cursor == line->lastchar) return CC_NORM;
  el_cursor(el, 1);
  el_deletestr(el, 1);
  return CC_REFRESH;
}

LineEditor::Result LineEditor::ReadLine(const std::string& prompt, std::string* line) {
  prompt_ = prompt;
  interrupted_ = false;
  int count = 0;
  const char* text = el_gets(el_, &count);
  if (text == nullptr || count <= 0) {
    line->clear();
    return interrupted_ ? Result::kInterrupted : Result::kEof;
  }
  line->assign(text, static_cast<size_t>(count));
  while (!line->empty() && (line->back() == '\n' || line->back() == '\r')) line->pop_back();
  return interrupted_ ? Result::kInterrupted : Result::kLine;
}

void LineEditor::AddHistory(const std::string& line) {
  if (line.empty()) return;
  HistEvent ev;
  history(history_, &ev, H_ENTER, line.c_str());
  if (saving_) history(history_, &ev, H_SAVE, history_path_.c_str());
}

}  // namespace suanli::cli
