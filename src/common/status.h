// Status: the outcome of an operation in the core, without exceptions.
// Code() maps one to one onto the HTTP status the glue answers with, so a
// message written here is what the client reads in {"message": ...}.
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
    kInvalidArgument,   // 400
    kUnauthorized,      // 401
    kForbidden,         // 403
    kNotFound,          // 404
    kMethodNotAllowed,  // 405
    kConflict,          // 409
    kTooLarge,          // 413
    kUnsupportedMedia,  // 415
    kNotImplemented,    // 501
    kUnavailable,       // 503
    kIOError,           // 500
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {Code::kInvalidArgument, std::move(m)};
  }
  static Status Unauthorized(std::string m) {
    return {Code::kUnauthorized, std::move(m)};
  }
  static Status Forbidden(std::string m) { return {Code::kForbidden, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status MethodNotAllowed(std::string m) {
    return {Code::kMethodNotAllowed, std::move(m)};
  }
  static Status Conflict(std::string m) { return {Code::kConflict, std::move(m)}; }
  static Status TooLarge(std::string m) { return {Code::kTooLarge, std::move(m)}; }
  static Status UnsupportedMedia(std::string m) {
    return {Code::kUnsupportedMedia, std::move(m)};
  }
  static Status NotImplemented(std::string m) {
    return {Code::kNotImplemented, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status IOError(std::string m) { return {Code::kIOError, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string &message() const { return message_; }
  // The HTTP status that carries this outcome to a client.
  int http_status() const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
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
