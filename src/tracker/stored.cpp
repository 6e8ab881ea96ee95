// Reading back what the store holds (issue 18, item 6).
#include <cmath>
#include <limits>

#include "core/utf8.hpp"
#include "doseplan/request.hpp"
#include "tracker/store.hpp"

namespace doseplan {

namespace detail {

// ------------------------------------------------------------------ what the store holds
// The readers below check what they read back, and refuse what doseplan never writes (a date
// that is not a day, JSON that is not JSON or not of the shape written, text that is not UTF-8 or
// holds control characters, text in a number column): the database was edited outside doseplan
// (issue 18, item 6). One error id, tracker.damaged, naming the table, column and row; the text
// read is quoted through printable() (error.hpp), never as it is.

// A place in the store: "results.note, row 3", or "plans.start_date, patient_id 1" for a row
// known by another column.
std::string stored_at(std::string_view column, std::int64_t row, std::string_view row_name) {
  return std::string(column) + ", " + std::string(row_name) + " " + std::to_string(row);
}

// The store is damaged at `at` (stored_at()), which holds `what`. Tracker::Impl::guarded() puts
// the database's path in front of `at`.
[[noreturn]] void damaged(const std::string& at, const std::string& what) {
  throw Error(
      "tracker.damaged", at,
      "holds " + what +
          ", which doseplan never writes: the database was changed outside doseplan; "
          "nothing was changed. Restore a backup of it (docs/tracker.md, \"Error ids\")",
      zh(tr_both("The database holds content that doseplan never writes: it was changed "
                 "outside doseplan; nothing was changed. Restore a backup of the database")));
}

// `text` read from the store at `column` of `row`, if it can be printed as it is (unprintable_at()
// in error.hpp; with `allow_line_breaks`, a line feed and a tab may be in it, as in the texts of
// a rules file); else the store is damaged.
std::string stored_text(std::string text, std::string_view column, std::int64_t row,
                        std::string_view row_name, bool allow_line_breaks) {
  if (unprintable_at(text, allow_line_breaks) != std::string_view::npos) {
    damaged(stored_at(column, row, row_name),
            (is_valid_utf8(text) ? "text with a control character " : "text that is not UTF-8 ") +
                quoted_stored(text));
  }
  return text;
}

// A date as the store holds it (YYYY-MM-DD), read from `column` of `row`.
Date date_of(const std::string& s, std::string_view column, std::int64_t row,
             std::string_view row_name) {
  try {
    return parse_date(s, std::string(column));
  } catch (const Error&) {
    damaged(stored_at(column, row, row_name), quoted_stored(s) + ", not a date (YYYY-MM-DD)");
  }
}

// A unit of a result, of the table, as the store writes it, read from `column` of `row`.
const LabUnit& lab_unit_of(const std::string& s, std::string_view column, std::int64_t row) {
  const LabUnit* u = find_lab_unit(s);
  if (u == nullptr || !is_result_dimension(u->dimension)) {
    damaged(stored_at(column, row), quoted_stored(s) + ", not a unit of a result doseplan knows");
  }
  return *u;
}

// A number column (REAL or INTEGER) of `row`: a number, never text read as 0.
double number_of(const sql::Value& v, std::string_view column, std::int64_t row) {
  if (!v.is_number() || !std::isfinite(v.as_double())) {
    damaged(stored_at(column, row), quoted_stored(v.text) + ", not a number");
  }
  return v.as_double();
}
int integer_of(const sql::Value& v, std::string_view column, std::int64_t row) {
  if (v.type != sql::Value::Type::integer || v.integer < std::numeric_limits<int>::min() ||
      v.integer > std::numeric_limits<int>::max()) {
    damaged(stored_at(column, row), quoted_stored(v.text) + ", not a whole number");
  }
  return static_cast<int>(v.integer);
}

// Every string of `j` (keys and values) checked as stored_text() checks a rules file's texts.
void check_json_texts(const json& j, std::string_view column, std::int64_t row,
                      std::string_view row_name) {
  if (j.is_string()) {
    stored_text(j.get<std::string>(), column, row, row_name, true);
  } else if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      stored_text(key, column, row, row_name, true);
      check_json_texts(value, column, row, row_name);
    }
  } else if (j.is_array()) {
    for (const json& value : j) check_json_texts(value, column, row, row_name);
  }
}

// A stored plan (plans.plan_json of patient `patient`), parsed and checked: a JSON object of
// format doseplan-plan whose texts can be printed.
json stored_plan(const std::string& text, std::int64_t patient) {
  json p;
  try {
    p = json::parse(text);
  } catch (const json::exception& e) {
    damaged(stored_at("plans.plan_json", patient, "patient_id"),
            std::string("text that is not JSON (") + e.what() + ")");
  }
  if (!p.is_object() || p.value("format", json()) != "doseplan-plan") {
    damaged(stored_at("plans.plan_json", patient, "patient_id"),
            "JSON that is not a doseplan plan (no \"format\": \"doseplan-plan\")");
  }
  check_json_texts(p, "plans.plan_json", patient, "patient_id");
  return p;
}

// The request stored with a plan (plans.request_json of patient `patient`).
PlanRequest stored_request(const std::string& text, std::int64_t patient,
                           const PlanRequest& defaults) {
  try {
    return parse_plan_request(text, "plans.request_json", defaults);
  } catch (const Error& e) {
    damaged(stored_at("plans.request_json", patient, "patient_id"),
            "a request that can not be read (" + e.problems().front().where + ": " +
                e.problems().front().message + ")");
  } catch (const json::exception& e) {
    damaged(stored_at("plans.request_json", patient, "patient_id"),
            std::string("a request that can not be read (") + e.what() + ")");
  }
}

}  // namespace detail

}  // namespace doseplan
