// Internal: the small text helpers of the parsers of typed text (src/core/units.cpp) and of the
// tracker's checks of labels, notes and dates (src/tracker/text_checks.cpp). One definition each.
#ifndef DOSEPLAN_SRC_CORE_TEXT_HPP_
#define DOSEPLAN_SRC_CORE_TEXT_HPP_

#include <string>
#include <string_view>

namespace doseplan::detail {

// ASCII white space: space, tab, newline, carriage return, form feed, vertical tab.
inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// `s` without the ASCII white space at its two ends.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// `s` in double quotes, as an error message shows what was typed.
inline std::string in_quotes(std::string_view s) {
  return '"' + std::string(s) + '"';
}

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_CORE_TEXT_HPP_
