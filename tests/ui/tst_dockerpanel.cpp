// The Docker panel against a private dockerd: containers listed, Stop and Remove acting on the
// daemon, a refused action named in the banner, inspect with secrets masked, and a killed
// daemon shown as disconnected while the GUI thread keeps running.
#include "bannerwidget.h"
#include "docker/dockerclient.h"
#include "docker/dockerhost.h"
#include "dockercontainersfiltermodel.h"
#include "dockercontainersmodel.h"
#include "dockercontainerspage.h"
#include "dockerinspectdialog.h"
#include "dockerpanel.h"
#include "fakes/dockertestbed.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <memory>

using namespace launchdeck;

namespace {

constexpr int kTimeoutMs = 30000;

// Answers the next message box with `button`, keeping what it said.
void answerNextMessageBox(QMessageBox::StandardButton button, QString* said)
{
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, button, said] {
        for (QWidget* widget : QApplication::topLevelWidgets()) {
            auto* box = qobject_cast<QMessageBox*>(widget);
            if (!box || !box->isVisible())
                continue;
            *said = box->text() + u'\n' + box->informativeText() + u'\n' +
                    box->button(QMessageBox::Yes)->text();
            box->button(button)->click();
            timer->deleteLater();
            return;
        }
    });
    timer->start();
}

} // namespace

class TestDockerPanel final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::DockerTestBed> m_bed;
    std::unique_ptr<DockerHost> m_host;
    std::unique_ptr<DockerPanel> m_panel;
    QString m_web;
    QString m_broken;
    QString m_secretive;

    QString create(const QString& name, const QStringList& cmd, bool start,
                   const QMap<QString, QString>& env = {})
    {
        const Result<QString> id =
            m_bed->run(test::DockerTestBed::busyboxSpec(name, cmd, env), start);
        return id ? *id : QString();
    }

    DockerContainersModel* model() const { return m_panel->containersModel(m_host.get()); }

    QString stateOf(const QString& id) const
    {
        const int row = model()->rowOf(id);
        return row < 0 ? QString()
                       : model()->index(row, DockerContainersModel::State).data().toString();
    }

    // Selects the container's row in the table, as a click would.
    bool select(const QString& id)
    {
        QTableView* view = m_panel->containersPage()->view();
        const QModelIndexList found = view->model()->match(
            view->model()->index(0, 0), DockerContainersModel::IdRole, id, 1, Qt::MatchExactly);
        if (found.isEmpty())
            return false;
        view->clearSelection();
        view->selectionModel()->select(found.first(), QItemSelectionModel::ClearAndSelect |
                                                          QItemSelectionModel::Rows);
        return true;
    }

    QAction* action(DockerContainersPage::Command command) const
    {
        return m_panel->containersPage()->action(command);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_bed = std::make_unique<test::DockerTestBed>();
        QString error;
        QVERIFY2(m_bed->start(&error), qPrintable(error));

        // Exits on TERM at once, so Stop does not wait out the daemon's grace period.
        m_web = create(QStringLiteral("web"),
                       {QStringLiteral("sh"), QStringLiteral("-c"),
                        QStringLiteral("trap 'exit 0' TERM; while true; do sleep 1; done")},
                       true);
        QVERIFY(!m_web.isEmpty());
        m_broken = create(QStringLiteral("broken"), {QStringLiteral("/no/such/program")}, false);
        QVERIFY(!m_broken.isEmpty());
        m_secretive = create(QStringLiteral("secretive"), {QStringLiteral("true")}, false,
                             {{QStringLiteral("DB_PASSWORD"), QStringLiteral("hunter2")},
                              {QStringLiteral("LOG_LEVEL"), QStringLiteral("debug")}});
        QVERIFY(!m_secretive.isEmpty());

        DockerHostOptions options;
        options.firstBackoffMs = 300;
        options.maxBackoffMs = 3000;
        m_host = std::make_unique<DockerHost>(QStringLiteral("local"), m_bed->endpoint(), options);
        m_panel = std::make_unique<DockerPanel>();
        m_panel->resize(1200, 700);
        m_panel->setHosts({m_host.get()});
        m_panel->show();
        m_host->start();
    }

    void cleanupTestCase()
    {
        m_panel.reset();
        m_host.reset();
        if (m_bed)
            m_bed->daemon().stop();
    }

    void showsTheContainers()
    {
        QCOMPARE(m_panel->currentHost(), m_host.get());
        QTRY_VERIFY_WITH_TIMEOUT(model() && model()->rowOf(m_web) >= 0, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(model()->rowOf(m_secretive) >= 0, kTimeoutMs);
        QCOMPARE(stateOf(m_web), QStringLiteral("Running"));
        QCOMPARE(stateOf(m_broken), QStringLiteral("Created"));
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->connectionText().startsWith(u"Connected to local"),
                                 kTimeoutMs);
        QVERIFY(!m_panel->retryButton()->isVisible());
        QVERIFY(m_panel->containersPage()->isEnabled());
        QCOMPARE(m_panel->containersPage()->view()->model()->rowCount(), 3);

        // Running only hides the two that never ran.
        m_panel->containersPage()->filter()->setRunningOnly(true);
        QCOMPARE(m_panel->containersPage()->view()->model()->rowCount(), 1);
        m_panel->containersPage()->filter()->setRunningOnly(false);

        // The stats stream fills the two numeric cells of the running container.
        const int row = model()->rowOf(m_web);
        QTRY_VERIFY_WITH_TIMEOUT(
            !model()->index(row, DockerContainersModel::Memory).data().toString().isEmpty(),
            kTimeoutMs);
    }

    void actionsFollowTheSelection()
    {
        QVERIFY(select(m_web));
        QVERIFY(action(DockerContainersPage::Command::Stop)->isEnabled());
        QVERIFY(action(DockerContainersPage::Command::Pause)->isEnabled());
        QVERIFY(!action(DockerContainersPage::Command::Start)->isEnabled());
        QVERIFY(!action(DockerContainersPage::Command::Unpause)->isEnabled());
        QVERIFY(select(m_broken));
        QVERIFY(action(DockerContainersPage::Command::Start)->isEnabled());
        QVERIFY(!action(DockerContainersPage::Command::Stop)->isEnabled());
    }

    void logsOpenInAClosableTab()
    {
        QVERIFY(select(m_web));
        action(DockerContainersPage::Command::Logs)->trigger();
        QCOMPARE(m_panel->tabs()->count(), 2);
        QVERIFY(m_panel->tabs()->tabText(1).contains(u"web"));
        // Asking again brings the same tab forward.
        action(DockerContainersPage::Command::Logs)->trigger();
        QCOMPARE(m_panel->tabs()->count(), 2);
        Q_EMIT m_panel->tabs()->tabCloseRequested(1);
        QCOMPARE(m_panel->tabs()->count(), 1);
    }

    void stopChangesTheStateToExited()
    {
        QVERIFY(select(m_web));
        action(DockerContainersPage::Command::Stop)->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(m_web), QStringLiteral("Exited"), kTimeoutMs);
        const Result<QJsonObject> inspect = m_bed->client().inspectContainer(m_web);
        QVERIFY(inspect.ok());
        QCOMPARE(inspect->value(u"State").toObject().value(u"Running").toBool(), false);
        // The stats of a stopped container are gone from its row.
        QVERIFY(model()
                    ->index(model()->rowOf(m_web), DockerContainersModel::Cpu)
                    .data()
                    .toString()
                    .isEmpty());
        QTRY_VERIFY(action(DockerContainersPage::Command::Start)->isEnabled());
    }

    void refusedActionIsNamedInTheBanner()
    {
        QVERIFY(select(m_broken));
        action(DockerContainersPage::Command::Start)->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->banner()->isVisible(), kTimeoutMs);
        QVERIFY2(m_panel->banner()->text().contains(u"broken"),
                 qPrintable(m_panel->banner()->text()));
        QVERIFY2(m_panel->banner()->text().contains(u"/no/such/program"),
                 qPrintable(m_panel->banner()->text()));
    }

    void inspectMasksSecrets()
    {
        QJsonObject config;
        config.insert(QStringLiteral("Env"),
                      QJsonArray{QStringLiteral("API_TOKEN=abc=def"), QStringLiteral("HOME=/root"),
                                 QStringLiteral("aws_secret_access_key=xyz")});
        const QJsonObject masked = maskSecretEnvironment({{QStringLiteral("Config"), config}});
        QCOMPARE(masked.value(u"Config").toObject().value(u"Env").toArray(),
                 QJsonArray({QStringLiteral("API_TOKEN=******"), QStringLiteral("HOME=/root"),
                             QStringLiteral("aws_secret_access_key=******")}));

        QVERIFY(select(m_secretive));
        action(DockerContainersPage::Command::Inspect)->trigger();
        DockerInspectDialog* dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = m_panel->findChild<DockerInspectDialog*>()) != nullptr,
                                 kTimeoutMs);
        const QString text = dialog->text();
        QVERIFY(text.contains(u"\"DB_PASSWORD=******\""));
        QVERIFY(text.contains(u"\"LOG_LEVEL=debug\""));
        QVERIFY(!text.contains(u"hunter2"));
        QVERIFY(text.contains(u"\n    \"")); // indented
        dialog->close();
    }

    void removeAfterConfirmation()
    {
        QVERIFY(select(m_web));
        QString said;
        answerNextMessageBox(QMessageBox::Yes, &said);
        action(DockerContainersPage::Command::Remove)->trigger();
        QVERIFY2(said.contains(u"web"), qPrintable(said));
        QVERIFY2(!said.contains(u"Force"), qPrintable(said)); // it is stopped
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowOf(m_web), -1, kTimeoutMs);
        QVERIFY(!m_bed->client().inspectContainer(m_web).ok());
    }

    void removeOfARunningContainerAsksForForce()
    {
        const QString runner =
            create(QStringLiteral("runner"),
                   {QStringLiteral("sh"), QStringLiteral("-c"),
                    QStringLiteral("trap 'exit 0' TERM; while true; do sleep 1; done")},
                   true);
        QVERIFY(!runner.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(runner), QStringLiteral("Running"), kTimeoutMs);
        QVERIFY(select(runner));

        QString said;
        answerNextMessageBox(QMessageBox::Cancel, &said);
        action(DockerContainersPage::Command::Remove)->trigger();
        QVERIFY2(said.contains(u"Force Remove") && said.contains(u"runner is still running"),
                 qPrintable(said));
        QTest::qWait(300);
        QVERIFY(model()->rowOf(runner) >= 0); // cancelled: nothing sent

        answerNextMessageBox(QMessageBox::Yes, &said);
        action(DockerContainersPage::Command::Remove)->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowOf(runner), -1, kTimeoutMs);
    }

    // Last: the daemon does not come back.
    void killedDaemonShowsDisconnected()
    {
        const int rowsBefore = model()->rowCount();
        QVERIFY(rowsBefore > 0);
        qint64 longestGapMs = 0;
        QElapsedTimer sinceTick;
        sinceTick.start();
        QTimer ticker;
        ticker.setInterval(20);
        connect(&ticker, &QTimer::timeout, this,
                [&] { longestGapMs = std::max(longestGapMs, sinceTick.restart()); });
        ticker.start();

        m_bed->daemon().kill();
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->connectionText().startsWith(u"Disconnected from local"),
                                 kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->connectionText().contains(u"retry"), kTimeoutMs);
        QVERIFY(m_panel->retryButton()->isVisible());
        QVERIFY(m_panel->hostsTree()->topLevelItem(0)->text(0).contains(u"disconnected"));
        // The last known state stays, greyed out and without actions.
        QCOMPARE(model()->rowCount(), rowsBefore);
        QVERIFY(!m_panel->containersPage()->isEnabled());
        QVERIFY(m_panel->containersPage()->view()->model()->rowCount() > 0);
        QVERIFY(select(m_broken));
        QVERIFY(!action(DockerContainersPage::Command::Start)->isEnabled());
        QVERIFY(!action(DockerContainersPage::Command::Remove)->isEnabled());

        // Retry now makes an attempt of its own, long before the scheduled one, and keeps
        // failing without freezing the window.
        DockerHostStatus pending;
        QElapsedTimer sincePending;
        int attemptsStarted = 0;
        const auto watch = connect(
            m_host.get(), &DockerHost::statusChanged, this, [&](const DockerHostStatus& status) {
                if (status.state == DockerConnectionState::Connecting) {
                    ++attemptsStarted;
                } else if (status.state == DockerConnectionState::Disconnected) {
                    pending = status;
                    sincePending.start();
                }
            });
        // Once the backoff has grown, the next scheduled attempt is seconds away.
        QTRY_VERIFY_WITH_TIMEOUT(pending.retryInMs >= 2000, kTimeoutMs);
        const qint64 dueInMs = pending.retryInMs - sincePending.elapsed();
        const int failedBefore = pending.attempt;
        const int startedBefore = attemptsStarted;
        QElapsedTimer sinceClick;
        sinceClick.start();
        m_panel->retryButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(attemptsStarted > startedBefore, kTimeoutMs);
        const qint64 tookMs = sinceClick.elapsed();
        QVERIFY2(tookMs < dueInMs,
                 qPrintable(QStringLiteral("no attempt of its own: the next came %1 ms after the "
                                           "click, when the scheduled one was due in %2 ms")
                                .arg(tookMs)
                                .arg(dueInMs)));
        QTRY_VERIFY_WITH_TIMEOUT(pending.attempt > failedBefore, kTimeoutMs);
        disconnect(watch);
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->connectionText().startsWith(u"Disconnected from local"),
                                 kTimeoutMs);
        ticker.stop();
        QVERIFY2(longestGapMs < 1000,
                 qPrintable(QStringLiteral("the GUI thread stalled for %1 ms").arg(longestGapMs)));
    }
};

QTEST_MAIN(TestDockerPanel)
#include "tst_dockerpanel.moc"
