#include "core/json_writer.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "core/utf8.hpp"

namespace doseplan::detail {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHigh = 0x8080808080808080ULL;

// The length of the well-formed UTF-8 sequence at `p`, or 0 (src/core/utf8.hpp).
std::size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  return utf8_sequence(
      std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p)));
}

[[noreturn]] void invalid_utf8(std::size_t index, unsigned char byte) {
  static const char* const kHex = "0123456789ABCDEF";
  throw std::invalid_argument("invalid UTF-8 byte at index " + std::to_string(index) + ": 0x" +
                              kHex[byte >> 4] + kHex[byte & 0xF]);
}

// The bytes of `x` that need a look (non-ASCII, below 0x20, '"' or '\'), as the high bit of
// each such byte: the classic "has a byte less than n" and "has a zero byte" tests. Every byte
// that needs a look is flagged; a borrow may also flag a plain byte above one that does, so the
// lowest flag is the first such byte, and a word without flags is all plain.
std::uint64_t special(std::uint64_t x) {
  const std::uint64_t control = (x - kOnes * 0x20) & ~x & kHigh;
  const std::uint64_t q = x ^ (kOnes * '"');
  const std::uint64_t quote = (q - kOnes) & ~q & kHigh;
  const std::uint64_t b = x ^ (kOnes * '\\');
  const std::uint64_t backslash = (b - kOnes) & ~b & kHigh;
  return (x & kHigh) | control | quote | backslash;
}

// Writes the character at `p` (one that needs a look: an escape, or a UTF-8 sequence) at `dst`.
const unsigned char* write_special(const unsigned char* p, const unsigned char* begin,
                                   const unsigned char* end, char*& dst) {
  const unsigned char c = *p;
  if (c >= 0x80) {  // this and the characters after it that are not ASCII (Chinese text)
    const unsigned char* q = p;
    do {
      // Most of it is Chinese: three bytes with a lead byte (E1-EC, EE, EF) that allows any
      // continuation bytes; others (E0, ED: overlongs and surrogates excluded) by utf8_sequence.
      const unsigned char lead = *q;
      if (end - q >= 3 && lead >= 0xE1 && lead <= 0xEF && lead != 0xED && (q[1] & 0xC0) == 0x80 &&
          (q[2] & 0xC0) == 0x80) {
        q += 3;
        continue;
      }
      const std::size_t n = utf8_length(q, end);
      if (n == 0) invalid_utf8(static_cast<std::size_t>(q - begin), *q);
      q += n;
    } while (q < end && *q >= 0x80);
    std::memcpy(dst, p, static_cast<std::size_t>(q - p));
    dst += q - p;
    return q;
  }
  const char* escape = nullptr;
  switch (c) {
    case '"':
      escape = "\\\"";
      break;
    case '\\':
      escape = "\\\\";
      break;
    case '\b':
      escape = "\\b";
      break;
    case '\f':
      escape = "\\f";
      break;
    case '\n':
      escape = "\\n";
      break;
    case '\r':
      escape = "\\r";
      break;
    case '\t':
      escape = "\\t";
      break;
    default:
      if (c >= 0x20) {  // plain after all (only when bytes are looked at one by one)
        *dst++ = static_cast<char>(c);
        return p + 1;
      }
      static const char* const kHex = "0123456789abcdef";
      const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      std::memcpy(dst, u, sizeof u);
      dst += sizeof u;
      return p + 1;
  }
  *dst++ = escape[0];
  *dst++ = escape[1];
  return p + 1;
}

// Room needed at `dst` to write `text` as a JSON string: every byte may become \u00XX, plus the
// quotes, plus the 8 bytes a block copy may write past the end.
std::size_t string_room(std::string_view text) {
  return 6 * text.size() + 2 + 8;
}

// Writes `text` as a JSON string at `dst` (string_room bytes free); returns the end.
char* write_json_string(char* dst, std::string_view text) {
  *dst++ = '"';
  const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* const end = begin + text.size();
  const unsigned char* p = begin;
  if constexpr (std::endian::native == std::endian::little) {
    while (end - p >= 8) {  // 8 bytes at a time
      std::uint64_t x;
      std::memcpy(&x, p, sizeof x);
      const std::uint64_t flagged = special(x);
      std::memcpy(dst, &x, sizeof x);  // 8 bytes written, the plain ones kept
      if (flagged == 0) {
        p += 8;
        dst += 8;
        continue;
      }
      const auto plain = static_cast<std::size_t>(std::countr_zero(flagged)) / 8;
      p += plain;
      dst += plain;
      p = write_special(p, begin, end, dst);
    }
    // The last 1 to 7 bytes of a string of 8 or more: the last 8 bytes are looked at again, those
    // already written shifted out.
    const auto left = static_cast<std::size_t>(end - p);
    if (left > 0 && text.size() >= 8) {
      std::uint64_t x;
      std::memcpy(&x, end - 8, sizeof x);
      const unsigned shift = static_cast<unsigned>(8 * (8 - left));
      if ((special(x) >> shift) == 0) {  // no false "plain": see special()
        x >>= shift;
        std::memcpy(dst, &x, sizeof x);  // `left` bytes kept
        dst += left;
        p = end;
      }
    }
  }
  while (p < end) {  // the last few bytes (or all, one by one)
    const unsigned char c = *p;
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      *dst++ = static_cast<char>(c);
      ++p;
    } else {
      p = write_special(p, begin, end, dst);
    }
  }
  *dst++ = '"';
  return dst;
}

// Writes `value` as nlohmann::json::dump() writes a double (at most 32 bytes); returns the end.
char* write_json_double(char* dst, double value) {
  auto put = [&dst](std::string_view s) {
    std::memcpy(dst, s.data(), s.size());
    dst += s.size();
  };
  if (!std::isfinite(value)) {
    put("null");
    return dst;
  }
  if (std::signbit(value)) {
    *dst++ = '-';
    value = -value;
  }
  if (value == 0) {
    put("0.0");
    return dst;
  }
  if (value < 1e15 && value == std::floor(value)) {  // most numbers of a plan: 310.0, 14.0
    dst = std::to_chars(dst, dst + 16, static_cast<std::int64_t>(value)).ptr;
    put(".0");
    return dst;
  }
  // The shortest digits that read back as `value`, and the power of ten of the first one.
  char sci[32];
  const auto [sci_end, ec] =
      std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
  if (ec != std::errc()) {  // cannot happen with 32 bytes; say null rather than write garbage
    put("null");
    return dst;
  }
  const char* const e = std::find(sci, sci_end, 'e');
  char digits[24];
  int k = 0;  // number of digits
  for (const char* q = sci; q < e; ++q)
    if (*q != '.') digits[k++] = *q;
  int exponent = 0;
  const char* q = e + 1;
  const bool negative_exponent = *q == '-';
  if (*q == '-' || *q == '+') ++q;
  std::from_chars(q, sci_end, exponent);
  if (negative_exponent) exponent = -exponent;
  // As nlohmann::detail::dtoa_impl::format_buffer, with its limits -4 and 15: the value is
  // digits x 10^(n - k).
  const int n = exponent + 1;
  const auto uk = static_cast<std::size_t>(k);
  if (k <= n && n <= 15) {  // 1234500.0
    put({digits, uk});
    std::memset(dst, '0', static_cast<std::size_t>(n - k));
    dst += n - k;
    put(".0");
  } else if (0 < n && n <= 15) {  // 12.345
    put({digits, static_cast<std::size_t>(n)});
    *dst++ = '.';
    put({digits + n, static_cast<std::size_t>(k - n)});
  } else if (-4 < n && n <= 0) {  // 0.0012345
    put("0.");
    std::memset(dst, '0', static_cast<std::size_t>(-n));
    dst += -n;
    put({digits, uk});
  } else {  // 1.2345e+20, 1e-05
    *dst++ = digits[0];
    if (k > 1) {
      *dst++ = '.';
      put({digits + 1, uk - 1});
    }
    int x = n - 1;
    put(x < 0 ? "e-" : "e+");
    x = std::abs(x);
    if (x < 10) *dst++ = '0';
    dst = std::to_chars(dst, dst + 4, x).ptr;
  }
  return dst;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  const std::size_t old = out.size();
  out.resize(old + string_room(text));
  try {
    const char* end = write_json_string(out.data() + old, text);
    out.resize(static_cast<std::size_t>(end - out.data()));
  } catch (...) {
    out.resize(old);
    throw;
  }
}

void append_json_double(std::string& out, double value) {
  const std::size_t old = out.size();
  out.resize(old + 32);
  const char* end = write_json_double(out.data() + old, value);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

void JsonWriter::grow(std::size_t n) {
  // Spare room is filled by resize (and cut off by the destructor); doubling keeps it cheap.
  out_.resize(std::max(len_ + n + 256, 2 * out_.size()));
}

char* JsonWriter::newline_and_indent(char* p, std::size_t depth) {
  *p++ = '\n';
  const std::size_t spaces = (base_depth_ + depth) * static_cast<std::size_t>(indent_);
  std::memset(p, ' ', spaces);
  return p + spaces;
}

void JsonWriter::separate() {
  if (depth_ == 0) return;  // the top-level value
  char* p = room(2 + (base_depth_ + depth_) * static_cast<std::size_t>(indent_ < 0 ? 0 : indent_));
  if (has_items_[depth_ - 1]) *p++ = ',';
  has_items_[depth_ - 1] = true;
  if (indent_ >= 0) p = newline_and_indent(p, depth_);
  commit(p);
}

void JsonWriter::too_deep() {
  throw std::length_error("JSON nested too deep");
}

void JsonWriter::indented_close(char bracket) {
  const bool any = has_items_[--depth_];
  char* p = room(2 + (base_depth_ + depth_) * static_cast<std::size_t>(indent_ < 0 ? 0 : indent_));
  if (any && indent_ >= 0) p = newline_and_indent(p, depth_);
  *p++ = bracket;
  commit(p);
}

void JsonWriter::indented_key(JsonKey k) {
  const std::size_t spaces =
      (base_depth_ + depth_) * static_cast<std::size_t>(indent_ < 0 ? 0 : indent_);
  char* p = room(k.size() + spaces + 6);
  if (has_items_[depth_ - 1]) *p++ = ',';
  has_items_[depth_ - 1] = true;
  if (indent_ >= 0) p = newline_and_indent(p, depth_);
  *p++ = '"';
  std::memcpy(p, k.data(), k.size());
  p += k.size();
  *p++ = '"';
  *p++ = ':';
  if (indent_ >= 0) *p++ = ' ';
  commit(p);
  after_key_ = true;
}

void JsonWriter::string(std::string_view s) {
  before_value();
  commit(write_json_string(room(string_room(s)), s));
}

void JsonWriter::boolean(bool b) {
  before_value();
  const std::string_view text = b ? "true" : "false";
  char* p = room(text.size());
  std::memcpy(p, text.data(), text.size());
  commit(p + text.size());
}

void JsonWriter::integer(std::int64_t i) {
  before_value();
  char* p = room(24);
  commit(std::to_chars(p, p + 24, i).ptr);
}

void JsonWriter::number(double d) {
  before_value();
  commit(write_json_double(room(32), d));
}

void JsonWriter::null() {
  before_value();
  char* p = room(4);
  std::memcpy(p, "null", 4);  // NOLINT(bugprone-not-null-terminated-result): JSON text, no NUL
  commit(p + 4);
}

void JsonWriter::raw(std::string_view json) {
  before_value();
  char* p = room(json.size());
  std::memcpy(p, json.data(), json.size());
  commit(p + json.size());
}

}  // namespace doseplan::detail
