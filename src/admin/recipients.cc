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

// "Company Size " -> "company_size": a header as a trait's name.
std::string TraitKey(const std::string &header) {
  std::string key;
  for (char c : TrimmedLower(header)) {
    key.push_back(c == ' ' || c == '-' || c == '.' ? '_' : c);
  }
  return key;
}

bool IsMeaning(const std::string &m) {
  return m == "trait" || m == "ignore" ||
         std::find(std::begin(kColumns), std::end(kColumns), m) != std::end(kColumns);
}

// Each header column's meaning: the owner's `mapping` when given, else
// guessed from its name.
Result<std::vector<CsvColumn>> ReadHeader(std::vector<std::string> names,
                                          const json *mapping) {
  if (mapping != nullptr && (!mapping->is_array() || mapping->size() != names.size())) {
    return Status::InvalidArgument("mapping must give a meaning for each of the " +
                                   std::to_string(names.size()) + " csv columns");
  }
  std::vector<CsvColumn> header;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string &name = names[i];
    if (i == 0 && name.compare(0, 3, "\xEF\xBB\xBF") == 0) name.erase(0, 3);  // BOM
    const size_t begin = name.find_first_not_of(" \t");
    const size_t end = name.find_last_not_of(" \t");
    name = begin == std::string::npos ? "" : name.substr(begin, end - begin + 1);
    CsvColumn column{name, GuessColumnMeaning(name), TraitKey(name)};
    if (mapping != nullptr) {
      const json &m = (*mapping)[i];
      if (!m.is_string() || !IsMeaning(m.get<std::string>())) {
        return Status::InvalidArgument(
            "mapping[" + std::to_string(i) +
            "] must be email, first_name, last_name, name, created_at, user_id, trait "
            "or ignore");
      }
      column.meaning = m.get<std::string>();
    }
    if (column.meaning == "trait" && column.trait_key.empty()) {
      return Status::InvalidArgument("csv column " + std::to_string(i + 1) +
                                     " has no name to keep as a trait");
    }
    for (const CsvColumn &before : header) {
      if (column.meaning != "ignore" && before.meaning == column.meaning &&
          (column.meaning != "trait" || before.trait_key == column.trait_key)) {
        return Status::InvalidArgument("two csv columns mean " +
                                       (column.meaning == "trait"
                                            ? "the trait " + column.trait_key
                                            : column.meaning));
      }
    }
    header.push_back(std::move(column));
  }
  return header;
}

Result<RecipientList> FromCsv(const json &csv, const json *mapping) {
  if (!csv.is_string()) return Status::InvalidArgument("csv must be a string");
  auto records = SplitCsv(csv.get_ref<const std::string &>());
  if (!records.ok()) return records.status();
  if (records->empty()) return Status::InvalidArgument("csv has no header line");
  RecipientList out;
  auto header = ReadHeader(std::move(records->front().fields), mapping);
  if (!header.ok()) return header.status();
  out.header = std::move(*header);
  bool has_email = false;
  for (const CsvColumn &c : out.header) {
    if (c.meaning == "ignore" && !c.name.empty()) {
      out.ignored_columns.push_back(TrimmedLower(c.name));
    } else if (c.meaning != "ignore" && c.meaning != "trait") {
      out.columns.push_back(c.meaning);
    }
    has_email = has_email || c.meaning == "email";
  }
  if (!has_email) return Status::InvalidArgument("csv header must name an email column");
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord &record = (*records)[r];
    const std::string where = "csv line " + std::to_string(record.line);
    ++out.rows;
    if (record.fields.size() > out.header.size()) {
      Reject(Status::InvalidArgument(where + " has more fields than the header"), &out);
      continue;
    }
    json row = json::object();
    json traits = json::object();
    for (size_t f = 0; f < record.fields.size(); ++f) {
      const CsvColumn &c = out.header[f];
      if (record.fields[f].empty() || c.meaning == "ignore") continue;
      if (c.meaning == "trait") {
        traits[c.trait_key] = record.fields[f];
      } else {
        row[c.meaning] = record.fields[f];
      }
    }
    Result<IdentifyMessage> m = FromObject(row, where + ": ");
    if (m.ok() && !traits.empty()) {
      // Kept as the identify path keeps Segment's traits.
      json all = json::parse(m->traits_json, nullptr, false);
      if (all.is_object()) {
        all.update(traits);
        m->traits_json = all.dump(-1, ' ', false, json::error_handler_t::replace);
      }
    }
    Take(std::move(m), &out);
  }
  return out;
}

}  // namespace

std::string GuessColumnMeaning(std::string_view header) {
  // Compared without case, spaces, "_", "-" or ".".
  std::string key;
  for (char c : header) {
    if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') continue;
    key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  static const struct {
    const char *meaning;
    std::vector<std::string_view> spellings;
  } kSpellings[] = {
      {"email", {"email", "emailaddress", "mail", "emailaddr"}},
      {"first_name", {"firstname", "first", "fname", "givenname", "forename"}},
      {"last_name", {"lastname", "last", "lname", "surname", "familyname"}},
      {"name", {"name", "fullname", "customername", "contactname", "displayname"}},
      {"created_at",
       {"createdat", "created", "createddate", "createdon", "signupdate", "signedup",
        "signedupat", "signedupon", "signupat", "signup", "joined", "joinedat",
        "joindate", "registeredat", "registrationdate", "customersince"}},
      {"user_id", {"userid", "user", "externalid", "customerid"}},
  };
  for (const auto &m : kSpellings) {
    for (std::string_view spelling : m.spellings) {
      if (key == spelling) return m.meaning;
    }
  }
  return "ignore";
}

Result<RecipientList> ReadRecipients(const json &body) {
  if (!body.is_object()) return Status::InvalidArgument("body must be a JSON object");
  const bool has_list = body.contains("recipients");
  const bool has_mapping = body.contains("mapping");
  if (has_list == body.contains("csv") || (has_list && has_mapping) ||
      body.size() != 1u + (has_mapping ? 1 : 0)) {
    return Status::InvalidArgument(
        "send either \"recipients\" or \"csv\" (with its \"mapping\"), nothing else");
  }
  if (!has_list) return FromCsv(body["csv"], has_mapping ? &body["mapping"] : nullptr);
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
