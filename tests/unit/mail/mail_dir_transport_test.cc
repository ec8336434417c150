#include "mail/mail_dir_transport.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/files.h"

namespace callexa {
namespace {

namespace fs = std::filesystem;
using ::callexa::testing::ReadFileBytes;

std::vector<std::string> Names(const fs::path &dir) {
  std::vector<std::string> names;
  for (const auto &entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

OutgoingMail Mail(const std::string &message_id, const std::string &data) {
  return {"surveys@example.com", "ada@example.com", message_id, data};
}

class MailDirTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "callexa_maildir_XXXXXX";
    ASSERT_NE(mkdtemp(&tmpl[0]), nullptr) << tmpl;
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(MailDirTransportTest, WritesTheMessageBytesUnderItsMessageId) {
  const std::string data = "Subject: Hi\r\n\r\n.leading dot\r\nbody\xc3\xa4\r\n";
  MailDirTransport transport(dir_.string());
  const SendResult result = transport.Send(Mail("0123abcd.x-y@nps.example.com", data));
  EXPECT_EQ(result.outcome, SendOutcome::kSent) << result.detail;
  EXPECT_EQ(Names(dir_), std::vector<std::string>{"0123abcd.x-y@nps.example.com.eml"});
  EXPECT_EQ(ReadFileBytes(dir_ / "0123abcd.x-y@nps.example.com.eml"), data);
  struct stat st;
  ASSERT_EQ(stat((dir_ / "0123abcd.x-y@nps.example.com.eml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0137, 0u) << std::oct << st.st_mode;
}

TEST_F(MailDirTransportTest, ResendingTheSameMessageIdReplacesTheFile) {
  MailDirTransport transport(dir_.string());
  ASSERT_EQ(transport.Send(Mail("id1@h", "first")).outcome, SendOutcome::kSent);
  ASSERT_EQ(transport.Send(Mail("id1@h", "second")).outcome, SendOutcome::kSent);
  ASSERT_EQ(transport.Send(Mail("id2@h", "other")).outcome, SendOutcome::kSent);
  EXPECT_EQ(Names(dir_), (std::vector<std::string>{"id1@h.eml", "id2@h.eml"}));
  EXPECT_EQ(ReadFileBytes(dir_ / "id1@h.eml"), "second");
}

TEST_F(MailDirTransportTest, MessageIdCannotEscapeTheFolderOrHideTheFile) {
  MailDirTransport transport(dir_.string());
  ASSERT_EQ(transport.Send(Mail("../../etc/x y<z>", "a")).outcome, SendOutcome::kSent);
  ASSERT_EQ(transport.Send(Mail(".hidden", "b")).outcome, SendOutcome::kSent);
  EXPECT_EQ(Names(dir_),
            (std::vector<std::string>{"_._.._etc_x_y_z_.eml", "_hidden.eml"}));
}

TEST_F(MailDirTransportTest, CreatesMissingFolders) {
  const fs::path nested = dir_ / "var" / "mail";
  MailDirTransport transport(nested.string());
  const SendResult result = transport.Send(Mail("m@h", "x"));
  EXPECT_EQ(result.outcome, SendOutcome::kSent) << result.detail;
  EXPECT_EQ(ReadFileBytes(nested / "m@h.eml"), "x");
  // Deleted while running: made again on the next message.
  fs::remove_all(nested);
  EXPECT_EQ(transport.Send(Mail("n@h", "y")).outcome, SendOutcome::kSent);
  EXPECT_EQ(ReadFileBytes(nested / "n@h.eml"), "y");
}

TEST_F(MailDirTransportTest, UnwritableFolderIsATemporaryFailureWithTheReason) {
  // Runs as root in CI, where permissions do not stop a write: a folder
  // path through a regular file fails for everyone.
  std::ofstream(dir_ / "file") << "not a folder";
  for (const fs::path &bad : {dir_ / "file", dir_ / "file" / "mail"}) {
    MailDirTransport transport(bad.string());
    const SendResult result = transport.Send(Mail("m@h", "x"));
    EXPECT_EQ(result.outcome, SendOutcome::kTemporaryFailure) << bad;
    EXPECT_NE(result.detail.find("Not a directory"), std::string::npos) << result.detail;
    EXPECT_NE(result.detail.find(bad.string()), std::string::npos) << result.detail;
  }
  EXPECT_EQ(Names(dir_), std::vector<std::string>{"file"});
}

TEST_F(MailDirTransportTest, EmptyMessageIdIsATemporaryFailure) {
  MailDirTransport transport(dir_.string());
  EXPECT_EQ(transport.Send(Mail("", "x")).outcome, SendOutcome::kTemporaryFailure);
  EXPECT_TRUE(Names(dir_).empty());
}

TEST_F(MailDirTransportTest, ConcurrentWritersOfOneMessageLeaveOneWholeFile) {
  // Two workers resending the same invitation at once (a lease that
  // expired mid-send): the file is always one complete copy.
  const std::string a(200000, 'a'), b(200000, 'b');
  MailDirTransport transport(dir_.string());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(transport.Send(Mail("same@h", t % 2 ? a : b)).outcome,
                  SendOutcome::kSent);
        const std::string seen = ReadFileBytes(dir_ / "same@h.eml");
        EXPECT_TRUE(seen == a || seen == b) << seen.size();
      }
    });
  }
  for (auto &thread : threads) thread.join();
  EXPECT_EQ(Names(dir_), std::vector<std::string>{"same@h.eml"});
}

}  // namespace
}  // namespace callexa
