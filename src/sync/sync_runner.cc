#include "sync/sync_runner.h"

#include <algorithm>
#include <exception>
#include <random>
#include <vector>

namespace callexa {
namespace {

using Level = SyncStepResult::Level;

double Random01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::string Prefix(int64_t survey_id) {
  return "callexa: sync survey " + std::to_string(survey_id) + ": ";
}

SyncStepResult Step(SyncStore *store, SegmentClient *client, const SyncOptions &options,
                    int64_t now) {
  auto claimed = store->ClaimSyncWork(now, options.owner, options.lease_seconds,
                                      static_cast<int>(options.max_batch_messages));
  if (!claimed.ok()) {
    return {false, Level::kError, "callexa: sync: " + claimed.status().ToLogString()};
  }
  if (!*claimed) return {};
  SyncWork &work = **claimed;

  // Messages of the identifiable items; `consumed` items (sent or skipped)
  // are covered by the cursor once Segment accepts the batch.
  std::vector<std::string> messages;
  std::vector<size_t> item_of_message;
  for (size_t i = 0; i < work.items.size(); ++i) {
    if (!HasSegmentIdentity(work.items[i])) continue;
    messages.push_back(BuildIdentify(work.survey_id, work.items[i]));
    item_of_message.push_back(i);
  }
  // A message always fits a real batch; with options tighter than that,
  // send it alone rather than never.
  const size_t count = std::max<size_t>(
      FitBatch(messages, options.max_batch_bytes, options.max_batch_messages),
      messages.empty() ? 0 : 1);
  const size_t consumed =
      count < messages.size() ? item_of_message[count] : work.items.size();
  const bool loaded_all = work.items.size() < options.max_batch_messages;

  SyncStepRecord record;
  record.survey_id = work.survey_id;
  record.cursor_seq =
      consumed > 0 ? work.items[consumed - 1].change_seq : work.cursor_seq;
  record.run_complete = consumed == work.items.size() && loaded_all;
  record.next_run_at = now + options.interval_seconds;

  SyncStepResult result{true, Level::kNone, ""};
  if (count > 0) {
    record.requests_made = 1;
    const SegmentResponse response = client->PostBatch(
        options.api_url + "/batch", work.write_key, BatchBody(messages, count, now));
    const SendVerdict verdict = ClassifyResponse(response, now);
    switch (verdict.kind) {
      case SendVerdict::Kind::kOk:
        break;
      case SendVerdict::Kind::kRetry: {
        const int64_t delay = verdict.retry_after_seconds.value_or(
            BackoffSeconds(work.failures, Random01()));
        record.outcome = SyncStepRecord::Outcome::kRetry;
        record.next_run_at = now + delay;
        record.error = verdict.error;
        result = {true, Level::kWarn,
                  Prefix(work.survey_id) + verdict.error + "; retrying in " +
                      std::to_string(delay) + " s"};
        break;
      }
      case SendVerdict::Kind::kRejected:
        record.outcome = SyncStepRecord::Outcome::kRejected;
        record.error = verdict.error;
        result = {true, Level::kError,
                  Prefix(work.survey_id) +
                      "rejected, run stopped until the next one: " + verdict.error};
        break;
      case SendVerdict::Kind::kInterrupted:
        record.outcome = SyncStepRecord::Outcome::kInterrupted;
        result = {false, Level::kInfo, Prefix(work.survey_id) + "interrupted"};
        break;
    }
  }
  if (record.outcome == SyncStepRecord::Outcome::kSent) {
    record.messages_sent = static_cast<int64_t>(count);
    record.messages_skipped = static_cast<int64_t>(consumed - count);
    if (consumed > 0) {
      const int64_t left =
          std::max<int64_t>(0, work.pending - static_cast<int64_t>(consumed));
      std::string line = Prefix(work.survey_id) + std::to_string(count) +
                         " messages sent, " + std::to_string(left) + " left";
      if (record.messages_skipped > 0) {
        line += ", " + std::to_string(record.messages_skipped) +
                " skipped (no userId or anonymousId)";
      }
      result = {true, Level::kInfo, line};
    }
  }
  Status s = store->FinishSyncStep(record, options.owner, now);
  if (!s.ok()) {
    // The lease expires and the batch is sent again: harmless, same messageIds.
    return {false, Level::kError,
            Prefix(work.survey_id) + "not recorded: " + s.ToLogString()};
  }
  return result;
}

}  // namespace

SyncStepResult RunSyncStep(SyncStore *store, SegmentClient *client,
                           const SyncOptions &options, int64_t now) {
  try {
    return Step(store, client, options, now);
  } catch (const std::exception &e) {
    return {false, Level::kError, std::string("callexa: sync failed: ") + e.what()};
  } catch (...) {
    return {false, Level::kError, "callexa: sync failed"};
  }
}

}  // namespace callexa
