#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

DeliveryRecord Sent(int64_t invitation_id) {
  DeliveryRecord r;
  r.invitation_id = invitation_id;
  return r;
}

// Claims of invitations under contention, run on every backend: several
// stores on one database stand for nginx workers, and for hosts.
class StoreClaimsTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  TempStore store_{GetParam()};
};

TEST_P(StoreClaimsTest, WorkersClaimingAtOnceTakeEachInvitationOnce) {
  const Survey survey = store_.NewSurvey();
  constexpr int kCustomers = 40;
  for (int i = 0; i < kCustomers; ++i) {
    store_.Identify(survey, "c" + std::to_string(i) + "@example.com", kNow);
  }
  constexpr int kWorkers = 4;
  std::vector<std::unique_ptr<Store>> stores;
  for (int w = 0; w < kWorkers; ++w) stores.push_back(store_.OpenAnother());
  std::mutex mu;
  std::map<int64_t, std::vector<std::string>> owners;  // invitation: claimers
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      const std::string owner = "w" + std::to_string(w);
      for (;;) {
        auto claims = stores[w]->ClaimDueInvitations(kNow, 3, 60, owner);
        ASSERT_TRUE(claims.ok()) << claims.status().ToLogString();
        if (claims->empty()) return;
        std::vector<DeliveryRecord> sent;
        for (const DeliveryClaim &c : *claims) {
          std::lock_guard<std::mutex> lock(mu);
          owners[c.invitation_id].push_back(owner);
          sent.push_back(Sent(c.invitation_id));
        }
        ASSERT_TRUE(stores[w]->RecordDeliveries(sent, kNow, owner).ok());
      }
    });
  }
  for (std::thread &t : threads) t.join();
  EXPECT_EQ(owners.size(), static_cast<size_t>(kCustomers));
  for (const auto &[id, claimers] : owners) {
    EXPECT_EQ(claimers.size(), 1u) << "invitation " << id << " claimed more than once";
  }
}

TEST_P(StoreClaimsTest, ExpiredLeaseIsTakenOverAndTheOldOwnersOutcomeRefused) {
  const Survey survey = store_.NewSurvey();
  store_.Identify(survey, "ada@example.com", kNow);
  std::unique_ptr<Store> host_b = store_.OpenAnother();
  auto first = store_->ClaimDueInvitations(kNow, 10, 60, "host-a");
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  const int64_t id = first->front().invitation_id;

  // While host A's lease lasts, host B finds nothing.
  auto early = host_b->ClaimDueInvitations(kNow + 59, 10, 60, "host-b");
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->empty());

  // Host A stalls past its lease: host B takes the invitation over.
  auto taken = host_b->ClaimDueInvitations(kNow + 61, 10, 60, "host-b");
  ASSERT_TRUE(taken.ok());
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ(taken->front().invitation_id, id);
  EXPECT_EQ(taken->front().attempts, 2);

  // Host A's late outcome no longer counts, nor does one of host B's own
  // first attempt (the fencing token); host B's current attempt does.
  DeliveryRecord failed = Sent(id);
  failed.attempt = 1;
  failed.outcome = DeliveryRecord::Outcome::kFailed;
  failed.error = "late";
  ASSERT_TRUE(store_->RecordDeliveries({failed}, kNow + 62, "host-a").ok());
  ASSERT_TRUE(host_b->RecordDeliveries({failed}, kNow + 62, "host-b").ok());
  DeliveryRecord sent = Sent(id);
  sent.attempt = 2;
  ASSERT_TRUE(host_b->RecordDeliveries({sent}, kNow + 63, "host-b").ok());
  auto invitation = store_->LoadInvitation(id);
  ASSERT_TRUE(invitation.ok());
  EXPECT_EQ(invitation->status, InvitationStatus::kSent);

  auto metrics = store_->ReadMetrics(kNow + 64);
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(metrics->lease_takeovers, 1);
  EXPECT_EQ(metrics->backend, GetParam().name);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreClaimsTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
