// `doseplan serve`: the web app (clinician and tracker pages) and the JSON API over HTTP, a thin
// adapter beside the command line (docs/serve.md). Handlers parse, call the library, render.
#ifndef DOSEPLAN_SERVER_SERVE_HPP_
#define DOSEPLAN_SERVER_SERVE_HPP_

#include <ostream>
#include <string>
#include <vector>

namespace doseplan::server {

struct ServeOptions {
  std::string listen = "127.0.0.1";  // only a loopback address until accounts exist
  int port = 0;                      // 0: a free port, printed
  std::string rules_dir;             // found by the caller (find_rules_dir)
  std::string db_path;               // the tracker's store
  int threads = 16;                  // requests served at once (docs/performance.md: why 16)
  // HTTPS: a PEM certificate (chain) and its unencrypted PEM key (docs/deploy.md).
  std::string tls_cert;
  std::string tls_key;
  bool secure_cookies = false;          // behind a TLS reverse proxy: cookies only over HTTPS
  std::vector<std::string> host_names;  // Host names clients use besides the listen address
  // Where the access log goes (method, route template, status, milliseconds: no patient data).
  std::ostream* log = nullptr;
  // Where the address to open is printed (the caller's stdout).
  std::ostream* out = nullptr;
};

// Refuses a listen address that is not a loopback one unless the store has accounts
// (serve.not_loopback), loads the rules, binds, prints "doseplan serve: open
// http://127.0.0.1:PORT/?key=SECRET" (with accounts: ".../login") and serves until SIGTERM or
// SIGINT, then stops accepting, finishes the requests under way and returns 0.
int serve(const ServeOptions& options);

}  // namespace doseplan::server

#endif  // DOSEPLAN_SERVER_SERVE_HPP_
