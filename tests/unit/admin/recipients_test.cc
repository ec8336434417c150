#include "admin/recipients.h"

#include <gtest/gtest.h>

#include <string>

namespace callexa {
namespace {

using nlohmann::json;

std::string ErrorOf(const json &body) {
  Result<RecipientList> r = ParseRecipients(body);
  return r.ok() ? "" : r.status().message();
}

TEST(RecipientsTest, ReadsJsonRows) {
  Result<RecipientList> r = ParseRecipients(json::parse(R"({"recipients": [
      {"email": "A@Example.com", "first_name": "Ann", "last_name": "Lee",
       "name": "Ann Lee", "created_at": 1795860000, "user_id": "u1"},
      {"email": "b@example.com", "created_at": "2026-11-28", "first_name": null}]})"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->identifies.size(), 2u);
  const IdentifyMessage &a = r->identifies[0];
  EXPECT_EQ(a.email, "a@example.com");
  EXPECT_EQ(a.first_name, "Ann");
  EXPECT_EQ(a.last_name, "Lee");
  EXPECT_EQ(a.name, "Ann Lee");
  EXPECT_EQ(a.user_id, "u1");
  EXPECT_EQ(a.created_at, 1795860000);
  EXPECT_TRUE(a.message_id.empty());
  EXPECT_EQ(r->identifies[1].created_at, 1795824000);
}

TEST(RecipientsTest, ReadsCsvWithQuotesAndLineBreaks) {
  Result<RecipientList> r =
      ParseRecipients({{"csv",
                        "\xEF\xBB\xBF"
                        "email, Name ,extra,,created_at\n"
                        "a@example.com,\"Lee, Ann\",x,,2026-11-28T10:00:00Z\n"
                        "\n"
                        "\"b@example.com\",\"two\nlines \"\"quoted\"\"\"\r\n"
                        "c@example.com"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->identifies.size(), 3u);
  EXPECT_EQ(r->identifies[0].name, "Lee, Ann");
  EXPECT_EQ(r->identifies[0].created_at, 1795860000);
  EXPECT_EQ(r->identifies[1].name, "two\nlines \"quoted\"");
  EXPECT_EQ(r->identifies[2].email, "c@example.com");
  EXPECT_EQ(r->ignored_columns, std::vector<std::string>{"extra"});
}

TEST(RecipientsTest, ErrorsNameTheRow) {
  EXPECT_EQ(ErrorOf(json::array()), "body must be a JSON object");
  EXPECT_EQ(ErrorOf(json::object()),
            "send either \"recipients\" or \"csv\" (with its \"mapping\"), nothing else");
  EXPECT_EQ(ErrorOf({{"recipients", json::array()}, {"csv", ""}}),
            "send either \"recipients\" or \"csv\" (with its \"mapping\"), nothing else");
  EXPECT_EQ(ErrorOf({{"recipients", "a@example.com"}}), "recipients must be an array");
  EXPECT_EQ(ErrorOf({{"recipients", {{{"first_name", "A"}}}}}),
            "recipients[0].email is required");
  EXPECT_EQ(ErrorOf({{"recipients", {{{"email", "a@example.com"}, {"age", 3}}}}}),
            "recipients[0].age is not a known field");
  EXPECT_EQ(ErrorOf({{"recipients", {{{"email", "a@example.com"}, {"name", 3}}}}}),
            "recipients[0].name must be a string");
  EXPECT_EQ(
      ErrorOf({{"recipients", {{{"email", "a@example.com"}, {"created_at", "soon"}}}}}),
      "recipients[0].created_at is not a date: \"soon\" (use ISO-8601, e.g. "
      "2026-11-28T10:00:00Z)");
  EXPECT_EQ(ErrorOf({{"recipients", {"a@example.com"}}}),
            "recipients[0] must be an object with an email");
  EXPECT_EQ(ErrorOf({{"csv", ""}}), "csv has no header line");
  EXPECT_EQ(ErrorOf({{"csv", "name\nAnn"}}), "csv header must name an email column");
  EXPECT_EQ(ErrorOf({{"csv", "email\na@example.com\nnope"}}),
            "csv line 3: email is not a valid email address");
  EXPECT_EQ(ErrorOf({{"csv", "email\na@example.com,x"}}),
            "csv line 2 has more fields than the header");
  EXPECT_EQ(ErrorOf({{"csv", "email\n\"a@example.com"}}),
            "csv line 2: a quoted field is not closed");
  EXPECT_EQ(ErrorOf({{"csv", "email\n\"a\"b@example.com"}}),
            "csv line 2: text after a closing quote");
  json many = json::array();
  for (size_t i = 0; i <= kMaxRecipients; ++i) many.push_back({{"email", "a@b.example"}});
  EXPECT_EQ(ErrorOf({{"recipients", many}}), "at most 10000 recipients per request");
  std::string csv = "email\n";
  for (size_t i = 0; i <= kMaxRecipients; ++i) csv += "a@b.example\n";
  EXPECT_EQ(ErrorOf({{"csv", csv}}), "at most 10000 recipients per request");
}

TEST(RecipientsTest, GuessesCommonHeaderSpellings) {
  const struct {
    const char *header, *meaning;
  } cases[] = {
      {"email", "email"},
      {"Email Address", "email"},
      {"E-mail", "email"},
      {"EMAIL_ADDRESS", "email"},
      {"First Name", "first_name"},
      {"first name", "first_name"},
      {"firstname", "first_name"},
      {"first_name", "first_name"},
      {"Given name", "first_name"},
      {"Last Name", "last_name"},
      {"Surname", "last_name"},
      {"Full Name", "name"},
      {"name", "name"},
      {"Created At", "created_at"},
      {"signup_date", "created_at"},
      {"Signed up", "created_at"},
      {"createdAt", "created_at"},
      {"User ID", "user_id"},
      {"userId", "user_id"},
      {"Plan", "ignore"},
      {"", "ignore"},
      {"emails", "ignore"},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(GuessColumnMeaning(c.header), c.meaning) << c.header;
  }
}

TEST(RecipientsTest, CsvHeadersAreMappedByTheirSpelling) {
  Result<RecipientList> r = ParseRecipients({{"csv",
                                              "First Name,Email Address,Created At,Plan\n"
                                              "Ann,ANN@example.com,2026-11-28,pro\n"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->identifies.size(), 1u);
  EXPECT_EQ(r->identifies[0].email, "ann@example.com");
  EXPECT_EQ(r->identifies[0].first_name, "Ann");
  EXPECT_EQ(r->identifies[0].created_at, 1795824000);
  EXPECT_EQ(r->ignored_columns, std::vector<std::string>{"plan"});
  ASSERT_EQ(r->header.size(), 4u);
  EXPECT_EQ(r->header[1].name, "Email Address");
  EXPECT_EQ(r->header[1].meaning, "email");
  EXPECT_EQ(r->header[3].meaning, "ignore");
  EXPECT_EQ(json::parse(r->identifies[0].traits_json).count("plan"), 0u);
}

TEST(RecipientsTest, TheOwnersMappingWinsAndKeepsTraits) {
  Result<RecipientList> r =
      ParseRecipients({{"csv",
                        "Contact,Mail,Company Size,Plan,Notes\n"
                        "Ann Lee,ann@example.com,10-50,pro,call back\n"
                        "Bob,bob@example.com,,free,\n"},
                       {"mapping", {"name", "email", "trait", "trait", "ignore"}}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->identifies.size(), 2u);
  EXPECT_EQ(r->identifies[0].name, "Ann Lee");
  const json traits = json::parse(r->identifies[0].traits_json);
  EXPECT_EQ(traits["plan"], "pro");
  EXPECT_EQ(traits["company_size"], "10-50");
  EXPECT_EQ(traits.count("notes"), 0u);
  EXPECT_EQ(json::parse(r->identifies[1].traits_json).count("company_size"), 0u);
  EXPECT_EQ(r->ignored_columns, std::vector<std::string>{"notes"});

  const json csv = "Email,Plan\na@example.com,pro\n";
  EXPECT_EQ(ErrorOf({{"csv", csv}, {"mapping", {"email"}}}),
            "mapping must give a meaning for each of the 2 csv columns");
  EXPECT_EQ(ErrorOf({{"csv", csv}, {"mapping", {"email", "colour"}}}),
            "mapping[1] must be email, first_name, last_name, name, created_at, "
            "user_id, trait or ignore");
  EXPECT_EQ(ErrorOf({{"csv", csv}, {"mapping", {"email", "email"}}}),
            "two csv columns mean email");
  EXPECT_EQ(ErrorOf({{"csv", csv}, {"mapping", {"ignore", "trait"}}}),
            "csv header must name an email column");
  EXPECT_EQ(ErrorOf({{"recipients", json::array()}, {"mapping", json::array()}}),
            "send either \"recipients\" or \"csv\" (with its \"mapping\"), nothing else");
}

}  // namespace
}  // namespace callexa
