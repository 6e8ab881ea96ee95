// Well-formed UTF-8 (Unicode 15, table 3-7), for the library's own checks: the tracker refuses
// notes that are not UTF-8, error messages escape bytes that are not, the JSON writer refuses
// them. One definition, inline (the JSON writer calls it for every non-ASCII sequence).
#ifndef DOSEPLAN_SRC_UTF8_HPP_
#define DOSEPLAN_SRC_UTF8_HPP_

#include <cstddef>
#include <string_view>

namespace doseplan::detail {

// Length of the well-formed UTF-8 sequence at the start of `s` (1 to 4), or 0 when there is none:
// a stray continuation byte, a sequence cut short, an overlong form, a surrogate, a code point
// above U+10FFFF, or an empty `s`.
inline std::size_t utf8_sequence(std::string_view s) {
  if (s.empty()) return 0;
  const auto b = [&s](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n || b(1) < lo || b(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  }
  return n;
}

// Whether all of `s` is well-formed UTF-8.
inline bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_UTF8_HPP_
