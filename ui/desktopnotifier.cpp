// Alerts and deployments on the desktop.
#include "desktopnotifier.h"

#include "alerts/notificationevent.h"
#include "session/sessionalerts.h"
#include "session/workspacesession.h"

#include <QApplication>
#include <QEvent>
#include <QSystemTrayIcon>
#include <QWidget>

namespace launchdeck {

DesktopNotifier::DesktopNotifier(QWidget* window)
    : QObject(window)
    , m_window(window)
{}

void DesktopNotifier::setSession(WorkspaceSession* session)
{
    disconnect(m_connection);
    m_session = session;
    if (session && session->alerts())
        m_connection = connect(session->alerts(), &SessionAlerts::notificationRaised, this,
                               [this](const alerts::NotificationEvent& event) {
                                   if (m_session && m_session->alerts()->settings().desktop)
                                       notify(event);
                               });
}

void DesktopNotifier::notify(const alerts::NotificationEvent& event)
{
    const QString title = alerts::notificationTitle(event);
    Q_EMIT notified(title);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
            m_tray->setToolTip(QStringLiteral("Launchdeck"));
            connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
                m_window->raise();
                m_window->activateWindow();
                Q_EMIT activated();
            });
            m_window->installEventFilter(this);
        }
        m_tray->show();
        m_tray->showMessage(title, event.summary.isEmpty() ? title : event.summary,
                            event.kind == alerts::NotificationEvent::Kind::AlertFiring
                                ? QSystemTrayIcon::Critical
                                : QSystemTrayIcon::Warning);
    } else {
        QApplication::alert(m_window);
    }
}

bool DesktopNotifier::eventFilter(QObject* watched, QEvent* event)
{
    // Back at the console, the icon has served its purpose.
    if (m_tray && watched == m_window && event->type() == QEvent::WindowActivate)
        m_tray->hide();
    return QObject::eventFilter(watched, event);
}

} // namespace launchdeck
