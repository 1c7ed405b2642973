// A value or an error that says what failed and where: the return type of service functions.
#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace launchdeck {

struct Error
{
    QString message; // what failed, e.g. "connection refused"
    QString where;   // where it failed, e.g. "unix:///var/run/docker.sock", "file.yaml:3:7"

    QString toString() const { return where.isEmpty() ? message : where + u": " + message; }
};

template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_state(std::move(value))
    {}
    Result(Error error)
        : m_state(std::move(error))
    {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(m_state); }
    T& value() & { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const T* operator->() const { return &value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

} // namespace launchdeck
