#include "store/trait_sql.h"

#include <nlohmann/json.hpp>

namespace callexa {
namespace {

std::string Dump(const nlohmann::json &j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// `value` as a JSON number, boolean or null when it reads as one ("42",
// "true"); otherwise as a JSON string, like the string form.
std::string ScalarForm(const std::string &value) {
  const nlohmann::json parsed = nlohmann::json::parse(value, nullptr, false);
  if (parsed.is_number() || parsed.is_boolean() || parsed.is_null()) return value;
  return Dump(nlohmann::json(value));
}

// The customers column of a trait kept as a field of its own, or "".
std::string CustomerColumn(const std::string &name) {
  for (const char *column : {"first_name", "last_name", "gender"}) {
    if (name == column) return column;
  }
  return "";
}

}  // namespace

TraitSql::TraitSql(const SqlDialect &dialect, const std::vector<TraitFilter> &traits,
                   int first)
    : first_(first) {
  const auto param = [this] {
    return "?" + std::to_string(first_ + static_cast<int>(values_.size()));
  };
  for (const TraitFilter &t : traits) {
    const std::string column = CustomerColumn(t.name);
    if (!column.empty()) {
      conditions_ += " AND c." + column + " = " + param();
      values_.push_back(t.value);
      continue;
    }
    // The trait in its JSON form, as stored: a string quoted, a number,
    // boolean or null as written. One extraction per customer, compared
    // with both forms the filter's value can take.
    const std::string string_form = param();
    values_.push_back(Dump(nlohmann::json(t.value)));
    const std::string key = param();
    values_.push_back(t.name);
    const std::string scalar_form = param();
    values_.push_back(ScalarForm(t.value));
    conditions_ += " AND " + dialect.JsonMemberText("c.traits", key) + " IN (" +
                   string_form + ", " + scalar_form + ")";
  }
}

void TraitSql::Bind(Statement *st) const {
  for (size_t i = 0; i < values_.size(); ++i) {
    st->Bind(first_ + static_cast<int>(i), values_[i]);
  }
}

}  // namespace callexa
