// The helpers every handler of the server uses: parameters, the date, the store, errors as HTTP,
// and the frame of a page (app.hpp).
#include "server/app.hpp"

#include <ctime>
#include <iomanip>
#include <sstream>

#include "core/text.hpp"
#include "doseplan/format.hpp"

namespace doseplan::server {

Lang request_lang(const httplib::Request& req) {
  const std::string lang = param(req, "lang");
  return lang.empty() ? Lang::en : parse_lang(lang);
}

std::string param(const httplib::Request& req, const std::string& name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

Date today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return date::year(local.tm_year + 1900) / date::month(static_cast<unsigned>(local.tm_mon + 1)) /
         date::day(static_cast<unsigned>(local.tm_mday));
}

Tracker open_store(const App& app, const Caller& who, Tracker::Mode mode) {
  Tracker t(app.db_path, mode, true);
  if (who.account) {
    t.set_actor({who.account->name, who.account->clinic});
  } else {  // the key's holder: the system user running the server ("serve:alice")
    t.set_actor({"serve:" + t.actor().name.substr(t.actor().name.find(':') + 1), ""});
  }
  return t;
}

bool sees(const Caller& who, const TrackedPatient& p) {
  if (who.anonymous) return false;
  if (!who.account) return true;
  const Account& a = *who.account;
  switch (a.role) {
    case Role::admin:
      return true;
    case Role::clinician:
      return p.clinic == a.clinic;
    case Role::patient:
    case Role::carer:
      return p.label == a.patient;
  }
  return false;
}

TrackedPatient visible_patient(const Caller& who, const Tracker& t, const std::string& label) {
  if (who.account || who.anonymous) {
    bool seen = false;
    TrackedPatient p;
    try {
      p = t.patient(label);
      seen = sees(who, p);
    } catch (const Error& e) {
      if (e.id() != "tracker.unknown_patient") throw;
    }
    if (!seen) {
      throw Error("tracker.unknown_patient", "label",
                  "no tracked patient " + detail::in_quotes(label) + " that this account may see");
    }
    return p;
  }
  return t.patient(label);
}

void require_role(const Caller& who, std::initializer_list<Role> roles) {
  if (who.anonymous) throw Error("serve.login_required", "request", "log in first");
  if (!who.account) return;
  for (const Role r : roles) {
    if (who.account->role == r) return;
  }
  throw Error("serve.not_allowed", "request",
              "a " + std::string(role_name(who.account->role)) + " account may not do this");
}

void require_change(const Caller& who, const Tracker& t, const std::string& label) {
  require_role(who, {Role::admin, Role::clinician});
  visible_patient(who, t, label);
}

bool can_change(const Caller& who) {
  if (who.anonymous) return false;
  return !who.account || who.account->role == Role::admin || who.account->role == Role::clinician;
}

std::vector<DueVisit> visible_due(const Caller& who, const Tracker& t, Span within) {
  std::vector<DueVisit> due = t.due(std::nullopt, today(), within);
  if (!who.account && !who.anonymous) return due;
  std::vector<std::string> labels;
  for (const TrackedPatient& p : visible_patients(who, t)) labels.push_back(p.label);
  std::erase_if(due, [&](const DueVisit& d) {
    return std::find(labels.begin(), labels.end(), d.label) == labels.end();
  });
  return due;
}

std::vector<TrackedPatient> visible_patients(const Caller& who, const Tracker& t) {
  std::vector<TrackedPatient> all = t.patients();
  std::erase_if(all, [&](const TrackedPatient& p) { return !sees(who, p); });
  return all;
}

int status_of(const Error& e) {
  const std::string& id = e.id();
  if (id == "tracker.unknown_patient" || id == "tracker.unknown_visit" ||
      id == "tracker.unknown_result" || id == "input.unknown_regimen" || id == "tracker.no_db" ||
      id == "serve.not_found") {
    return 404;
  }
  if (id == "tracker.duplicate_patient") return 409;
  if (id == "serve.not_allowed" || id == "serve.forbidden" || id == "serve.csrf") return 403;
  if (id == "serve.login_required" || id == "accounts.bad_login") return 401;
  if (id == "accounts.rate_limited") return 429;
  if (id == "tracker.db_busy" || id == "tracker.db_unavailable") return 503;
  // The store failed, not the request: a server's error.
  if (id == "tracker.db_error" || id == "tracker.disk_full" || id == "tracker.read_only" ||
      id == "tracker.damaged" || id == "tracker.not_tracker_db" || id == "tracker.db_newer") {
    return 500;
  }
  return 400;
}

std::string field_of(const Problem& p) {
  // The store's own errors name the database (a path or a URL): their field is "db".
  if (p.id.starts_with("tracker.db") || p.id == "tracker.disk_full" ||
      p.id == "tracker.read_only" || p.id == "tracker.damaged" ||
      p.id == "tracker.not_tracker_db") {
    return "db";
  }
  std::string f = p.where;
  const std::size_t slash = f.rfind('/');
  if (slash != std::string::npos) f = f.substr(slash + 1);
  for (char& c : f) {
    if (c == '-') c = '_';
  }
  return f;
}

json errors_json(const Error& e) {
  json errors = json::array();
  for (const Problem& p : e.problems()) {
    json one = {{"id", p.id}, {"where", p.where}, {"field", field_of(p)}, {"message", p.message}};
    if (!p.message_zh.empty()) one["message_zh"] = p.message_zh;
    errors.push_back(std::move(one));
  }
  return {{"errors", std::move(errors)}};
}

std::string h(std::string_view text) {
  return html_escape(text);
}

std::string lang_query(Lang lang) {
  return lang == Lang::zh_CN ? "?lang=zh-CN" : "";
}

std::string form_hidden(const Caller& who, Lang lang) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + h(who.csrf) +
         "\"><input type=\"hidden\" name=\"lang\" value=\"" +
         (lang == Lang::zh_CN ? "zh-CN" : "en") + "\">";
}

namespace {

// The pages' style: large type (many patients are older or see poorly), strong contrast, fields
// in one column on a phone.
constexpr std::string_view kStyle = R"CSS(
body { font-family: "Noto Sans", "Noto Sans CJK SC", sans-serif; font-size: 16px; line-height: 1.5;
       color: #111; background: #fff; margin: 0 auto; max-width: 60rem; padding: 0 1rem; }
header.site { display: flex; flex-wrap: wrap; gap: 1rem; align-items: baseline;
              border-bottom: 2px solid #333; padding: 0.5rem 0; }
header.site a { color: #0b4f8a; }
header.site .name { font-weight: bold; font-size: 1.2rem; }
a { color: #0b4f8a; }
.disclaimer { border: 2px solid #8a5a00; background: #fff8e6; padding: 0.5rem 0.75rem; }
footer.site { border-top: 2px solid #333; margin-top: 2rem; padding: 0.5rem 0; font-size: 0.95rem; }
label { display: block; font-weight: bold; margin-top: 0.9rem; }
.field { margin-bottom: 0.5rem; }
.hint { color: #333; font-size: 0.95rem; margin: 0.15rem 0; }
.error { color: #a30000; font-weight: bold; margin: 0.2rem 0; }
.errors { border: 2px solid #a30000; padding: 0.5rem 0.75rem; }
input, select, button { font-size: 1rem; padding: 0.35rem; }
input[type=checkbox] { width: 1.2rem; height: 1.2rem; }
button { background: #0b4f8a; color: #fff; border: 0; border-radius: 3px; padding: 0.5rem 1rem;
         cursor: pointer; margin-top: 0.5rem; }
fieldset { border: 1px solid #666; margin: 1rem 0; }
table { border-collapse: collapse; }
th, td { border: 1px solid #666; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
.in-error { text-decoration: line-through; color: #444; }
.overdue { color: #a30000; font-weight: bold; }
.inline { display: inline; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.95rem; }
:focus { outline: 3px solid #d98200; outline-offset: 2px; }
@media (max-width: 600px) { body { padding: 0 0.5rem; } table { display: block; overflow-x: auto; } }
)CSS";

}  // namespace

std::string page(Lang lang, const std::string& title, const std::string& body,
                 const std::string& path_for_switch) {
  const bool zh = lang == Lang::zh_CN;
  const std::string q = lang_query(lang);
  const std::string other = zh ? path_for_switch : path_for_switch + "?lang=zh-CN";
  std::string out = "<!DOCTYPE html>\n<html lang=\"";
  out += zh ? "zh-CN" : "en";
  out +=
      "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\"><title>";
  out += h(title) + " — doseplan</title><style>";
  out += kStyle;
  out += "</style><script src=\"/static/app.js\" defer></script></head><body>";
  out += "<header class=\"site\"><span class=\"name\">doseplan</span><nav aria-label=\"" +
         h(tr(lang, "Site")) + "\"><a href=\"/" + q + "\">" + h(tr(lang, "Regimens")) +
         "</a> · <a href=\"/patients" + q + "\">" + h(tr(lang, "Patients")) +
         "</a> · <a href=\"/due" + q + "\">" + h(tr(lang, "Due and overdue")) +
         "</a> · <a href=\"/login" + q + "\">" + h(tr(lang, "Account")) + "</a> · <a href=\"" +
         h(other) + "\" lang=\"" + (zh ? "en" : "zh-CN") + "\">" + (zh ? "English" : "中文") +
         "</a></nav></header><main>";
  out += "<h1>" + h(title) + "</h1>";
  out += body;
  out += "</main><footer class=\"site\"><p class=\"disclaimer\">" + h(pick(disclaimer(), lang)) +
         "</p></footer></body></html>\n";
  return out;
}

std::string error_page(Lang lang, const Error& e) {
  std::string body = "<div class=\"errors\" role=\"alert\"><ul>";
  for (const Problem& p : e.problems()) {
    body += "<li><span class=\"error\">" + h(p.where.empty() ? p.id : p.where) + "</span>: " +
            h(lang == Lang::zh_CN && !p.message_zh.empty() ? p.message_zh : p.message) + " [" +
            h(p.id) + "]</li>";
  }
  body += "</ul></div>";
  return page(lang, tr(lang, "The request was refused"), body, "/");
}

void send_html(httplib::Response& res, const std::string& html, int status) {
  res.status = status;
  res.set_content(html, "text/html; charset=utf-8");
}

void send_json(httplib::Response& res, const json& body, int status) {
  res.status = status;
  res.set_content(body.dump(2) + "\n", "application/json");
}

}  // namespace doseplan::server
