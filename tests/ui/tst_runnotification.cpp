// The desktop notification of a run that ends while the window is not active, as Qt sends it:
// the Pipelines tab's tray icon goes through Qt's D-Bus tray to org.freedesktop.Notifications,
// here a recording one next to a StatusNotifierWatcher on a private bus. Qt offers that tray on
// the xcb platform only, so this test runs on a virtual X server (xvfb-run), not offscreen.
#include "fakes/privatebus.h"
#include "pipelinestab.h"
#include "runsmodel.h"
#include "runstatusstyle.h"
#include "session/workspacesession.h"

#include <QApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QMutex>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace launchdeck;

namespace {

struct Notification
{
    QString appName;
    QString appIcon;
    QString summary;
    QString body;
};

// org.kde.StatusNotifierWatcher with a host: what makes Qt choose its D-Bus tray.
class FakeStatusNotifierWatcher final : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.kde.StatusNotifierWatcher")
    Q_PROPERTY(bool IsStatusNotifierHostRegistered READ isHostRegistered CONSTANT)
    Q_PROPERTY(int ProtocolVersion READ protocolVersion CONSTANT)
    Q_PROPERTY(QStringList RegisteredStatusNotifierItems READ items)

public:
    bool isHostRegistered() const { return true; }
    int protocolVersion() const { return 0; }
    QStringList items() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_items;
    }

public Q_SLOTS:
    void RegisterStatusNotifierItem(const QString& service)
    {
        {
            const QMutexLocker lock(&m_mutex);
            m_items.append(service);
        }
        Q_EMIT StatusNotifierItemRegistered(service);
    }
    void RegisterStatusNotifierHost(const QString&) {}

Q_SIGNALS:
    void StatusNotifierItemRegistered(const QString& service);
    void StatusNotifierItemUnregistered(const QString& service);
    void StatusNotifierHostRegistered();

private:
    mutable QMutex m_mutex;
    QStringList m_items;
};

// org.freedesktop.Notifications that shows nothing and records every Notify.
class FakeNotifications final : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")

public:
    QList<Notification> received() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_received;
    }

public Q_SLOTS:
    uint Notify(const QString& appName, uint replacesId, const QString& appIcon,
                const QString& summary, const QString& body, const QStringList& actions,
                const QVariantMap& hints, int timeout)
    {
        Q_UNUSED(replacesId)
        Q_UNUSED(actions)
        Q_UNUSED(hints)
        Q_UNUSED(timeout)
        const QMutexLocker lock(&m_mutex);
        m_received.append({appName, appIcon, summary, body});
        return uint(m_received.size());
    }
    QStringList GetCapabilities() const { return {QStringLiteral("body")}; }
    QString GetServerInformation(QString& vendor, QString& version, QString& specVersion) const
    {
        vendor = QStringLiteral("Launchdeck tests");
        version = QStringLiteral("1");
        specVersion = QStringLiteral("1.2");
        return QStringLiteral("recording notifications");
    }
    void CloseNotification(uint) {}

Q_SIGNALS:
    void NotificationClosed(uint id, uint reason);
    void ActionInvoked(uint id, const QString& actionKey);

private:
    mutable QMutex m_mutex;
    QList<Notification> m_received;
};

void writeFile(const QString& path, const QByteArray& text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

} // namespace

class TestRunNotification final : public QObject
{
    Q_OBJECT

    test::PrivateBus m_bus;
    // The services answer from a thread of their own on a connection of their own: Qt asks the
    // watcher with blocking calls from the GUI thread.
    QThread m_servicesThread;
    FakeStatusNotifierWatcher* m_watcher = nullptr;
    FakeNotifications* m_notifications = nullptr;

    QTemporaryDir m_workspace;
    QTemporaryDir m_data;
    std::unique_ptr<WorkspaceSession> m_session;
    std::unique_ptr<PipelinesTab> m_tab;
    std::unique_ptr<QWidget> m_otherWindow; // takes the focus away from the tab

    bool registerServices(QString* error)
    {
        static const QString connection = QStringLiteral("notification-services");
        QDBusConnection bus = QDBusConnection::connectToBus(m_bus.address(), connection);
        m_watcher = new FakeStatusNotifierWatcher;
        m_notifications = new FakeNotifications;
        const auto exportAll = QDBusConnection::ExportAllSlots | QDBusConnection::ExportAllSignals |
                               QDBusConnection::ExportAllProperties;
        if (!bus.registerObject(QStringLiteral("/StatusNotifierWatcher"), m_watcher, exportAll) ||
            !bus.registerObject(QStringLiteral("/org/freedesktop/Notifications"), m_notifications,
                                exportAll)) {
            *error = QStringLiteral("the fake services cannot be registered: %1")
                         .arg(bus.lastError().message());
            return false;
        }
        // Moved once registered: what Qt attaches to them for their signals moves along.
        m_watcher->moveToThread(&m_servicesThread);
        m_notifications->moveToThread(&m_servicesThread);
        connect(&m_servicesThread, &QThread::finished, m_watcher, &QObject::deleteLater);
        connect(&m_servicesThread, &QThread::finished, m_notifications, &QObject::deleteLater);
        m_servicesThread.start();
        for (const QString& name : {QStringLiteral("org.kde.StatusNotifierWatcher"),
                                    QStringLiteral("org.freedesktop.Notifications")}) {
            if (!bus.registerService(name)) {
                *error =
                    QStringLiteral("%1 cannot be claimed: %2").arg(name, bus.lastError().message());
                return false;
            }
        }
        return true;
    }

    static QString statusOfRun(const PipelinesTab& tab, const QString& runId)
    {
        const int row = tab.runs()->rowOf(runId);
        return row < 0 ? QString() : runStatusLabel(tab.runs()->run(row).status);
    }

    // Selects the pipeline, clicks Run and waits until the run has ended; returns its id.
    QString runToTheEnd(const QString& pipeline)
    {
        const QList<QListWidgetItem*> items =
            m_tab->pipelineList()->findItems(pipeline, Qt::MatchExactly);
        if (items.size() != 1)
            return {};
        m_tab->pipelineList()->setCurrentItem(items.first());
        QSignalSpy ended(m_tab.get(), &PipelinesTab::runEnded);
        if (!QTest::qWaitFor([&] { return m_tab->runButton()->isEnabled(); }, 10'000))
            return {};
        QTest::mouseClick(m_tab->runButton(), Qt::LeftButton);
        if (!ended.wait(20'000))
            return {};
        return ended.constFirst().constFirst().toString();
    }

    void makeInactive()
    {
        m_otherWindow->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_otherWindow.get()));
        QVERIFY(!m_tab->isActiveWindow());
    }

    // The one notification expected for `runId` of `pipeline`, which ended as `status`.
    void expectNotified(qsizetype before, const QString& pipeline, const QString& runId,
                        const QString& status)
    {
        QTRY_COMPARE_WITH_TIMEOUT(m_notifications->received().size(), before + 1, 10'000);
        const Notification n = m_notifications->received().at(before);
        QCOMPARE(n.appName, QStringLiteral("Launchdeck"));
        QCOMPARE(n.summary, QStringLiteral("Pipeline %1: %2").arg(pipeline, status));
        const int row = m_tab->runs()->rowOf(runId);
        QVERIFY(row >= 0);
        const qint64 durationMs = m_tab->runs()->run(row).durationMs;
        QVERIFY2(durationMs > 0, qPrintable(QString::number(durationMs)));
        QCOMPARE(n.body,
                 QStringLiteral("Run %1 ended after %2.").arg(runId, formatDuration(durationMs)));
        QCOMPARE(n.appIcon, status == u"Succeeded" ? QStringLiteral("dialog-information")
                                                   : QStringLiteral("dialog-warning"));
        // The icon stays on the bus while the notification waits for the user.
        QTRY_VERIFY(!m_watcher->items().isEmpty());
        QVERIFY(itemOnBus());
    }

    // Whether the icon last registered with the watcher is still on the bus.
    bool itemOnBus() const
    {
        const QStringList items = m_watcher->items();
        return !items.isEmpty() &&
               QDBusConnection::sessionBus().interface()->isServiceRegistered(items.constLast());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(QGuiApplication::platformName(), QStringLiteral("xcb"));
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Launchdeck"));
        QCoreApplication::setApplicationName(QStringLiteral("Launchdeck"));
        QPixmap icon(32, 32);
        icon.fill(Qt::darkCyan);
        QApplication::setWindowIcon(QIcon(icon));

        QString error;
        QVERIFY2(m_bus.start(&error), qPrintable(error));
        QVERIFY2(registerServices(&error), qPrintable(error));
        // Qt looks for a tray once per process; from here on it finds one.
        QVERIFY(QSystemTrayIcon::isSystemTrayAvailable());

        QVERIFY(m_workspace.isValid() && m_data.isValid());
        const QDir root(m_workspace.path());
        QVERIFY(root.mkpath(QStringLiteral("pipelines")));
        writeFile(root.filePath(QStringLiteral("pipelines/quick.yaml")),
                  "name: quick\n"
                  "steps:\n"
                  "  - name: pause\n"
                  "    run: sleep 0.3; echo done\n");
        writeFile(root.filePath(QStringLiteral("pipelines/broken.yaml")),
                  "name: broken\n"
                  "steps:\n"
                  "  - name: fail\n"
                  "    run: echo failing; exit 2\n");

        SessionOptions options;
        options.root = m_workspace.path();
        options.dataDir = m_data.path();
        options.runner.useKeyring = false;
        options.useKeyring = false;
        options.connectHosts = false;
        m_session = std::make_unique<WorkspaceSession>(options);
        m_tab = std::make_unique<PipelinesTab>();
        m_tab->resize(1000, 700);
        m_tab->show();
        m_tab->setSession(m_session.get());
        m_session->open();
        QTRY_COMPARE_WITH_TIMEOUT(m_tab->pipelineList()->count(), 2, 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(m_tab->isHistoryReady(), 10'000);
        m_otherWindow = std::make_unique<QWidget>();
        m_otherWindow->setWindowTitle(QStringLiteral("another application"));
        m_otherWindow->setGeometry(50, 50, 200, 100);
        m_otherWindow->show();
    }

    void cleanupTestCase()
    {
        m_tab.reset();
        m_otherWindow.reset();
        m_session.reset();
        m_servicesThread.quit();
        m_servicesThread.wait();
        QDBusConnection::disconnectFromBus(QStringLiteral("notification-services"));
    }

    void succeededRunIsNotifiedWhileInactive()
    {
        makeInactive();
        const qsizetype before = m_notifications->received().size();
        const QString runId = runToTheEnd(QStringLiteral("quick"));
        QVERIFY(!runId.isEmpty());
        QCOMPARE(statusOfRun(*m_tab, runId), QStringLiteral("Succeeded"));
        expectNotified(before, QStringLiteral("quick"), runId, QStringLiteral("Succeeded"));
    }

    void failedRunIsNotifiedWhileInactive()
    {
        makeInactive();
        const qsizetype before = m_notifications->received().size();
        const QString runId = runToTheEnd(QStringLiteral("broken"));
        QVERIFY(!runId.isEmpty());
        QCOMPARE(statusOfRun(*m_tab, runId), QStringLiteral("Failed"));
        expectNotified(before, QStringLiteral("broken"), runId, QStringLiteral("Failed"));
    }

    void activeWindowIsNotNotified()
    {
        m_tab->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_tab.get()));
        // Back at the window, the icon of the last notification leaves the tray.
        QTRY_VERIFY_WITH_TIMEOUT(!itemOnBus(), 5'000);
        const qsizetype before = m_notifications->received().size();
        const QString quiet = runToTheEnd(QStringLiteral("quick"));
        QVERIFY(!quiet.isEmpty());
        QVERIFY(m_tab->isActiveWindow());

        // Notify calls reach the service in the order they were made: had the first run been
        // notified, that notification would come before the one of the run after it.
        makeInactive();
        if (QTest::currentTestFailed())
            return;
        const QString loud = runToTheEnd(QStringLiteral("broken"));
        QVERIFY(!loud.isEmpty());
        expectNotified(before, QStringLiteral("broken"), loud, QStringLiteral("Failed"));
        if (QTest::currentTestFailed())
            return;
        QTest::qWait(200);
        QCOMPARE(m_notifications->received().size(), before + 1);
    }
};

// QApplication picks its platform theme, and with it the kind of tray, on construction: no
// desktop of the machine's may choose it.
int main(int argc, char* argv[])
{
    for (const char* name : {"XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION",
                             "GNOME_DESKTOP_SESSION_ID", "QT_QPA_PLATFORMTHEME", "QT_IM_MODULE"})
        qunsetenv(name);
    QApplication app(argc, argv);
    TestRunNotification test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_runnotification.moc"
