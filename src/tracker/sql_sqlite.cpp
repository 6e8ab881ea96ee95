// The tracker's SQL interface (sql.hpp) on SQLite (SQLiteCpp).
#include <sqlite3.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "tracker/sql.hpp"

namespace doseplan::detail::sql {

namespace {

class SqliteRows : public Rows {
 public:
  SqliteRows(SQLite::Database& db, const std::string& sql) : st_(db, sql) {}
  SQLite::Statement& statement() { return st_; }
  bool next() override { return st_.executeStep(); }
  Value get(int col) const override {
    const SQLite::Column c = st_.getColumn(col);
    Value v;
    switch (c.getType()) {
      case SQLITE_NULL:
        break;
      case SQLITE_INTEGER:
        v.type = Value::Type::integer;
        v.integer = c.getInt64();
        v.text = c.getString();
        break;
      case SQLITE_FLOAT:
        v.type = Value::Type::real;
        v.real = c.getDouble();
        v.text = c.getString();
        break;
      default:  // TEXT or BLOB
        v.type = Value::Type::text;
        v.text = c.getString();
        break;
    }
    return v;
  }

 private:
  // getColumn is not const in SQLiteCpp 3.2; reading a column changes nothing of the statement.
  mutable SQLite::Statement st_;
};

class SqliteConnection : public Connection {
 public:
  explicit SqliteConnection(SQLite::Database& db) : db_(db) {}
  Dialect dialect() const override { return Dialect::sqlite; }

  std::unique_ptr<Rows> query(const std::string& sql, const Params& params) override {
    auto rows = std::make_unique<SqliteRows>(db_, sql);
    SQLite::Statement& st = rows->statement();
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        st.bind(at, static_cast<int64_t>(*n));
      } else if (const auto* x = std::get_if<double>(&params[i])) {
        st.bind(at, *x);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        st.bind(at, *s);
      } else {
        st.bind(at);
      }
    }
    return rows;
  }

  void exec_script(const std::string& sql) override { db_.exec(sql); }
  void begin(bool write) override { db_.exec(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"); }
  void commit() override { db_.exec("COMMIT"); }
  void rollback() noexcept override {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // nothing to roll back (SQLite rolled back on its error): nothing was written
    }
  }

 private:
  SQLite::Database& db_;
};

}  // namespace

std::unique_ptr<Connection> sqlite_connection(SQLite::Database& db) {
  return std::make_unique<SqliteConnection>(db);
}

}  // namespace doseplan::detail::sql
