// Parsers for durations, quantities and port mappings, with no tolerance for ambiguity.
#include "core/units.h"

#include <QRegularExpression>

#include <cmath>
#include <limits>

namespace launchdeck {

std::optional<std::chrono::milliseconds> parseDuration(QStringView text)
{
    if (text.isEmpty())
        return std::nullopt;
    double totalMs = 0;
    qsizetype i = 0;
    while (i < text.size()) {
        const qsizetype numberStart = i;
        while (i < text.size() && (text[i].isDigit() || text[i] == u'.'))
            ++i;
        if (i == numberStart)
            return std::nullopt;
        bool ok = false;
        const double number = text.mid(numberStart, i - numberStart).toDouble(&ok);
        if (!ok)
            return std::nullopt;
        const qsizetype unitStart = i;
        while (i < text.size() && text[i].isLetter())
            ++i;
        const QStringView unit = text.mid(unitStart, i - unitStart);
        double factor = 0;
        if (unit == u"ms")
            factor = 1;
        else if (unit == u"s")
            factor = 1000;
        else if (unit == u"m")
            factor = 60'000;
        else if (unit == u"h")
            factor = 3'600'000;
        else if (unit == u"d")
            factor = 86'400'000;
        else
            return std::nullopt;
        totalMs += number * factor;
    }
    if (totalMs > static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2))
        return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(totalMs)));
}

QString formatDuration(std::chrono::milliseconds duration)
{
    std::int64_t ms = duration.count();
    if (ms == 0)
        return QStringLiteral("0s");
    QString text;
    const auto take = [&](std::int64_t unitMs, char16_t suffix) {
        if (ms >= unitMs) {
            text += QString::number(ms / unitMs) + QChar(suffix);
            ms %= unitMs;
        }
    };
    take(3'600'000, u'h');
    take(60'000, u'm');
    take(1000, u's');
    if (ms > 0)
        text += QString::number(ms) + u"ms";
    return text;
}

std::optional<Quantity> parseQuantity(QStringView text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|"
                       "Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    bool ok = false;
    double value = match.capturedView(1).toDouble(&ok);
    if (!ok)
        return std::nullopt;
    if (match.hasCaptured(2)) {
        value *= std::pow(10.0, match.capturedView(2).mid(1).toDouble());
    } else if (match.hasCaptured(3)) {
        const QStringView suffix = match.capturedView(3);
        struct Suffix
        {
            const char16_t* name;
            double factor;
        };
        static constexpr Suffix kSuffixes[] = {{u"n", 1e-9},
                                               {u"u", 1e-6},
                                               {u"m", 1e-3},
                                               {u"k", 1e3},
                                               {u"M", 1e6},
                                               {u"G", 1e9},
                                               {u"T", 1e12},
                                               {u"P", 1e15},
                                               {u"E", 1e18},
                                               {u"Ki", 1024.0},
                                               {u"Mi", 1048576.0},
                                               {u"Gi", 1073741824.0},
                                               {u"Ti", 1099511627776.0},
                                               {u"Pi", 1125899906842624.0},
                                               {u"Ei", 1152921504606846976.0}};
        for (const Suffix& s : kSuffixes) {
            if (suffix == QStringView(s.name)) {
                value *= s.factor;
                break;
            }
        }
    }
    const double milli = value * 1000.0;
    if (!std::isfinite(milli) || std::fabs(milli) > 9.0e18)
        return std::nullopt;
    return Quantity{static_cast<std::int64_t>(std::llround(milli))};
}

namespace {
std::optional<int> parsePort(QStringView text)
{
    bool ok = false;
    const int port = text.toInt(&ok);
    if (!ok || port < 1 || port > 65535)
        return std::nullopt;
    return port;
}
} // namespace

std::optional<PortMapping> parsePortMapping(QStringView text)
{
    PortMapping mapping;
    QStringView rest = text.trimmed();
    if (const qsizetype slash = rest.lastIndexOf(u'/'); slash >= 0) {
        const QStringView protocol = rest.mid(slash + 1);
        if (protocol != u"tcp" && protocol != u"udp" && protocol != u"sctp")
            return std::nullopt;
        mapping.protocol = protocol.toString();
        rest = rest.left(slash);
    }
    const auto parts = rest.split(u':');
    if (parts.size() > 3 || parts.isEmpty())
        return std::nullopt;
    const auto container = parsePort(parts.last());
    if (!container)
        return std::nullopt;
    mapping.containerPort = *container;
    if (parts.size() >= 2) {
        const auto host = parsePort(parts[parts.size() - 2]);
        if (!host)
            return std::nullopt;
        mapping.hostPort = *host;
    }
    if (parts.size() == 3) {
        if (parts[0].isEmpty())
            return std::nullopt;
        mapping.hostIp = parts[0].toString();
    }
    return mapping;
}

QString formatPortMapping(const PortMapping& port)
{
    QString text;
    if (!port.hostIp.isEmpty())
        text += port.hostIp + u':';
    if (port.hostPort > 0)
        text += QString::number(port.hostPort) + u':';
    text += QString::number(port.containerPort);
    if (port.protocol != u"tcp")
        text += u'/' + port.protocol;
    return text;
}

bool isDnsLabel(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
    return text.size() <= 63 && pattern.match(text).hasMatch();
}

bool isPortName(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
    if (text.size() > 15 || !pattern.match(text).hasMatch() || text.contains(u"--"))
        return false;
    for (const QChar c : text) {
        if (c.isLetter())
            return true;
    }
    return false;
}

} // namespace launchdeck
