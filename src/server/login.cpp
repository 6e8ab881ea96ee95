// Logging in and out (issue 22): the login page and form, and the API's login and logout. A
// session's token goes into an HttpOnly, SameSite=Strict cookie (Secure over HTTPS), or to an API
// client as a bearer token; it is made anew at every login, so a token planted before the login
// (session fixation) is never the session's. The store keeps only its SHA-256 (tracker.hpp).
#include <ctime>

#include "server/app.hpp"

namespace doseplan::server {

namespace {

std::string session_cookie(const App& app, const std::string& value, std::int64_t max_age) {
  return "doseplan_session=" + value +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
         (app.tls ? "; Secure" : "");
}

std::string login_form_html(const Caller& who, Lang lang, const std::string& name,
                            const Error* refused) {
  std::string out;
  if (refused != nullptr) {
    out += "<div class=\"errors\" role=\"alert\"><p>" +
           h(lang == Lang::zh_CN && !refused->problems().front().message_zh.empty()
                 ? refused->problems().front().message_zh
                 : refused->problems().front().message) +
           "</p></div>";
  }
  return out + "<form method=\"post\" action=\"/login\">" + form_hidden(who, lang) +
         "<label for=\"l-name\">" + h(tr(lang, "Name")) +
         "</label><input id=\"l-name\" name=\"name\" autocomplete=\"username\" required value=\"" +
         h(name) + "\"><label for=\"l-password\">" + h(tr(lang, "Password")) +
         "</label><input id=\"l-password\" name=\"password\" type=\"password\" "
         "autocomplete=\"current-password\" required><button type=\"submit\">" +
         h(tr(lang, "Log in")) + "</button></form>";
}

}  // namespace

void login_page(const App& app, const httplib::Request& req, httplib::Response& res,
                const Caller& who) {
  const Lang lang = request_lang(req);
  std::string body;
  if (!app.accounts) {
    body = "<p>" +
           h(tr(lang,
                "This server has no accounts: it serves one person on this machine, who opens "
                "the address it printed.")) +
           "</p>";
  } else if (who.account) {
    body = "<p>" +
           h(fill(tr(lang, "Logged in as {name} ({role})."),
                  {{"name", who.account->name},
                   {"role", std::string(role_name(who.account->role))}})) +
           "</p><form method=\"post\" action=\"/logout\">" + form_hidden(who, lang) +
           "<button type=\"submit\">" + h(tr(lang, "Log out")) + "</button></form>";
  } else {
    body = login_form_html(who, lang, "", nullptr);
  }
  send_html(res, page(lang, tr(lang, "Log in"), body, "/login"));
}

void login_form(const App& app, const httplib::Request& req, httplib::Response& res,
                const Caller& who) {
  const Lang lang = request_lang(req);
  const std::string name = param(req, "name");
  try {
    Tracker t = open_store(app, who, Tracker::Mode::open_existing);
    const Session s = t.login(name, param(req, "password"), std::time(nullptr));
    res.set_header("Set-Cookie", session_cookie(app, s.token, kSessionSeconds));
    res.set_redirect(s.account.patient.empty()
                         ? "/patients" + lang_query(lang)
                         : "/patients/" + s.account.patient + lang_query(lang),
                     303);
  } catch (const Error& e) {
    if (!e.id().starts_with("accounts.")) throw;
    send_html(res, page(lang, tr(lang, "Log in"), login_form_html(who, lang, name, &e), "/login"),
              status_of(e));
  }
}

void logout_form(const App& app, const httplib::Request& req, httplib::Response& res,
                 const Caller& who) {
  open_store(app, who, Tracker::Mode::open_existing).logout(who.token);
  res.set_header("Set-Cookie", session_cookie(app, "", 0));
  res.set_redirect("/login" + lang_query(request_lang(req)), 303);
}

void api_login(const App& app, const httplib::Request& req, httplib::Response& res,
               const Caller& who) {
  const json body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("name") || !body["name"].is_string() ||
      !body.contains("password") || !body["password"].is_string()) {
    throw Error("request.missing_field", "request",
                "send {\"name\": \"...\", \"password\": \"...\"}");
  }
  Tracker t = open_store(app, who, Tracker::Mode::open_existing);
  const Session s = t.login(body["name"].get<std::string>(), body["password"].get<std::string>(),
                            std::time(nullptr));
  send_json(res, {{"token", s.token},
                  {"expires_at", s.expires_at},
                  {"name", s.account.name},
                  {"role", std::string(role_name(s.account.role))}});
}

void api_logout(const App& app, const httplib::Request&, httplib::Response& res,
                const Caller& who) {
  open_store(app, who, Tracker::Mode::open_existing).logout(who.token);
  res.status = 204;
}

}  // namespace doseplan::server
