// The other side of the mail benchmark (tests/bench/mail_bench.sh): renders
// COUNT survey emails as the scheduler does, then sends them one after
// another over one connection, timing the rendering and the sending apart.
//
//   smtp_send_loop raw       COUNT smtp://HOST:PORT   a bare libcurl easy handle,
//                                                     reused: the ceiling
//   smtp_send_loop transport COUNT smtp://HOST:PORT   callexa::SmtpTransport, the
//                                                     scheduler's transport
//   smtp_send_loop maildir   COUNT DIR                callexa::MailDirTransport
//
// Prints one line for the script:
//   CALLEXA_MAIL_BENCH mode=M messages=N failed=F bytes=B render_us=R send_us=S
//                      send_cpu_us=C
// (C: this process's CPU time while sending, to tell a busy sender from one
// that waits for the server)
// and exits non-zero only when it cannot run at all.
#include <curl/curl.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "common/curl_global.h"
#include "common/secrets.h"
#include "mail/email_content.h"
#include "mail/mail_dir_transport.h"
#include "mail/smtp_transport.h"
#include "mail/survey_email.h"
#include "survey/survey_links.h"

namespace {

using Clock = std::chrono::steady_clock;

// What the benchmark's nginx is configured with, so that both sides send
// messages of the same size and shape.
constexpr char kPublicUrl[] = "https://nps.bench.example/s/";
constexpr char kMessageIdDomain[] = "nps.bench.example";
constexpr char kSenderAddress[] = "nps@bench.example";
constexpr char kSenderName[] = "Bench NPS";

int64_t CpuMicroseconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * int64_t{1000000} +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

int64_t MicrosecondsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start)
      .count();
}

// The identifies mail_bench.sh sends carry the same traits: the greeting
// and the To header are personal, as they usually are.
bool RenderAll(int count, std::vector<callexa::OutgoingMail> *mails) {
  auto content = callexa::DefaultSurveyEmailContent("en");
  if (!content.ok()) {
    std::fprintf(stderr, "smtp_send_loop: %s\n", content.status().message().c_str());
    return false;
  }
  content.value().sender_address = kSenderAddress;
  content.value().sender_name = kSenderName;
  const std::string secret = callexa::RandomHex(32);
  const int64_t now = std::time(nullptr);
  mails->reserve(count);
  for (int i = 1; i <= count; ++i) {
    callexa::SurveyEmailInput input;
    input.recipient.email = "bench" + std::to_string(i) + "@example.com";
    input.recipient.first_name = "Ada";
    input.recipient.name = "Ada Lovelace";
    input.links = callexa::MakeSurveyLinks(kPublicUrl, i, secret, now);
    input.date_unix_seconds = now;
    input.message_id_unique = callexa::RandomHex(16);
    input.message_id_domain = kMessageIdDomain;
    auto data = callexa::RenderSurveyEmail(content.value(), input);
    if (!data.ok()) {
      std::fprintf(stderr, "smtp_send_loop: %s\n", data.status().message().c_str());
      return false;
    }
    callexa::OutgoingMail mail;
    mail.envelope_from = kSenderAddress;
    mail.recipient = input.recipient.email;
    mail.message_id = input.message_id_unique + "@" + kMessageIdDomain;
    mail.data = std::move(data.value());
    mails->push_back(std::move(mail));
  }
  return true;
}

struct Upload {
  const std::string *data = nullptr;
  size_t offset = 0;
};

size_t ReadUpload(char *buffer, size_t size, size_t nitems, void *userdata) {
  auto *upload = static_cast<Upload *>(userdata);
  const size_t n = std::min(size * nitems, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// The least libcurl needs to send these messages over one connection: no
// debug callback, no timeouts, no checks. Returns the number that failed.
int SendRaw(CURL *curl, const std::string &url,
            const std::vector<callexa::OutgoingMail> &mails) {
  Upload upload;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, kSenderAddress);
  int failed = 0;
  for (const callexa::OutgoingMail &mail : mails) {
    curl_slist *recipients = curl_slist_append(nullptr, mail.recipient.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                     static_cast<curl_off_t>(mail.data.size()));
    upload = Upload{&mail.data, 0};
    const CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK && failed++ == 0) {
      std::fprintf(stderr, "smtp_send_loop: %s\n", curl_easy_strerror(rc));
    }
    curl_slist_free_all(recipients);
  }
  return failed;
}

int SendThrough(callexa::MailTransport *transport,
                const std::vector<callexa::OutgoingMail> &mails) {
  int failed = 0;
  for (const callexa::OutgoingMail &mail : mails) {
    const callexa::SendResult r = transport->Send(mail);
    if (r.outcome != callexa::SendOutcome::kSent && failed++ == 0) {
      std::fprintf(stderr, "smtp_send_loop: %s\n", r.detail.c_str());
    }
  }
  return failed;
}

}  // namespace

int main(int argc, char **argv) {
  const int count = argc == 4 ? std::atoi(argv[2]) : 0;
  if (count <= 0) {
    std::fprintf(stderr, "usage: smtp_send_loop raw|transport|maildir COUNT TARGET\n");
    return 2;
  }
  const std::string mode = argv[1], target = argv[3];

  std::unique_ptr<callexa::MailTransport> transport;
  CURL *curl = nullptr;
  if (mode == "raw") {
    if (!callexa::EnsureCurlGlobalInit().ok() || (curl = curl_easy_init()) == nullptr) {
      std::fprintf(stderr, "smtp_send_loop: libcurl does not initialise\n");
      return 1;
    }
  } else if (mode == "transport") {
    callexa::SmtpOptions options;
    options.url = target;
    options.require_tls = false;  // as mail_bench.sh's nginx: plain, local
    options.helo_domain = kMessageIdDomain;
    auto smtp = callexa::SmtpTransport::Create(options);
    if (!smtp.ok()) {
      std::fprintf(stderr, "smtp_send_loop: %s\n", smtp.status().message().c_str());
      return 1;
    }
    transport = std::move(smtp.value());
  } else if (mode == "maildir") {
    transport = std::make_unique<callexa::MailDirTransport>(target);
  } else {
    std::fprintf(stderr, "smtp_send_loop: unknown mode %s\n", mode.c_str());
    return 2;
  }

  std::vector<callexa::OutgoingMail> mails;
  const Clock::time_point render_start = Clock::now();
  if (!RenderAll(count, &mails)) return 1;
  const int64_t render_us = MicrosecondsSince(render_start);
  size_t bytes = 0;
  for (const callexa::OutgoingMail &mail : mails) bytes += mail.data.size();

  const Clock::time_point send_start = Clock::now();
  const int64_t cpu_start = CpuMicroseconds();
  const int failed =
      transport ? SendThrough(transport.get(), mails) : SendRaw(curl, target, mails);
  const int64_t send_us = MicrosecondsSince(send_start);
  const int64_t send_cpu_us = CpuMicroseconds() - cpu_start;
  // The QUIT at the end is not part of the figure: the scheduler keeps its
  // connection open too.
  transport.reset();
  if (curl != nullptr) curl_easy_cleanup(curl);

  std::printf(
      "CALLEXA_MAIL_BENCH mode=%s messages=%d failed=%d bytes=%zu render_us=%lld "
      "send_us=%lld send_cpu_us=%lld\n",
      mode.c_str(), count, failed, bytes, static_cast<long long>(render_us),
      static_cast<long long>(send_us), static_cast<long long>(send_cpu_us));
  return 0;
}
