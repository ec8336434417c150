#include "webhooks/webhook_sender.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace callexa {
namespace {

using Outcome = WebhookPostResult::Outcome;

TEST(WebhookSenderTest, ClassifiesAnswers) {
  const struct {
    int status;
    bool transport_error;
    Outcome outcome;
  } cases[] = {
      {200, false, Outcome::kDelivered}, {201, false, Outcome::kDelivered},
      {204, false, Outcome::kDelivered}, {299, false, Outcome::kDelivered},
      {0, true, Outcome::kRetry},        {429, false, Outcome::kRetry},
      {500, false, Outcome::kRetry},     {502, false, Outcome::kRetry},
      {503, false, Outcome::kRetry},     {599, false, Outcome::kRetry},
      {400, false, Outcome::kFailed},    {401, false, Outcome::kFailed},
      {404, false, Outcome::kFailed},    {410, false, Outcome::kFailed},
      {413, false, Outcome::kFailed},    {301, false, Outcome::kFailed},
      {302, false, Outcome::kFailed},    {307, false, Outcome::kFailed},
      {100, false, Outcome::kFailed},    {600, false, Outcome::kFailed},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(ClassifyWebhookAnswer(c.status, c.transport_error), c.outcome) << c.status;
  }
}

// A one-thread HTTP server on 127.0.0.1 that answers every request with
// `response` (or never, with `hang`), and records what it got.
class TinyServer {
 public:
  struct Options {
    std::string response;
    bool hang = false;
    size_t endless_body = 0;      // after `response`, this many bytes more
    bool answer_at_once = false;  // without reading the request
  };

  explicit TinyServer(Options options) : options_(std::move(options)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(fd_, 8), 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr *>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~TinyServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }

  std::string Url(const std::string &scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + "/hook";
  }
  int connections() const { return connections_; }
  std::string request() {
    std::lock_guard<std::mutex> lock(mu_);
    return request_;
  }

 private:
  bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 50) > 0;
  }

  void Run() {
    while (!stop_) {
      if (!Readable(fd_)) continue;
      const int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++connections_;
      Serve(c);
      close(c);
    }
  }

  void Serve(int c) {
    std::string got;
    char buf[4096];
    if (options_.answer_at_once) {
      send(c, options_.response.data(), options_.response.size(), MSG_NOSIGNAL);
      return;
    }
    // Headers, then Content-Length bytes of body.
    while (!stop_) {
      const size_t end = got.find("\r\n\r\n");
      if (end != std::string::npos) {
        const size_t cl = got.find("Content-Length: ");
        const size_t length =
            cl == std::string::npos ? 0 : std::stoul(got.substr(cl + 16));
        if (got.size() >= end + 4 + length) break;
      }
      if (!Readable(c)) continue;
      const ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      got.append(buf, static_cast<size_t>(n));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      request_ = got;
    }
    if (options_.hang) {
      while (!stop_ && !(Readable(c) && recv(c, buf, sizeof buf, MSG_DONTWAIT) == 0)) {
      }
      return;
    }
    if (send(c, options_.response.data(), options_.response.size(), MSG_NOSIGNAL) < 0)
      return;
    const std::string chunk(16384, 'x');
    for (size_t sent = 0; sent < options_.endless_body && !stop_; sent += chunk.size()) {
      if (send(c, chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) return;
    }
  }

  Options options_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::string request_;
  std::thread thread_;
};

WebhookSenderOptions Fast(bool allow_private = true) {
  WebhookSenderOptions o;
  o.allow_private_networks = allow_private;
  o.connect_timeout_ms = 1000;
  o.total_timeout_ms = 1000;
  return o;
}

WebhookPost PostTo(const std::string &url) {
  return {url,
          R"({"type":"webhook.test"})",
          {{"webhook-id", "msg_1"}, {"webhook-timestamp", "1614265330"}}};
}

TEST(WebhookSenderTest, DeliversOn2xxWithHeadersAndBody) {
  TinyServer server({"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"});
  const WebhookPostResult r = MakeCurlWebhookSender(Fast())->Post(PostTo(server.Url()));
  EXPECT_EQ(r.outcome, Outcome::kDelivered) << r.error;
  EXPECT_EQ(r.http_status, 204);
  EXPECT_EQ(r.error, "");
  EXPECT_GE(r.latency_ms, 0);
  const std::string request = server.request();
  EXPECT_EQ(request.rfind("POST /hook HTTP/1.1\r\n", 0), 0u) << request;
  for (const char *line : {"webhook-id: msg_1\r\n", "webhook-timestamp: 1614265330\r\n",
                           "Content-Type: application/json\r\n"}) {
    EXPECT_NE(request.find(line), std::string::npos) << line << " in " << request;
  }
  EXPECT_EQ(request.substr(request.size() - 23), R"({"type":"webhook.test"})");
}

TEST(WebhookSenderTest, RetriesOn500) {
  TinyServer server(
      {"HTTP/1.1 500 Oops\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops"});
  const WebhookPostResult r = MakeCurlWebhookSender(Fast())->Post(PostTo(server.Url()));
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.http_status, 500);
  EXPECT_EQ(r.error, "HTTP 500");
  EXPECT_FALSE(r.retry_after_seconds.has_value());
}

TEST(WebhookSenderTest, RetriesOn429AfterRetryAfter) {
  TinyServer server(
      {"HTTP/1.1 429 Slow down\r\nRetry-After: 37\r\nContent-Length: 0\r\n"
       "Connection: close\r\n\r\n"});
  const WebhookPostResult r = MakeCurlWebhookSender(Fast())->Post(PostTo(server.Url()));
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.http_status, 429);
  EXPECT_EQ(r.retry_after_seconds, 37);
}

TEST(WebhookSenderTest, FailsOn4xx) {
  TinyServer server(
      {"HTTP/1.1 410 Gone\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"});
  const WebhookPostResult r = MakeCurlWebhookSender(Fast())->Post(PostTo(server.Url()));
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.error, "HTTP 410");
}

TEST(WebhookSenderTest, DoesNotFollowRedirects) {
  TinyServer target(
      {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"});
  TinyServer server({"HTTP/1.1 301 Moved\r\nLocation: " + target.Url() +
                     "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"});
  const WebhookPostResult r = MakeCurlWebhookSender(Fast())->Post(PostTo(server.Url()));
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.http_status, 301);
  EXPECT_EQ(r.error, "HTTP 301 (redirects are not followed)");
  EXPECT_EQ(target.connections(), 0);
}

TEST(WebhookSenderTest, StopsReadingAHugeBodyAndStillDelivers) {
  // 2xx with an endless body: the status decides, the body is not read
  // past the limit, and no timeout is needed to end it.
  TinyServer server(
      {"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n", false, size_t{1} << 30});
  WebhookSenderOptions options = Fast();
  options.total_timeout_ms = 10000;
  const auto start = std::chrono::steady_clock::now();
  const WebhookPostResult r = MakeCurlWebhookSender(options)->Post(PostTo(server.Url()));
  EXPECT_EQ(r.outcome, Outcome::kDelivered) << r.error;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(WebhookSenderTest, GivesUpOnAServerThatHangs) {
  TinyServer server({"", true});
  const auto start = std::chrono::steady_clock::now();
  const WebhookPostResult r = MakeCurlWebhookSender(Fast())->Post(PostTo(server.Url()));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(r.error, "timed out after 1 s");
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(WebhookSenderTest, RefusesAPrivateAddressBeforeSendingAByte) {
  TinyServer server({"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"});
  const WebhookPostResult r =
      MakeCurlWebhookSender(Fast(false))->Post(PostTo(server.Url("https")));
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(r.error,
            "address 127.0.0.1 is a private network address; "
            "callexa_webhook_private_networks allows it");
  EXPECT_EQ(server.connections(), 0);
}

TEST(WebhookSenderTest, RefusesPlainHttpUnlessPrivateNetworksAreAllowed) {
  TinyServer server({"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"});
  const WebhookPostResult r =
      MakeCurlWebhookSender(Fast(false))->Post(PostTo(server.Url()));
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_NE(r.error.find("https://"), std::string::npos) << r.error;
  EXPECT_EQ(server.connections(), 0);
}

TEST(WebhookSenderTest, ReportsATlsErrorAsRetry) {
  // A plain-HTTP server spoken to over TLS: its answer is no ServerHello.
  TinyServer server({"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, 0, true});
  const WebhookPostResult r =
      MakeCurlWebhookSender(Fast())->Post(PostTo(server.Url("https")));
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.error.rfind("TLS error", 0), 0u) << r.error;
}

TEST(WebhookSenderTest, ReportsAConnectionErrorAsRetry) {
  int port = 0;
  {
    TinyServer closed({""});
    port = std::stoi(closed.Url().substr(17));
  }
  const WebhookPostResult r = MakeCurlWebhookSender(Fast())->Post(
      PostTo("http://127.0.0.1:" + std::to_string(port) + "/hook"));
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.error.rfind("connection error", 0), 0u) << r.error;
}

TEST(WebhookSenderTest, RefusesHeadersWithLineBreaks) {
  WebhookPost post = PostTo("http://127.0.0.1:1/hook");
  post.headers.push_back({"x-evil", "a\r\nHost: other"});
  const WebhookPostResult r = MakeCurlWebhookSender(Fast())->Post(post);
  EXPECT_EQ(r.outcome, Outcome::kFailed);
}

}  // namespace
}  // namespace callexa
