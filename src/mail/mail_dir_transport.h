// The embedded default transport: with no SMTP server configured, each
// message becomes one .eml file in a folder, where a person or a test can
// read it (any mail client opens .eml files).
#ifndef CALLEXA_MAIL_MAIL_DIR_TRANSPORT_H_
#define CALLEXA_MAIL_MAIL_DIR_TRANSPORT_H_

#include <string>

#include "mail/mail_transport.h"

namespace callexa {

// Writes `mail.data`, byte for byte, to <dir>/<name>.eml, where <name> is
// the Message-ID with every byte outside [A-Za-z0-9._@+-] (and a leading
// '.') replaced by '_'. The envelope is not stored: the message's own
// From/To headers say who it is for.
//
// Atomic and idempotent: the bytes go to a hidden temporary file
// (<dir>/.tmp-*, never ending in .eml), are fsync'ed and renamed over the
// final name, and the folder is fsync'ed. A reader never sees half a
// message, a crash leaves at most a stray .tmp- file, and a resend with the
// same Message-ID (an expired lease) replaces the file instead of adding a
// second one. Once Send returns kSent the file survives a power cut.
//
// The folder is created on demand (like mkdir -p, new folders mode 0750,
// files 0640, both before the umask), so deleting it while nginx runs is
// harmless. Every failure (no space, no permission, a path that is not a
// folder, an empty Message-ID) is kTemporaryFailure with the system's
// reason: none of them is the recipient's fault. Send is thread safe and
// may run in several processes on one folder.
class MailDirTransport : public MailTransport {
 public:
  explicit MailDirTransport(std::string dir);
  SendResult Send(const OutgoingMail &mail) override;

 private:
  const std::string dir_;
};

}  // namespace callexa

#endif  // CALLEXA_MAIL_MAIL_DIR_TRANSPORT_H_
