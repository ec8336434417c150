// The SQL of trait filters (store/report_store.h TraitFilter) on a
// customer row `c`, shared by the reports and the responses list, so that
// trait.plan=pro selects the same customers in the stats, the export and
// the list.
#ifndef CALLEXA_STORE_TRAIT_SQL_H_
#define CALLEXA_STORE_TRAIT_SQL_H_

#include <string>
#include <vector>

#include "sql/dialect.h"
#include "sql/statement.h"
#include "store/report_store.h"

namespace callexa {

class TraitSql {
 public:
  // The conditions of `traits`, with their values as parameters from
  // ?first on, numbered without a gap.
  TraitSql(const SqlDialect &dialect, const std::vector<TraitFilter> &traits, int first);

  // " AND ..." on the customer `c`; "" without traits.
  const std::string &Conditions() const { return conditions_; }
  // The parameter after the last one used.
  int NextParam() const { return first_ + static_cast<int>(values_.size()); }
  void Bind(Statement *st) const;

 private:
  const int first_;
  std::string conditions_;
  std::vector<std::string> values_;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_TRAIT_SQL_H_
