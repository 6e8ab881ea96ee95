// What both implementations of the tracker's SQL interface (sql.hpp) share.
#include <string>

#include "tracker/sql.hpp"

namespace doseplan::detail::sql {

std::int64_t Value::as_int64() const {
  if (type == Type::integer) return integer;
  if (type == Type::real) return static_cast<std::int64_t>(real);
  return 0;
}

double Value::as_double() const {
  if (type == Type::real) return real;
  if (type == Type::integer) return static_cast<double>(integer);
  return 0;
}

std::optional<Value> Connection::one(const std::string& sql, const Params& params) {
  std::unique_ptr<Rows> rows = query(sql, params);
  if (!rows->next()) return std::nullopt;
  return rows->get(0);
}

void Connection::run(const std::string& sql, const Params& params) {
  std::unique_ptr<Rows> rows = query(sql, params);
  while (rows->next()) {
  }
}

std::string numbered_placeholders(std::string_view sql) {
  std::string out;
  int next = 1;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      std::size_t j = i + 1;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
      out += '$';
      out += j > i + 1 ? std::string(sql.substr(i + 1, j - i - 1)) : std::to_string(next++);
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace doseplan::detail::sql
