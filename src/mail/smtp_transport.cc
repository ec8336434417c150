#include "mail/smtp_transport.h"

#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "common/curl_global.h"

namespace callexa {
namespace {

// Longest server reply kept for the detail (last_error); replies are
// usually one short line, a hostile server's need not be.
constexpr size_t kMaxReplyBytes = 300;

bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// What the stage was, for people: the command as it appears in a mail log.
std::string StageName(const std::string &command) {
  if (command.empty()) return "connection";
  if (command == "MAIL") return "MAIL FROM";
  if (command == "RCPT") return "RCPT TO";
  return command;
}

// The commands libcurl sends in an SMTP transaction (QUIT aside). The
// end of the message (".") is none of them: its reply counts as DATA's.
bool IsKnownCommand(const std::string &verb) {
  for (const char *known : {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA",
                            "RSET", "NOOP", "VRFY", "EXPN"}) {
    if (verb == known) return true;
  }
  return false;
}

bool IsDeliveryStage(const std::string &command) {
  return command == "RCPT" || command == "DATA";
}

// The hint that turns an operator's 5xx into something to fix.
std::string HintFor(const std::string &command) {
  if (command == "AUTH") return "; check the SMTP credentials file";
  if (command == "MAIL") return "; check the sender address (callexa_mail_from)";
  return "";
}

// What the operator can do about a failure without an SMTP reply.
std::string OperatorHint(CURLcode code) {
  switch (code) {
    case CURLE_USE_SSL_FAILED:
      return "; the server offers no STARTTLS: for a relay on this host or a trusted "
             "network set callexa_smtp_starttls off, else use smtps://";
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
      return "; check the host and port of callexa_smtp and that the server runs";
    case CURLE_LOGIN_DENIED:
      return "; check the user and password in callexa_smtp_credentials";
    case CURLE_PEER_FAILED_VERIFICATION:
      return "; the server's certificate does not verify for its name";
    case CURLE_OPERATION_TIMEDOUT:
      return "; the server did not answer in time";
    default:
      return "";
  }
}

// No line break (command injection), no brackets (libcurl adds its own)
// and no NUL: the 5 characters searched include the literal's terminator.
bool IsCleanAddress(const std::string &address) {
  return !address.empty() && address.find_first_of("\r\n<>", 0, 5) == std::string::npos;
}

// "user:password" from the file at `path`.
Status ReadCredentials(const std::string &path, std::string *user,
                       std::string *password) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument("cannot read SMTP credentials file " + path + ": " +
                                   std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  const size_t colon = text.find(':');
  if (colon == 0 || colon == std::string::npos ||
      text.find_first_of("\r\n") != std::string::npos) {
    return Status::InvalidArgument("SMTP credentials file " + path +
                                   " must hold one line user:password");
  }
  *user = text.substr(0, colon);
  *password = text.substr(colon + 1);
  return Status::Ok();
}

bool IsValidHeloDomain(const std::string &name) {
  if (name.empty()) return true;
  if (name.front() == '[' && name.back() == ']' && name.size() > 2) {
    return name.find_first_not_of("0123456789abcdefABCDEF.:IPv", 1) == name.size() - 1;
  }
  return name.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-") ==
         std::string::npos;
}

// The URL libcurl gets: the operator's smtp(s)://host[:port] with the EHLO
// name as its path (that is where libcurl takes it from). Sets *is_smtps.
Result<std::string> BuildUrl(const SmtpOptions &options, bool *is_smtps) {
  const Status bad = Status::InvalidArgument("SMTP URL \"" + options.url +
                                             "\" is not smtp://host[:port] or "
                                             "smtps://host[:port]");
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), curl_url_cleanup);
  if (!url) return Status::Unavailable("out of memory");
  if (curl_url_set(url.get(), CURLUPART_URL, options.url.c_str(), 0) != CURLUE_OK) {
    return bad;
  }
  auto part = [&](CURLUPart which) -> std::string {
    char *value = nullptr;
    if (curl_url_get(url.get(), which, &value, 0) != CURLUE_OK || value == nullptr) {
      return "";
    }
    std::string copy(value);
    curl_free(value);
    return copy;
  };
  const std::string scheme = part(CURLUPART_SCHEME);
  const std::string path = part(CURLUPART_PATH);
  if ((scheme != "smtp" && scheme != "smtps") || part(CURLUPART_HOST).empty() ||
      !part(CURLUPART_USER).empty() || !part(CURLUPART_PASSWORD).empty() ||
      !part(CURLUPART_QUERY).empty() || !part(CURLUPART_FRAGMENT).empty() ||
      (path != "" && path != "/")) {
    return bad;
  }
  if (!IsValidHeloDomain(options.helo_domain)) {
    return Status::InvalidArgument("SMTP EHLO name \"" + options.helo_domain +
                                   "\" is not a host name or address literal");
  }
  const std::string helo_path = "/" + options.helo_domain;
  if (curl_url_set(url.get(), CURLUPART_PATH, helo_path.c_str(), 0) != CURLUE_OK) {
    return bad;
  }
  const std::string full = part(CURLUPART_URL);
  if (full.empty()) return bad;
  *is_smtps = scheme == "smtps";
  return full;
}

}  // namespace

// Records the dialogue for ClassifySmtpResult. libcurl calls this only
// with CURLOPT_VERBOSE on, which then writes nothing to stderr. Only known
// command verbs are kept: AUTH lines and their continuations carry the
// password.
int SmtpTransport::RecordDialogue(CURL *, curl_infotype type, char *data, size_t size,
                                  void *userptr) {
  if (type != CURLINFO_HEADER_OUT && type != CURLINFO_HEADER_IN) return 0;
  auto *dialogue = static_cast<Dialogue *>(userptr);
  if (dialogue->quitting) return 0;
  try {
    if (type == CURLINFO_HEADER_OUT) {
      std::string verb;
      size_t i = 0;
      for (; i < size && IsAsciiLetter(data[i]); ++i) {
        verb.push_back(static_cast<char>(data[i] & ~0x20));  // upper case
      }
      if (i < size && data[i] != ' ' && data[i] != '\r') return 0;
      if (verb == "QUIT") {
        dialogue->quitting = true;
      } else if (IsKnownCommand(verb)) {
        dialogue->exchange.last_command = std::move(verb);
      }
      return 0;
    }
    std::string_view reply(data, size);
    while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r')) {
      reply.remove_suffix(1);
    }
    if (const size_t nl = reply.rfind('\n'); nl != std::string_view::npos) {
      reply.remove_prefix(nl + 1);
    }
    if (reply.empty()) return 0;
    std::string line(reply.substr(0, kMaxReplyBytes));
    for (char &c : line) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    dialogue->exchange.last_reply = std::move(line);
  } catch (const std::exception &) {
    // Out of memory: the detail is poorer, the outcome still comes from
    // the reply code.
  }
  return 0;
}

size_t SmtpTransport::ReadUpload(char *buffer, size_t size, size_t nitems,
                                 void *userdata) {
  auto *upload = static_cast<Upload *>(userdata);
  if (upload->data == nullptr) return 0;
  const size_t left = upload->data->size() - upload->offset;
  const size_t n = left < size * nitems ? left : size * nitems;
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

SendResult ClassifySmtpResult(CURLcode code, long smtp_code, const SmtpExchange &exchange,
                              std::string_view curl_error) {
  const int reply_code = static_cast<int>(smtp_code);
  if (code == CURLE_OK) return {SendOutcome::kSent, reply_code, exchange.last_reply};
  const std::string &command = exchange.last_command;
  if (smtp_code >= 400 && smtp_code < 600) {
    const bool permanent = smtp_code >= 500 && IsDeliveryStage(command);
    const std::string reply =
        exchange.last_reply.empty() ? std::to_string(smtp_code) : exchange.last_reply;
    return {permanent ? SendOutcome::kPermanentFailure : SendOutcome::kTemporaryFailure,
            reply_code,
            "SMTP server refused " + StageName(command) + ": " + reply +
                (smtp_code >= 500 ? HintFor(command) : "")};
  }
  std::string error(curl_error.empty() ? curl_easy_strerror(code) : curl_error);
  if (!command.empty()) error += " (during " + StageName(command) + ")";
  return {SendOutcome::kTemporaryFailure, reply_code, error + OperatorHint(code)};
}

Result<std::unique_ptr<SmtpTransport>> SmtpTransport::Create(const SmtpOptions &options) {
  if (Status s = EnsureCurlGlobalInit(); !s.ok()) return s;
  bool is_smtps = false;
  Result<std::string> url = BuildUrl(options, &is_smtps);
  if (!url.ok()) return url.status();
  std::string user, password;
  if (!options.credentials_file.empty()) {
    if (!is_smtps && !options.require_tls) {
      return Status::InvalidArgument(
          "SMTP credentials need TLS: use smtps:// or require STARTTLS");
    }
    if (Status s = ReadCredentials(options.credentials_file, &user, &password); !s.ok()) {
      return s;
    }
  }
  if (options.connect_timeout_ms <= 0 || options.transfer_timeout_ms <= 0) {
    return Status::InvalidArgument("SMTP timeouts must be positive");
  }

  CURL *curl = curl_easy_init();
  if (curl == nullptr) return Status::Unavailable("curl_easy_init failed");
  std::unique_ptr<SmtpTransport> transport(new SmtpTransport(curl));
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(curl, option, value);
  };
  set(CURLOPT_URL, url->c_str());
  set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_UPLOAD, 1L);
  set(CURLOPT_READFUNCTION, &SmtpTransport::ReadUpload);
  set(CURLOPT_READDATA, &transport->upload_);
  set(CURLOPT_ERRORBUFFER, transport->error_);
  set(CURLOPT_VERBOSE, 1L);
  set(CURLOPT_DEBUGFUNCTION, &SmtpTransport::RecordDialogue);
  set(CURLOPT_DEBUGDATA, &transport->dialogue_);
  set(CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  set(CURLOPT_TIMEOUT_MS, options.transfer_timeout_ms);
  set(CURLOPT_SERVER_RESPONSE_TIMEOUT, (options.transfer_timeout_ms + 999) / 1000);
  if (!is_smtps) {
    set(CURLOPT_USE_SSL,
        static_cast<long>(options.require_tls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  }
  if (!options.ca_file.empty()) set(CURLOPT_CAINFO, options.ca_file.c_str());
  if (!user.empty()) {
    set(CURLOPT_USERNAME, user.c_str());
    set(CURLOPT_PASSWORD, password.c_str());
  }
  if (rc != CURLE_OK) {
    return Status::InvalidArgument(std::string("SMTP option not supported by libcurl: ") +
                                   curl_easy_strerror(rc));
  }
  return transport;
}

SmtpTransport::SmtpTransport(CURL *curl) : curl_(curl) { error_[0] = '\0'; }

SmtpTransport::~SmtpTransport() {
  curl_easy_cleanup(curl_);
  curl_slist_free_all(recipients_);
}

SendResult SmtpTransport::Send(const OutgoingMail &mail) {
  if (!IsCleanAddress(mail.recipient)) {
    return {SendOutcome::kPermanentFailure, 0, "invalid recipient address"};
  }
  if (!IsCleanAddress(mail.envelope_from)) {
    return {SendOutcome::kTemporaryFailure, 0, "invalid sender address"};
  }
  try {
    curl_slist *recipients = curl_slist_append(nullptr, mail.recipient.c_str());
    if (recipients == nullptr)
      return {SendOutcome::kTemporaryFailure, 0, "out of memory"};
    CURLcode rc = curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, recipients);
    if (rc != CURLE_OK) {
      curl_slist_free_all(recipients);
      return ClassifySmtpResult(rc, 0, SmtpExchange(), "");
    }
    curl_slist_free_all(recipients_);  // the previous Send's, no longer in use
    recipients_ = recipients;
    rc = curl_easy_setopt(curl_, CURLOPT_MAIL_FROM, mail.envelope_from.c_str());
    if (rc == CURLE_OK) {
      rc = curl_easy_setopt(curl_, CURLOPT_INFILESIZE_LARGE,
                            static_cast<curl_off_t>(mail.data.size()));
    }
    upload_ = Upload{&mail.data, 0};
    dialogue_ = Dialogue();
    error_[0] = '\0';
    if (rc == CURLE_OK) rc = curl_easy_perform(curl_);
    upload_ = Upload();
    long smtp_code = 0;
    if (curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &smtp_code) != CURLE_OK) {
      smtp_code = 0;
    }
    return ClassifySmtpResult(rc, smtp_code, dialogue_.exchange, error_);
  } catch (const std::exception &e) {
    return {SendOutcome::kTemporaryFailure, 0,
            std::string("internal error: ") + e.what()};
  }
}

}  // namespace callexa
