// The clinician's pages of `doseplan serve`: the regimen list, a regimen's form, the plan page
// and its downloads. Plain HTML forms (they work without JavaScript); the form is made from the
// regimen's JSON (render_regimen_json), so every range shown beside a field is the rules' own,
// with its source. A refused plan shows each problem beside its field, and nothing is planned.
#include <mutex>

#include "cli/pdf_module.hpp"
#include "doseplan/ics.hpp"
#include "doseplan/request.hpp"
#include "server/app.hpp"

namespace doseplan::server {
namespace {

std::string loc(const json& text, Lang lang) {
  if (text.is_string()) return text.get<std::string>();
  if (!text.is_object()) return "";
  const char* key = lang == Lang::zh_CN ? "zh-CN" : "en";
  return text.value(key, text.value("en", ""));
}

// "source itp6-003 (title)" or "project default" for a rule's "from".
std::string from_text(const json& from, const json& regimen, Lang lang) {
  if (!from.is_object()) return "";
  if (from.value("project_default", false)) return tr(lang, "project default");
  const std::string id = from.value("source", "");
  for (const json& s : regimen.value("sources", json::array())) {
    if (s.value("id", "") != id) continue;
    for (const json& d : regimen.value("documents", json::array())) {
      if (d.value("id", "") == s.value("document", "")) {
        return fill(tr(lang, "source {id}: {title}"),
                    {{"id", id}, {"title", d.value("title", "")}});
      }
    }
  }
  return fill(tr(lang, "source {id}"), {{"id", id}});
}

std::string quantity_text(const json& q) {
  if (!q.is_object()) return "";
  return format_number(q.value("value", 0.0), 3) + " " + q.value("unit", "");
}

// What was typed, by form field name, so a refused form comes back filled in.
using Values = std::map<std::string, std::string>;
// The problems, by the form field they are about ("" for none: shown above the form).
using Problems = std::map<std::string, std::vector<const Problem*>>;

std::string problems_html(const Problems& problems, const std::string& field, Lang lang,
                          const std::string& id) {
  const auto it = problems.find(field);
  if (it == problems.end()) return "";
  std::string out = "<div class=\"error\" id=\"" + h(id) + "\" role=\"alert\">";
  for (const Problem* p : it->second) {
    out += "<p>" + h(lang == Lang::zh_CN && !p->message_zh.empty() ? p->message_zh : p->message) +
           " [" + h(p->id) + "]</p>";
  }
  return out + "</div>";
}

struct FieldSpec {
  std::string name;   // the form field, as the request member ("dose", "phase_durations.x")
  std::string label;  // shown
  std::string hint;   // the allowed range and its source
  std::string type;   // input type: text, number, date; "select" for options
  std::vector<std::pair<std::string, std::string>> options;  // select: value, label
  std::string unit_name;  // a second select for the unit ("weight_unit"), or ""
  std::vector<std::string> units;
  std::string placeholder;
  bool required = false;
};

std::string field_html(const FieldSpec& f, const Values& values, const Problems& problems,
                       Lang lang) {
  const std::string id = "f-" + f.name;
  const std::string hint_id = id + "-hint";
  const std::string error_id = id + "-error";
  const bool has_error = problems.count(f.name) > 0;
  const auto value = [&values](const std::string& name) {
    const auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
  };
  std::string described = f.hint.empty() ? "" : hint_id;
  if (has_error) described += (described.empty() ? "" : " ") + error_id;
  std::string out = "<div class=\"field\"><label for=\"" + h(id) + "\">" + h(f.label) +
                    (f.required ? " *" : "") + "</label>";
  const std::string aria = (described.empty() ? "" : " aria-describedby=\"" + h(described) + "\"") +
                           std::string(has_error ? " aria-invalid=\"true\"" : "");
  if (f.type == "select") {
    out += "<select id=\"" + h(id) + "\" name=\"" + h(f.name) + "\"" + aria + ">";
    for (const auto& [v, label] : f.options) {
      out += "<option value=\"" + h(v) + "\"" + (value(f.name) == v ? " selected" : "") + ">" +
             h(label) + "</option>";
    }
    out += "</select>";
  } else if (f.type == "checkbox") {
    out += "<input type=\"checkbox\" id=\"" + h(id) + "\" name=\"" + h(f.name) + "\" value=\"1\"" +
           (value(f.name).empty() ? "" : " checked") + aria + ">";
  } else {
    out += "<input type=\"" + h(f.type) + "\" id=\"" + h(id) + "\" name=\"" + h(f.name) +
           "\" value=\"" + h(value(f.name)) + "\"" +
           (f.placeholder.empty() ? "" : " placeholder=\"" + h(f.placeholder) + "\"") +
           (f.type == "number" ? " step=\"any\" inputmode=\"decimal\"" : "") +
           (f.required ? " required" : "") + aria + ">";
  }
  if (!f.unit_name.empty()) {
    const std::string unit_id = id + "-unit";
    out += " <label class=\"inline\" for=\"" + h(unit_id) + "\"><span class=\"hint\">" +
           h(tr(lang, "unit")) + "</span></label> <select id=\"" + h(unit_id) + "\" name=\"" +
           h(f.unit_name) + "\">";
    for (const std::string& u : f.units) {
      out += "<option" + std::string(value(f.unit_name) == u ? " selected" : "") + ">" + h(u) +
             "</option>";
    }
    out += "</select>";
  }
  if (!f.hint.empty()) out += "<p class=\"hint\" id=\"" + h(hint_id) + "\">" + h(f.hint) + "</p>";
  out += problems_html(problems, f.name, lang, error_id);
  return out + "</div>";
}

// The fields of the regimen's form, made from its JSON: the patient first, then the dose and the
// course, each with its range and source.
std::vector<FieldSpec> form_fields(const json& r, const RuleSet& rules, Lang lang) {
  std::vector<FieldSpec> fields;
  fields.push_back({"weight",
                    tr(lang, "Weight"),
                    fill(tr(lang, "{min}–{max} kg (plausibility limits)"),
                         {{"min", format_number(kMinPlausibleWeightKg)},
                          {"max", format_number(kMaxPlausibleWeightKg)}}),
                    "number",
                    {},
                    "weight_unit",
                    {"kg", "lb"},
                    "62",
                    true});
  fields.push_back({"height",
                    tr(lang, "Height"),
                    tr(lang, "Needed for doses per m² (body-surface area)"),
                    "number",
                    {},
                    "height_unit",
                    {"cm", "in"},
                    "165"});
  fields.push_back(
      {"sex",
       tr(lang, "Sex"),
       tr(lang, "For ideal body weight and kidney function"),
       "select",
       {{"", tr(lang, "not given")}, {"female", tr(lang, "female")}, {"male", tr(lang, "male")}}});
  std::string age_hint;
  if (const json& age = r.value("population", json::object()).value("age_years", json());
      age.is_object()) {
    const std::string range = age.contains("max") ? format_number(age.value("min", 0.0)) + "–" +
                                                        format_number(age.value("max", 0.0))
                                                  : "≥ " + format_number(age.value("min", 0.0));
    age_hint = fill(tr(lang, "The regimen is for ages {range} years ({source})"),
                    {{"range", range}, {"source", from_text(age.value("from", json()), r, lang)}});
  }
  fields.push_back({"age_years", tr(lang, "Age (years)"), age_hint, "number"});
  fields.push_back({"birth_date", tr(lang, "or birth date"), "", "date"});
  fields.push_back({"creatinine",
                    tr(lang, "Serum creatinine (baseline)"),
                    tr(lang, "For kidney function (eGFR)"),
                    "number",
                    {},
                    "creatinine_unit",
                    {"umol/L", "mg/dL"}});
  fields.push_back({"start", tr(lang, "First day"), "", "date", {}, "", {}, "", true});
  const json& dose = r.value("dose", json::object());
  if (const json& range = dose.value("range", json()); range.is_object()) {
    const json& def = dose.value("default", json::object());
    fields.push_back(
        {"dose",
         tr(lang, "Dose"),
         fill(tr(lang, "{min} to {max} ({source}); default {default} ({default_source})"),
              {{"min", quantity_text(range.value("min", json()))},
               {"max", quantity_text(range.value("max", json()))},
               {"source", from_text(range.value("from", json()), r, lang)},
               {"default", quantity_text(def.value("dose", json()))},
               {"default_source", from_text(def.value("from", json()), r, lang)}}),
         "number",
         {},
         "dose_unit",
         {range.value("min", json::object()).value("unit", "")},
         format_number(def.value("dose", json::object()).value("value", 0.0), 3)});
  }
  if (const json& per_day = dose.value("doses_per_day", json()); per_day.is_object()) {
    const int lo = per_day.value("min", 1), hi = per_day.value("max", 1);
    if (hi > lo) {
      FieldSpec f{"doses_per_day", tr(lang, "Doses a day"),
                  fill(tr(lang, "{min} to {max}; default {default}"),
                       {{"min", std::to_string(lo)},
                        {"max", std::to_string(hi)},
                        {"default", std::to_string(per_day.value("default", lo))}}),
                  "select"};
      f.options.emplace_back("", tr(lang, "default"));
      for (int n = lo; n <= hi; ++n) f.options.emplace_back(std::to_string(n), std::to_string(n));
      fields.push_back(std::move(f));
    }
  }
  const json& products = r.value("products", json::array());
  if (products.size() > 1) {
    FieldSpec f{"product", tr(lang, "Product"),
                tr(lang,
                   "Only the regimen's products (modified and non-modified cycloSPORINE are "
                   "never swapped)"),
                "select"};
    f.options.emplace_back("", tr(lang, "default"));
    for (const json& id : products) {
      const Product* p = rules.find_product(id.get<std::string>());
      f.options.emplace_back(id.get<std::string>(),
                             p ? pick(p->name, lang) : id.get<std::string>());
    }
    fields.push_back(std::move(f));
  }
  if (!rules.markets.empty()) {
    FieldSpec f{"market", tr(lang, "Where the patient lives"),
                tr(lang, "Only the strengths sold there are used"), "select"};
    f.options.emplace_back("", tr(lang, "any market"));
    for (const Market& m : rules.markets) f.options.emplace_back(m.id, pick(m.name, lang));
    fields.push_back(std::move(f));
  }
  for (const json& ph : r.value("phases", json::array())) {
    const std::string id = ph.value("id", "");
    const std::string name = loc(ph.value("name", json()), lang);
    if (const json& d = ph.value("duration", json()); d.is_object() && d.contains("min")) {
      fields.push_back({"phase_durations." + id,
                        fill(tr(lang, "{phase}: length"), {{"phase", name}}),
                        fill(tr(lang, "{min} to {max}; default {default} ({source})"),
                             {{"min", d.value("min", "")},
                              {"max", d.value("max", "")},
                              {"default", d.value("default", "")},
                              {"source", from_text(d.value("from", json()), r, lang)}}),
                        "text",
                        {},
                        "",
                        {},
                        d.value("default", "")});
    }
    if (const json& c = ph.value("count", json());
        c.is_object() && c.value("max", 0) > c.value("min", 0)) {
      fields.push_back({"cycle_counts." + id, fill(tr(lang, "{phase}: number"), {{"phase", name}}),
                        fill(tr(lang, "{min} to {max}; default {default}"),
                             {{"min", std::to_string(c.value("min", 0))},
                              {"max", std::to_string(c.value("max", 0))},
                              {"default", std::to_string(c.value("default", 0))}}),
                        "number"});
    }
    if (ph.value("kind", "") == "taper") {
      const json& step = ph.value("step", json::object());
      fields.push_back({"taper_step",
                        fill(tr(lang, "{phase}: step"), {{"phase", name}}),
                        fill(tr(lang, "default {default} ({source})"),
                             {{"default", quantity_text(step.value("dose", json()))},
                              {"source", from_text(step.value("from", json()), r, lang)}}),
                        "number",
                        {},
                        "taper_step_unit",
                        {step.value("dose", json::object()).value("unit", "")}});
      const json& every = ph.value("every", json::object());
      fields.push_back({"taper_every",
                        fill(tr(lang, "{phase}: every"), {{"phase", name}}),
                        fill(tr(lang, "default {default} ({source})"),
                             {{"default", every.value("value", "")},
                              {"source", from_text(every.value("from", json()), r, lang)}}),
                        "text",
                        {},
                        "",
                        {},
                        every.value("value", "")});
    }
  }
  fields.push_back(
      {"acknowledge_off_label", tr(lang, "I acknowledge use outside the label's population"),
       tr(lang, "Only where the regimen allows it; every page of the plan says so"), "checkbox"});
  return fields;
}

// Where a problem goes on the form: the request member of "request:/…", or the field a plan
// check names ("dose", "weight", a phase's id → "phase_durations.ID" or "cycle_counts.ID").
std::string form_field_of(const Problem& p, const json& regimen) {
  static constexpr std::string_view kPrefix = "request:/";
  if (p.where.starts_with(kPrefix)) {
    std::string f = p.where.substr(kPrefix.size());
    for (char& c : f) {
      if (c == '/') c = '.';
    }
    return f;
  }
  std::string f = p.where;
  for (char& c : f) {
    if (c == '-') c = '_';
  }
  for (const json& ph : regimen.value("phases", json::array())) {
    if (ph.value("id", "") != p.where) continue;
    if (ph.contains("duration")) return "phase_durations." + p.where;
    if (ph.contains("count")) return "cycle_counts." + p.where;
  }
  if (f == "phase_duration") return "";
  return f;
}

std::string form_page(const App& app, const Caller& who, Lang lang, const Regimen& regimen,
                      const Values& values, const Error* error) {
  const json r = json::parse(render_regimen_json(regimen, app.rules));
  const std::vector<FieldSpec> fields = form_fields(r, app.rules, lang);
  Problems problems;
  if (error != nullptr) {
    for (const Problem& p : error->problems()) {
      std::string f = form_field_of(p, r);
      const bool known = std::any_of(fields.begin(), fields.end(),
                                     [&f](const FieldSpec& s) { return s.name == f; });
      problems[known ? f : ""].push_back(&p);
    }
  }
  std::string body = "<p>" + h(loc(r.value("indication", json()), lang)) + " · " +
                     h(tr(lang, "evidence")) + ": " + h(r.value("evidence", "")) + "</p>";
  if (error != nullptr) {
    body += "<div class=\"errors\" role=\"alert\"><p>" +
            h(tr(lang, "Nothing was planned: correct the fields marked below.")) + "</p>";
    body += problems_html(problems, "", lang, "form-errors") + "</div>";
  }
  body += "<form method=\"post\" action=\"/plan\">" + form_hidden(who, lang) +
          "<input type=\"hidden\" name=\"regimen\" value=\"" + h(regimen.id) + "\">";
  for (const FieldSpec& f : fields) body += field_html(f, values, problems, lang);
  body += "<button type=\"submit\">" + h(tr(lang, "Make the plan")) + "</button></form>";
  body += "<p><a href=\"/regimens/" + h(regimen.id) + "/rules" + lang_query(lang) + "\">" +
          h(tr(lang, "The regimen's rules and sources")) + "</a></p>";
  return page(lang, pick(regimen.drug.name, lang) + " — " + pick(regimen.indication, lang), body,
              "/regimens/" + regimen.id);
}

// The form's fields as a request (docs/request.schema.json): a number and its unit make one
// quantity; empty fields are left out (the regimen's defaults apply).
json request_of_form(const httplib::Request& req) {
  json q = json::object();
  const auto text = [&req](const std::string& name) { return param(req, name); };
  q["regimen"] = text("regimen");
  const auto quantity = [&](const std::string& name, const std::string& unit_field) {
    const std::string v = text(name);
    if (!v.empty()) q[name] = v + " " + text(unit_field);
  };
  quantity("weight", "weight_unit");
  quantity("height", "height_unit");
  quantity("creatinine", "creatinine_unit");
  quantity("dose", "dose_unit");
  quantity("taper_step", "taper_step_unit");
  for (const char* name : {"start", "sex", "birth_date", "product", "market", "taper_every"}) {
    if (!text(name).empty()) q[name] = text(name);
  }
  // Numbers go in as typed: parse_plan_request names a text that is not one (request.bad_value).
  const auto number = [&](const std::string& name, const std::string& member) -> json {
    const std::string v = text(name);
    try {
      std::size_t used = 0;
      const double d = std::stod(v, &used);
      if (used == v.size()) return member == "doses_per_day" ? json(static_cast<int>(d)) : json(d);
    } catch (const std::exception&) {
    }
    return json(v);
  };
  if (!text("age_years").empty()) q["age_years"] = number("age_years", "age_years");
  if (!text("doses_per_day").empty()) q["doses_per_day"] = number("doses_per_day", "doses_per_day");
  if (!text("acknowledge_off_label").empty()) q["acknowledge_off_label"] = true;
  for (const auto& [name, value] : req.params) {
    if (value.empty()) continue;
    if (name.starts_with("phase_durations.")) q["phase_durations"][name.substr(16)] = value;
    if (name.starts_with("cycle_counts.")) q["cycle_counts"][name.substr(13)] = number(name, "n");
  }
  return q;
}

Values values_of_form(const httplib::Request& req) {
  Values v;
  for (const auto& [name, value] : req.params) {
    if (name != "csrf") v[name] = value;
  }
  return v;
}

// The plan page's tool bar: Print (app.js shows it), the downloads, the other language, "track
// this patient". Each is a form that posts the request again (write_plan_request), so no patient
// data go into a URL.
std::string toolbar(const Caller& who, Lang lang, const std::string& request_json) {
  const std::string request =
      "<input type=\"hidden\" name=\"request\" value=\"" + h(request_json) + "\">";
  const std::string hidden = form_hidden(who, lang) + request;
  std::string out = "<nav class=\"toolbar\" aria-label=\"" + h(tr(lang, "Plan")) +
                    "\"><a href=\"/" + lang_query(lang) + "\">" + h(tr(lang, "Regimens")) +
                    "</a> <button type=\"button\" id=\"print\" hidden>" + h(tr(lang, "Print")) +
                    "</button>";
  out += "<form method=\"post\" action=\"/plan/download\" class=\"inline\">" + hidden + "<span>" +
         h(tr(lang, "Download")) + ":</span>";
  static constexpr std::pair<const char*, const char*> kFormats[] = {
      {"pdf", "PDF"},   {"ics", "ICS"}, {"fhir", "FHIR"},
      {"json", "JSON"}, {"csv", "CSV"}, {"html", "HTML"}};
  for (const auto& [format, name] : kFormats) {
    out += " <button type=\"submit\" name=\"format\" value=\"" + std::string(format) + "\">" +
           name + "</button>";
  }
  out += "</form>";
  const Lang other = lang == Lang::zh_CN ? Lang::en : Lang::zh_CN;
  out += "<form method=\"post\" action=\"/plan\" class=\"inline\">" + form_hidden(who, other) +
         request + "<button type=\"submit\" lang=\"" + (other == Lang::zh_CN ? "zh-CN" : "en") +
         "\">" + (other == Lang::zh_CN ? "中文" : "English") + "</button></form>";
  out += "<form method=\"post\" action=\"/patients\" class=\"inline\">" + hidden +
         "<label class=\"inline\" for=\"track-label\">" + h(tr(lang, "Track this patient as")) +
         "</label> <input id=\"track-label\" name=\"label\" required "
         "pattern=\"[A-Za-z0-9][A-Za-z0-9._-]{0,39}\" "
         "placeholder=\"pt-01\"> <button type=\"submit\">" +
         h(tr(lang, "Track")) + "</button></form></nav>";
  return out;
}

constexpr std::string_view kToolbarStyle =
    "<style>.toolbar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;"
    "padding:.5rem;margin-bottom:4mm;border:2px solid #0b4f8a;font-size:12pt}"
    ".toolbar form{display:inline}.toolbar button{font-size:12pt;padding:.3rem .6rem;"
    "background:#0b4f8a;color:#fff;border:0;border-radius:3px;cursor:pointer}"
    ".toolbar a{color:#0b4f8a}.toolbar input{font-size:12pt}"
    ":focus{outline:3px solid #d98200;outline-offset:2px}"
    "@media print{.toolbar{display:none}}</style>"
    "<script src=\"/static/app.js\" defer></script>";

// The printable page (render_html, the same as `plan --format html`) with the tool bar at its top.
std::string plan_page_html(const Caller& who, const Plan& plan, Lang lang) {
  std::string html = render_html(plan, lang);
  const std::string request_json = write_plan_request(plan.request);
  const std::size_t head_end = html.find("</head>");
  if (head_end != std::string::npos) html.insert(head_end, kToolbarStyle);
  const std::size_t body = html.find("<body>");
  const std::size_t at = body == std::string::npos ? 0 : body + 6;
  html.insert(at, toolbar(who, lang, request_json));
  return html;
}

// The request of a plan page's form: the hidden "request" (a JSON request), else the fields.
PlanRequest request_of(const httplib::Request& req) {
  const std::string text = param(req, "request");
  if (!text.empty()) return parse_plan_request(text, "request");
  return parse_plan_request(request_of_form(req).dump(), "request");
}

std::mutex pdf_mutex;  // cairo and pango: one PDF at a time

}  // namespace

void regimen_list_page(const App& app, const httplib::Request& req, httplib::Response& res,
                       const Caller&) {
  const Lang lang = request_lang(req);
  const json list = json::parse(render_regimen_list_json(app.rules));
  std::string body = "<p>" + h(tr(lang, "Choose a regimen to plan a patient's doses and tests.")) +
                     "</p><table><thead><tr><th scope=\"col\">" + h(tr(lang, "Regimen")) +
                     "</th><th scope=\"col\">" + h(tr(lang, "Drug")) + "</th><th scope=\"col\">" +
                     h(tr(lang, "Indication")) + "</th><th scope=\"col\">" +
                     h(tr(lang, "Evidence")) + "</th></tr></thead><tbody>";
  for (const json& r : list.value("regimens", json::array())) {
    const std::string id = r.value("id", "");
    body += "<tr><td><a href=\"/regimens/" + h(id) + lang_query(lang) + "\">" + h(id) +
            "</a></td><td>" + h(loc(r["drug"].value("name", json()), lang)) + "</td><td>" +
            h(loc(r.value("indication", json()), lang)) + "</td><td>" + h(r.value("evidence", "")) +
            "</td></tr>";
  }
  body += "</tbody></table>";
  send_html(res, page(lang, tr(lang, "Regimens"), body, "/"));
}

void regimen_form_page(const App& app, const httplib::Request& req, httplib::Response& res,
                       const Caller& who) {
  const Lang lang = request_lang(req);
  const Regimen& regimen = app.rules.regimen(req.matches[1].str());
  Values values{{"weight_unit", "kg"}, {"height_unit", "cm"}, {"creatinine_unit", "umol/L"}};
  send_html(res, form_page(app, who, lang, regimen, values, nullptr));
}

void regimen_rules_page(const App& app, const httplib::Request& req, httplib::Response& res,
                        const Caller&) {
  const Lang lang = request_lang(req);
  const Regimen& regimen = app.rules.regimen(req.matches[1].str());
  send_html(res, page(lang, pick(regimen.drug.name, lang),
                      "<pre>" + h(render_regimen_text(regimen, app.rules, lang)) + "</pre>",
                      "/regimens/" + regimen.id + "/rules"));
}

void plan_page(const App& app, const httplib::Request& req, httplib::Response& res,
               const Caller& who) {
  require_role(who, {Role::admin, Role::clinician});
  const Lang lang = request_lang(req);
  const bool from_form = param(req, "request").empty();
  PlanRequest q;
  try {
    q = request_of(req);
    send_html(res, plan_page_html(who, make_plan(app.rules, q), lang));
  } catch (const Error& e) {
    const std::string id = from_form ? param(req, "regimen") : q.regimen_id;
    const Regimen* regimen = app.rules.find_regimen(id);
    if (regimen == nullptr) throw;
    send_html(res, form_page(app, who, lang, *regimen, values_of_form(req), &e), 400);
  }
}

void plan_download(const App& app, const httplib::Request& req, httplib::Response& res,
                   const Caller& who) {
  require_role(who, {Role::admin, Role::clinician});
  const Lang lang = request_lang(req);
  const std::string format = param(req, "format");
  const Plan plan = make_plan(app.rules, request_of(req));
  const std::string name =
      "doseplan-" + plan.request.regimen_id + "-" + format_date(plan.request.start);
  std::string body, type, ext;
  if (format == "pdf") {
    const std::lock_guard lock(pdf_mutex);
    body = cli::render_pdf_with_module(plan, lang);
    type = "application/pdf";
    ext = "pdf";
  } else if (format == "ics") {
    IcsOptions ics;
    ics.lang = lang;
    body = render_ics(plan, ics);
    type = "text/calendar; charset=utf-8";
    ext = "ics";
  } else if (format == "fhir") {
    body = render_fhir(plan);
    type = "application/fhir+json";
    ext = "fhir.json";
  } else if (format == "json") {
    body = render_json(plan);
    type = "application/json";
    ext = "json";
  } else if (format == "csv") {
    body = render_csv(plan, lang);
    type = "text/csv; charset=utf-8";
    ext = "csv";
  } else if (format == "html") {
    body = render_html(plan, lang);
    type = "text/html; charset=utf-8";
    ext = "html";
  } else {
    throw Error("input.bad_format", "format",
                "\"" + format + "\" is not a download format: pdf, ics, fhir, json, csv or html");
  }
  res.set_header("Content-Disposition", "attachment; filename=\"" + name + "." + ext + "\"");
  res.set_content(body, type);
}

}  // namespace doseplan::server
