#include "ingest/identify_message.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace callexa {
namespace {

using nlohmann::json;

// 2026-11-28T10:00:00Z and that day's midnight.
constexpr int64_t kNov28At10 = 1795860000;
constexpr int64_t kNov28Midnight = 1795824000;

TEST(ParseSpecMessageTest, ReadsCamelCaseAndSnakeCaseIdentify) {
  const struct {
    const char *message;
    const char *what;
  } cases[] = {
      {R"({"type":"identify","messageId":"m-1","userId":"u-1","anonymousId":"a-1",
           "traits":{"email":"Ann@Example.com","firstName":"Ann","lastName":"Lee",
                     "name":"Ann Lee","gender":"f","createdAt":"2026-11-28T10:00:00Z"}})",
       "camelCase"},
      {R"({"type":"identify","message_id":"m-1","user_id":"u-1","anonymous_id":"a-1",
           "traits":{"email":" ann@example.com ","first_name":"Ann","last_name":"Lee",
                     "name":"Ann Lee","gender":"f","created_at":"2026-11-28T12:00:00+02:00"}})",
       "snake_case"},
      {R"({"type":"IDENTIFY","messageId":"m-1","userId":"u-1","anonymousId":"a-1",
           "traits":{"email":"ANN@EXAMPLE.COM","firstName":"Ann","last_name":"Lee",
                     "name":"Ann Lee","gender":"f","created":1795860000}})",
       "mixed, upper-case type, \"created\" alias"},
  };
  for (const auto &c : cases) {
    auto got = ParseSpecMessage(json::parse(c.message), "");
    ASSERT_TRUE(got.ok()) << c.what << ": " << got.status().message();
    EXPECT_EQ(got->type, "identify") << c.what;
    ASSERT_TRUE(got->identify.has_value()) << c.what;
    const IdentifyMessage &m = *got->identify;
    EXPECT_EQ(m.message_id, "m-1") << c.what;
    EXPECT_EQ(m.user_id, "u-1") << c.what;
    EXPECT_EQ(m.anonymous_id, "a-1") << c.what;
    EXPECT_EQ(m.email, "ann@example.com") << c.what;
    EXPECT_EQ(m.first_name, "Ann") << c.what;
    EXPECT_EQ(m.last_name, "Lee") << c.what;
    EXPECT_EQ(m.name, "Ann Lee") << c.what;
    EXPECT_EQ(m.gender, "f") << c.what;
    EXPECT_EQ(m.created_at, kNov28At10) << c.what;
    // traits_json keeps every trait as sent, email unnormalised.
    EXPECT_EQ(json::parse(m.traits_json), json::parse(c.message)["traits"]) << c.what;
  }
}

TEST(ParseSpecMessageTest, OptionalFieldsMayBeAbsentOrNull) {
  auto got = ParseSpecMessage(
      json::parse(R"({"type":"identify","userId":null,"traits":{"email":"a@b.co",
                      "firstName":null,"plan":"pro"}})"),
      "");
  ASSERT_TRUE(got.ok()) << got.status().message();
  const IdentifyMessage &m = *got->identify;
  EXPECT_EQ(m.email, "a@b.co");
  EXPECT_EQ(m.message_id, "");
  EXPECT_EQ(m.user_id, "");
  EXPECT_EQ(m.first_name, "");
  EXPECT_FALSE(m.created_at.has_value());
  EXPECT_EQ(json::parse(m.traits_json)["plan"], "pro");
}

TEST(ParseSpecMessageTest, NumericIdsBecomeStrings) {
  auto got =
      ParseSpecMessage(json::parse(R"({"type":"identify","userId":12345,"anonymousId":-7,
                      "traits":{"email":"a@b.co"}})"),
                       "");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->identify->user_id, "12345");
  EXPECT_EQ(got->identify->anonymous_id, "-7");
}

TEST(ParseSpecMessageTest, ReadsCreatedAtForms) {
  const struct {
    const char *created_at;  // JSON text of traits.createdAt
    std::optional<int64_t> want;
  } cases[] = {
      {R"("2026-11-28T10:00:00.000Z")", kNov28At10},
      {R"("2026-11-28 12:00:00+0200")", kNov28At10},
      {R"("2026-11-28")", kNov28Midnight},  // date only
      {"1795860000", kNov28At10},           // Unix seconds
      {"1795860000.75", kNov28At10},
      {"1795860000123", kNov28At10},       // Unix milliseconds
      {R"("1795860000")", kNov28At10},     // numeric string, seconds
      {R"("1795860000123")", kNov28At10},  // numeric string, milliseconds
      {R"("")", std::nullopt},             // empty: unknown
      {"null", std::nullopt},
      // The ends of the range, in each form.
      {"0", 0},
      {R"("1970-01-01T00:00:00Z")", 0},
      {R"("9999-12-31T23:59:59Z")", 253402300799},
      {"253402300799000", 253402300799},  // milliseconds
      {R"("253402300799999")", 253402300799},
  };
  for (const auto &c : cases) {
    const json m =
        json::parse(std::string(R"({"type":"identify","traits":{"email":"a@b.co",)") +
                    R"("createdAt":)" + c.created_at + "}}");
    auto got = ParseSpecMessage(m, "");
    ASSERT_TRUE(got.ok()) << c.created_at << ": " << got.status().message();
    EXPECT_EQ(got->identify->created_at, c.want) << c.created_at;
  }
}

TEST(ParseSpecMessageTest, ReportsBadMessages) {
  const std::string long_id(256, 'm');
  const struct {
    std::string message;
    const char *where;
    const char *want_error;  // the whole message, or its start when it ends in "..."
  } cases[] = {
      // The message itself and its type.
      {R"([1,2])", "", "body must be a JSON object"},
      {R"("identify")", "batch[3].", "batch[3] must be a JSON object"},
      {R"({"traits":{"email":"a@b.co"}})", "", "type is required"},
      {R"({"type":null})", "batch[0].", "batch[0].type is required"},
      {R"({"type":7})", "", "type must be a string"},
      // Traits and email.
      {R"({"type":"identify"})", "", "traits.email is required"},
      {R"({"type":"identify","traits":null})", "", "traits.email is required"},
      {R"({"type":"identify","traits":[]})", "", "traits must be an object"},
      {R"({"type":"identify","traits":"a@b.co"})", "batch[1].",
       "batch[1].traits must be an object"},
      {R"({"type":"identify","traits":{}})", "", "traits.email is required"},
      {R"({"type":"identify","traits":{"email":""}})", "", "traits.email is required"},
      {R"({"type":"identify","traits":{"email":null}})", "", "traits.email is required"},
      {R"({"type":"identify","traits":{"email":42}})", "",
       "traits.email must be a string"},
      {R"({"type":"identify","traits":{"email":["a@b.co"]}})", "batch[3].",
       "batch[3].traits.email must be a string"},
      {R"({"type":"identify","traits":{"email":"not-an-email"}})", "",
       "traits.email is not a valid email address"},
      {R"({"type":"identify","traits":{"email":"   "}})", "batch[3].",
       "batch[3].traits.email is not a valid email address"},
      // Other traits, named as sent.
      {R"({"type":"identify","traits":{"email":"a@b.co","first_name":1}})", "batch[2].",
       "batch[2].traits.first_name must be a string"},
      {R"({"type":"identify","traits":{"email":"a@b.co","lastName":{}}})", "",
       "traits.lastName must be a string"},
      // createdAt.
      {R"({"type":"identify","traits":{"email":"a@b.co","createdAt":"yesterday"}})", "",
       "traits.createdAt is not a date: \"yesterday\"..."},
      {R"({"type":"identify","traits":{"email":"a@b.co","created_at":"2026-02-30"}})",
       "batch[3].", "batch[3].traits.created_at is not a date..."},
      {R"({"type":"identify","traits":{"email":"a@b.co","createdAt":"123abc"}})", "",
       "traits.createdAt is not a date..."},
      {R"({"type":"identify","traits":{"email":"a@b.co","createdAt":" 123"}})", "",
       "traits.createdAt is not a date..."},
      {R"({"type":"identify","traits":{"email":"a@b.co","createdAt":true}})", "",
       "traits.createdAt must be an ISO-8601 string or a Unix time"},
      {R"({"type":"identify","traits":{"email":"a@b.co","createdAt":{}}})", "batch[3].",
       "batch[3].traits.createdAt must be an ISO-8601 string or a Unix time"},
      // Outside 1970-01-01 to 9999-12-31, whatever the form.
      {R"({"type":"identify","traits":{"email":"a@b.co","createdAt":1e26}})", "",
       "traits.createdAt is out of range: ..."},
      {R"({"type":"identify","traits":{"email":"a@b.co","createdAt":-1e18}})", "",
       "traits.createdAt is out of range: ..."},
      {R"({"type":"identify","traits":{"email":"a@b.co","createdAt":-1}})", "",
       "traits.createdAt is out of range: 1969-12-31T23:59:59Z; a date from 1970-01-01 "
       "to "
       "9999-12-31 is needed"},
      {R"({"type":"identify","traits":{"email":"a@b.co","createdAt":"1e26"}})", "",
       "traits.createdAt is out of range: ..."},
      {R"({"type":"identify","traits":{"email":"a@b.co","createdAt":"1969-12-31"}})",
       "batch[3].", "batch[3].traits.createdAt is out of range: ..."},
      {R"({"type":"identify","traits":{"email":"a@b.co","createdAt":253402300800000}})",
       "", "traits.createdAt is out of range: 10000-01-01T00:00:00Z..."},
      // Addresses the mail code could not send to.
      {R"({"type":"identify","traits":{"email":"jürgen@exämple.com"}})", "",
       "traits.email has characters outside ASCII before the @..."},
      {R"({"type":"identify","traits":{"email":"\"ann lee\"@example.com"}})", "",
       "traits.email is not a valid email address"},
      // Ids.
      {R"({"type":"identify","userId":true,"traits":{"email":"a@b.co"}})", "",
       "userId must be a string"},
      {R"({"type":"identify","user_id":1.5,"traits":{"email":"a@b.co"}})", "",
       "user_id must be a string"},
      {R"({"type":"identify","messageId":7,"traits":{"email":"a@b.co"}})", "batch[3].",
       "batch[3].messageId must be a string"},  // unlike user ids, never a number
      {R"({"type":"identify","messageId":")" + long_id +
           R"(","traits":{"email":"a@b.co"}})",
       "batch[3].", "batch[3].messageId is longer than 255 bytes"},
  };
  for (const auto &c : cases) {
    auto got = ParseSpecMessage(json::parse(c.message), c.where);
    ASSERT_FALSE(got.ok()) << c.message;
    EXPECT_EQ(got.status().code(), Status::Code::kInvalidArgument) << c.message;
    std::string want = c.want_error;
    const std::string &msg = got.status().message();
    if (want.size() > 3 && want.compare(want.size() - 3, 3, "...") == 0) {
      want.resize(want.size() - 3);
      EXPECT_EQ(msg.substr(0, want.size()), want) << c.message << " gave " << msg;
    } else {
      EXPECT_EQ(msg, want) << c.message;
    }
  }
}

TEST(ParseSpecMessageTest, MessageIdOfExactly255BytesIsFine) {
  const std::string id(255, 'm');
  auto got = ParseSpecMessage(
      json{{"type", "identify"}, {"messageId", id}, {"traits", {{"email", "a@b.co"}}}},
      "");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->identify->message_id, id);
}

TEST(ParseSpecMessageTest, OtherCallTypesCarryNoIdentify) {
  const struct {
    const char *message;
    const char *want_type;
  } cases[] = {
      {R"({"type":"track","event":"Signed Up"})", "track"},
      {R"({"type":"Page"})", "page"},
      // Not validated as identify: traits do not matter for other types.
      {R"({"type":"group","traits":"not an object"})", "group"},
      {R"({"type":"something-new"})", "something-new"},
  };
  for (const auto &c : cases) {
    auto got = ParseSpecMessage(json::parse(c.message), "");
    ASSERT_TRUE(got.ok()) << c.message << ": " << got.status().message();
    EXPECT_EQ(got->type, c.want_type) << c.message;
    EXPECT_FALSE(got->identify.has_value()) << c.message;
  }
}

}  // namespace
}  // namespace callexa
