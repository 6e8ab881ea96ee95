#include "doseplan/request.hpp"

#include "rules/json_reader.hpp"
#include "doseplan/body.hpp"
#include "doseplan/format.hpp"

namespace doseplan {

PlanRequest parse_plan_request(std::string_view json_text, const std::string& file, PlanRequest q) {
  detail::Diagnostics diag(file);
  // The rules reader's ids start with "rules."; in a request they are input problems.
  auto fail = [&diag]() {
    for (Problem& p : diag.problems()) {
      if (p.id.rfind("rules.", 0) == 0) p.id = "request." + p.id.substr(6);
    }
    throw Error(std::move(diag.problems()));
  };
  const detail::json root_json = detail::parse_json(json_text, diag);
  if (!diag.ok()) fail();
  detail::Obj root(root_json, "", diag);
  // Runs `parse` on a string field; its Error becomes a problem at the field's pointer.
  auto field = [&](std::string_view key, bool required, auto&& parse) {
    const auto text = root.string(key, required);
    if (!text) return;
    try {
      parse(*text, root.at(key));
    } catch (const Error& e) {
      for (const Problem& p : e.problems())
        diag.problems().push_back({p.id, file + ":" + root.at(key), p.message, p.message_zh});
    }
  };
  const bool have_regimen = !q.regimen_id.empty();
  field("regimen", !have_regimen,
        [&](const std::string& s, const std::string&) { q.regimen_id = s; });
  field("weight", in_kg(q.weight) == 0, [&](const std::string& s, const std::string& where) {
    q.weight = parse_body_mass(s, where);
  });
  field("start", q.start == Date{},
        [&](const std::string& s, const std::string& where) { q.start = parse_date(s, where); });
  field("dose", false,
        [&](const std::string& s, const std::string& where) { q.dose = parse_dose(s, where); });
  if (const auto n = root.integer("doses_per_day", false)) q.doses_per_day = *n;
  field("product", false, [&](const std::string& s, const std::string&) { q.product_id = s; });
  field("market", false, [&](const std::string& s, const std::string&) { q.market = s; });
  if (auto durations = root.object("phase_durations", false)) {
    if (root_json.contains("phase_durations")) {
      for (const auto& [key, value] : root_json["phase_durations"].items()) {
        if (const auto span = durations->span(key)) q.phase_durations[key] = *span;
      }
    }
    durations->finish();
  }
  field("taper_step", false, [&](const std::string& s, const std::string& where) {
    q.taper_step = parse_dose_rate(s, where);
  });
  field("taper_every", false, [&](const std::string& s, const std::string& where) {
    q.taper_every = parse_span(s, where);
  });
  field("height", false,
        [&](const std::string& s, const std::string& where) { q.height = parse_height(s, where); });
  if (const auto age = root.number("age_years", false)) q.age_years = *age;
  field("birth_date", false, [&](const std::string& s, const std::string& where) {
    q.birth_date = parse_date(s, where);
  });
  field("sex", false,
        [&](const std::string& s, const std::string& where) { q.sex = parse_sex(s, where); });
  field("creatinine", false, [&](const std::string& s, const std::string& where) {
    q.creatinine = parse_creatinine(s, where);
  });
  if (const auto ack = root.boolean("acknowledge_off_label", false)) q.acknowledge_off_label = *ack;
  if (auto counts = root.object("cycle_counts", false)) {
    for (const auto& [key, value] : root_json["cycle_counts"].items()) {
      if (const auto n = counts->integer(key)) q.cycle_counts[key] = *n;
    }
    counts->finish();
  }
  root.finish();
  if (!diag.ok()) fail();
  return q;
}

std::string write_plan_request(const PlanRequest& q) {
  detail::json j = detail::json::object();
  j["regimen"] = q.regimen_id;
  j["weight"] = exact_number(in_kg(q.weight)) + " kg";
  j["start"] = format_date(q.start);
  if (q.dose) j["dose"] = exact_number(dose_number(*q.dose)) + " " + dose_unit(*q.dose);
  if (q.doses_per_day) j["doses_per_day"] = *q.doses_per_day;
  if (q.product_id) j["product"] = *q.product_id;
  if (q.market) j["market"] = *q.market;
  if (!q.phase_durations.empty()) {
    detail::json d = detail::json::object();
    for (const auto& [id, span] : q.phase_durations) d[id] = to_string(span);
    j["phase_durations"] = d;
  }
  if (q.taper_step)
    j["taper_step"] = exact_number(in_mg_per_kg_per_day(*q.taper_step)) + " mg/kg/d";
  if (q.taper_every) j["taper_every"] = to_string(*q.taper_every);
  if (q.height) j["height"] = exact_number(in_cm(*q.height)) + " cm";
  if (q.age_years) j["age_years"] = *q.age_years;
  if (q.birth_date) j["birth_date"] = format_date(*q.birth_date);
  if (q.sex) j["sex"] = to_string(*q.sex);
  // The internal unit umol/mL is mmol/L: written so, the value reads back exactly.
  if (q.creatinine) j["creatinine"] = exact_number(q.creatinine->value()) + " mmol/L";
  if (q.acknowledge_off_label) j["acknowledge_off_label"] = true;
  if (!q.cycle_counts.empty()) {
    detail::json c = detail::json::object();
    for (const auto& [id, n] : q.cycle_counts) c[id] = n;
    j["cycle_counts"] = c;
  }
  return j.dump();
}

}  // namespace doseplan
