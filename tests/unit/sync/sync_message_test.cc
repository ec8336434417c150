#include "sync/sync_message.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kAnsweredAt = 1795860000;  // 2026-11-28T10:00:00Z

SyncItem Item(std::string comment = "", std::string user_id = "u1",
              std::string anonymous_id = "") {
  SyncItem item;
  item.invitation_id = 17;
  item.customer_id = 5;
  item.change_seq = 123;
  item.answered_at = kAnsweredAt;
  item.score = 9;
  item.comment = std::move(comment);
  item.user_id = std::move(user_id);
  item.anonymous_id = std::move(anonymous_id);
  return item;
}

TEST(SyncMessageTest, IdentifyCarriesTheNpsTraitsAndStableIds) {
  const json m = json::parse(BuildIdentify(3, Item("Fast support")));
  EXPECT_EQ(m["type"], "identify");
  EXPECT_EQ(m["userId"], "u1");
  EXPECT_FALSE(m.contains("anonymousId"));
  EXPECT_EQ(m["traits"]["NPS_rating"], 9);
  EXPECT_TRUE(m["traits"]["NPS_rating"].is_number_integer());
  EXPECT_EQ(m["traits"]["NPS_comment"], "Fast support");
  EXPECT_EQ(m["traits"]["NPS_date"], "2026-11-28T10:00:00Z");
  EXPECT_EQ(m["timestamp"], "2026-11-28T10:00:00Z");
  EXPECT_EQ(m["messageId"], "callexa-3-17-123");
  EXPECT_EQ(m["context"]["library"]["name"], "ngx_http_callexa_module");
  EXPECT_EQ(m["context"]["library"]["version"], kLibraryVersion);
  // The same answer change gives the same message; a new change a new id.
  EXPECT_EQ(BuildIdentify(3, Item("Fast support")),
            BuildIdentify(3, Item("Fast support")));
  SyncItem changed = Item();
  changed.change_seq = 124;
  EXPECT_NE(SyncMessageId(3, changed), SyncMessageId(3, Item()));
}

TEST(SyncMessageTest, EmptyCommentIsAnEmptyString) {
  const json m = json::parse(BuildIdentify(1, Item("")));
  EXPECT_EQ(m["traits"]["NPS_comment"], "");
}

TEST(SyncMessageTest, AnonymousIdWhenNoUserIdAndSkipWithNeither) {
  const json m = json::parse(BuildIdentify(1, Item("", "", "anon-7")));
  EXPECT_EQ(m["anonymousId"], "anon-7");
  EXPECT_FALSE(m.contains("userId"));
  EXPECT_TRUE(HasSegmentIdentity(Item("", "", "anon-7")));
  EXPECT_TRUE(HasSegmentIdentity(Item("", "u", "")));
  EXPECT_FALSE(HasSegmentIdentity(Item("", "", "")));
}

TEST(SyncMessageTest, MessageIdStaysUnder100Characters) {
  SyncItem item = Item();
  item.invitation_id = INT64_MAX;
  item.change_seq = INT64_MAX;
  EXPECT_LT(SyncMessageId(INT64_MAX, item).size(), 100u);
}

TEST(SyncMessageTest, AnyBytesGiveValidJson) {
  const std::string comment =
      std::string("ok \xC3\xA9 \xF0\x9F\x98\x80 bad \xFF\xFE \xC3") + "\x01\"\\\n\t" +
      std::string("\0nul", 4);
  const std::string out = BuildIdentify(1, Item(comment));
  const json m = json::parse(out, nullptr, false);
  ASSERT_FALSE(m.is_discarded()) << out;
  const std::string got = m["traits"]["NPS_comment"];
  EXPECT_EQ(got.substr(0, 14), "ok \xC3\xA9 \xF0\x9F\x98\x80 bad");
  EXPECT_NE(got.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
  EXPECT_NE(got.find(std::string("\0nul", 4)), std::string::npos);
}

TEST(SyncMessageTest, LongCommentIsShortenedOnACharacterBoundary) {
  std::string comment;
  while (comment.size() < 40000) comment += "\xC3\xA9t\xE2\x82\xAC ";  // é, t, €
  const std::string out = BuildIdentify(1, Item(comment));
  EXPECT_LE(out.size(), kSyncMaxMessageBytes);
  EXPECT_GT(out.size(), kSyncMaxMessageBytes - 16);  // cut no more than needed
  const json m = json::parse(out, nullptr, false);
  ASSERT_FALSE(m.is_discarded());
  const std::string got = m["traits"]["NPS_comment"];
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got.substr(got.size() - 3), "\xE2\x80\xA6");  // …
  const std::string kept = got.substr(0, got.size() - 3);
  EXPECT_EQ(comment.compare(0, kept.size(), kept), 0);
  EXPECT_EQ(kept.find("\xEF\xBF\xBD"), std::string::npos);  // no split sequence
}

TEST(SyncMessageTest, CommentThatGrowsWhenEscapedIsShortenedToo) {
  // Control characters take six bytes each in JSON.
  const std::string out = BuildIdentify(1, Item(std::string(20000, '\x01')));
  EXPECT_LE(out.size(), kSyncMaxMessageBytes);
  EXPECT_FALSE(json::parse(out, nullptr, false).is_discarded());
  // Invalid bytes become three-byte replacement characters.
  const std::string bad = BuildIdentify(1, Item(std::string(20000, '\xFF')));
  EXPECT_LE(bad.size(), kSyncMaxMessageBytes);
  EXPECT_FALSE(json::parse(bad, nullptr, false).is_discarded());
}

TEST(SyncMessageTest, TruncateUtf8NeverSplitsASequence) {
  const std::string s =
      "a\xE2\x82\xAC"
      "b";  // a € b
  EXPECT_EQ(TruncateUtf8(s, 10), s);
  EXPECT_EQ(TruncateUtf8(s, 4), "a\xE2\x82\xAC");
  EXPECT_EQ(TruncateUtf8(s, 3), "a");
  EXPECT_EQ(TruncateUtf8(s, 2), "a");
  EXPECT_EQ(TruncateUtf8(s, 1), "a");
  EXPECT_EQ(TruncateUtf8(s, 0), "");
  // A run of stray continuation bytes is cut anywhere after three.
  EXPECT_EQ(TruncateUtf8(std::string(10, '\x80'), 6).size(), 3u);
}

TEST(SyncBatchTest, FitBatchRespectsBytesAndCount) {
  std::vector<std::string> messages(10, std::string(100, 'x'));
  // Envelope {"batch":[ ... ],"sentAt":"2026-11-28T10:00:00Z"} is 44 bytes.
  const size_t envelope = BatchBody({}, 0, kAnsweredAt).size();
  EXPECT_EQ(envelope, 44u);
  EXPECT_EQ(FitBatch(messages, 10000, 2500), 10u);
  EXPECT_EQ(FitBatch(messages, 10000, 4), 4u);
  EXPECT_EQ(FitBatch(messages, envelope + 100, 2500), 1u);
  EXPECT_EQ(FitBatch(messages, envelope + 100 + 100, 2500), 1u);  // comma
  EXPECT_EQ(FitBatch(messages, envelope + 100 + 101, 2500), 2u);
  EXPECT_EQ(FitBatch(messages, envelope + 99, 2500), 0u);
  EXPECT_EQ(BatchBody(messages, 2, kAnsweredAt).size(), envelope + 201);
}

TEST(SyncBatchTest, RealBatchesStayWithinSegmentsLimits) {
  // Big comments: the byte limit binds.
  std::vector<std::string> big;
  for (int i = 0; i < 100; ++i) {
    SyncItem item = Item(std::string(40000, 'c'));
    item.invitation_id = i;
    big.push_back(BuildIdentify(1, item));
  }
  const size_t n = FitBatch(big, kSyncMaxBatchBytes, kSyncMaxBatchMessages);
  EXPECT_EQ(n, 14u);  // 14 x ~32000
  const std::string body = BatchBody(big, n, kAnsweredAt);
  EXPECT_LE(body.size(), kSyncMaxBatchBytes);
  const json parsed = json::parse(body);
  EXPECT_EQ(parsed["batch"].size(), n);
  EXPECT_EQ(parsed["sentAt"], "2026-11-28T10:00:00Z");

  // Small messages: the count limit binds.
  std::vector<std::string> small(3000, BuildIdentify(1, Item("")));
  EXPECT_EQ(FitBatch(small, 10 * kSyncMaxBatchBytes, kSyncMaxBatchMessages), 2500u);
}

}  // namespace
}  // namespace callexa
