// The desktop notification of an alert that started firing or a deployment that failed or
// rolled back, when the workspace asks for it (notifications: desktop): a tray icon message, as
// a pipeline run's end gives, or the window's alert where there is no tray.
#pragma once

#include <QObject>
#include <QPointer>

class QSystemTrayIcon;
class QWidget;

namespace launchdeck {

namespace alerts {
struct NotificationEvent;
} // namespace alerts

class WorkspaceSession;

class DesktopNotifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DesktopNotifier)

public:
    // `window` is raised when the message is clicked.
    explicit DesktopNotifier(QWidget* window);

    // Follows the notifications `session` (not owned) raises.
    void setSession(WorkspaceSession* session);
    void notify(const alerts::NotificationEvent& event);

Q_SIGNALS:
    // Every notification shown, for the status bar; `title` is its first line.
    void notified(const QString& title);
    // The user clicked the message.
    void activated();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* m_window;
    QSystemTrayIcon* m_tray = nullptr; // shown while a message waits for the user
    QPointer<WorkspaceSession> m_session;
    QMetaObject::Connection m_connection;
};

} // namespace launchdeck
