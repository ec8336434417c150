// One row per location handler directive: which core endpoint answers it,
// where its work runs, and who may call it. The glue turns each row into
// an nginx directive, and its content handler only looks the row up,
// checks the access rule and the endpoint's body limit, and dispatches by
// lane. Adding a handler is one row here plus its endpoint class, built
// by Service.
#ifndef CALLEXA_HTTP_ENDPOINT_TABLE_H_
#define CALLEXA_HTTP_ENDPOINT_TABLE_H_

#include <cstddef>

#include "http/endpoint.h"

namespace callexa {

enum class EndpointId {
  kDestination,  // callexa_destination: Segment partner delivery
  kTrackingApi,  // callexa_tracking_api: /v1/identify, /v1/batch, ...
  kAdmin,        // callexa_admin: the admin UI and its JSON API
  kSurvey,       // callexa_survey: survey pages, answers, unsubscribe
  kMetrics,      // callexa_metrics: Prometheus text
  kEmbed,        // callexa_embed: approved testimonials for websites
};

enum class Access {
  kPublic,
  // Only requests nginx has authenticated (auth_basic, auth_request or a
  // verified client certificate); the others get 403 and an [error] line.
  kAuthenticated,
};

struct EndpointSpec {
  const char *directive;
  const char *name;  // in log lines and messages: "admin"
  EndpointId id;
  // kGroupCommit: a CommitEndpoint; any other lane: an Endpoint, whose
  // LaneFor may move a request from kRequests to kReports.
  Lane lane;
  Access access;
};

inline constexpr EndpointSpec kEndpointTable[] = {
    {"callexa_destination", "destination", EndpointId::kDestination, Lane::kGroupCommit,
     Access::kPublic},
    {"callexa_tracking_api", "tracking API", EndpointId::kTrackingApi, Lane::kGroupCommit,
     Access::kPublic},
    {"callexa_admin", "admin", EndpointId::kAdmin, Lane::kRequests,
     Access::kAuthenticated},
    {"callexa_survey", "survey", EndpointId::kSurvey, Lane::kRequests, Access::kPublic},
    {"callexa_metrics", "metrics", EndpointId::kMetrics, Lane::kRequests,
     Access::kPublic},
    {"callexa_embed", "embed", EndpointId::kEmbed, Lane::kRequests, Access::kPublic},
};

inline constexpr size_t kEndpointCount = sizeof kEndpointTable / sizeof kEndpointTable[0];

}  // namespace callexa

#endif  // CALLEXA_HTTP_ENDPOINT_TABLE_H_
