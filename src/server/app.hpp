// What the server's handlers share (src/server/): the rules loaded at start, the per-launch
// secrets, the store's path, and the helpers every handler uses (errors as HTTP, the page frame).
#ifndef DOSEPLAN_SERVER_APP_HPP_
#define DOSEPLAN_SERVER_APP_HPP_

#include <httplib.h>

#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "doseplan/doseplan.hpp"
#include "doseplan/tracker.hpp"

namespace doseplan::server {

using json = nlohmann::ordered_json;

struct App {
  RuleSet rules;                   // every regimen, loaded once at start (read-only afterwards)
  std::string db_path;             // the tracker's store, opened per request
  std::string secret;              // per launch: the key of the printed URL, then a cookie
  std::string csrf;                // per launch: a hidden field of every form (the login form's
                                   // with accounts)
  std::string origin;              // "http://127.0.0.1:PORT"
  std::vector<std::string> hosts;  // Host headers accepted: 127.0.0.1:PORT, localhost:PORT
  bool accounts = false;           // the store had accounts at start: sessions, not the key
  bool tls = false;                // served over HTTPS (--tls-cert): cookies are Secure
};

// Who sends a request. Without accounts: the holder of the per-launch key, who may do everything
// (a loopback server, one person). With accounts: the account of a session, whose role decides
// (docs/serve.md, "Accounts and roles").
struct Caller {
  std::optional<Account> account;  // none: the key's holder (or, `anonymous`, nobody known)
  std::string csrf;   // the token of this caller's forms: the session's, or the launch's
  std::string token;  // the session's token (logout)
  // With accounts, a request without a session on a route open to all (the login, a calendar
  // subscription, which carries its own token): it may see and change nothing.
  bool anonymous = false;
};

// ------------------------------------------------------------------ access

// Whether `who` may see patient `p`: the key's holder and an administrator every patient; a
// clinician those of their clinic; a patient or a carer their one patient.
bool sees(const Caller& who, const TrackedPatient& p);
// The patient `label`, when `who` may see it; else tracker.unknown_patient as for a label not
// tracked (404: whether another clinic's patient exists is not told).
TrackedPatient visible_patient(const Caller& who, const Tracker& t, const std::string& label);
// serve.not_allowed (403) unless `who` is the key's holder or has one of `roles`.
void require_role(const Caller& who, std::initializer_list<Role> roles);
// What may change a patient's record (start, results, visits, entered in error): an
// administrator or a clinician who sees the patient.
void require_change(const Caller& who, const Tracker& t, const std::string& label);
// The patients `who` sees (patients()), and the visits of those due within `within` of today.
std::vector<TrackedPatient> visible_patients(const Caller& who, const Tracker& t);
std::vector<DueVisit> visible_due(const Caller& who, const Tracker& t, Span within);
// Whether `who` may change patients' records: the key's holder, an administrator, a clinician.
bool can_change(const Caller& who);

// ------------------------------------------------------------------ requests

// The language of a page: the `lang` parameter (en or zh-CN), else English. A value parse_lang
// refuses is an Error (input.bad_lang), answered 400.
Lang request_lang(const httplib::Request& req);

// The `name` parameter (query or form field), "" when absent.
std::string param(const httplib::Request& req, const std::string& name);

// The local system date: the server's "today" for the tracker.
Date today();

// The tracker's store, opened for this request (one connection a request; SQLite serialises the
// writers).
Tracker open_store(const App& app, const Caller& who, Tracker::Mode mode);

// ------------------------------------------------------------------ errors

// The HTTP status of a refused request: 404 for an unknown patient, regimen, result or visit; 409
// for a patient already tracked; 400 otherwise.
int status_of(const Error& e);

// {"errors": [{"id", "where", "field", "message", "message_zh"}]}; "field" is the request member
// the problem is about (the last part of "where": "request:/weight" -> "weight").
json errors_json(const Error& e);

// The request member a problem is about: "weight" of "request:/weight", "birth_date" of
// "birth-date".
std::string field_of(const Problem& p);

// ------------------------------------------------------------------ pages

// `text` escaped for HTML.
std::string h(std::string_view text);

// A whole page: <html lang>, the title, the navigation (regimens, patients, due, the other
// language), `body`, and the footer with the disclaimer. No inline script: /static/app.js only.
std::string page(Lang lang, const std::string& title, const std::string& body,
                 const std::string& path_for_switch);

// The hidden fields every form carries: the CSRF token and the language.
std::string form_hidden(const Caller& who, Lang lang);

// "?lang=zh-CN" for Chinese, "" for English: appended to links.
std::string lang_query(Lang lang);

// An error page (the problems, each with its field, message and, in Chinese, its detail).
std::string error_page(Lang lang, const Error& e);

void send_html(httplib::Response& res, const std::string& html, int status = 200);
void send_json(httplib::Response& res, const json& body, int status = 200);

// ------------------------------------------------------------------ handlers

// Clinician pages (pages.cpp).
void regimen_list_page(const App& app, const httplib::Request& req, httplib::Response& res,
                       const Caller& who);
void regimen_form_page(const App& app, const httplib::Request& req, httplib::Response& res,
                       const Caller& who);
void regimen_rules_page(const App& app, const httplib::Request& req, httplib::Response& res,
                        const Caller& who);
void plan_page(const App& app, const httplib::Request& req, httplib::Response& res,
               const Caller& who);
void plan_download(const App& app, const httplib::Request& req, httplib::Response& res,
                   const Caller& who);

// Tracker pages (tracker_pages.cpp).
void patients_page(const App& app, const httplib::Request& req, httplib::Response& res,
                   const Caller& who);
void due_page(const App& app, const httplib::Request& req, httplib::Response& res,
              const Caller& who);
void patient_page(const App& app, const httplib::Request& req, httplib::Response& res,
                  const Caller& who);
void patient_calendar(const App& app, const httplib::Request& req, httplib::Response& res,
                      const Caller& who);
void new_calendar_feed(const App& app, const httplib::Request& req, httplib::Response& res,
                       const Caller& who);
void revoke_calendar_feed(const App& app, const httplib::Request& req, httplib::Response& res,
                          const Caller& who);
void calendar_feed(const App& app, const httplib::Request& req, httplib::Response& res,
                   const Caller& who);
void track_start(const App& app, const httplib::Request& req, httplib::Response& res,
                 const Caller& who);
void record_result(const App& app, const httplib::Request& req, httplib::Response& res,
                   const Caller& who);
void visit_done(const App& app, const httplib::Request& req, httplib::Response& res,
                const Caller& who);
void result_in_error(const App& app, const httplib::Request& req, httplib::Response& res,
                     const Caller& who);

// Logging in and out (login.cpp).
void login_page(const App& app, const httplib::Request& req, httplib::Response& res,
                const Caller& who);
void login_form(const App& app, const httplib::Request& req, httplib::Response& res,
                const Caller& who);
void logout_form(const App& app, const httplib::Request& req, httplib::Response& res,
                 const Caller& who);
void api_login(const App& app, const httplib::Request& req, httplib::Response& res,
               const Caller& who);
void api_logout(const App& app, const httplib::Request& req, httplib::Response& res,
                const Caller& who);

// JSON API (api.cpp).
void api_regimens(const App& app, const httplib::Request& req, httplib::Response& res,
                  const Caller& who);
void api_regimen(const App& app, const httplib::Request& req, httplib::Response& res,
                 const Caller& who);
void api_plan(const App& app, const httplib::Request& req, httplib::Response& res,
              const Caller& who);
void api_batch(const App& app, const httplib::Request& req, httplib::Response& res,
               const Caller& who);
void api_patients(const App& app, const httplib::Request& req, httplib::Response& res,
                  const Caller& who);
void api_track_start(const App& app, const httplib::Request& req, httplib::Response& res,
                     const Caller& who);
void api_patient(const App& app, const httplib::Request& req, httplib::Response& res,
                 const Caller& who);
void api_record(const App& app, const httplib::Request& req, httplib::Response& res,
                const Caller& who);
void api_visit_done(const App& app, const httplib::Request& req, httplib::Response& res,
                    const Caller& who);
void api_due(const App& app, const httplib::Request& req, httplib::Response& res,
             const Caller& who);
void api_openapi(const App& app, const httplib::Request& req, httplib::Response& res,
                 const Caller& who);

}  // namespace doseplan::server

#endif  // DOSEPLAN_SERVER_APP_HPP_
