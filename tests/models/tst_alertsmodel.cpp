// The alerts and silences tables under QAbstractItemModelTester: each environment's answer
// replaces only its own rows, as inserts, removals and dataChanged on the changed cells, never
// a reset; silences name who silenced an alert; the filter narrows by environment and
// application.
#include "alertsfiltermodel.h"
#include "alertsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::alerts;

namespace {

WatchedAlert alert(const QString& environment, const QString& name, const QString& application,
                   const QString& state = QStringLiteral("active"))
{
    WatchedAlert watched;
    watched.environment = environment;
    watched.source = alertmanagerSource();
    watched.alert.fingerprint = name + u'-' + application;
    watched.alert.labels = {{QStringLiteral("alertname"), name},
                            {QStringLiteral("application"), application}};
    watched.alert.annotations = {{QStringLiteral("summary"), name + QStringLiteral(" summary")}};
    watched.alert.state = state;
    watched.alert.startsAt = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
    return watched;
}

EnvironmentAlerts answer(const QString& environment, const QList<WatchedAlert>& alerts,
                         const QList<Silence>& silences = {})
{
    EnvironmentAlerts snapshot;
    snapshot.environment = environment;
    snapshot.hasAlertmanager = true;
    snapshot.alerts = alerts;
    snapshot.silences = silences;
    return snapshot;
}

QStringList column(const QAbstractItemModel& model, int column)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(); ++row)
        values.append(model.index(row, column).data().toString());
    return values;
}

} // namespace

class TestAlertsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void appliesEachEnvironmentAsADiff()
    {
        AlertsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.applyEnvironment(
            answer(QStringLiteral("staging"),
                   {alert(QStringLiteral("staging"), QStringLiteral("A"), QStringLiteral("web")),
                    alert(QStringLiteral("staging"), QStringLiteral("B"), QStringLiteral("api"))}));
        model.applyEnvironment(answer(
            QStringLiteral("production"),
            {alert(QStringLiteral("production"), QStringLiteral("A"), QStringLiteral("web"))}));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.firingCount(), 3);
        QCOMPARE(column(model, AlertsModel::Alert),
                 (QStringList{QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("A")}));
        QCOMPARE(model.index(0, AlertsModel::Labels).data().toString(),
                 QStringLiteral("application=web"));

        // Staging's B resolved and A silenced: one removal, one changed state, production kept.
        Silence silence;
        silence.id = QStringLiteral("s1");
        silence.createdBy = QStringLiteral("alice");
        silence.comment = QStringLiteral("maintenance");
        silence.endsAt = QDateTime::fromSecsSinceEpoch(1'700'003'600, Qt::UTC);
        WatchedAlert suppressed = alert(QStringLiteral("staging"), QStringLiteral("A"),
                                        QStringLiteral("web"), QStringLiteral("suppressed"));
        suppressed.alert.silencedBy = {QStringLiteral("s1")};
        changed.clear();
        model.applyEnvironment(answer(QStringLiteral("staging"), {suppressed}, {silence}));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(changed.size(), 1);
        const QModelIndex topLeft = changed.first().at(0).value<QModelIndex>();
        QCOMPARE(topLeft.row(), 0);
        QCOMPARE(topLeft.column(), int(AlertsModel::State));
        const QString state = model.index(0, AlertsModel::State).data().toString();
        QVERIFY2(state.contains(u"suppressed") && state.contains(u"alice") &&
                     state.contains(u"maintenance"),
                 qPrintable(state));
        QCOMPARE(model.firingCount(), 1);
        QCOMPARE(model.index(1, 0).data(AlertsEnvironmentRole).toString(),
                 QStringLiteral("production"));
        QCOMPARE(resets.size(), 0);
        QCOMPARE(inserted.size(), 2);

        // The same answer again changes nothing.
        changed.clear();
        model.applyEnvironment(answer(QStringLiteral("staging"), {suppressed}, {silence}));
        QCOMPARE(changed.size(), 0);
    }

    void silencesTable()
    {
        SilencesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        Silence silence;
        silence.id = QStringLiteral("s1");
        silence.matchers = {{QStringLiteral("alertname"), QStringLiteral("A"), false, true},
                            {QStringLiteral("application"), QStringLiteral("web"), false, true},
                            {QStringLiteral("pod"), QStringLiteral("web-.*"), true, false}};
        silence.createdBy = QStringLiteral("alice");
        silence.comment = QStringLiteral("maintenance");
        silence.state = QStringLiteral("active");
        model.applyEnvironment(answer(QStringLiteral("staging"), {}, {silence}));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, SilencesModel::Matchers).data().toString(),
                 QStringLiteral("alertname=A, application=web, pod!~web-.*"));
        QCOMPARE(model.index(0, 0).data(AlertsApplicationRole).toString(), QStringLiteral("web"));
        model.applyEnvironment(answer(QStringLiteral("staging"), {}, {}));
        QCOMPARE(model.rowCount(), 0);
    }

    void filtersByEnvironmentAndApplication()
    {
        AlertsModel model;
        AlertsFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.applyEnvironment(
            answer(QStringLiteral("staging"),
                   {alert(QStringLiteral("staging"), QStringLiteral("A"), QStringLiteral("web")),
                    alert(QStringLiteral("staging"), QStringLiteral("B"), QStringLiteral("api"))}));
        model.applyEnvironment(answer(
            QStringLiteral("production"),
            {alert(QStringLiteral("production"), QStringLiteral("C"), QStringLiteral("web"))}));
        QCOMPARE(filter.rowCount(), 3);
        filter.setApplication(QStringLiteral("web"));
        QCOMPARE(filter.rowCount(), 2);
        filter.setEnvironment(QStringLiteral("production"));
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, AlertsModel::Alert).data().toString(), QStringLiteral("C"));
        filter.setApplication({});
        filter.setEnvironment({});
        QCOMPARE(filter.rowCount(), 3);
    }
};

QTEST_GUILESS_MAIN(TestAlertsModel)
#include "tst_alertsmodel.moc"
