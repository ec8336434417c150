#include <gtest/gtest.h>

#include <string>

#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1796284800;  // 2026-12-03T08:00:00Z

// The audit log's side of the store contract, run on every backend.
class StoreAuditTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  void Record(const std::string &action, std::optional<int64_t> survey_id,
              int64_t at = kNow, const std::string &actor = "alice") {
    AuditEntry e;
    e.at = at;
    e.actor = actor;
    e.role = "owner";
    e.action = action;
    e.survey_id = survey_id;
    e.details = R"({"name":"NPS"})";
    const Status s = store_->RecordAudit(e);
    EXPECT_TRUE(s.ok()) << s.ToLogString();
  }

  std::vector<AuditEntry> List(const AuditQuery &q) {
    auto list = store_->ListAudit(q);
    EXPECT_TRUE(list.ok()) << list.status().ToLogString();
    return list.ok() ? *list : std::vector<AuditEntry>{};
  }

  int64_t Count(const AuditQuery &q) {
    auto n = store_->CountAudit(q);
    EXPECT_TRUE(n.ok()) << n.status().ToLogString();
    return n.ok() ? *n : -1;
  }

  TempStore store_{GetParam()};
};

TEST_P(StoreAuditTest, AnEmptyLogListsNothing) {
  EXPECT_TRUE(List({}).empty());
  EXPECT_EQ(Count({}), 0);
}

TEST_P(StoreAuditTest, EntriesComeBackNewestFirstWithEveryField) {
  Record("survey.create", 7, kNow, "alice");
  Record("erasure", std::nullopt, kNow + 5, "");
  const auto list = List({});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].action, "erasure");
  EXPECT_EQ(list[0].actor, "");
  EXPECT_FALSE(list[0].survey_id.has_value());
  EXPECT_EQ(list[0].at, kNow + 5);
  EXPECT_EQ(list[1].action, "survey.create");
  EXPECT_EQ(list[1].actor, "alice");
  EXPECT_EQ(list[1].role, "owner");
  EXPECT_EQ(list[1].survey_id, 7);
  EXPECT_EQ(list[1].details, R"({"name":"NPS"})");
  EXPECT_GT(list[0].id, list[1].id);
}

TEST_P(StoreAuditTest, ASurveysEntriesAndPages) {
  for (int i = 0; i < 5; ++i) Record("survey.update", 1, kNow + i);
  Record("survey.update", 2);
  Record("erasure", std::nullopt);
  AuditQuery one;
  one.survey_id = 1;
  EXPECT_EQ(Count(one), 5);
  EXPECT_EQ(Count({}), 7);
  one.limit = 2;
  one.offset = 1;
  const auto page = List(one);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].at, kNow + 3);
  EXPECT_EQ(page[1].at, kNow + 2);
  EXPECT_EQ(page[0].survey_id, 1);
  one.offset = 5;
  EXPECT_TRUE(List(one).empty());
}

TEST_P(StoreAuditTest, TheLogOutlivesAReopen) {
  Record("survey.rotate_key", 3);
  store_.Reopen();
  const auto list = List({});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].action, "survey.rotate_key");
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreAuditTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
