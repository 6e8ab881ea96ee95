// Internal: writing JSON straight into a std::string, without building a tree.
//
// The bytes are those of nlohmann::json::dump(indent) for the same values and key order: with
// `indent` < 0 one line with no spaces ({"a":1,"b":[true,"x"]}); with `indent` >= 0 one member
// or element per line, `indent` spaces per level, ": " after keys, and empty objects and arrays
// as {} and []. Strings are escaped as dump() escapes them (ensure_ascii off): \" \\ \b \f \n \r
// \t, other control characters as \u00XX (lower-case hex), everything else (UTF-8) as it is.
// Invalid UTF-8 is refused (std::invalid_argument), never written. Integers are written as
// integers; a double as the shortest decimal that reads back as the same double (std::to_chars),
// laid out as nlohmann lays it out: 310.0, 0.5, 1e+20, 1e-05; NaN and infinities as null.
// (nlohmann's Grisu2 sometimes writes 17 digits where fewer name the same double:
// 152.57442699999999 for 152.574427. The number is the same; the text here is the shorter.)
#ifndef DOSEPLAN_SRC_JSON_WRITER_HPP_
#define DOSEPLAN_SRC_JSON_WRITER_HPP_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace doseplan::detail {

// Appends `text` to `out` as a JSON string, quotes included.
void append_json_string(std::string& out, std::string_view text);

// Appends `value` as nlohmann::json::dump() writes a double.
void append_json_double(std::string& out, double value);

// A member name written in the source: checked when the program is compiled (printable ASCII,
// nothing to escape), then copied as it is. A name that would need escaping does not compile.
class JsonKey {
 public:
  template <std::size_t N>
  consteval JsonKey(const char (&name)[N]) : name_(name), size_(N - 1) {  // NOLINT: implicit
    for (std::size_t i = 0; i + 1 < N; ++i) {
      const auto c = static_cast<unsigned char>(name[i]);
      if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
        throw "a JSON key written by doseplan must be printable ASCII with nothing to escape";
      }
    }
  }
  const char* data() const { return name_; }
  std::size_t size() const { return size_; }

 private:
  const char* name_;
  std::size_t size_;
};

class JsonWriter {
 public:
  // Writes into `out` from offset `at` (at <= out.size()). The writer uses `out` as a buffer: it
  // may make it longer than the text (spare room, whatever bytes), so the text is the first end()
  // bytes; out.resize(end()) leaves only them. `indent` as for nlohmann::json::dump. With
  // `depth`, the value will be placed at that depth inside another document (see raw()): its
  // lines are indented as they will be there.
  JsonWriter(std::string& out, std::size_t at, int indent = -1, int depth = 0)
      : out_(out), len_(at), indent_(indent), base_depth_(static_cast<std::size_t>(depth)) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  // Where the text written so far ends in `out`.
  std::size_t end() const { return len_; }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // The next member's key: a value (or begin_object / begin_array) must follow. Inline: a plan
  // has about five hundred keys, and on one line (indent < 0) each is a few stores.
  void key(JsonKey k) {
    if (indent_ >= 0) return indented_key(k);
    char* p = room(k.size() + 4);
    if (has_items_[depth_ - 1]) *p++ = ',';
    has_items_[depth_ - 1] = true;
    *p++ = '"';
    std::memcpy(p, k.data(), k.size());
    p += k.size();
    *p++ = '"';
    *p++ = ':';
    commit(p);
    after_key_ = true;
  }

  void string(std::string_view s);
  // A string written in the source (a unit, a slot): nothing to escape, checked when compiled.
  void literal(JsonKey s) {
    before_value();
    char* p = room(s.size() + 2);
    *p++ = '"';
    std::memcpy(p, s.data(), s.size());
    p += s.size();
    *p++ = '"';
    commit(p);
  }
  void boolean(bool b);
  void integer(std::int64_t i);
  void number(double d);
  void null();
  // Bytes that are already one JSON value written by a JsonWriter of the same indent at the same
  // depth (`track due --format json` writes each item set once): appended as they are.
  void raw(std::string_view json);
  // key(k) then the value, for short calls.
  void member(JsonKey k, std::string_view s) {
    key(k);
    string(s);
  }
  void member(JsonKey k, const char* s) {
    key(k);
    string(s);
  }
  void member(JsonKey k, const std::string& s) {
    key(k);
    string(s);
  }
  void member_bool(JsonKey k, bool b) {
    key(k);
    boolean(b);
  }
  void member_int(JsonKey k, std::int64_t i) {
    key(k);
    integer(i);
  }
  void member_number(JsonKey k, double d) {
    key(k);
    number(d);
  }

  // How deep the writer is (0: outside any object or array).
  int depth() const { return static_cast<int>(base_depth_ + depth_); }
  int indent() const { return indent_; }

 private:
  static constexpr std::size_t kMaxDepth = 64;

  // Room for `n` more bytes at the end of the text; returns where they go. Write them, then
  // commit(end).
  char* room(std::size_t n) {
    if (out_.size() - len_ < n) grow(n);
    return out_.data() + len_;
  }
  void commit(const char* end) { len_ = static_cast<std::size_t>(end - out_.data()); }
  void grow(std::size_t n);
  void indented_key(JsonKey k);
  void open(char bracket) {
    if (depth_ == kMaxDepth) too_deep();
    before_value();
    char* p = room(1);
    *p++ = bracket;
    commit(p);
    has_items_[depth_++] = false;
  }
  void close(char bracket) {
    if (indent_ >= 0) return indented_close(bracket);
    --depth_;
    char* p = room(1);
    *p++ = bracket;
    commit(p);
  }
  [[noreturn]] static void too_deep();
  void indented_close(char bracket);
  // The separator and line break before a value (nothing after a key).
  void before_value() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    separate();
  }
  void separate();
  char* newline_and_indent(char* p, std::size_t depth);

  std::string& out_;
  std::size_t len_;  // the text written so far; out_ may be longer (spare room)
  int indent_;
  std::size_t base_depth_;
  std::size_t depth_ = 0;
  // Per open object or array: whether it has a member or element yet.
  bool has_items_[kMaxDepth] = {};
  bool after_key_ = false;
};

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_JSON_WRITER_HPP_
