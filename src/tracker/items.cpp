// The items of a visit as JSON: visit_items holds each distinct set once (schema 2).
#include <array>
#include <limits>
#include <stdexcept>

#include "core/utf8.hpp"
#include "tracker/store.hpp"

namespace doseplan {

namespace detail {

namespace {

json text_json(const LocalizedText& t) {
  return {{"en", t.en}, {"zh", t.zh}};
}
// Also reads a plain string, as databases written before texts were bilingual hold for reasons
// (English only: the Chinese falls back to it).
LocalizedText text_of(const json& j) {
  if (j.is_string()) return {j.get<std::string>(), j.get<std::string>()};
  if (!j.is_object()) return {};
  return {j.value("en", ""), j.value("zh", "")};
}

json summaries_json(const std::vector<LocalizedText>& summaries) {
  json out = json::array();
  for (const LocalizedText& t : summaries) out.push_back(text_json(t));
  return out;
}

}  // namespace

json item_json(const VisitItem& it) {
  return {{"monitoring_id", it.monitoring_id},
          {"name", text_json(it.name)},
          {"tests", it.tests},
          {"timing", text_json(it.timing)},
          {"reason", text_json(it.reason)},
          {"summaries", summaries_json(it.summaries)},
          {"from",
           {{"source_id", it.from.source_id},
            {"project_default", it.from.project_default},
            {"reason", text_json(it.from.reason)},
            {"overridden", it.from.overridden},
            {"note", text_json(it.from.note)}}},
          {"window_before", it.window_before},
          {"window_after", it.window_after}};
}

VisitItem item_of(const json& j) {
  VisitItem it;
  it.monitoring_id = j.value("monitoring_id", "");
  it.name = text_of(j.value("name", json::object()));
  it.tests = j.value("tests", std::vector<std::string>{});
  it.timing = text_of(j.value("timing", json::object()));
  it.reason = text_of(j.value("reason", json()));
  for (const json& s : j.value("summaries", json::array())) it.summaries.push_back(text_of(s));
  const json from = j.value("from", json::object());
  it.from.source_id = from.value("source_id", "");
  it.from.project_default = from.value("project_default", false);
  it.from.reason = text_of(from.value("reason", json()));
  it.from.overridden = from.value("overridden", false);
  it.from.note = text_of(from.value("note", json()));
  it.window_before = j.value("window_before", 0);
  it.window_after = j.value("window_after", 0);
  return it;
}

namespace {

// own work. Anything item_json() does not write (an unknown key, another type, a plain-string
// text of an older database) stops it: the caller then reads the text with item_of(), so that
// what is read, and every error, stays item_of()'s.
class ItemsReader final : public nlohmann::json_sax<json> {
 public:
  std::vector<VisitItem> items;

  bool null() override { return false; }
  bool boolean(bool b) override {
    if (at_ == At::from_member && (key_ == "project_default" || key_ == "overridden")) {
      (key_ == "project_default" ? item().from.project_default : item().from.overridden) = b;
      at_ = At::from;
      return true;
    }
    return false;
  }
  bool number_integer(number_integer_t n) override { return window(n); }
  bool number_unsigned(number_unsigned_t n) override {
    return n <= static_cast<number_unsigned_t>(std::numeric_limits<number_integer_t>::max()) &&
           window(static_cast<number_integer_t>(n));
  }
  bool number_float(number_float_t, const string_t&) override { return false; }
  bool binary(binary_t&) override { return false; }
  bool string(string_t& s) override {
    switch (at_) {
      case At::item_member:
        if (key_ == "monitoring_id") {
          item().monitoring_id = std::move(s);
          at_ = At::item;
          return true;
        }
        return false;
      case At::from_member:
        if (key_ == "source_id") {
          item().from.source_id = std::move(s);
          at_ = At::from;
          return true;
        }
        return false;
      case At::text_member:
        if (key_ == "en" || key_ == "zh") {
          (key_ == "en" ? text_->en : text_->zh) = std::move(s);
          at_ = At::text;
          return true;
        }
        return false;
      case At::tests:
        item().tests.push_back(std::move(s));
        return true;
      default:
        return false;
    }
  }
  bool start_object(std::size_t) override {
    switch (at_) {
      case At::items:
        items.emplace_back();
        at_ = At::item;
        return true;
      case At::item_member:
        if (key_ == "from") {
          item().from = {};
          at_ = At::from;
          return true;
        }
        return open_text(text_named(item(), key_), At::item);
      case At::from_member:
        return open_text(key_ == "reason" ? &item().from.reason
                         : key_ == "note" ? &item().from.note
                                          : nullptr,
                         At::from);
      case At::summaries:
        item().summaries.emplace_back();
        return open_text(&item().summaries.back(), At::summaries);
      default:
        return false;
    }
  }
  bool key(string_t& k) override {
    if (at_ != At::item && at_ != At::from && at_ != At::text) return false;
    key_ = std::move(k);
    at_ = at_ == At::item ? At::item_member : at_ == At::from ? At::from_member : At::text_member;
    return true;
  }
  bool end_object() override {
    switch (at_) {
      case At::item:
        at_ = At::items;
        return true;
      case At::from:
        at_ = At::item;
        return true;
      case At::text:
        at_ = text_parent_;
        return true;
      default:
        return false;
    }
  }
  bool start_array(std::size_t) override {
    if (at_ == At::start) {
      at_ = At::items;
      return true;
    }
    if (at_ != At::item_member) return false;
    if (key_ == "tests") {
      item().tests.clear();
      at_ = At::tests;
      return true;
    }
    if (key_ == "summaries") {
      item().summaries.clear();
      at_ = At::summaries;
      return true;
    }
    return false;
  }
  bool end_array() override {
    if (at_ == At::items) {
      at_ = At::done;
      return true;
    }
    if (at_ != At::tests && at_ != At::summaries) return false;
    at_ = At::item;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
  bool complete() const { return at_ == At::done; }

 private:
  // Where the reader is: in the array of items, in an item (or after one of its keys), in its
  // "from", in a text ({"en", "zh"}), or in the "tests" or "summaries" of an item.
  enum class At {
    start,
    items,
    item,
    item_member,
    from,
    from_member,
    text,
    text_member,
    tests,
    summaries,
    done
  };

  VisitItem& item() { return items.back(); }
  static LocalizedText* text_named(VisitItem& it, const std::string& key) {
    if (key == "name") return &it.name;
    if (key == "timing") return &it.timing;
    if (key == "reason") return &it.reason;
    return nullptr;
  }
  bool open_text(LocalizedText* text, At parent) {
    if (text == nullptr) return false;
    *text = {};
    text_ = text;
    text_parent_ = parent;
    at_ = At::text;
    return true;
  }
  bool window(number_integer_t n) {
    if (at_ != At::item_member || (key_ != "window_before" && key_ != "window_after")) return false;
    (key_ == "window_before" ? item().window_before : item().window_after) = static_cast<int>(n);
    at_ = At::item;
    return true;
  }

  At at_ = At::start;
  At text_parent_ = At::item;
  std::string key_;
  LocalizedText* text_ = nullptr;
};

// Drives `sax` over `text` for the JSON that item_json() writes, faster than nlohmann's lexer:
// objects, arrays, strings without escapes, integers, true and false. Returns false at anything
// else (an escape, a fraction, null, a control character, bytes that are not UTF-8, a syntax
// error); the caller then reads the text the ordinary way.
bool simple_sax_parse(std::string_view text, nlohmann::json_sax<json>& sax) {
  std::size_t at = 0;
  const auto skip_space = [&] {
    while (at < text.size() &&
           (text[at] == ' ' || text[at] == '\n' || text[at] == '\r' || text[at] == '\t')) {
      ++at;
    }
  };
  std::string str;
  // A string at `at` (its opening quote), into `str`. The bytes that need no look: ASCII other
  // than '"', '\\' and control characters.
  static constexpr std::array<bool, 256> kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return plain;
  }();
  const auto read_string = [&] {
    ++at;
    const std::size_t begin = at;
    while (at < text.size()) {
      if (kPlain[static_cast<unsigned char>(text[at])]) {
        ++at;
        continue;
      }
      const auto c = static_cast<unsigned char>(text[at]);
      if (c == '"') {
        str.assign(text.data() + begin, at - begin);
        ++at;
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
      if (c < 0x80) {
        ++at;
      } else {
        const std::size_t n = detail::utf8_sequence(text.substr(at));
        if (n == 0) return false;
        at += n;
      }
    }
    return false;
  };
  // What encloses the value being read: true for an object, false for an array.
  std::vector<bool> in_object;
  bool expect_value = true;  // else a separator or a closing bracket
  for (;;) {
    skip_space();
    if (at == text.size()) return false;
    const char c = text[at];
    if (!expect_value) {
      if (in_object.empty()) return false;
      if (c == ',') {
        ++at;
        skip_space();
        if (in_object.back()) {
          if (at == text.size() || text[at] != '"' || !read_string()) return false;
          skip_space();
          if (at == text.size() || text[at] != ':') return false;
          ++at;
          if (!sax.key(str)) return false;
        }
        expect_value = true;
        continue;
      }
      if (c != (in_object.back() ? '}' : ']')) return false;
      ++at;
      if (!(in_object.back() ? sax.end_object() : sax.end_array())) return false;
      in_object.pop_back();
    } else if (c == '{' || c == '[') {
      ++at;
      const bool object = c == '{';
      if (!(object ? sax.start_object(std::size_t(-1)) : sax.start_array(std::size_t(-1)))) {
        return false;
      }
      in_object.push_back(object);
      skip_space();
      if (at < text.size() && text[at] == (object ? '}' : ']')) {
        ++at;
        if (!(object ? sax.end_object() : sax.end_array())) return false;
        in_object.pop_back();
      } else if (object) {
        if (at == text.size() || text[at] != '"' || !read_string()) return false;
        skip_space();
        if (at == text.size() || text[at] != ':') return false;
        ++at;
        if (!sax.key(str)) return false;
        continue;
      } else {
        continue;
      }
    } else if (c == '"') {
      if (!read_string() || !sax.string(str)) return false;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const bool negative = c == '-';
      if (negative) ++at;
      const std::size_t begin = at;
      while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
      const std::size_t digits = at - begin;
      if (digits == 0 || digits > 18 || (digits > 1 && text[begin] == '0')) return false;
      if (at < text.size() && (text[at] == '.' || text[at] == 'e' || text[at] == 'E')) {
        return false;
      }
      std::int64_t n = 0;
      for (std::size_t i = begin; i < at; ++i) n = n * 10 + (text[i] - '0');
      if (!(negative ? sax.number_integer(-n)
                     : sax.number_unsigned(static_cast<std::uint64_t>(n)))) {
        return false;
      }
    } else if (text.substr(at, 4) == "true" || text.substr(at, 5) == "false") {
      const bool b = c == 't';
      at += b ? 4 : 5;
      if (!sax.boolean(b)) return false;
    } else {
      return false;
    }
    expect_value = false;
    if (in_object.empty()) {
      skip_space();
      return at == text.size();
    }
  }
}

// An array of strings (tests_json), for simple_sax_parse.
class StringsReader final : public nlohmann::json_sax<json> {
 public:
  std::vector<std::string> strings;
  bool null() override { return false; }
  bool boolean(bool) override { return false; }
  bool number_integer(number_integer_t) override { return false; }
  bool number_unsigned(number_unsigned_t) override { return false; }
  bool number_float(number_float_t, const string_t&) override { return false; }
  bool binary(binary_t&) override { return false; }
  bool string(string_t& s) override {
    if (depth_ != 1) return false;
    strings.push_back(std::move(s));
    return true;
  }
  bool start_object(std::size_t) override { return false; }
  bool key(string_t&) override { return false; }
  bool end_object() override { return false; }
  bool start_array(std::size_t) override { return depth_++ == 0; }
  bool end_array() override { return --depth_ == 0; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  int depth_ = 0;
};

// The texts of an item set (row `id` of visit_items) that are shown: ids as a column's text,
// the texts of the rules as a rules file may write them.
void check_item_set(const ItemSet& s, std::int64_t id) {
  for (const std::string& t : s.tests) stored_text(t, "visit_items.tests_json", id);
  const auto text = [id](const LocalizedText& t) {
    stored_text(t.en, "visit_items.items_json", id, "row", true);
    stored_text(t.zh, "visit_items.items_json", id, "row", true);
  };
  for (const VisitItem& it : s.items) {
    stored_text(it.monitoring_id, "visit_items.items_json", id);
    for (const std::string& t : it.tests) stored_text(t, "visit_items.items_json", id);
    stored_text(it.from.source_id, "visit_items.items_json", id);
    for (const LocalizedText* t :
         {&it.name, &it.timing, &it.reason, &it.from.reason, &it.from.note})
      text(*t);
    for (const LocalizedText& t : it.summaries) text(t);
  }
}

// The item set of row `id` of visit_items, from its columns tests_json and items_json.

}  // namespace

ItemSet item_set_of(const std::string& tests_json, const std::string& items_json, std::int64_t id) {
  ItemSet s;
  if (StringsReader tests; simple_sax_parse(tests_json, tests)) {
    s.tests = std::move(tests.strings);
  } else {
    try {
      s.tests = json::parse(tests_json).get<std::vector<std::string>>();
    } catch (const json::exception& e) {
      damaged(stored_at("visit_items.tests_json", id),
              std::string("no JSON array of test ids (") + e.what() + ")");
    }
  }
  ItemsReader reader;
  if (simple_sax_parse(items_json, reader) && reader.complete()) {
    s.items = std::move(reader.items);
  } else if (reader = ItemsReader(); json::sax_parse(items_json, &reader) && reader.complete()) {
    s.items = std::move(reader.items);
  } else {
    try {
      const json list = json::parse(items_json);
      if (!list.is_array()) throw std::invalid_argument("not an array");
      std::vector<VisitItem> items;
      for (const json& it : list) items.push_back(item_of(it));
      s.items = std::move(items);
    } catch (const std::exception& e) {  // json::exception, or not an array
      damaged(stored_at("visit_items.items_json", id),
              std::string("no JSON array of visit items (") + e.what() + ")");
    }
  }
  check_item_set(s, id);
  return s;
}

}  // namespace detail

}  // namespace doseplan
