#include "rules/json_reader.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace doseplan::detail {

void Diagnostics::add(std::string id, const std::string& pointer, std::string message) {
  problems_.push_back(
      {std::move(id), file_ + ":" + (pointer.empty() ? "/" : pointer), std::move(message)});
}

// `s` with every byte that is not part of valid UTF-8 written as \xNN (messages stay readable).
std::string printable_utf8(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k)
      ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    if (ok) {
      out.append(s, i, n);
      i += n;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
      ++i;
    }
  }
  return out;
}

namespace {

// A JSON pointer token: "~" and "/" escaped as RFC 6901 says.
std::string pointer_token(const std::string& key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Follows the parser's events to know the JSON pointer of each key, and records every key
// that appears twice in one object (the parser itself would silently keep the last value).
class DuplicateKeys {
 public:
  bool on_event(json::parse_event_t event, const json& parsed) {
    using E = json::parse_event_t;
    if (event == E::object_start || event == E::array_start) {
      element_starts();
      frames_.push_back({event == E::array_start, 0, {}, {}});
    } else if (event == E::object_end || event == E::array_end) {
      if (!frames_.empty()) frames_.pop_back();
    } else if (event == E::key && !frames_.empty()) {
      Frame& f = frames_.back();
      f.key = parsed.get<std::string>();
      if (!f.keys.insert(f.key).second) duplicates_.push_back({pointer(), f.key});
    } else if (event == E::value) {
      element_starts();
    }
    return true;  // keep every value: the document is refused afterwards if needed
  }
  // Each duplicate key as (pointer, key), in the order of the text.
  const std::vector<std::pair<std::string, std::string>>& duplicates() const { return duplicates_; }

 private:
  struct Frame {
    bool array;
    std::size_t count;  // elements started so far (arrays)
    std::string key;    // the current key (objects)
    std::set<std::string> keys;
  };
  void element_starts() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().count;
  }
  std::string pointer() const {
    std::string out;
    for (const Frame& f : frames_)
      out += "/" + (f.array ? std::to_string(f.count - 1) : pointer_token(f.key));
    return out;
  }
  std::vector<Frame> frames_;
  std::vector<std::pair<std::string, std::string>> duplicates_;
};

}  // namespace

json parse_json(std::string_view text, Diagnostics& diag) {
  try {
    DuplicateKeys keys;
    json::parser_callback_t callback = [&keys](int, json::parse_event_t event, json& parsed) {
      return keys.on_event(event, parsed);
    };
    json j = json::parse(text.begin(), text.end(), callback);
    for (const auto& [pointer, key] : keys.duplicates()) {
      diag.add(
          "rules.duplicate_field", printable_utf8(pointer),
          "the key \"" + printable_utf8(key) + "\" appears twice in one object; write it once");
    }
    return keys.duplicates().empty() ? j : json();
  } catch (const json::parse_error& e) {
    // Turn the byte offset into line and column (1-based) for people.
    std::size_t line = 1, column = 1;
    const std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    for (std::size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    const auto colon = what.rfind(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    diag.problems().push_back(
        {"rules.syntax", diag.file() + ":" + std::to_string(line) + ":" + std::to_string(column),
         "JSON syntax error: " + printable_utf8(what)});
    return json();
  } catch (const json::exception& e) {
    // Not a syntax error but a value JSON can not hold, e.g. a number overflow (1e400).
    std::string what = e.what();
    const auto close = what.find("] ");
    if (close != std::string::npos) what = what.substr(close + 2);
    diag.problems().push_back(
        {"rules.syntax", diag.file(), "JSON value out of range: " + printable_utf8(what)});
    return json();
  }
}

namespace {

const char* type_name(const json& j) {
  if (j.is_object()) return "an object";
  if (j.is_array()) return "an array";
  if (j.is_string()) return "a string";
  if (j.is_boolean()) return "true or false";
  if (j.is_number()) return "a number";
  return "null";
}

}  // namespace

Obj::Obj(const json& j, std::string pointer, Diagnostics& diag)
    : j_(&j), pointer_(std::move(pointer)), diag_(&diag), valid_(j.is_object()) {
  if (!valid_) {
    diag_->add("rules.wrong_type", pointer_,
               std::string("expected an object, found ") + type_name(j));
  }
}

bool Obj::has(std::string_view key) const {
  return valid_ && j_->contains(key);
}

const json* Obj::get(std::string_view key, bool required) {
  if (!valid_) return nullptr;
  seen_.insert(std::string(key));
  const auto it = j_->find(key);
  if (it == j_->end()) {
    if (required) diag_->add("rules.missing_field", at(key), "required field is missing");
    return nullptr;
  }
  return &*it;
}

std::optional<Obj> Obj::object(std::string_view key, bool required) {
  const json* v = get(key, required);
  if (!v) return std::nullopt;
  Obj o(*v, at(key), *diag_);
  if (!o.valid()) return std::nullopt;
  return o;
}

const json* Obj::array(std::string_view key, bool required) {
  const json* v = get(key, required);
  if (v && !v->is_array()) {
    diag_->add("rules.wrong_type", at(key),
               std::string("expected an array, found ") + type_name(*v));
    return nullptr;
  }
  return v;
}

std::optional<std::string> Obj::string(std::string_view key, bool required) {
  const json* v = get(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    diag_->add("rules.wrong_type", at(key),
               std::string("expected a string, found ") + type_name(*v));
    return std::nullopt;
  }
  std::string s = v->get<std::string>();
  if (s.empty()) {
    diag_->add("rules.bad_value", at(key), "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<double> Obj::number(std::string_view key, bool required) {
  const json* v = get(key, required);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    diag_->add("rules.wrong_type", at(key),
               std::string("expected a number, found ") + type_name(*v));
    return std::nullopt;
  }
  const double d = v->get<double>();
  if (!std::isfinite(d)) {
    diag_->add("rules.bad_value", at(key), "expected a finite number");
    return std::nullopt;
  }
  return d;
}

std::optional<int> Obj::integer(std::string_view key, bool required) {
  const json* v = get(key, required);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    diag_->add("rules.wrong_type", at(key),
               std::string("expected a whole number, found ") + type_name(*v));
    return std::nullopt;
  }
  const bool fits = v->is_number_unsigned() ? v->get<unsigned long long>() <= 1000000000ULL
                                            : std::llabs(v->get<long long>()) <= 1000000000LL;
  if (!fits) {
    diag_->add("rules.bad_value", at(key), "the number is too large");
    return std::nullopt;
  }
  return static_cast<int>(v->get<long long>());
}

std::optional<bool> Obj::boolean(std::string_view key, bool required) {
  const json* v = get(key, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    diag_->add("rules.wrong_type", at(key),
               std::string("expected true or false, found ") + type_name(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<Span> Obj::span(std::string_view key, bool required) {
  const auto s = string(key, required);
  if (!s) return std::nullopt;
  try {
    Span span = parse_span(*s, at(key));
    if (span.count <= 0) {
      diag_->add("rules.bad_value", at(key), "a duration must be positive, found \"" + *s + "\"");
      return std::nullopt;
    }
    return span;
  } catch (const Error&) {
    diag_->add("rules.bad_value", at(key),
               "\"" + *s + "\" is not a duration such as \"14 days\", \"2 weeks\", \"3 months\"");
    return std::nullopt;
  }
}

LocalizedText Obj::own_text() {
  LocalizedText t;
  const struct {
    const char* key;
    const char* language;
    std::string* out;
  } languages[] = {{"en", "English", &t.en}, {"zh", "Simplified Chinese", &t.zh}};
  for (const auto& lang : languages) {
    const json* v = get(lang.key, false);
    if (!v || !v->is_string() || v->get<std::string>().empty()) {
      diag_->add("rules.missing_language", at(lang.key),
                 std::string("text in ") + lang.language + " (\"" + lang.key + "\") is required");
      continue;
    }
    *lang.out = v->get<std::string>();
  }
  return t;
}

LocalizedText Obj::text(std::string_view key, bool required) {
  auto o = object(key, required);
  if (!o) return {};
  LocalizedText t = o->own_text();
  o->finish();
  return t;
}

Provenance Obj::provenance() {
  Provenance p;
  const bool has_source = has("source");
  const bool has_default = has("project_default");
  if (has_source) p.source_id = string("source").value_or("");
  if (has_default) {
    p.project_default = boolean("project_default").value_or(false);
    if (!p.project_default) {
      diag_->add("rules.bad_value", at("project_default"),
                 "project_default may only be true; name a \"source\" instead");
    }
    // The reason is shown in every output, in both languages: {"en": …, "zh": …}.
    if (!has("reason")) {
      if (p.project_default) {
        diag_->add("rules.no_provenance", at("reason"),
                   "a project default needs a \"reason\" ({\"en\": …, \"zh\": …})");
      }
    } else {
      p.reason = text("reason");
    }
  }
  if (has("note")) p.note = text("note");  // optional remark beside a source: {"en", "zh"}
  if (has_source && has_default) {
    diag_->add("rules.no_provenance", pointer_,
               "a value has either a \"source\" or \"project_default\": true, not both");
  } else if (!has_source && !has_default) {
    diag_->add("rules.no_provenance", pointer_,
               "every clinical number names a \"source\" or is marked \"project_default\": true "
               "with a \"reason\"");
  }
  return p;
}

void Obj::finish() {
  if (!valid_) return;
  for (auto it = j_->begin(); it != j_->end(); ++it) {
    if (seen_.find(it.key()) == seen_.end()) {
      diag_->add("rules.unknown_field", at(it.key()), "unknown field \"" + it.key() + "\"");
    }
  }
}

std::vector<std::pair<const json*, std::string>> elements(const json* array,
                                                          const std::string& pointer) {
  std::vector<std::pair<const json*, std::string>> out;
  if (!array) return out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    out.emplace_back(&(*array)[i], pointer + "/" + std::to_string(i));
  }
  return out;
}

}  // namespace doseplan::detail
