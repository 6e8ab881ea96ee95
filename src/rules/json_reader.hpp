// Internal: reading a JSON rules file while collecting every problem with its JSON pointer.
#ifndef DOSEPLAN_SRC_RULES_JSON_READER_HPP_
#define DOSEPLAN_SRC_RULES_JSON_READER_HPP_

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "doseplan/error.hpp"
#include "doseplan/regimen.hpp"

namespace doseplan::detail {

using json = nlohmann::json;

// Collects problems for one file.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}
  void add(std::string id, const std::string& pointer, std::string message);
  const std::string& file() const { return file_; }
  std::vector<Problem>& problems() { return problems_; }
  bool ok() const { return problems_.empty(); }

 private:
  std::string file_;
  std::vector<Problem> problems_;
};

// Parses `text`; on a syntax error records "rules.syntax" with line and column and returns null.
// A key written twice in one object is "rules.duplicate_field" at its pointer (null returned).
json parse_json(std::string_view text, Diagnostics& diag);

// A JSON object being read. Every key read is remembered; finish() reports the others as
// "rules.unknown_field", so that a misspelt key is never silently ignored.
class Obj {
 public:
  Obj(const json& j, std::string pointer, Diagnostics& diag);
  bool valid() const { return valid_; }
  const std::string& pointer() const { return pointer_; }
  std::string at(std::string_view key) const { return pointer_ + "/" + std::string(key); }

  bool has(std::string_view key) const;
  const json* get(std::string_view key, bool required);
  std::optional<Obj> object(std::string_view key, bool required = true);
  const json* array(std::string_view key, bool required = true);
  std::optional<std::string> string(std::string_view key, bool required = true);
  std::optional<double> number(std::string_view key, bool required = true);
  std::optional<int> integer(std::string_view key, bool required = true);
  std::optional<bool> boolean(std::string_view key, bool required = true);
  std::optional<Span> span(std::string_view key, bool required = true);
  // {"en": ..., "zh": ...}, both non-empty.
  LocalizedText text(std::string_view key, bool required = true);
  // This object's own "en"/"zh".
  LocalizedText own_text();
  // "source": id, or "project_default": true with "reason". Also reads an optional "note".
  Provenance provenance();
  void finish();

  Diagnostics& diag() { return *diag_; }

 private:
  const json* j_;
  std::string pointer_;
  Diagnostics* diag_;
  bool valid_;
  std::set<std::string, std::less<>> seen_;
};

// Elements of an array with their pointers.
std::vector<std::pair<const json*, std::string>> elements(const json* array,
                                                          const std::string& pointer);

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_RULES_JSON_READER_HPP_
