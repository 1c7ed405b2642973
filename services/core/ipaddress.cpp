// IP address literals through the C library's inet_pton, and a bind to probe a port.
#include "core/ipaddress.h"

#include <QByteArray>
#include <QString>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace launchdeck {

std::optional<IpAddress> parseIpAddress(QStringView text)
{
    QByteArray latin = text.trimmed().toLatin1();
    IpAddress address;
    if (inet_pton(AF_INET, latin.constData(), address.bytes.data()) == 1)
        return address;
    if (const qsizetype zone = latin.indexOf('%'); zone > 0)
        latin.truncate(zone);
    if (inet_pton(AF_INET6, latin.constData(), address.bytes.data()) == 1) {
        address.family = IpAddress::Family::V6;
        return address;
    }
    return std::nullopt;
}

bool isInSubnet(const IpAddress& address, QStringView subnet)
{
    const qsizetype slash = subnet.indexOf(u'/');
    if (slash < 0)
        return false;
    const std::optional<IpAddress> network = parseIpAddress(subnet.left(slash));
    bool ok = false;
    const int prefix = subnet.mid(slash + 1).toInt(&ok);
    if (!network || !ok || network->family != address.family)
        return false;
    const int bits = address.isV6() ? 128 : 32;
    if (prefix < 0 || prefix > bits)
        return false;
    const int whole = prefix / 8;
    if (std::memcmp(address.bytes.data(), network->bytes.data(), size_t(whole)) != 0)
        return false;
    const int rest = prefix % 8;
    if (rest == 0)
        return true;
    const auto mask = std::uint8_t(0xff << (8 - rest));
    return (address.bytes[size_t(whole)] & mask) == (network->bytes[size_t(whole)] & mask);
}

bool canListenOn(const IpAddress& address, int port)
{
    if (port < 0 || port > 65535)
        return false;
    const int domain = address.isV6() ? AF_INET6 : AF_INET;
    const int fd = ::socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_storage where{};
    socklen_t length = 0;
    if (address.isV6()) {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&where);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(std::uint16_t(port));
        std::memcpy(&v6->sin6_addr, address.bytes.data(), 16);
        length = sizeof *v6;
    } else {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&where);
        v4->sin_family = AF_INET;
        v4->sin_port = htons(std::uint16_t(port));
        std::memcpy(&v4->sin_addr, address.bytes.data(), 4);
        length = sizeof *v4;
    }
    const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&where), length);
    const bool listening = bound == 0 && ::listen(fd, 1) == 0;
    ::close(fd);
    return listening;
}

} // namespace launchdeck
