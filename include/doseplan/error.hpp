// doseplan — errors.
//
// Every failure the library reports is a doseplan::Error: one or more Problems, each with a stable
// id (listed in docs/errors.md), the place it concerns (a command-line field such as "weight", or
// "rules/cyclosporine-itp.json:/dose/range/min") and a message a person can act on.
//
// The library never prints and never exits: the command line turns an Error into a message on
// stderr and exit code 2 (bad input) in one place, src/cli/main.cpp.
#ifndef DOSEPLAN_ERROR_HPP_
#define DOSEPLAN_ERROR_HPP_

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace doseplan {

// Text as it may be printed: what an error message quotes, or what the tracker shows again from
// its store, is shown, never obeyed by the terminal.
//
// Text that can be shown on a terminal or in a log line as it is: valid UTF-8 without control
// characters (C0 and DEL, C1 such as NEL U+0085), line or paragraph separators (U+2028, U+2029)
// or bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), which could
// move the cursor, colour the terminal, break a line or reorder it. The offset of the first byte
// that is not so, or npos; with `allow_line_breaks`, a line feed and a tab are allowed.
std::size_t unprintable_at(std::string_view text, bool allow_line_breaks = false);

// `text` with every byte that is not UTF-8 and every C0 control or DEL written as \xNN, and every
// other character unprintable_at() finds written as \uNNNN; unchanged if it is printable. Every
// doseplan::Error passes its texts through it (src/core/error.cpp).
std::string printable(std::string text);

// What an error id means, in one English sentence ("A value is outside the allowed range; nothing
// is changed to fit."); every rules.* id: "A rules file has a problem."; empty for an unknown id.
// The CLI prints it in Chinese under the error with --lang zh-CN (docs/i18n.md).
std::string error_meaning(std::string_view id);

// A Problem's Chinese detail: `msgid`, the English sentence with named {placeholders}, looked up
// in the catalogue (po/zh_CN/errors.po) and filled with `values`, which are already Chinese
// (a range as "4–6 mg/(kg·天)", a field as "体重"); empty when the catalogue has no translation
// (then the CLI prints what the id means). Callers write a whole sentence: the value, the allowed
// range or the expected form with an example, its source, and what to do.
using ZhValues = std::vector<std::pair<std::string_view, std::string_view>>;
std::string zh_detail(std::string_view msgid, const ZhValues& values = {});

// `text` with the thousands separators of its numbers taken out ("1,260 mg" -> "1260 mg"): a
// Chinese detail writes numbers without them. Not for what the user typed, which is quoted as is.
std::string without_thousands(std::string text);

// One thing that is wrong.
struct Problem {
  std::string id;       // stable, e.g. "input.out_of_range"; see docs/errors.md
  std::string where;    // field name, or file + JSON pointer
  std::string message;  // what is wrong, the value, what was expected, and its source
  // The same in Simplified Chinese, with the allowed range and the fix (issue 16, finding 10);
  // empty where no Chinese detail is written yet: then the CLI prints what the id means.
  std::string message_zh = "";

  // "where: message [id]"
  std::string to_string() const;
};

// Bad input or bad rules: everything that was found wrong, not only the first problem.
class Error : public std::runtime_error {
 public:
  explicit Error(std::vector<Problem> problems);
  Error(std::string id, std::string where, std::string message, std::string message_zh = "");

  const std::vector<Problem>& problems() const { return problems_; }
  // Id of the first problem (convenience for callers and tests).
  const std::string& id() const { return problems_.front().id; }

 private:
  std::vector<Problem> problems_;
};

}  // namespace doseplan

#endif  // DOSEPLAN_ERROR_HPP_
