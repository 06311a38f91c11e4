// A small std::expected stand-in (g++ 12 has none): either a value or an
// Error. Used on every hot path instead of exceptions.
//
//   Result<std::uint64_t> r = read_varint(reader);
//   if (!r) return r.error();
//   use(*r);
//
// TQUIC_TRY(expr) evaluates an expression yielding Result<void> (or Status)
// and returns its error from the enclosing function if it failed.
// TQUIC_TRY_ASSIGN(var, expr) does the same and binds the value.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include "base/error.h"

namespace tquic {

template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T>, "Result<T&> is not supported");

 public:
  Result(const T& v) : ok_(true) { new (&value_) T(v); }                // NOLINT
  Result(T&& v) : ok_(true) { new (&value_) T(std::move(v)); }          // NOLINT
  Result(const Error& e) : ok_(false) { new (&error_) Error(e); }       // NOLINT

  Result(const Result& o) : ok_(o.ok_) {
    if (ok_) new (&value_) T(o.value_);
    else new (&error_) Error(o.error_);
  }
  Result(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : ok_(o.ok_) {
    if (ok_) new (&value_) T(std::move(o.value_));
    else new (&error_) Error(o.error_);
  }
  Result& operator=(Result o) {
    this->~Result();
    new (this) Result(std::move(o));
    return *this;
  }
  ~Result() {
    if (ok_) value_.~T();
  }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }

  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }
  T& operator*() & { return value_; }
  const T& operator*() const& { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }

  const Error& error() const { return error_; }

 private:
  bool ok_;
  union {
    T value_;
    Error error_;
  };
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(const Error& e) : ok_(false), error_(e) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  bool ok_ = true;
  Error error_{};
};

using Status = Result<void>;

inline Status ok_status() { return Status{}; }

}  // namespace tquic

#define TQUIC_CONCAT_INNER(a, b) a##b
#define TQUIC_CONCAT(a, b) TQUIC_CONCAT_INNER(a, b)

#define TQUIC_TRY(expr)                        \
  do {                                         \
    auto tquic_try_result_ = (expr);           \
    if (!tquic_try_result_) return tquic_try_result_.error(); \
  } while (0)

#define TQUIC_TRY_ASSIGN_IMPL(tmp, var, expr) \
  auto tmp = (expr);                          \
  if (!tmp) return tmp.error();               \
  var = std::move(*tmp)

#define TQUIC_TRY_ASSIGN(var, expr) \
  TQUIC_TRY_ASSIGN_IMPL(TQUIC_CONCAT(tquic_try_, __LINE__), var, expr)
