// Typed scalar values of Launchdeck's files: durations, resource quantities and port mappings.
#pragma once

#include <QString>

#include <chrono>
#include <cstdint>
#include <optional>

namespace launchdeck {

// "250ms", "30s", "5m", "1h30m", "2d": Go-style, as in Kubernetes and Argo Rollouts.
// A bare number is not a duration (ambiguous units are errors).
std::optional<std::chrono::milliseconds> parseDuration(QStringView text);
QString formatDuration(std::chrono::milliseconds duration);

// A Kubernetes resource quantity: "250m", "0.5", "512Mi", "2G", "1e3".
// Stored in thousandths of the base unit (milli-cores, milli-bytes) so "250m" is exact.
struct Quantity
{
    std::int64_t milli = 0;

    double value() const { return static_cast<double>(milli) / 1000.0; }
    friend auto operator<=>(const Quantity&, const Quantity&) = default;
};

std::optional<Quantity> parseQuantity(QStringView text);

// "8080:80", "127.0.0.1:8080:80/udp", "80": host side optional, protocol tcp by default.
struct PortMapping
{
    QString hostIp;
    int hostPort = 0; // 0: not published
    int containerPort = 0;
    QString protocol = QStringLiteral("tcp");

    friend bool operator==(const PortMapping&, const PortMapping&) = default;
};

std::optional<PortMapping> parsePortMapping(QStringView text);
QString formatPortMapping(const PortMapping& port);

// RFC 1123 label (DNS-1123): lower-case alphanumerics and '-', at most 63 characters.
bool isDnsLabel(QStringView text);
// IANA service name as Kubernetes port names: at most 15 characters, a letter, no "--".
bool isPortName(QStringView text);

} // namespace launchdeck
