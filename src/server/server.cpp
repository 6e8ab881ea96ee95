// `doseplan serve`: the HTTP server (cpp-httplib) around the handlers of pages.cpp,
// tracker_pages.cpp and api.cpp. This file holds what every request goes through, in order:
//   1. the Host header must name this server (127.0.0.1:PORT, localhost:PORT): DNS rebinding;
//   2. a body larger than the route's limit is refused before it is read (413);
//   3. without accounts, the per-launch secret: the printed URL's ?key= sets an HttpOnly,
//      SameSite=Strict cookie; every other request needs that cookie or "Authorization: Bearer
//      SECRET" (403 without). With accounts (the store had some at start), a session instead: its
//      cookie or bearer token (dispatch(): pages without one go to /login, the API answers 401),
//      and each handler checks the account's role and patients (app.hpp, "access");
//   4. a form post needs the CSRF token (the session's, or the launch's) and, when the browser
//      says, the same origin; an API post needs a JSON content type (415 otherwise);
//   5. the route's handler; an Error becomes its HTTP status with the error's id, field and
//      message (a page or JSON), anything else a bare 500;
//   6. the access log: time, method, the route's template (never the path: labels are patient
//      data), status and the handler's milliseconds (also sent as Server-Timing).
// Every response carries a Content-Security-Policy without inline or foreign scripts, and
// no-store. SIGTERM or SIGINT stops accepting, lets the requests under way finish, and returns.
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "server/app.hpp"
#include "server/serve.hpp"

namespace doseplan::server {
namespace {

constexpr std::size_t kFormLimit = std::size_t{64} * 1024;          // a form or a JSON request
constexpr std::size_t kBatchLimit = std::size_t{16} * 1024 * 1024;  // POST /api/v1/batch
constexpr time_t kTimeoutSeconds = 10;  // reading or writing one request

constexpr std::string_view kSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// The only script: shows the Print button of the plan page and prints. Pages work without it.
constexpr std::string_view kAppJs =
    "document.addEventListener('DOMContentLoaded', function () {\n"
    "  var b = document.getElementById('print');\n"
    "  if (b) { b.hidden = false; b.addEventListener('click', function () { window.print(); }); }\n"
    "});\n";

bool same_secret(std::string_view given, const std::string& secret) {
  return given.size() == secret.size() &&
         CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0;
}

bool is_loopback(const std::string& address) {
  if (address == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, address.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::string cookie_value(const httplib::Request& req, std::string_view name) {
  const std::string cookies = req.get_header_value("Cookie");
  std::size_t at = 0;
  while (at < cookies.size()) {
    std::size_t end = cookies.find(';', at);
    if (end == std::string::npos) end = cookies.size();
    std::string_view item(cookies.data() + at, end - at);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=') {
      return std::string(item.substr(name.size() + 1));
    }
    at = end + 1;
  }
  return "";
}

enum class Kind { page, form, api };

// Whether a route needs a session when the server has accounts (the login routes do not).
enum class Access { session, open };

struct Route {
  std::string method;
  std::string path;  // the template, as logged: "/patients/{label}"
  std::regex pattern;
  Kind kind;
};

// "/patients/{label}/visits/{date}/done" -> its regular expression, each {name} a group.
std::string pattern_of(const std::string& path) {
  static const std::map<std::string, std::string> kParts = {
      {"{id}", "([a-z0-9][a-z0-9-]{0,63})"},
      {"{label}", "([A-Za-z0-9][A-Za-z0-9._-]{0,39})"},
      {"{date}", "([0-9]{4}-[0-9]{2}-[0-9]{2})"},
      {"{result}", "([0-9]{1,18})"},
      {"{token}", "([0-9a-f]{48})"}};
  std::string out;
  for (std::size_t i = 0; i < path.size();) {
    bool matched = false;
    for (const auto& [name, re] : kParts) {
      if (path.compare(i, name.size(), name) == 0) {
        out += re;
        i += name.size();
        matched = true;
        break;
      }
    }
    if (matched) continue;
    const char c = path[i++];
    if (c == '.') {
      out += "\\.";
    } else {
      out += c;
    }
  }
  return out;
}

class Server {
 public:
  Server(App& app, const ServeOptions& o)
      : app_(app),
        log_(o.log),
        owned_(o.tls_cert.empty()
                   ? std::make_unique<httplib::Server>()
                   : std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str())),
        http_(*owned_) {
    if (!http_.is_valid()) {
      throw Error("serve.bad_tls", "tls-cert",
                  "the certificate or key can not be used (--tls-cert " + o.tls_cert +
                      ", --tls-key " + o.tls_key + "): PEM files, the key unencrypted");
    }
    const int threads = o.threads;
    http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http_.set_payload_max_length(kBatchLimit);
    http_.set_read_timeout(kTimeoutSeconds);
    http_.set_write_timeout(kTimeoutSeconds);
    http_.set_keep_alive_timeout(5);
    // Small answers go out at once (without it, Nagle's algorithm and the client's delayed ACK
    // held each for about 40 ms on a keep-alive connection: docs/performance.md).
    http_.set_tcp_nodelay(true);
    http_.set_default_headers({{"Content-Security-Policy", std::string(kSecurityPolicy)},
                               {"X-Content-Type-Options", "nosniff"},
                               {"Referrer-Policy", "no-referrer"},
                               {"X-Frame-Options", "DENY"},
                               {"Cache-Control", "no-store"}});
    http_.set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) { return gate(req, res); });
    http_.set_error_handler(
        [this](const httplib::Request& req, httplib::Response& res) { error_body(req, res); });
    http_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      access_log(req, res);
    });
    add_routes();
  }

  httplib::Server& http() { return http_; }

 private:
  App& app_;
  std::ostream* log_;
  std::unique_ptr<httplib::Server> owned_;  // an httplib::SSLServer with --tls-cert
  httplib::Server& http_;
  std::vector<Route> routes_;
  std::mutex log_mutex_;

  using Handler = void (*)(const App&, const httplib::Request&, httplib::Response&, const Caller&);

  void add(const std::string& method, const std::string& path, Kind kind, Handler handler,
           Access access = Access::session) {
    const std::string pattern = pattern_of(path);
    routes_.push_back({method, path, std::regex(pattern), kind});
    auto wrapped = [this, kind, handler, access](const httplib::Request& req,
                                                 httplib::Response& res) {
      run(kind, access, handler, req, res);
    };
    if (method == "GET") {
      http_.Get(pattern, wrapped);
    } else {
      http_.Post(pattern, wrapped);
    }
  }

  void add_routes() {
    add("GET", "/", Kind::page, regimen_list_page);
    add("GET", "/regimens/{id}", Kind::page, regimen_form_page);
    add("GET", "/regimens/{id}/rules", Kind::page, regimen_rules_page);
    add("POST", "/plan", Kind::form, plan_page);
    add("POST", "/plan/download", Kind::form, plan_download);
    add("GET", "/patients", Kind::page, patients_page);
    add("POST", "/patients", Kind::form, track_start);
    add("GET", "/due", Kind::page, due_page);
    add("GET", "/patients/{label}", Kind::page, patient_page);
    add("GET", "/patients/{label}/calendar.ics", Kind::page, patient_calendar);
    add("POST", "/patients/{label}/results", Kind::form, record_result);
    add("POST", "/patients/{label}/calendar-feed", Kind::form, new_calendar_feed);
    add("POST", "/patients/{label}/calendar-feed/revoke", Kind::form, revoke_calendar_feed);
    add("GET", "/calendar/{token}.ics", Kind::page, calendar_feed, Access::open);  // its token
    add("POST", "/patients/{label}/visits/{date}/done", Kind::form, visit_done);
    add("POST", "/patients/{label}/results/{result}/entered-in-error", Kind::form, result_in_error);
    add("GET", "/api/v1/regimens", Kind::api, api_regimens);
    add("GET", "/api/v1/regimens/{id}", Kind::api, api_regimen);
    add("POST", "/api/v1/plan", Kind::api, api_plan);
    add("POST", "/api/v1/batch", Kind::api, api_batch);
    add("GET", "/api/v1/patients", Kind::api, api_patients);
    add("POST", "/api/v1/patients", Kind::api, api_track_start);
    add("GET", "/api/v1/patients/{label}", Kind::api, api_patient);
    add("POST", "/api/v1/patients/{label}/results", Kind::api, api_record);
    add("POST", "/api/v1/patients/{label}/visits/{date}/done", Kind::api, api_visit_done);
    add("GET", "/api/v1/due", Kind::api, api_due);
    add("GET", "/api/v1/openapi.json", Kind::api, api_openapi);
    add("GET", "/login", Kind::page, login_page, Access::open);
    add("POST", "/login", Kind::form, login_form, Access::open);
    add("POST", "/logout", Kind::form, logout_form);
    add("POST", "/api/v1/login", Kind::api, api_login, Access::open);
    add("POST", "/api/v1/logout", Kind::api, api_logout);
    http_.Get("/static/app.js", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(kAppJs), "text/javascript");
    });
    routes_.push_back({"GET", "/static/app.js", std::regex("/static/app\\.js"), Kind::page});
  }

  static bool is_api(const httplib::Request& req) { return req.path.starts_with("/api/"); }

  // A refusal before any handler: JSON for the API, a short page otherwise.
  static void refuse(const httplib::Request& req, httplib::Response& res, int status,
                     const std::string& id, const std::string& message) {
    const Error e(id, "request", message);
    res.status = status;
    if (is_api(req)) {
      send_json(res, errors_json(e), status);
    } else {
      send_html(res, error_page(Lang::en, e), status);
    }
  }

  httplib::Server::HandlerResponse gate(const httplib::Request& req, httplib::Response& res) {
    using R = httplib::Server::HandlerResponse;
    const std::string host = req.get_header_value("Host");
    if (std::find(app_.hosts.begin(), app_.hosts.end(), host) == app_.hosts.end()) {
      refuse(req, res, 400, "serve.bad_host",
             "the Host header is not this server's address (" + app_.hosts.front() + ")");
      return R::Handled;
    }
    const std::size_t limit = req.path == "/api/v1/batch" ? kBatchLimit : kFormLimit;
    if (req.get_header_value<std::uint64_t>("Content-Length") > limit) {
      refuse(req, res, 413, "serve.too_large",
             "the body is larger than " + std::to_string(limit / 1024) + " KiB");
      return R::Handled;
    }
    if (req.method == "GET" && req.path == "/" && req.has_param("key")) {
      if (!same_secret(req.get_param_value("key"), app_.secret)) {
        refuse(req, res, 403, "serve.forbidden",
               "the key is not this server's: open the address doseplan serve printed");
        return R::Handled;
      }
      res.set_header("Set-Cookie",
                     "doseplan_key=" + app_.secret + "; Path=/; HttpOnly; SameSite=Strict");
      res.set_redirect("/", 303);
      return R::Handled;
    }
    // A calendar subscription carries its own secret, the patient's token (tracker_pages.cpp).
    if (req.method == "GET" && req.path.starts_with("/calendar/")) return R::Unhandled;
    const std::string auth = req.get_header_value("Authorization");
    const bool bearer = auth.starts_with("Bearer ") && same_secret(auth.substr(7), app_.secret);
    if (!app_.accounts && !bearer && !same_secret(cookie_value(req, "doseplan_key"), app_.secret)) {
      refuse(req, res, 403, "serve.forbidden",
             "this server needs its key: open the address doseplan serve printed (API: "
             "\"Authorization: Bearer KEY\")");
      return R::Handled;
    }
    if (req.method == "POST" && !is_api(req)) {
      const std::string origin = req.get_header_value("Origin");
      if ((!origin.empty() && !same_origin(origin) && origin != "null") ||
          req.get_header_value("Sec-Fetch-Site") == "cross-site") {
        refuse(req, res, 403, "serve.cross_site", "a form posted from another site");
        return R::Handled;
      }
      if (!req.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded")) {
        refuse(req, res, 415, "serve.content_type",
               "a form must be sent as application/x-www-form-urlencoded");
        return R::Handled;
      }
    }
    if (req.method == "POST" && is_api(req)) {
      const std::string type = req.get_header_value("Content-Type");
      const bool batch = req.path == "/api/v1/batch";
      const bool ok =
          batch ? type.starts_with("application/x-ndjson") || type.starts_with("application/jsonl")
                : type.starts_with("application/json");
      if (!ok) {
        refuse(req, res, 415, "serve.content_type",
               batch ? "send JSON Lines as application/x-ndjson" : "send JSON as application/json");
        return R::Handled;
      }
    }
    return R::Unhandled;
  }

  // The route's handler, timed: the milliseconds go to the client as Server-Timing and from
  // there to the access log.
  void run(Kind kind, Access access, Handler handler, const httplib::Request& req,
           httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    dispatch(kind, access, handler, req, res);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::ostringstream timing;
    timing << "app;dur=" << std::fixed << std::setprecision(1) << ms;
    res.set_header("Server-Timing", timing.str());
  }

  // An Origin header of this server: http(s)://HOST for a Host header it accepts.
  bool same_origin(const std::string& origin) const {
    for (const std::string& host : app_.hosts) {
      if (origin == "http://" + host || origin == "https://" + host) return true;
    }
    return false;
  }

  // Who sends the request: the key's holder (no accounts), or the account of the session whose
  // token is in the cookie doseplan_session or "Authorization: Bearer". None: a route that needs
  // a session sends a page to /login and answers the API 401.
  std::optional<Caller> caller(const httplib::Request& req, httplib::Response& res,
                               Access access) const {
    if (!app_.accounts) return Caller{std::nullopt, app_.csrf, ""};
    const std::string auth = req.get_header_value("Authorization");
    const std::string token =
        auth.starts_with("Bearer ") ? auth.substr(7) : cookie_value(req, "doseplan_session");
    if (!token.empty()) {
      const std::optional<Session> s =
          Tracker(app_.db_path, Tracker::Mode::read_only).session(token, std::time(nullptr));
      if (s) return Caller{s->account, s->csrf, token};
    }
    if (access == Access::open) return Caller{std::nullopt, app_.csrf, "", true};
    if (req.method == "GET" && !is_api(req)) {
      res.set_redirect("/login" + lang_query(request_lang(req)), 303);
      return std::nullopt;
    }
    throw Error("serve.login_required", "request",
                "log in first (POST /api/v1/login gives a bearer token; pages: /login)");
  }

  void dispatch(Kind kind, Access access, Handler handler, const httplib::Request& req,
                httplib::Response& res) {
    try {
      const std::optional<Caller> who = caller(req, res, access);
      if (!who) return;
      if (kind == Kind::form && !same_secret(param(req, "csrf"), who->csrf)) {
        throw Error("serve.csrf", "csrf", "the form's token is missing or not this session's");
      }
      handler(app_, req, res, *who);
    } catch (const Error& e) {
      const int status = status_of(e);
      if (kind == Kind::api) {
        send_json(res, errors_json(e), status);
      } else {
        Lang lang = Lang::en;
        try {
          lang = request_lang(req);
        } catch (const Error&) {
        }
        send_html(res, error_page(lang, e), status);
      }
    } catch (const std::exception&) {
      // A fault of doseplan itself; its text may quote patient data, so it is not shown.
      refuse(req, res, 500, "internal.error", "doseplan failed on this request");
    }
  }

  void error_body(const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty() || res.is_chunked_content_provider_) return;
    if (res.status == 404) {
      refuse(req, res, 404, "serve.not_found", "no such page or API route");
    } else if (res.status == 413) {
      refuse(req, res, 413, "serve.too_large", "the body is too large");
    } else if (res.status == 405 || res.status == 400) {
      refuse(req, res, res.status, "serve.bad_request", "the request can not be read");
    }
  }

  void access_log(const httplib::Request& req, const httplib::Response& res) {
    if (log_ == nullptr) return;
    std::string route = "-";
    for (const Route& r : routes_) {
      if (r.method == req.method && std::regex_match(req.path, r.pattern)) {
        route = r.path;
        break;
      }
    }
    // The handler's milliseconds (run()); "-" for a request refused before any route.
    const std::string timing = res.get_header_value("Server-Timing");
    const std::size_t dur = timing.find("dur=");
    const std::string ms = dur == std::string::npos ? "-" : timing.substr(dur + 4);
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::ostringstream line;
    line << std::put_time(&utc, "%Y-%m-%dT%H:%M:%SZ") << ' '
         << (req.method == "GET" || req.method == "POST" ? req.method : "OTHER") << ' ' << route
         << ' ' << res.status << ' ' << ms << " ms\n";
    const std::lock_guard lock(log_mutex_);
    *log_ << line.str() << std::flush;
  }
};

}  // namespace

// Whether the store has accounts (then the server uses sessions, and may listen on the network).
bool store_has_accounts(const std::string& db) {
  try {
    return Tracker(db, Tracker::Mode::read_only, false).has_accounts();
  } catch (const Error& e) {
    if (e.id() == "tracker.no_db") return false;
    throw;
  }
}

// The options checked before anything starts: threads, TLS files given in pairs, and a listen
// address beyond loopback only when the store has accounts (`accounts`).
void check_options(const ServeOptions& o, bool accounts) {
  if (o.threads < 1 || o.threads > 64) {
    throw Error("input.out_of_range", "threads",
                "--threads " + std::to_string(o.threads) + " is outside 1 to 64");
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    throw Error("input.missing", o.tls_cert.empty() ? "tls-cert" : "tls-key",
                "give both --tls-cert FILE and --tls-key FILE");
  }
  if (!is_loopback(o.listen) && !accounts) {
    throw Error("serve.not_loopback", "listen",
                "\"" + o.listen +
                    "\" is not a loopback address: doseplan serve listens only on this machine "
                    "(127.0.0.1, ::1, localhost) until accounts exist (doseplan users add)",
                zh_detail("{address} is not this machine's own address: doseplan serve listens "
                          "only on 127.0.0.1, ::1 or localhost.",
                          {{"address", o.listen}}));
  }
}

int serve(const ServeOptions& o) {
  const bool accounts = store_has_accounts(o.db_path);
  check_options(o, accounts);
  App app;
  app.rules = load_rules(o.rules_dir);
  app.db_path = o.db_path;
  app.accounts = accounts;
  app.tls = !o.tls_cert.empty() || o.secure_cookies;
  app.secret = random_hex(32);
  app.csrf = random_hex(32);

  // SIGTERM and SIGINT are taken by one thread (sigwait), which stops the server; every other
  // thread, httplib's workers included, starts with them blocked.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Server server(app, o);
  const std::string bind_host = o.listen == "localhost" ? "127.0.0.1" : o.listen;
  int port = o.port;
  if (port == 0) {
    port = server.http().bind_to_any_port(bind_host);
  } else if (!server.http().bind_to_port(bind_host, port)) {
    port = -1;
  }
  if (port < 0) {
    throw Error("serve.cannot_listen", "port",
                "cannot listen on " + bind_host + ":" + std::to_string(o.port) +
                    " (in use, or not allowed)");
  }
  const std::string shown_host =
      bind_host.find(':') != std::string::npos ? "[" + bind_host + "]" : bind_host;
  const std::string scheme = o.tls_cert.empty() ? "http" : "https";
  app.origin = scheme + "://" + shown_host + ":" + std::to_string(port);
  app.hosts = {shown_host + ":" + std::to_string(port), "localhost:" + std::to_string(port)};
  for (const std::string& name : o.host_names) {  // the names clients (or a proxy) use
    app.hosts.push_back(name);
    app.hosts.push_back(name + ":" + std::to_string(port));
  }

  std::atomic<bool> signalled = false;
  std::thread stopper([&server, &signalled, stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    signalled = true;
    server.http().stop();
  });
  std::ostream& out = o.out ? *o.out : std::cout;
  if (accounts) {
    out << "doseplan serve: open " << app.origin << "/login (accounts: log in)\n";
  } else {
    out << "doseplan serve: open " << app.origin << "/?key=" << app.secret << "\n";
  }
  if (!is_loopback(o.listen) && o.tls_cert.empty()) {
    out << "doseplan serve: plain HTTP on a network address: put a TLS reverse proxy in front "
           "(docs/deploy.md), or give --tls-cert and --tls-key\n";
  }
  out << "doseplan serve: tracker " << app.db_path << "; stop with Ctrl-C (SIGINT) or SIGTERM"
      << std::endl;
  server.http().listen_after_bind();
  // The server stopped by itself: the stopper still waits; a SIGTERM to the process (blocked in
  // every thread) is taken by its sigwait.
  if (!signalled) kill(getpid(), SIGTERM);
  stopper.join();
  out << "doseplan serve: stopped" << std::endl;
  return 0;
}

}  // namespace doseplan::server
