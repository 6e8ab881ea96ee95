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

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace doseplan {

// One thing that is wrong.
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
