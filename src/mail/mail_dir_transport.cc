#include "mail/mail_dir_transport.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <string>
#include <utility>

namespace callexa {
namespace {

// Longest file name part kept from a Message-ID; RenderSurveyEmail's are
// far shorter, and NAME_MAX (255) must hold ".tmp-<pid>-<n>-" and ".eml".
constexpr size_t kMaxNameBytes = 200;

std::string FileNameFor(const std::string &message_id) {
  std::string name = message_id.substr(0, kMaxNameBytes);
  for (char &c : name) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
                      c == '+' || c == '-';
    if (!keep) c = '_';
  }
  if (!name.empty() && name[0] == '.') name[0] = '_';
  return name;
}

SendResult Failure(const std::string &what, const std::string &path, int err) {
  return {SendOutcome::kTemporaryFailure, 0,
          what + " " + path + ": " + std::strerror(err)};
}

// mkdir -p: 0 or the errno of the first component that could not be made.
int MakeDirs(const std::string &dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    const std::string prefix = dir.substr(0, pos);
    if (mkdir(prefix.c_str(), 0750) == 0 || errno == EEXIST) continue;
    return errno;
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) return errno;
  return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

// Writes all of `data`; 0 or errno.
int WriteAll(int fd, const std::string &data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<size_t>(n);
  }
  return 0;
}

int FsyncDir(const std::string &dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int err = fsync(fd) == 0 ? 0 : errno;
  close(fd);
  return err;
}

SendResult WriteMessage(const std::string &dir, const OutgoingMail &mail) {
  if (mail.message_id.empty()) {
    return {SendOutcome::kTemporaryFailure, 0, "the message has no Message-ID"};
  }
  static std::atomic<uint64_t> counter{0};
  const std::string name = FileNameFor(mail.message_id);
  const std::string final_path = dir + "/" + name + ".eml";
  const std::string tmp_path = dir + "/.tmp-" + std::to_string(getpid()) + "-" +
                               std::to_string(counter.fetch_add(1)) + "-" + name;

  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
  int fd = open(tmp_path.c_str(), flags, 0640);
  if (fd < 0 && errno == ENOENT) {
    if (const int err = MakeDirs(dir)) return Failure("cannot create", dir, err);
    fd = open(tmp_path.c_str(), flags, 0640);
  }
  if (fd < 0) return Failure("cannot create", tmp_path, errno);

  int err = WriteAll(fd, mail.data);
  if (err == 0 && fsync(fd) != 0) err = errno;
  // close() reports delayed write errors on some file systems (NFS).
  if (close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    unlink(tmp_path.c_str());
    return Failure("cannot write", tmp_path, err);
  }
  if (rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    err = errno;
    unlink(tmp_path.c_str());
    return Failure("cannot rename to", final_path, err);
  }
  if (const int sync_err = FsyncDir(dir)) return Failure("cannot sync", dir, sync_err);
  return {SendOutcome::kSent, 0, "written to " + final_path};
}

}  // namespace

MailDirTransport::MailDirTransport(std::string dir) : dir_(std::move(dir)) {}

SendResult MailDirTransport::Send(const OutgoingMail &mail) {
  try {
    return WriteMessage(dir_, mail);
  } catch (const std::exception &e) {
    return {SendOutcome::kTemporaryFailure, 0,
            std::string("internal error: ") + e.what()};
  }
}

}  // namespace callexa
