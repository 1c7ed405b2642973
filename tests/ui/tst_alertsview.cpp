// The Alerts view against the real Alertmanager fed by the real Prometheus: a firing alert is
// listed with its labels and filters, the Silence dialog prefilled from it creates a silence
// the Alertmanager holds (the alert then shows as suppressed, silenced by its author), and
// Expire Silence ends it.
#include "alerts/alertmanagerclient.h"
#include "alerts/alertswatcher.h"
#include "alertsmodel.h"
#include "alertsview.h"
#include "fakes/monitoringstack.h"
#include "silencedialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include <memory>

using namespace launchdeck;
using launchdeck::test::MonitoringStack;
using launchdeck::test::MonitoringStackOptions;

namespace {

const char kRules[] = R"(groups:
  - name: launchdeck-view-test
    rules:
      - alert: PaymentsDown
        expr: launchdeck_test_value{name="payments"} > 0
        labels:
          application: payments
          severity: critical
        annotations:
          summary: payments answer nothing
)";

QString rows(const QAbstractItemModel* model)
{
    QStringList out;
    for (int row = 0; row < model->rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < model->columnCount(); ++column)
            cells.append(model->index(row, column).data().toString());
        out.append(cells.join(u" | "));
    }
    return out.join(u'\n');
}

} // namespace

class TestAlertsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        MonitoringStackOptions options;
        options.rules = kRules;
        m_stack = std::make_unique<MonitoringStack>(options);
        QString error;
        QVERIFY2(m_stack->start(&error), qPrintable(error));
        m_stack->setGauge(QStringLiteral("payments"), 1);
        QVERIFY2(m_stack->waitForTargetsUp(30'000, &error), qPrintable(error));
    }

    void listsTheAlertAndSilencesIt()
    {
        prometheus::ServerEndpoint endpoint;
        endpoint.url = m_stack->alertmanagerUrl();
        alerts::AlertsWatcherOptions options;
        options.pollIntervalMs = 300;
        alerts::AlertsWatcher watcher({{QStringLiteral("production"), endpoint, {}, {}, {}, {}}},
                                      options);
        AlertsView view;
        view.resize(1100, 600);
        view.setWatcher(&watcher);
        view.show();
        watcher.start();

        QTableView* table = view.alertsTable();
        QTRY_VERIFY2_WITH_TIMEOUT(table->model()->rowCount() == 1, qPrintable(rows(table->model())),
                                  60'000);
        QCOMPARE(table->model()->index(0, AlertsModel::Alert).data().toString(),
                 QStringLiteral("PaymentsDown"));
        QCOMPARE(table->model()->index(0, AlertsModel::Environment).data().toString(),
                 QStringLiteral("production"));
        QVERIFY(table->model()
                    ->index(0, AlertsModel::Labels)
                    .data()
                    .toString()
                    .contains(u"application=payments"));
        QCOMPARE(table->model()->index(0, AlertsModel::State).data().toString(),
                 QStringLiteral("active"));
        QCOMPARE(table->model()->index(0, AlertsModel::Summary).data().toString(),
                 QStringLiteral("payments answer nothing"));
        QVERIFY(view.environmentFilter()->findData(QStringLiteral("production")) > 0);
        QVERIFY(view.applicationFilter()->findData(QStringLiteral("payments")) > 0);
        QVERIFY(view.problemsText().isEmpty());

        // Another application's filter hides it; back to all shows it.
        view.applicationFilter()->addItem(QStringLiteral("web"), QStringLiteral("web"));
        view.applicationFilter()->setCurrentIndex(
            view.applicationFilter()->findData(QStringLiteral("web")));
        QCOMPARE(table->model()->rowCount(), 0);
        view.applicationFilter()->setCurrentIndex(0);
        QCOMPARE(table->model()->rowCount(), 1);

        table->setCurrentIndex(table->model()->index(0, 0));
        QVERIFY(view.silenceButton()->isEnabled());
        SilenceDialog* dialog = view.openSilenceDialog();
        QVERIFY(dialog);
        QTableWidget* matchers = dialog->matchersTable();
        QStringList prefilled;
        for (int row = 0; row < matchers->rowCount(); ++row)
            prefilled.append(matchers->item(row, 0)->text() + u'=' +
                             matchers->item(row, 1)->text());
        QVERIFY2(prefilled.contains(u"alertname=PaymentsDown") &&
                     prefilled.contains(u"application=payments"),
                 qPrintable(prefilled.join(u", ")));
        QPushButton* ok = dialog->buttons()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled()); // a comment first
        QTest::keyClicks(dialog->commentEdit(), QStringLiteral("payments provider outage"));
        QVERIFY(ok->isEnabled());
        QTest::mouseClick(ok, Qt::LeftButton);

        QTRY_VERIFY2_WITH_TIMEOUT(view.silencesModel()->rowCount() == 1,
                                  qPrintable(view.lastActionText()), 20'000);
        QVERIFY2(view.lastActionText().contains(u"created"), qPrintable(view.lastActionText()));
        const QString id = view.silencesModel()->silence(0).silence.id;
        const alerts::AlertmanagerClient client(endpoint);
        const Result<QList<alerts::Silence>> held = client.silences();
        QVERIFY2(held, qPrintable(held ? QString() : held.error().toString()));
        bool found = false;
        for (const alerts::Silence& silence : *held)
            found = found ||
                    (silence.id == id && silence.comment == u"payments provider outage" &&
                     silence.createdBy == SilenceDialog::osUser() && silence.state == u"active");
        QVERIFY2(found, qPrintable(id));
        QTRY_VERIFY2_WITH_TIMEOUT(table->model()
                                      ->index(0, AlertsModel::State)
                                      .data()
                                      .toString()
                                      .contains(SilenceDialog::osUser()),
                                  qPrintable(rows(table->model())), 20'000);

        view.silencesTable()->setCurrentIndex(view.silencesTable()->model()->index(0, 0));
        QVERIFY(view.expireButton()->isEnabled());
        QTest::mouseClick(view.expireButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(view.silencesModel()->rowCount(), 0, 20'000);
        QVERIFY2(view.lastActionText().contains(u"expired"), qPrintable(view.lastActionText()));
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->index(0, AlertsModel::State).data().toString(),
                                  QStringLiteral("active"), 20'000);
    }

private:
    std::unique_ptr<MonitoringStack> m_stack;
};

QTEST_MAIN(TestAlertsView)
#include "tst_alertsview.moc"
