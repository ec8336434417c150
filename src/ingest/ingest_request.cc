#include "ingest/ingest_request.h"

#include <nlohmann/json.hpp>

#include "common/encoding.h"
#include "common/json_depth.h"
#include "ingest/identify_message.h"

namespace callexa {
namespace {

using nlohmann::json;

enum class ApiCall { kSingle, kBatch, kIgnored, kUnknown };

// "track" for "/track/".
std::string_view CallName(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return path;
}

ApiCall ClassifyApiPath(std::string_view raw_path) {
  const std::string_view path = CallName(raw_path);
  if (path == "identify") return ApiCall::kSingle;
  if (path == "batch" || path == "import") return ApiCall::kBatch;
  if (path == "track" || path == "page" || path == "screen" || path == "group" ||
      path == "alias") {
    return ApiCall::kIgnored;
  }
  return ApiCall::kUnknown;
}

// The key from "Authorization: Basic base64(key:)"; empty when the header is
// absent; Unauthorized when it is present but unusable.
Result<std::string> BasicAuthKey(std::string_view header) {
  if (header.empty()) return std::string();
  const std::string_view scheme = "Basic ";
  if (header.size() <= scheme.size() ||
      strncasecmp(header.data(), scheme.data(), scheme.size()) != 0) {
    return Status::Unauthorized("Authorization must be Basic base64(apiKey:)");
  }
  std::string_view encoded = header.substr(scheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  auto decoded = Base64Decode(encoded);
  if (!decoded) return Status::Unauthorized("Authorization is not valid base64");
  std::string key = decoded->substr(0, decoded->find(':'));
  if (key.empty()) return Status::Unauthorized("Authorization carries an empty API key");
  return key;
}

// Deeper JSON is refused (see common/json_depth.h); besides the stack,
// SQLite's json_patch() fails on deep traits, which would make every later
// identify of that customer fail.
Result<json> ParseBody(std::string_view body) {
  if (body.empty()) return Status::InvalidArgument("request body is empty");
  if (JsonNestingDepth(body) > kMaxJsonDepth) {
    return Status::InvalidArgument("request body nests JSON more than " +
                                   std::to_string(kMaxJsonDepth) + " levels deep");
  }
  try {
    return json::parse(body);
  } catch (const json::parse_error &e) {
    return Status::InvalidArgument("request body is not valid JSON (error at byte " +
                                   std::to_string(e.byte) + ")");
  } catch (const json::exception &e) {
    // e.g. out_of_range for a number beyond a double, such as 1e400.
    return Status::InvalidArgument(std::string("request body is not valid JSON: ") +
                                   e.what());
  }
}

Status AddMessage(const json &m, std::string_view where, IngestApi endpoint,
                  IngestJob *job, std::vector<std::string> *unused_calls) {
  auto parsed = ParseSpecMessage(m, where);
  if (!parsed.ok()) return parsed.status();
  if (parsed->identify) {
    job->identifies.push_back(std::move(*parsed->identify));
    return Status::Ok();
  }
  if (unused_calls != nullptr) unused_calls->push_back(parsed->type);
  if (endpoint == IngestApi::kDestination) {
    return Status::NotImplemented("call type \"" + parsed->type +
                                  "\" is not supported; Callexa uses identify calls");
  }
  return Status::Ok();
}

Status AddBatch(const json &body, size_t body_size, IngestJob *job,
                std::vector<std::string> *unused_calls) {
  auto it = body.find("batch");
  if (it == body.end()) return Status::InvalidArgument("batch is required");
  if (!it->is_array()) return Status::InvalidArgument("batch must be an array");
  if (it->size() > kMaxBatchMessages) {
    return Status::InvalidArgument("batch has " + std::to_string(it->size()) +
                                   " messages; at most " +
                                   std::to_string(kMaxBatchMessages) + " are allowed");
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string where = "batch[" + std::to_string(i) + "].";
    const json &m = (*it)[i];
    // Only a body over the limit can hold a message over it.
    if (body_size > kMaxMessageBytes &&
        m.dump(-1, ' ', false, json::error_handler_t::replace).size() >
            kMaxMessageBytes) {
      return Status::TooLarge("batch[" + std::to_string(i) + "] is larger than " +
                              std::to_string(kMaxMessageBytes / 1024) + " KB");
    }
    Status s = AddMessage(m, where, IngestApi::kTrackingApi, job, unused_calls);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

size_t MaxIngestBodyBytes(IngestApi endpoint, std::string_view path) {
  if (endpoint == IngestApi::kTrackingApi && ClassifyApiPath(path) == ApiCall::kBatch) {
    return kMaxBatchBytes;
  }
  return kMaxMessageBytes;
}

Result<IngestJob> ParseIngestRequest(const HttpRequest &request, IngestApi endpoint,
                                     std::vector<std::string> *unused_calls) {
  const ApiCall call = endpoint == IngestApi::kDestination
                           ? ApiCall::kSingle
                           : ClassifyApiPath(request.path);
  if (call == ApiCall::kUnknown) {
    return Status::NotFound(
        "unknown API call \"" + request.path +
        "\"; use identify, batch, track, page, screen, group or alias");
  }
  if (request.method != "POST") {
    return Status::MethodNotAllowed("method " + request.method +
                                    " not allowed; use POST");
  }
  if (MediaType(request.content_type) != "application/json") {
    return Status::UnsupportedMedia("Content-Type must be application/json");
  }
  const size_t limit = MaxIngestBodyBytes(endpoint, request.path);
  if (request.body.size() > limit) {
    return BodyTooLarge(limit);
  }
  std::string inflated;
  std::string_view body = request.body;
  const std::string encoding = MediaType(request.content_encoding);
  if (encoding == "gzip" || encoding == "x-gzip") {
    auto r = GunzipBounded(request.body, limit);
    if (!r.ok()) return r.status();
    inflated = std::move(r.value());
    body = inflated;
  } else if (!encoding.empty() && encoding != "identity") {
    return Status::UnsupportedMedia("Content-Encoding \"" + request.content_encoding +
                                    "\" is not supported; use gzip or none");
  }

  auto key = BasicAuthKey(request.authorization);
  if (!key.ok()) return key.status();
  if (endpoint == IngestApi::kDestination && key->empty()) {
    return Status::Unauthorized(
        "missing API key: send Authorization: Basic base64(apiKey:)");
  }
  auto parsed = ParseBody(body);
  if (!parsed.ok()) return parsed.status();
  // Segment documents /v1/identify bodies without "type": the path names the call.
  if (endpoint == IngestApi::kTrackingApi && call == ApiCall::kSingle &&
      parsed->is_object() && !parsed->contains("type")) {
    (*parsed)["type"] = "identify";
  }
  const json &root = *parsed;

  IngestJob job;
  job.api_key = std::move(*key);
  if (job.api_key.empty() && root.is_object()) {
    auto wk = root.find("writeKey");
    if (wk != root.end() && wk->is_string()) job.api_key = wk->get<std::string>();
  }
  if (job.api_key.empty()) {
    return Status::Unauthorized(
        "missing write key: send Authorization: Basic base64(writeKey:) or \"writeKey\"");
  }

  Status s;
  if (call == ApiCall::kBatch) {
    if (!root.is_object()) return Status::InvalidArgument("body must be a JSON object");
    s = AddBatch(root, body.size(), &job, unused_calls);
  } else if (call == ApiCall::kIgnored) {
    if (!root.is_object()) return Status::InvalidArgument("body must be a JSON object");
    if (unused_calls != nullptr) unused_calls->emplace_back(CallName(request.path));
  } else {
    s = AddMessage(root, "", endpoint, &job, unused_calls);
  }
  if (!s.ok()) return s;
  return job;
}

HttpResponse IngestJobResponse(const IngestJob &job) {
  if (!job.status.ok()) return JsonError(job.status);
  return JsonResponse(200, "{\"success\":true}");
}

}  // namespace callexa
