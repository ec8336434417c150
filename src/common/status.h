// Status: the outcome of an operation in the core, without exceptions.
//
// A Status carries two texts. message() is written for whoever made the
// request (the client reads it in {"message": ...}, a person on a survey
// page may see it): it never names a file, a table or a library. detail()
// is the diagnostic for the operator's error log (SQLite's or libcurl's
// own words, a path); empty when the message says it all.
//
// Codes say what went wrong, not how a transport reports it: the HTTP
// layer maps them (HttpStatusOf in http/http_exchange.h).
#ifndef CALLEXA_COMMON_STATUS_H_
#define CALLEXA_COMMON_STATUS_H_

#include <string>
#include <utility>
#include <variant>

namespace callexa {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // the input is wrong: the message says how
    kUnauthorized,     // no or a wrong key
    kForbidden,        // known caller, not allowed
    kNotFound,
    kMethodNotAllowed,
    kConflict,          // the current state does not allow it
    kTooLarge,          // the input is over a limit
    kUnsupportedMedia,  // wrong content type or encoding
    kNotImplemented,    // a valid request this service does not support
    kUnavailable,       // temporarily impossible (database busy, full): try again
    kIOError,           // an unexpected failure of the service itself
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m, std::string detail = {}) {
    return {Code::kInvalidArgument, std::move(m), std::move(detail)};
  }
  static Status Unauthorized(std::string m, std::string detail = {}) {
    return {Code::kUnauthorized, std::move(m), std::move(detail)};
  }
  static Status Forbidden(std::string m, std::string detail = {}) {
    return {Code::kForbidden, std::move(m), std::move(detail)};
  }
  static Status NotFound(std::string m, std::string detail = {}) {
    return {Code::kNotFound, std::move(m), std::move(detail)};
  }
  static Status MethodNotAllowed(std::string m, std::string detail = {}) {
    return {Code::kMethodNotAllowed, std::move(m), std::move(detail)};
  }
  static Status Conflict(std::string m, std::string detail = {}) {
    return {Code::kConflict, std::move(m), std::move(detail)};
  }
  static Status TooLarge(std::string m, std::string detail = {}) {
    return {Code::kTooLarge, std::move(m), std::move(detail)};
  }
  static Status UnsupportedMedia(std::string m, std::string detail = {}) {
    return {Code::kUnsupportedMedia, std::move(m), std::move(detail)};
  }
  static Status NotImplemented(std::string m, std::string detail = {}) {
    return {Code::kNotImplemented, std::move(m), std::move(detail)};
  }
  static Status Unavailable(std::string m, std::string detail = {}) {
    return {Code::kUnavailable, std::move(m), std::move(detail)};
  }
  static Status IOError(std::string m, std::string detail = {}) {
    return {Code::kIOError, std::move(m), std::move(detail)};
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string &message() const { return message_; }
  const std::string &detail() const { return detail_; }
  // What the error log says: the detail when there is one (it is the
  // more precise text), else the message.
  const std::string &ToLogString() const { return detail_.empty() ? message_ : detail_; }
  // The same code and message with `detail` as the diagnostic, e.g. to
  // say which operation failed: s.WithDetail("claim: " + s.detail()).
  Status WithDetail(std::string detail) const {
    return {code_, message_, std::move(detail)};
  }

 private:
  Status(Code code, std::string message, std::string detail)
      : code_(code), message_(std::move(message)), detail_(std::move(detail)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string detail_;
};

// Result<T>: a value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) {}

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status &status() const { return std::get<Status>(v_); }
  T &value() { return std::get<T>(v_); }
  const T &value() const { return std::get<T>(v_); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }
  T &operator*() { return value(); }
  const T &operator*() const { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace callexa

#endif  // CALLEXA_COMMON_STATUS_H_
