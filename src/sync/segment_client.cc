#include "sync/segment_client.h"

#include <curl/curl.h>

#include <algorithm>

namespace callexa {
namespace {

constexpr int64_t kBackoffBaseSeconds = 30;
constexpr int64_t kBackoffMaxSeconds = 3600;
constexpr size_t kMaxErrorBody = 300;

std::string HttpError(const SegmentResponse &r) {
  std::string e = "HTTP " + std::to_string(r.http_status) + " from Segment";
  if (!r.body.empty()) {
    e += ": " + r.body.substr(0, kMaxErrorBody);
    if (r.body.size() > kMaxErrorBody) e += "...";
  }
  return e;
}

}  // namespace

SendVerdict ClassifyResponse(const SegmentResponse &r, int64_t now) {
  using Kind = SendVerdict::Kind;
  using Transport = SegmentResponse::Transport;
  switch (r.transport) {
    case Transport::kOk:
      break;
    case Transport::kTimeout:
    case Transport::kConnection:
      return {Kind::kRetry, std::nullopt, r.error};
    case Transport::kInterrupted:
      return {Kind::kInterrupted, std::nullopt, r.error};
    case Transport::kBadUrl:
      return {Kind::kRejected, std::nullopt, r.error};
  }
  const int status = r.http_status;
  if (status >= 200 && status < 300) return {Kind::kOk, std::nullopt, ""};
  if (status == 429 || status == 408 || (status >= 500 && status != 501)) {
    return {Kind::kRetry, ParseRetryAfter(r.retry_after, now), HttpError(r)};
  }
  return {Kind::kRejected, std::nullopt, HttpError(r)};
}

std::optional<int64_t> ParseRetryAfter(std::string_view value, int64_t now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    // More digits than the cap has cannot be below it.
    if (value.size() > 9) return kMaxRetryAfterSeconds;
    return std::min<int64_t>(std::stoll(std::string(value)), kMaxRetryAfterSeconds);
  }
  // The three HTTP-date forms; curl_getdate needs no global state.
  const time_t at = curl_getdate(std::string(value).c_str(), nullptr);
  if (at == -1) return std::nullopt;
  return std::clamp<int64_t>(static_cast<int64_t>(at) - now, 0, kMaxRetryAfterSeconds);
}

int64_t BackoffSeconds(int failures, double random01) {
  int64_t full = kBackoffBaseSeconds;
  for (int i = 0; i < failures && full < kBackoffMaxSeconds; ++i) full *= 2;
  full = std::min(full, kBackoffMaxSeconds);
  const double r = std::clamp(random01, 0.0, 1.0);
  return full / 2 + static_cast<int64_t>(r * static_cast<double>(full - full / 2));
}

}  // namespace callexa
