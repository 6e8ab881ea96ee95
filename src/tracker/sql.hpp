// Internal: the one small SQL interface the tracker's store is written against, with two
// implementations: SQLite (sql_sqlite.cpp, SQLiteCpp, the embedded default) and PostgreSQL
// (sql_postgres.cpp, libpqxx 6.4, a clinic's server). store.cpp, due.cpp and stored.cpp see
// only this; what is particular to one database (opening a file, a connection URL, the schema's
// dialect) stays in open.cpp, sql_postgres.cpp and schema.cpp.
//
// Statements are written once, in the SQL both understand, with `?` (or `?N`) for a parameter;
// the PostgreSQL side numbers them `$N` before sending. A write is one Transaction: BEGIN
// IMMEDIATE on SQLite (a second writer waits), SERIALIZABLE on PostgreSQL (a conflicting writer
// fails with Conflict and Tracker::Impl::write runs the whole change again).
#ifndef DOSEPLAN_SRC_TRACKER_SQL_HPP_
#define DOSEPLAN_SRC_TRACKER_SQL_HPP_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace SQLite {  // NOLINT(readability-identifier-naming): SQLiteCpp's own namespace
class Database;
}

namespace doseplan::detail::sql {

enum class Dialect { sqlite, postgresql };

// A parameter of a statement.
using Param = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Params = std::vector<Param>;

// One value of a row, as the database typed it.
struct Value {
  enum class Type { null, integer, real, text };
  Type type = Type::null;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;  // what a text column holds; an integer or real written out otherwise

  bool is_null() const { return type == Type::null; }
  bool is_number() const { return type == Type::integer || type == Type::real; }
  // The value as a number (0 for null or text: callers that must tell check is_number()).
  std::int64_t as_int64() const;
  double as_double() const;
};

// The rows of one query, read in order.
class Rows {
 public:
  virtual ~Rows() = default;
  // Moves to the next row; false after the last.
  virtual bool next() = 0;
  // Column `col` (0-based) of the current row.
  virtual Value get(int col) const = 0;

  std::int64_t int64(int col) const { return get(col).as_int64(); }
  std::string text(int col) const { return get(col).text; }
};

// A connection. Its errors reach the caller as doseplan::Error (the ids tracker.db_*), or as
// Conflict for a write that met another at once (PostgreSQL; run it again).
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement with `params`; its rows (none for a statement that gives none).
  virtual std::unique_ptr<Rows> query(const std::string& sql, const Params& params = {}) = 0;
  // Runs statements without parameters (the schema's migrations).
  virtual void exec_script(const std::string& sql) = 0;
  // A transaction: `write` takes the write lock (SQLite) or is serializable (PostgreSQL); a read
  // one is a snapshot (PostgreSQL: repeatable read, read only).
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;

  // The first column of the first row, if there is a row.
  std::optional<Value> one(const std::string& sql, const Params& params = {});
  // Runs a statement whose rows are not read.
  void run(const std::string& sql, const Params& params = {});
};

// Two writers met (PostgreSQL's serialization failure or deadlock): nothing was changed and the
// whole change may be run again.
struct Conflict {};

// A transaction, rolled back unless commit() is called.
class Transaction {
 public:
  Transaction(Connection& c, bool write) : c_(c) { c_.begin(write); }
  ~Transaction() {
    if (!done_) c_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    c_.commit();
    done_ = true;
  }

 private:
  Connection& c_;
  bool done_ = false;
};

inline constexpr bool kWrite = true;
inline constexpr bool kRead = false;

// The SQLite connection `db` (owned by the caller, who keeps it open) behind the interface.
// SQLite's exceptions are left to Tracker::Impl::guarded (rethrow_sqlite).
std::unique_ptr<Connection> sqlite_connection(SQLite::Database& db);

// Whether `s` names a PostgreSQL database (postgresql:// or postgres://) rather than a file.
bool is_postgres_url(std::string_view s);
// tracker.bad_db_url when the URL holds a password (user:password@, or password=).
void check_postgres_url(const std::string& url);
// A connection to the PostgreSQL database `url` (checked by check_postgres_url), whose changes
// are refused when `read_only`. Its errors are doseplan::Error (tracker.db_unavailable when the
// server can not be reached) or Conflict.
std::unique_ptr<Connection> postgres_connection(const std::string& url, bool read_only);

// `sql` with each `?` or `?N` outside quotes written `$N` (PostgreSQL's placeholders).
std::string numbered_placeholders(std::string_view sql);

}  // namespace doseplan::detail::sql

#endif  // DOSEPLAN_SRC_TRACKER_SQL_HPP_
