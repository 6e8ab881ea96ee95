// The tracker's SQL interface (sql.hpp) on PostgreSQL (libpqxx 6.4), and PostgreSQL's errors said
// as doseplan's. The connection's credentials come from libpq: a .pgpass file ($PGPASSFILE) or
// $PGPASSWORD, never the URL (a URL with a password is refused before anything is sent).
#include <pqxx/pqxx>

#include <charconv>
#include <string>

#include "doseplan/error.hpp"
#include "tracker/sql.hpp"

namespace doseplan::detail::sql {

namespace {

// PostgreSQL's type ids (pg_type.oid) of the number columns the store has.
constexpr pqxx::oid kInt2 = 21, kInt4 = 23, kInt8 = 20, kFloat4 = 700, kFloat8 = 701,
                    kNumeric = 1700;

// libpq's message on one line: its line breaks and tabs as spaces.
std::string one_line(const char* what) {
  std::string out;
  for (const char* c = what; *c != '\0'; ++c) {
    const bool space = *c == '\n' || *c == '\t' || *c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : *c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

[[noreturn]] void throw_unavailable(const std::string& where, const std::string& what) {
  throw Error("tracker.db_unavailable", where,
              "the PostgreSQL server can not be reached (" + what +
                  "); nothing was changed. Try again when it is up; check the address in --db, "
                  "and the password in ~/.pgpass or $PGPASSFILE");
}

// PostgreSQL's error `e` of the database `where`, as doseplan's. A conflict with another writer
// is Conflict (the change is run again); a lost connection is tracker.db_unavailable.
[[noreturn]] void rethrow_postgres(const std::string& where) {
  try {
    throw;
  } catch (const pqxx::in_doubt_error& e) {
    throw Error("tracker.db_unavailable", where,
                std::string("the connection to the PostgreSQL server was lost while a change was "
                            "committed (") +
                    one_line(e.what()) +
                    "): it may or may not be stored. Look (doseplan track history, or the "
                    "patient's page) before doing it again");
  } catch (const pqxx::serialization_failure&) {
    throw Conflict{};
  } catch (const pqxx::deadlock_detected&) {
    throw Conflict{};
  } catch (const pqxx::broken_connection& e) {
    throw_unavailable(where, one_line(e.what()));
  } catch (const pqxx::disk_full& e) {
    throw Error("tracker.disk_full", where,
                "the PostgreSQL server's disk is full (" + one_line(e.what()) +
                    "); nothing was changed. Ask whoever runs it to free some space");
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    // Class 08: connection exception; 57P01-57P03: the server is shutting down or starting.
    if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
      throw_unavailable(where, one_line(e.what()));
    }
    // 55P03: a lock not obtained within lock_timeout; 57014: statement_timeout (or a cancel).
    if (state == "55P03" || state == "57014") {
      throw Error("tracker.db_busy", where,
                  "the database stayed locked or busy longer than its timeout (" +
                      one_line(e.what()) + "); nothing was changed, try again");
    }
    // 23505: a unique key met another writer's (the audit chain's prev_sha256, a visit_items
    // set); every change checks its keys first, so it is run again and then told apart.
    if (state == "40001" || state == "40P01" || state == "23505") throw Conflict{};
    if (state == "42501") {
      throw Error("tracker.read_only", where,
                  "the database role may not do this (" + one_line(e.what()) +
                      "); nothing was changed. Ask the database's administrator to grant it");
    }
    throw Error("tracker.db_error", where,
                "database error: " + one_line(e.what()) + "; nothing was changed");
  } catch (const pqxx::failure& e) {
    throw Error("tracker.db_error", where,
                "database error: " + one_line(e.what()) + "; nothing was changed");
  }
}

class PgRows : public Rows {
 public:
  explicit PgRows(const pqxx::result& r) : r_(r) {}  // a result shares its rows when copied
  bool next() override { return ++at_ < static_cast<long>(r_.size()); }
  Value get(int col) const override {
    const pqxx::field f = r_[static_cast<pqxx::result::size_type>(at_)][col];
    Value v;
    if (f.is_null()) return v;
    v.text = f.c_str();
    const pqxx::oid type = r_.column_type(col);
    if (type == kInt2 || type == kInt4 || type == kInt8) {
      v.type = Value::Type::integer;
      v.integer = f.as<std::int64_t>();
    } else if (type == kFloat4 || type == kFloat8 || type == kNumeric) {
      v.type = Value::Type::real;
      v.real = f.as<double>();
    } else {
      v.type = Value::Type::text;
    }
    return v;
  }

 private:
  pqxx::result r_;
  long at_ = -1;
};

// A parameter as the text PostgreSQL reads: numbers in their shortest exact form.
std::optional<std::string> param_text(const Param& p) {
  if (const auto* n = std::get_if<std::int64_t>(&p)) return std::to_string(*n);
  if (const auto* x = std::get_if<double>(&p)) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, *x);
    return std::string(buf, res.ptr);
  }
  if (const auto* s = std::get_if<std::string>(&p)) return *s;
  return std::nullopt;
}

// The URL with libpq's connect_timeout (kConnectTimeoutSeconds) unless it sets one: a server
// that does not answer (stopped, a network gone) is then tracker.db_unavailable within seconds,
// instead of a request that hangs and may be stored after its client gave up.
constexpr int kConnectTimeoutSeconds = 5;
std::string with_connect_timeout(const std::string& url) {
  if (url.find("connect_timeout=") != std::string::npos) return url;
  return url + (url.find('?') == std::string::npos ? "?" : "&") +
         "connect_timeout=" + std::to_string(kConnectTimeoutSeconds);
}

// The key of the advisory lock every write holds (the tracker's application id).
constexpr std::int64_t kWriteLock = 0x444F5350;

class PgConnection : public Connection {
 public:
  PgConnection(const std::string& url, const std::string& where, bool read_only)
      : where_(where), read_only_(read_only) {
    try {
      conn_ = std::make_unique<pqxx::connection>(with_connect_timeout(url));
      // A plain read-only connection refuses every change, as SQLite's query_only does.
      if (read_only) pqxx::nontransaction(*conn_).exec("SET default_transaction_read_only = on");
    } catch (...) {
      rethrow_postgres(where_);
    }
  }
  Dialect dialect() const override { return Dialect::postgresql; }

  std::unique_ptr<Rows> query(const std::string& sql, const Params& params) override {
    std::vector<std::optional<std::string>> texts;
    texts.reserve(params.size());
    for (const Param& p : params) texts.push_back(param_text(p));
    const std::string numbered = numbered_placeholders(sql);
    try {
      const auto args = pqxx::prepare::make_dynamic_params(texts);
      if (tx_) return std::make_unique<PgRows>(tx_->exec_params(numbered, args));
      pqxx::nontransaction once(*conn_);
      return std::make_unique<PgRows>(once.exec_params(numbered, args));
    } catch (...) {
      tx_.reset();
      rethrow_postgres(where_);
    }
  }

  void exec_script(const std::string& sql) override {
    try {
      if (tx_) {
        tx_->exec(sql);
      } else {
        pqxx::nontransaction(*conn_).exec(sql);
      }
    } catch (...) {
      tx_.reset();
      rethrow_postgres(where_);
    }
  }

  void begin(bool write) override {
    if (write && read_only_) {
      throw Error("tracker.db_error", where_,
                  "database error: a change through a connection opened read-only; nothing was "
                  "changed");
    }
    try {
      if (write) {
        // Writers take turns, as on SQLite (BEGIN IMMEDIATE): every change appends to the one
        // audit chain, so two at once would conflict and run again. The lock is the session's,
        // taken before the transaction, so that its snapshot sees the change before it.
        pqxx::nontransaction(*conn_).exec("SELECT pg_advisory_lock(" + std::to_string(kWriteLock) +
                                          ")");
        locked_ = true;
        tx_ = std::make_unique<pqxx::transaction<pqxx::serializable>>(*conn_);
      } else {
        tx_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(*conn_);
      }
    } catch (...) {
      tx_.reset();
      rethrow_postgres(where_);
    }
  }

  void commit() override {
    try {
      tx_->commit();
      tx_.reset();
      unlock();
    } catch (...) {
      tx_.reset();
      unlock();
      rethrow_postgres(where_);
    }
  }

  void rollback() noexcept override {
    try {
      tx_.reset();  // pqxx aborts a transaction not committed
    } catch (...) {
    }
    unlock();
  }

 private:
  std::string where_;
  bool read_only_;
  // Gives back the write lock (a lost connection gives it back by itself).
  void unlock() noexcept {
    if (!locked_) return;
    locked_ = false;
    try {
      pqxx::nontransaction(*conn_).exec("SELECT pg_advisory_unlock(" + std::to_string(kWriteLock) +
                                        ")");
    } catch (...) {
    }
  }

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::transaction_base> tx_;
  bool locked_ = false;
};

}  // namespace

bool is_postgres_url(std::string_view s) {
  return s.starts_with("postgresql://") || s.starts_with("postgres://");
}

// A password written in the URL would be seen in the process list, the shell's history and logs.
void check_postgres_url(const std::string& url) {
  const std::size_t start = url.find("://") + 3;
  const std::size_t end = url.find_first_of("/?", start);
  const std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  const std::size_t at = authority.rfind('@');
  const bool user_password =
      at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos;
  const std::size_t q = url.find('?');
  const bool query_password =
      q != std::string::npos && (url.find("?password=", q) != std::string::npos ||
                                 url.find("&password=", q) != std::string::npos);
  if (user_password || query_password) {
    throw Error("tracker.bad_db_url", "db",
                "the --db URL holds a password, which others could read (process list, shell "
                "history, logs); nothing was sent. Give the URL without it and put the password "
                "in ~/.pgpass (mode 0600) or the file named by $PGPASSFILE");
  }
}

std::unique_ptr<Connection> postgres_connection(const std::string& url, bool read_only) {
  check_postgres_url(url);
  return std::make_unique<PgConnection>(url, url, read_only);
}

}  // namespace doseplan::detail::sql
