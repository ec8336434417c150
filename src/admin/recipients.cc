#include "admin/recipients.h"

#include <algorithm>

#include "common/email_address.h"
#include "ingest/identify_message.h"

namespace callexa {
namespace {

using nlohmann::json;

const char *const kColumns[] = {"email", "first_name", "last_name",
                                "name",  "created_at", "user_id"};

std::string TooMany() {
  return "at most " + std::to_string(kMaxRecipients) + " recipients per request";
}

// One recipient from a JSON object whose values are strings (created_at
// may also be a number); `prefix` starts every error ("recipients[2].").
Result<IdentifyMessage> FromObject(const json &row, const std::string &prefix) {
  IdentifyMessage m;
  std::string raw_email;
  std::string *const targets[] = {&raw_email, &m.first_name, &m.last_name,
                                  &m.name,    nullptr,       &m.user_id};
  for (auto it = row.begin(); it != row.end(); ++it) {
    const std::string field = prefix + it.key();
    auto known = std::find(std::begin(kColumns), std::end(kColumns), it.key());
    if (known == std::end(kColumns)) {
      return Status::InvalidArgument(field + " is not a known field");
    }
    if (it.key() == "created_at") {
      Status s = ParseCreatedAt(it.value(), field, &m.created_at);
      if (!s.ok()) return s;
    } else if (it->is_string()) {
      *targets[known - std::begin(kColumns)] = it->get<std::string>();
    } else if (!it->is_null()) {
      return Status::InvalidArgument(field + " must be a string");
    }
  }
  if (raw_email.empty()) return Status::InvalidArgument(prefix + "email is required");
  auto email = NormalizeEmail(raw_email);
  if (!email.ok()) {
    return Status::InvalidArgument(prefix + "email " + email.status().message());
  }
  m.email = std::move(*email);
  m.traits_json = row.dump(-1, ' ', false, json::error_handler_t::replace);
  return m;
}

// RFC 4180 records; a quoted field may hold commas, quotes ("") and line
// breaks. Each record remembers the line it starts on, for errors.
struct CsvRecord {
  size_t line = 0;
  std::vector<std::string> fields;
};

Result<std::vector<CsvRecord>> SplitCsv(std::string_view text) {
  std::vector<CsvRecord> records;
  CsvRecord current{1, {""}};
  size_t line = 1;
  bool quoted = false;
  bool field_started_quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        current.fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        current.fields.back().push_back(c);
      }
    } else if (c == '"' && current.fields.back().empty() && !field_started_quoted) {
      quoted = field_started_quoted = true;
    } else if (c == ',') {
      current.fields.emplace_back();
      field_started_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      records.push_back(std::move(current));
      current = CsvRecord{++line, {""}};
      field_started_quoted = false;
    } else if (field_started_quoted) {
      return Status::InvalidArgument("csv line " + std::to_string(line) +
                                     ": text after a closing quote");
    } else {
      current.fields.back().push_back(c);
    }
    if (records.size() > kMaxRecipients + 1) return Status::InvalidArgument(TooMany());
  }
  if (quoted) {
    return Status::InvalidArgument("csv line " + std::to_string(current.line) +
                                   ": a quoted field is not closed");
  }
  records.push_back(std::move(current));
  // Blank lines (and the one after a final line break) are no records.
  records.erase(std::remove_if(records.begin(), records.end(),
                               [](const CsvRecord &r) {
                                 return r.fields.size() == 1 && r.fields[0].empty();
                               }),
                records.end());
  return records;
}

std::string TrimmedLower(std::string s) {
  const size_t begin = s.find_first_not_of(" \t");
  const size_t end = s.find_last_not_of(" \t");
  s = begin == std::string::npos ? "" : s.substr(begin, end - begin + 1);
  for (char &c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

void Reject(const Status &why, RecipientList *out) {
  ++out->rejected_count;
  if (out->rejected.size() < kMaxRejectionsShown) out->rejected.push_back(why.message());
}

void Take(Result<IdentifyMessage> row, RecipientList *out) {
  if (row.ok()) {
    out->identifies.push_back(std::move(*row));
  } else {
    Reject(row.status(), out);
  }
}

Result<RecipientList> FromCsv(const json &csv) {
  if (!csv.is_string()) return Status::InvalidArgument("csv must be a string");
  auto records = SplitCsv(csv.get_ref<const std::string &>());
  if (!records.ok()) return records.status();
  if (records->empty()) return Status::InvalidArgument("csv has no header line");
  RecipientList out;
  // The header: which column feeds which field, if any.
  std::vector<std::string> columns;
  for (std::string &name : records->front().fields) {
    name = TrimmedLower(std::move(name));
    if (!name.empty() && name.front() == '\xEF') name.erase(0, 3);  // UTF-8 BOM
    const bool known =
        std::find(std::begin(kColumns), std::end(kColumns), name) != std::end(kColumns);
    if (!known && !name.empty()) out.ignored_columns.push_back(name);
    if (known) out.columns.push_back(name);
    columns.push_back(known ? name : "");
  }
  if (std::find(columns.begin(), columns.end(), "email") == columns.end()) {
    return Status::InvalidArgument("csv header must name an email column");
  }
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord &record = (*records)[r];
    const std::string where = "csv line " + std::to_string(record.line);
    ++out.rows;
    if (record.fields.size() > columns.size()) {
      Reject(Status::InvalidArgument(where + " has more fields than the header"), &out);
      continue;
    }
    json row = json::object();
    for (size_t f = 0; f < record.fields.size(); ++f) {
      if (!columns[f].empty() && !record.fields[f].empty()) {
        row[columns[f]] = record.fields[f];
      }
    }
    Take(FromObject(row, where + ": "), &out);
  }
  return out;
}

}  // namespace

Result<RecipientList> ReadRecipients(const json &body) {
  if (!body.is_object()) return Status::InvalidArgument("body must be a JSON object");
  const bool has_list = body.contains("recipients");
  if (has_list == body.contains("csv") || body.size() != 1) {
    return Status::InvalidArgument("send either \"recipients\" or \"csv\", nothing else");
  }
  if (!has_list) return FromCsv(body["csv"]);
  const json &list = body["recipients"];
  if (!list.is_array()) return Status::InvalidArgument("recipients must be an array");
  if (list.size() > kMaxRecipients) return Status::InvalidArgument(TooMany());
  RecipientList out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = "recipients[" + std::to_string(i) + "]";
    ++out.rows;
    if (!list[i].is_object()) {
      Reject(Status::InvalidArgument(where + " must be an object with an email"), &out);
      continue;
    }
    Take(FromObject(list[i], where + "."), &out);
  }
  return out;
}

Result<RecipientList> ParseRecipients(const json &body) {
  auto list = ReadRecipients(body);
  if (list.ok() && !list->rejected.empty()) {
    return Status::InvalidArgument(list->rejected.front());
  }
  return list;
}

}  // namespace callexa
