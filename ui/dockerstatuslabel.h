// The status bar's word on the Docker hosts: connected, or disconnected with the retry count and
// a countdown to the next attempt, and a link that retries at once.
#pragma once

#include <QElapsedTimer>
#include <QLabel>
#include <QList>
#include <QPointer>
#include <QTimer>

namespace launchdeck {

class DockerHost;

class DockerStatusLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerStatusLabel)

public:
    explicit DockerStatusLabel(QWidget* parent = nullptr);

    // Hosts are owned elsewhere; the label follows their statusChanged until the next call.
    void setHosts(const QList<DockerHost*>& hosts);

private:
    void refresh();

    QList<QPointer<DockerHost>> m_hosts;
    QList<QMetaObject::Connection> m_connections;
    QElapsedTimer m_sinceStatus; // the countdowns run from the last status signal
    QTimer m_tick;
};

} // namespace launchdeck
