// The items of a visit as JSON: visit_items holds each distinct set once (schema 2).
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

// The texts of an item set (row `id` of visit_items) that are shown: ids as a column's text,
// the texts of the rules as a rules file may write them.
void check_item_set(const VisitContents& s, std::int64_t id) {
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

}  // namespace

VisitContents item_set_of(const std::string& tests_json, const std::string& items_json,
                          std::int64_t id) {
  VisitContents s;
  try {
    s.tests = json::parse(tests_json).get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    damaged(stored_at("visit_items.tests_json", id),
            std::string("no JSON array of test ids (") + e.what() + ")");
  }
  try {
    const json list = json::parse(items_json);
    if (!list.is_array()) throw std::invalid_argument("not an array");
    for (const json& it : list) s.items.push_back(item_of(it));
  } catch (const std::exception& e) {  // json::exception, or not an array
    damaged(stored_at("visit_items.items_json", id),
            std::string("no JSON array of visit items (") + e.what() + ")");
  }
  check_item_set(s, id);
  return s;
}

}  // namespace detail

}  // namespace doseplan
