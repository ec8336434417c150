#include "admin/dkim_setup.h"

namespace callexa {

nlohmann::json DkimSetupJson(const DkimSigner *signer, std::string_view from_address) {
  using nlohmann::json;
  if (signer == nullptr) return nullptr;
  json records = json::array();
  for (const DkimDnsRecord &r : signer->DnsRecords()) {
    records.push_back({{"algorithm", r.algorithm}, {"name", r.name}, {"value", r.value}});
  }
  const size_t at = from_address.rfind('@');
  const bool has_from = at != std::string_view::npos && at + 1 < from_address.size();
  const std::string_view from_domain = has_from ? from_address.substr(at + 1) : "";
  return {{"domain", signer->domain()},
          {"selector", signer->selector()},
          {"records", std::move(records)},
          {"from_domain", has_from ? json(from_domain) : json(nullptr)},
          {"aligned",
           has_from ? json(DkimAligned(signer->domain(), from_domain)) : json(nullptr)}};
}

}  // namespace callexa
