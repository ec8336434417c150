// SmtpTransport against a real SMTP server: Debian's aiosmtpd, started per
// test with the handler in tests/support/smtp_sink.py.
#include "mail/smtp_transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/files.h"

extern char **environ;

namespace callexa {
namespace {

namespace fs = std::filesystem;
using ::callexa::testing::ReadFileBytes;

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// A port nothing listens on (just now).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool CanConnect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(port);
  const bool ok = connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

class SmtpTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "callexa_smtp_XXXXXX";
    ASSERT_NE(mkdtemp(&tmpl[0]), nullptr) << tmpl;
    dir_ = tmpl;
    out_ = dir_ / "out";
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  // Starts aiosmtpd with the sink on a free port; `extra` are more options
  // (TLS). Fails, never skips, when aiosmtpd is missing.
  void StartServer(std::vector<std::string> extra = {}) {
    port_ = FreePort();
    ASSERT_GT(port_, 0);
    std::vector<std::string> args = {"/usr/bin/python3",
                                     "-m",
                                     "aiosmtpd",
                                     "-n",
                                     "-l",
                                     "127.0.0.1:" + std::to_string(port_)};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"-c", "smtp_sink.Sink", out_.string()});
    std::vector<std::string> env = {std::string("PYTHONPATH=") +
                                    CALLEXA_TEST_SUPPORT_DIR};
    for (char **e = environ; *e != nullptr; ++e) {
      if (std::string(*e).rfind("PYTHONPATH=", 0) != 0) env.push_back(*e);
    }
    std::vector<char *> argv, envp;
    for (auto &a : args) argv.push_back(a.data());
    for (auto &e : env) envp.push_back(e.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);

    const std::string log = (dir_ / "server.log").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc =
        posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ASSERT_EQ(rc, 0) << "cannot start /usr/bin/python3";

    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        FAIL() << "the SMTP sink exited (is python3-aiosmtpd installed?):\n"
               << ReadFileBytes(log);
      }
      if (CanConnect(port_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "the SMTP sink did not listen within 10 s:\n" << ReadFileBytes(log);
  }

  SmtpOptions PlainOptions() const {
    SmtpOptions options;
    options.url = "smtp://127.0.0.1:" + std::to_string(port_);
    options.require_tls = false;
    options.helo_domain = "nps.example.com";
    options.connect_timeout_ms = 5000;
    options.transfer_timeout_ms = 10000;
    return options;
  }

  std::unique_ptr<SmtpTransport> MakeTransport(const SmtpOptions &options) {
    auto transport = SmtpTransport::Create(options);
    EXPECT_TRUE(transport.ok()) << transport.status().message();
    return transport.ok() ? std::move(transport.value()) : nullptr;
  }

  // A self-signed certificate for 127.0.0.1, as cert.pem and key.pem.
  void MakeCertificate() {
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout " +
        (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() +
        " >/dev/null 2>&1";
    ASSERT_EQ(system(command.c_str()), 0) << command;
  }

  // The sink with TLS: `flag` "--tls" for STARTTLS, "--smtps" for TLS from
  // the first byte, with a fresh self-signed certificate.
  void StartTlsServer(const std::string &flag) {
    ASSERT_NO_FATAL_FAILURE(MakeCertificate());
    ASSERT_NO_FATAL_FAILURE(StartServer({flag + "cert", (dir_ / "cert.pem").string(),
                                         flag + "key", (dir_ / "key.pem").string()}));
  }

  // STARTTLS required, the certificate pinned.
  SmtpOptions TlsOptions() const {
    SmtpOptions options = PlainOptions();
    options.require_tls = true;
    options.ca_file = (dir_ / "cert.pem").string();
    return options;
  }

  // The client ports of the greetings: one per connection.
  std::set<std::string> Connections() const {
    std::set<std::string> ports;
    std::istringstream log(ReadFileBytes(out_ / "sessions.log"));
    std::string verb, name, port;
    while (log >> verb >> name >> port) ports.insert(port);
    return ports;
  }

  static OutgoingMail Mail(const std::string &recipient, const std::string &data = "") {
    return {"surveys@example.com", recipient, "m1@nps.example.com",
            data.empty() ? "Subject: test\r\n\r\nHello\r\n" : data};
  }

  fs::path dir_, out_;
  int port_ = 0;
  pid_t pid_ = 0;
};

TEST_F(SmtpTransportTest, DeliversTheMessageBytesIntact) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto transport = MakeTransport(PlainOptions());
  ASSERT_NE(transport, nullptr);
  // Lines starting with dots (libcurl must dot-stuff, the server unstuff),
  // a lone dot line, 8-bit bytes and a 998-byte line.
  const std::string data =
      "From: Surveys <surveys@example.com>\r\n"
      "To: ada@example.com\r\n"
      "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\r\n"
      ".starts with a dot\r\n.\r\n..two\r\n"
      "caf\xc3\xa9\r\n" +
      std::string(998, 'x') + "\r\nend\r\n";
  const SendResult r = transport->Send(Mail("ada@example.com", data));
  EXPECT_EQ(r.outcome, SendOutcome::kSent) << r.detail;
  EXPECT_EQ(r.smtp_code, 250);
  EXPECT_EQ(r.detail, "250 2.0.0 OK queued as 1");
  EXPECT_EQ(ReadFileBytes(out_ / "1.eml"), data);
  const std::string envelope = ReadFileBytes(out_ / "1.json");
  EXPECT_NE(envelope.find("\"mail_from\": \"surveys@example.com\""), std::string::npos)
      << envelope;
  EXPECT_NE(envelope.find("\"rcpt_tos\": [\"ada@example.com\"]"), std::string::npos)
      << envelope;
  EXPECT_EQ(ReadFileBytes(out_ / "sessions.log").rfind("EHLO nps.example.com ", 0), 0u);
}

TEST_F(SmtpTransportTest, ReusesOneConnectionAcrossSends) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto transport = MakeTransport(PlainOptions());
  ASSERT_NE(transport, nullptr);
  for (int i = 0; i < 3; ++i) {
    const SendResult r =
        transport->Send(Mail("user" + std::to_string(i) + "@example.com"));
    EXPECT_EQ(r.outcome, SendOutcome::kSent) << r.detail;
  }
  EXPECT_TRUE(fs::exists(out_ / "3.eml"));
  EXPECT_EQ(Connections().size(), 1u) << ReadFileBytes(out_ / "sessions.log");
}

TEST_F(SmtpTransportTest, WithoutAnEhloNameGreetsWithTheHostName) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  SmtpOptions options = PlainOptions();
  options.helo_domain = "";
  auto transport = MakeTransport(options);
  ASSERT_NE(transport, nullptr);
  const SendResult r = transport->Send(Mail("ada@example.com"));
  EXPECT_EQ(r.outcome, SendOutcome::kSent) << r.detail;
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  EXPECT_EQ(
      ReadFileBytes(out_ / "sessions.log").rfind("EHLO " + std::string(host) + " ", 0),
      0u)
      << ReadFileBytes(out_ / "sessions.log");
}

TEST_F(SmtpTransportTest, RecipientRefused550IsPermanentAndTheNextSendWorks) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto transport = MakeTransport(PlainOptions());
  ASSERT_NE(transport, nullptr);
  const SendResult r = transport->Send(Mail("bounce@example.com"));
  EXPECT_EQ(r.outcome, SendOutcome::kPermanentFailure) << r.detail;
  EXPECT_EQ(r.smtp_code, 550);
  EXPECT_EQ(r.detail, "SMTP server refused RCPT TO: 550 5.1.1 No such user here");
  const SendResult next = transport->Send(Mail("ada@example.com"));
  EXPECT_EQ(next.outcome, SendOutcome::kSent) << next.detail;
  EXPECT_TRUE(fs::exists(out_ / "1.eml"));
  EXPECT_FALSE(fs::exists(out_ / "2.eml"));
}

TEST_F(SmtpTransportTest, RecipientDeferred451IsTemporary) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto transport = MakeTransport(PlainOptions());
  ASSERT_NE(transport, nullptr);
  const SendResult r = transport->Send(Mail("tempfail@example.com"));
  EXPECT_EQ(r.outcome, SendOutcome::kTemporaryFailure) << r.detail;
  EXPECT_EQ(r.smtp_code, 451);
  EXPECT_NE(r.detail.find("451 4.3.0 Try again later"), std::string::npos) << r.detail;
}

TEST_F(SmtpTransportTest, MessageRefusedAfterDataIsPermanent) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto transport = MakeTransport(PlainOptions());
  ASSERT_NE(transport, nullptr);
  const SendResult r = transport->Send(Mail("datareject@example.com"));
  EXPECT_EQ(r.outcome, SendOutcome::kPermanentFailure) << r.detail;
  EXPECT_EQ(r.smtp_code, 554);
  EXPECT_EQ(r.detail, "SMTP server refused DATA: 554 5.7.1 Message rejected as spam");
}

TEST_F(SmtpTransportTest, RefusedSenderIsTemporaryNotABounce) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto transport = MakeTransport(PlainOptions());
  ASSERT_NE(transport, nullptr);
  OutgoingMail mail = Mail("ada@example.com");
  mail.envelope_from = "senderreject@example.com";
  const SendResult r = transport->Send(mail);
  EXPECT_EQ(r.outcome, SendOutcome::kTemporaryFailure) << r.detail;
  EXPECT_EQ(r.smtp_code, 553);
  EXPECT_NE(r.detail.find("check the sender address"), std::string::npos) << r.detail;
}

TEST_F(SmtpTransportTest, ConnectionRefusedIsTemporary) {
  port_ = FreePort();
  auto transport = MakeTransport(PlainOptions());
  ASSERT_NE(transport, nullptr);
  const SendResult r = transport->Send(Mail("ada@example.com"));
  EXPECT_EQ(r.outcome, SendOutcome::kTemporaryFailure) << r.detail;
  EXPECT_EQ(r.smtp_code, 0);
  EXPECT_NE(r.detail.find("127.0.0.1 port " + std::to_string(port_)), std::string::npos)
      << r.detail;
}

TEST_F(SmtpTransportTest, SilentServerTimesOutAsTemporary) {
  // Accepts connections (the kernel does, from the backlog) but never greets.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len), 0);
  port_ = ntohs(addr.sin_port);
  SmtpOptions options = PlainOptions();
  options.transfer_timeout_ms = 700;
  auto transport = MakeTransport(options);
  ASSERT_NE(transport, nullptr);
  const auto start = std::chrono::steady_clock::now();
  const SendResult r = transport->Send(Mail("ada@example.com"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_EQ(r.outcome, SendOutcome::kTemporaryFailure) << r.detail;
  EXPECT_NE(r.detail.find("timed out"), std::string::npos) << r.detail;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(SmtpTransportTest, RequiredStartTlsThatIsNotOfferedIsTemporary) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  SmtpOptions options = PlainOptions();
  options.require_tls = true;
  auto transport = MakeTransport(options);
  ASSERT_NE(transport, nullptr);
  const SendResult r = transport->Send(Mail("ada@example.com"));
  EXPECT_EQ(r.outcome, SendOutcome::kTemporaryFailure) << r.detail;
  EXPECT_NE(r.detail.find("STARTTLS"), std::string::npos) << r.detail;
  EXPECT_FALSE(fs::exists(out_ / "1.eml"));
}

TEST_F(SmtpTransportTest, StartTlsWithAPinnedCertificateDelivers) {
  ASSERT_NO_FATAL_FAILURE(StartTlsServer("--tls"));
  SmtpOptions options = TlsOptions();
  auto transport = MakeTransport(options);
  ASSERT_NE(transport, nullptr);
  for (int i = 0; i < 2; ++i) {
    const SendResult r = transport->Send(Mail("ada@example.com"));
    EXPECT_EQ(r.outcome, SendOutcome::kSent) << r.detail;
  }
  EXPECT_TRUE(fs::exists(out_ / "2.eml"));
  // EHLO before and after STARTTLS, on one connection for both messages.
  EXPECT_EQ(Connections().size(), 1u) << ReadFileBytes(out_ / "sessions.log");
}

TEST_F(SmtpTransportTest, CertificateThatDoesNotVerifyIsTemporary) {
  ASSERT_NO_FATAL_FAILURE(StartTlsServer("--tls"));
  SmtpOptions options = TlsOptions();
  options.ca_file = "";  // the system's CAs do not know the certificate
  auto transport = MakeTransport(options);
  ASSERT_NE(transport, nullptr);
  const SendResult r = transport->Send(Mail("ada@example.com"));
  EXPECT_EQ(r.outcome, SendOutcome::kTemporaryFailure) << r.detail;
  EXPECT_NE(r.detail.find("certificate"), std::string::npos) << r.detail;
  EXPECT_FALSE(fs::exists(out_ / "1.eml"));
}

TEST_F(SmtpTransportTest, SmtpsDelivers) {
  ASSERT_NO_FATAL_FAILURE(StartTlsServer("--smtps"));
  SmtpOptions options = TlsOptions();
  options.url = "smtps://127.0.0.1:" + std::to_string(port_);
  auto transport = MakeTransport(options);
  ASSERT_NE(transport, nullptr);
  const SendResult r = transport->Send(Mail("ada@example.com"));
  EXPECT_EQ(r.outcome, SendOutcome::kSent) << r.detail;
  EXPECT_TRUE(fs::exists(out_ / "1.eml"));
}

TEST_F(SmtpTransportTest, WrongCredentialsAreTemporaryAndSaySo) {
  // aiosmtpd offers AUTH over TLS and, without an authenticator, refuses
  // every login with 535.
  ASSERT_NO_FATAL_FAILURE(StartTlsServer("--tls"));
  std::ofstream(dir_ / "credentials") << "mailer:s3cret:with:colons\n";
  SmtpOptions options = TlsOptions();
  options.credentials_file = (dir_ / "credentials").string();
  auto transport = MakeTransport(options);
  ASSERT_NE(transport, nullptr);
  const SendResult r = transport->Send(Mail("ada@example.com"));
  EXPECT_EQ(r.outcome, SendOutcome::kTemporaryFailure) << r.detail;
  EXPECT_EQ(r.smtp_code, 535);
  EXPECT_NE(r.detail.find("AUTH"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("check the SMTP credentials file"), std::string::npos)
      << r.detail;
  EXPECT_EQ(r.detail.find("s3cret"), std::string::npos) << r.detail;
}

TEST_F(SmtpTransportTest, AddressesWithLineBreaksOrBracketsAreRefusedUnsent) {
  port_ = FreePort();  // nothing listens: a connection attempt would say so
  auto transport = MakeTransport(PlainOptions());
  ASSERT_NE(transport, nullptr);
  OutgoingMail mail = Mail("ada@example.com>\r\nRCPT TO:<eve@example.com");
  SendResult r = transport->Send(mail);
  EXPECT_EQ(r.outcome, SendOutcome::kPermanentFailure) << r.detail;
  EXPECT_EQ(r.detail, "invalid recipient address");
  mail = Mail("ada@example.com");
  mail.envelope_from = "";
  r = transport->Send(mail);
  EXPECT_EQ(r.outcome, SendOutcome::kTemporaryFailure) << r.detail;
  EXPECT_EQ(r.detail, "invalid sender address");
}

TEST(SmtpTransportCreateTest, RefusesBadOptionsWithAClearMessage) {
  std::string tmpl = ::testing::TempDir() + "callexa_smtpopt_XXXXXX";
  ASSERT_NE(mkdtemp(&tmpl[0]), nullptr) << tmpl;
  const fs::path dir = tmpl;
  std::ofstream(dir / "nocolon") << "justauser\n";
  std::ofstream(dir / "twolines") << "user:pw\nmore\n";
  std::ofstream(dir / "nouser") << ":pw\n";
  std::ofstream(dir / "good") << "user:pw\r\n";

  struct Bad {
    std::string url, credentials, helo;
    bool require_tls;
    std::string message_has;
  };
  const std::string missing = (dir / "missing").string();
  const Bad cases[] = {
      {"http://127.0.0.1", "", "", true, "is not smtp://host[:port]"},
      {"smtp://", "", "", true, "is not smtp://host[:port]"},
      {"smtp://user:pw@127.0.0.1", "", "", true, "is not smtp://host[:port]"},
      {"smtp://127.0.0.1/name", "", "", true, "is not smtp://host[:port]"},
      {"smtp://127.0.0.1?x=1", "", "", true, "is not smtp://host[:port]"},
      {"smtp://127.0.0.1", "", "bad name/../x", true, "EHLO name"},
      {"smtp://127.0.0.1", missing, "", true,
       "cannot read SMTP credentials file " + missing + ": No such file"},
      {"smtp://127.0.0.1", (dir / "nocolon").string(), "", true, "user:password"},
      {"smtp://127.0.0.1", (dir / "twolines").string(), "", true, "user:password"},
      {"smtp://127.0.0.1", (dir / "nouser").string(), "", true, "user:password"},
      {"smtp://127.0.0.1", (dir / "good").string(), "", false, "credentials need TLS"},
  };
  for (const Bad &c : cases) {
    SCOPED_TRACE(c.url + " " + c.credentials + " " + c.helo);
    SmtpOptions options;
    options.url = c.url;
    options.credentials_file = c.credentials;
    options.helo_domain = c.helo;
    options.require_tls = c.require_tls;
    auto transport = SmtpTransport::Create(options);
    ASSERT_FALSE(transport.ok());
    EXPECT_EQ(transport.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(transport.status().message().find(c.message_has), std::string::npos)
        << transport.status().message();
  }

  for (const char *url :
       {"smtp://127.0.0.1", "smtp://mail.example.com:587/", "smtps://mail.example.com"}) {
    SmtpOptions options;
    options.url = url;
    options.credentials_file = (dir / "good").string();
    options.helo_domain = "[192.0.2.1]";
    EXPECT_TRUE(SmtpTransport::Create(options).ok()) << url;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace callexa
