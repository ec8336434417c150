// The conditions of a CustomerQuery in SQL, shared by FindCustomers and
// CountCustomers so that a page and its total agree.
#ifndef CALLEXA_STORE_CUSTOMER_FILTER_H_
#define CALLEXA_STORE_CUSTOMER_FILTER_H_

#include <string>

namespace callexa {

// A customer's state (policy/customer_state.h) in SQL: the pending
// invitation, else the newest invitation's status, else "ignored" when the
// last identify created none, else "none".
inline constexpr const char kCustomerStateSql[] =
    "CASE WHEN pending_due_at IS NOT NULL THEN 'scheduled' ELSE coalesce("
    "(SELECT i.status FROM invitations i WHERE i.customer_id = customers.id "
    "ORDER BY i.id DESC LIMIT 1), "
    "CASE WHEN last_decision IN ('', 'scheduled', 'pending') THEN 'none' "
    "ELSE 'ignored' END) END";

// WHERE of a customer query on table customers: ?1 survey id, ?2 exact
// email or '', ?3 state or '', ?4 a LIKE pattern (SearchPattern) or ''.
inline std::string CustomerWhereSql() {
  return std::string(
             "WHERE survey_id = ?1 AND (?2 = '' OR email = ?2) AND (?3 = '' OR ") +
         kCustomerStateSql +
         " = ?3) AND (?4 = '' OR lower(email) LIKE ?4 ESCAPE '\\' "
         "OR lower(name) LIKE ?4 ESCAPE '\\' "
         "OR lower(first_name || ' ' || last_name) LIKE ?4 ESCAPE '\\')";
}

// "%part%" for a search, lowercased (ASCII, as SQL lower() on both
// backends), with LIKE's wildcards and the escape character escaped; ""
// for no search.
inline std::string SearchPattern(const std::string &search) {
  if (search.empty()) return "";
  std::string out = "%";
  for (char c : search) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  out.push_back('%');
  return out;
}

}  // namespace callexa

#endif  // CALLEXA_STORE_CUSTOMER_FILTER_H_
