// Parsing of `show stat` and `show servers state`, located by header names.
#include "traffic/haproxystats.h"

#include <QHash>

namespace launchdeck::traffic {

namespace {

// From HAProxy's server-t.h: forced, inherited, configuration, resolver and health maintenance;
// forced and inherited drain.
constexpr int maintenanceFlags = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
constexpr int drainFlags = 0x08 | 0x10;

const QString showStatWhere = QStringLiteral("haproxy 'show stat'");
const QString serversStateWhere = QStringLiteral("haproxy 'show servers state'");

class Columns final
{
public:
    explicit Columns(const QList<QByteArray>& header)
    {
        for (qsizetype i = 0; i < header.size(); ++i)
            m_index.insert(header.at(i).trimmed(), i);
    }

    bool has(const char* name) const { return m_index.contains(QByteArray(name)); }

    QByteArray field(const QList<QByteArray>& row, const char* name) const
    {
        const qsizetype i = m_index.value(QByteArray(name), -1);
        return i >= 0 && i < row.size() ? row.at(i) : QByteArray();
    }
    QString text(const QList<QByteArray>& row, const char* name) const
    {
        return QString::fromUtf8(field(row, name));
    }
    qint64 number(const QList<QByteArray>& row, const char* name) const
    {
        return field(row, name).toLongLong(); // empty cells mean "not applicable": 0
    }

private:
    QHash<QByteArray, qsizetype> m_index;
};

} // namespace

bool HaproxyServerState::inMaintenance() const
{
    return (adminState & maintenanceFlags) != 0;
}

bool HaproxyServerState::isDraining() const
{
    return (adminState & drainFlags) != 0;
}

ServerStatus parseServerStatus(const QString& text)
{
    // Transitional states read "UP 1/3" (going down) and "DOWN 1/2" (going up): the first word
    // is what traffic sees now.
    const QString word = text.section(u' ', 0, 0);
    if (word == u"UP")
        return ServerStatus::Up;
    if (word == u"DOWN")
        return ServerStatus::Down;
    if (word == u"MAINT")
        return ServerStatus::Maintenance;
    if (word == u"DRAIN")
        return ServerStatus::Draining;
    if (word == u"NOLB")
        return ServerStatus::NoLoadBalancing;
    if (text == u"no check")
        return ServerStatus::Unchecked;
    return ServerStatus::Unknown;
}

QString serverStatusName(ServerStatus status)
{
    switch (status) {
    case ServerStatus::Up:
        return QStringLiteral("UP");
    case ServerStatus::Down:
        return QStringLiteral("DOWN");
    case ServerStatus::Maintenance:
        return QStringLiteral("MAINT");
    case ServerStatus::Draining:
        return QStringLiteral("DRAIN");
    case ServerStatus::NoLoadBalancing:
        return QStringLiteral("NOLB");
    case ServerStatus::Unchecked:
        return QStringLiteral("no check");
    case ServerStatus::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

Result<QList<HaproxyServerStats>> parseShowStat(const QByteArray& csv)
{
    const QList<QByteArray> lines = csv.split('\n');
    if (lines.isEmpty() || !lines.first().startsWith("# "))
        return Error{QStringLiteral("the answer does not start with the '# pxname,…' header: ") +
                         QString::fromUtf8(lines.value(0).left(120)),
                     showStatWhere};
    const Columns columns(lines.first().mid(2).split(','));
    for (const char* required : {"pxname", "svname", "type", "status", "weight"}) {
        if (!columns.has(required))
            return Error{
                QStringLiteral("the header has no '%1' column").arg(QString::fromLatin1(required)),
                showStatWhere};
    }

    QList<HaproxyServerStats> servers;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray& line = lines.at(i);
        if (line.trimmed().isEmpty())
            continue;
        const QList<QByteArray> row = line.split(',');
        if (columns.field(row, "type") != "2")
            continue;
        HaproxyServerStats s;
        s.backend = columns.text(row, "pxname");
        s.server = columns.text(row, "svname");
        s.statusText = columns.text(row, "status");
        s.status = parseServerStatus(s.statusText);
        s.weight = static_cast<int>(columns.number(row, "weight"));
        s.currentConnections = columns.number(row, "scur");
        s.totalConnections = columns.number(row, "stot");
        s.totalRequests = columns.number(row, "req_tot");
        s.http2xx = columns.number(row, "hrsp_2xx");
        s.http3xx = columns.number(row, "hrsp_3xx");
        s.http4xx = columns.number(row, "hrsp_4xx");
        s.http5xx = columns.number(row, "hrsp_5xx");
        s.connectionErrors = columns.number(row, "econ");
        s.responseErrors = columns.number(row, "eresp");
        s.responseTimeMs = static_cast<int>(columns.number(row, "rtime"));
        // A check in progress is shown with a leading '*'.
        s.checkStatus = columns.text(row, "check_status");
        s.checkRunning = s.checkStatus.startsWith(u'*');
        s.checkStatus = s.checkStatus.remove(u'*').trimmed();
        s.checkCode = static_cast<int>(columns.number(row, "check_code"));
        s.address = columns.text(row, "addr");
        servers.append(std::move(s));
    }
    return servers;
}

Result<QList<HaproxyServerState>> parseShowServersState(const QByteArray& text)
{
    const QList<QByteArray> lines = text.split('\n');
    qsizetype headerLine = -1;
    for (qsizetype i = 0; i < lines.size() && headerLine < 0; ++i) {
        if (lines.at(i).startsWith("# "))
            headerLine = i;
    }
    if (headerLine < 0)
        return Error{QStringLiteral("the answer has no '# be_id be_name …' header: ") +
                         QString::fromUtf8(lines.value(0).left(120)),
                     serversStateWhere};
    const Columns columns(lines.at(headerLine).mid(2).simplified().split(' '));
    for (const char* required : {"be_name", "srv_name", "srv_addr", "srv_op_state",
                                 "srv_admin_state", "srv_uweight", "srv_iweight"}) {
        if (!columns.has(required))
            return Error{
                QStringLiteral("the header has no '%1' column").arg(QString::fromLatin1(required)),
                serversStateWhere};
    }

    QList<HaproxyServerState> states;
    for (qsizetype i = headerLine + 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).simplified();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QList<QByteArray> row = line.split(' ');
        HaproxyServerState s;
        s.backend = columns.text(row, "be_name");
        s.server = columns.text(row, "srv_name");
        s.address = columns.text(row, "srv_addr");
        s.port = static_cast<int>(columns.number(row, "srv_port"));
        s.operationalState = static_cast<int>(columns.number(row, "srv_op_state"));
        s.adminState = static_cast<int>(columns.number(row, "srv_admin_state"));
        s.userWeight = static_cast<int>(columns.number(row, "srv_uweight"));
        s.initialWeight = static_cast<int>(columns.number(row, "srv_iweight"));
        states.append(std::move(s));
    }
    return states;
}

} // namespace launchdeck::traffic
