// The status bar's word on the Docker hosts.
#include "dockerstatuslabel.h"

#include "docker/dockerhost.h"

#include <algorithm>

namespace launchdeck {

DockerStatusLabel::DockerStatusLabel(QWidget* parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("dockerStatus"));
    setTextFormat(Qt::RichText);
    setContentsMargins(6, 0, 6, 0);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &DockerStatusLabel::refresh);
    connect(this, &QLabel::linkActivated, this, [this](const QString& link) {
        for (const QPointer<DockerHost>& host : std::as_const(m_hosts)) {
            if (host && host->name() == link)
                host->retryNow();
        }
    });
    hide();
}

void DockerStatusLabel::setHosts(const QList<DockerHost*>& hosts)
{
    for (const QMetaObject::Connection& connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    m_hosts.clear();
    for (DockerHost* host : hosts) {
        m_hosts.append(host);
        m_connections.append(connect(host, &DockerHost::statusChanged, this, [this] {
            m_sinceStatus.restart();
            refresh();
        }));
    }
    m_sinceStatus.restart();
    setVisible(!m_hosts.isEmpty());
    refresh();
}

void DockerStatusLabel::refresh()
{
    QStringList down;
    QStringList tips;
    int connected = 0;
    int connecting = 0;
    for (const QPointer<DockerHost>& host : std::as_const(m_hosts)) {
        if (!host)
            continue;
        const DockerHostStatus& status = host->status();
        const QString name = host->name().toHtmlEscaped();
        switch (status.state) {
        case DockerConnectionState::Connected:
            ++connected;
            tips.append(
                tr("%1: Docker %2, API %3")
                    .arg(host->name(), status.version.engineVersion, status.version.apiVersion));
            break;
        case DockerConnectionState::Connecting:
            ++connecting;
            tips.append(tr("%1: connecting").arg(host->name()));
            break;
        case DockerConnectionState::Disconnected: {
            const qint64 left =
                std::max<qint64>(0, status.retryInMs - m_sinceStatus.elapsed() + 999) / 1000;
            down.append(tr("%1 disconnected, retry %2 in %3 s (<a href=\"%4\">retry now</a>)")
                            .arg(name)
                            .arg(status.attempt + 1)
                            .arg(left)
                            .arg(name));
            tips.append(tr("%1: %2").arg(host->name(), status.error));
            break;
        }
        }
    }
    if (!down.isEmpty())
        setText(tr("Docker: %1").arg(down.join(QStringLiteral("; "))));
    else if (connecting > 0)
        setText(tr("Docker: connecting…"));
    else if (connected == 1 && m_hosts.size() == 1)
        setText(tr("Docker: %1 connected").arg(m_hosts.constFirst()->name().toHtmlEscaped()));
    else
        setText(tr("Docker: %n host(s) connected", nullptr, connected));
    setToolTip(tips.join(QLatin1Char('\n')));
    if (down.isEmpty())
        m_tick.stop();
    else if (!m_tick.isActive())
        m_tick.start();
}

} // namespace launchdeck
