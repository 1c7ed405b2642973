// IP address literals without a networking library: what an address is, whether it lies in a
// subnet, and whether this machine can listen on one of its ports.
#pragma once

#include <QStringView>

#include <array>
#include <cstdint>
#include <optional>

namespace launchdeck {

struct IpAddress
{
    enum class Family { V4, V6 };
    Family family = Family::V4;
    std::array<std::uint8_t, 16> bytes{}; // network order; the first four for IPv4

    bool isV6() const { return family == Family::V6; }
};

// "10.0.0.7", "::1", "fe80::1%eth0" (the zone is dropped); nothing for names, brackets or
// anything else.
std::optional<IpAddress> parseIpAddress(QStringView text);

// "10.0.0.0/8", "fd00::/8": true when `address` is of the same family and its first bits are
// the subnet's. False for a malformed subnet.
bool isInSubnet(const IpAddress& address, QStringView subnet);

// Binds a TCP socket to the address and port (with SO_REUSEADDR, as a server would) and closes
// it again: false when another program holds the port or the address is not this machine's.
bool canListenOn(const IpAddress& address, int port);

} // namespace launchdeck
