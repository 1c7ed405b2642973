// The live table of a cluster kind: a reset, then changes that touch their own row only (an
// insert, a removal, dataChanged over the changed cells), NAMESPACE first when several show,
// sorting by AGE and RESTARTS as numbers through the filter model, the text and selector filters,
// greyed stale rows, the AGE tick, and a reset of 5,000 pods.
#include "liveobjectsfiltermodel.h"
#include "liveobjectsmodel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::kube;

namespace {

const QDateTime kNow = QDateTime::fromString(u"2024-06-01T12:00:00Z"_qs, Qt::ISODate);

LiveObject pod(const QString& ns, const QString& name, qint64 ageSeconds, int restarts = 0,
               const QJsonObject& labels = {})
{
    QJsonObject metadata{{u"name"_qs, name},
                         {u"namespace"_qs, ns},
                         {u"creationTimestamp"_qs, kNow.addSecs(-ageSeconds).toString(Qt::ISODate)},
                         {u"labels"_qs, labels}};
    QJsonObject state{{u"running"_qs, QJsonObject{}}};
    QJsonObject container{{u"name"_qs, u"app"_qs},
                          {u"ready"_qs, true},
                          {u"restartCount"_qs, restarts},
                          {u"state"_qs, state}};
    if (restarts > 0)
        container[u"lastState"_qs] =
            QJsonObject{{u"terminated"_qs,
                         QJsonObject{{u"exitCode"_qs, 1},
                                     {u"finishedAt"_qs, kNow.addSecs(-60).toString(Qt::ISODate)}}}};
    const QJsonObject json{
        {u"kind"_qs, u"Pod"_qs},
        {u"metadata"_qs, metadata},
        {u"spec"_qs,
         QJsonObject{{u"containers"_qs, QJsonArray{QJsonObject{{u"name"_qs, u"app"_qs}}}}}},
        {u"status"_qs, QJsonObject{{u"phase"_qs, u"Running"_qs},
                                   {u"containerStatuses"_qs, QJsonArray{container}}}}};
    return LiveObject::fromJson(json, u"Pod"_qs);
}

LiveChange change(LiveChange::Type type, const LiveObject& object)
{
    return {type, object};
}

QStringList column(const QAbstractItemModel& model, int column)
{
    QStringList cells;
    for (int row = 0; row < model.rowCount(); ++row)
        cells.append(model.index(row, column).data().toString());
    return cells;
}

} // namespace

class TestLiveObjectsModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void resetShowsKubectlsColumns();
    void addModifyDeleteTouchTheirRowOnly();
    void manyRemovalsKeepTheIndexRight();
    void sortsByAgeAndRestartsAsNumbers();
    void filtersByTextAndSelector();
    void staleRowsAreGreyed();
    void ageTickChangesTheAgeColumnOnly();
    void resetsFiveThousandPods();

private:
    std::unique_ptr<LiveObjectsModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QDateTime m_clock;
};

void TestLiveObjectsModel::init()
{
    m_model = std::make_unique<LiveObjectsModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_clock = kNow;
    m_model->setClock([this] { return m_clock; });
    m_model->setKind(u"Pod"_qs, true);
}

void TestLiveObjectsModel::resetShowsKubectlsColumns()
{
    m_model->reset({pod(u"a"_qs, u"web-1"_qs, 90, 2), pod(u"b"_qs, u"db-0"_qs, 3 * 86400)});
    QCOMPARE(m_model->columnCount(), 6);
    QCOMPARE(m_model->headerData(0, Qt::Horizontal, Qt::DisplayRole), u"NAMESPACE"_qs);
    QCOMPARE(m_model->headerData(4, Qt::Horizontal, Qt::DisplayRole), u"RESTARTS"_qs);
    QCOMPARE(column(*m_model, 0), (QStringList{u"a"_qs, u"b"_qs}));
    QCOMPARE(column(*m_model, 4), (QStringList{u"2 (60s ago)"_qs, u"0"_qs}));
    QCOMPARE(column(*m_model, 5), (QStringList{u"90s"_qs, u"3d"_qs}));
    QCOMPARE(m_model->rowOf(u"b/db-0"_qs), 1);
    QCOMPARE(m_model->index(1, 0).data(LiveObjectsModel::KeyRole), u"b/db-0"_qs);
    QCOMPARE(m_model->object(0)->name, u"web-1"_qs);

    m_model->setKind(u"Pod"_qs, false);
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->headerData(0, Qt::Horizontal, Qt::DisplayRole), u"NAME"_qs);
}

void TestLiveObjectsModel::addModifyDeleteTouchTheirRowOnly()
{
    m_model->reset({pod(u"a"_qs, u"one"_qs, 600), pod(u"a"_qs, u"two"_qs, 600),
                    pod(u"a"_qs, u"three"_qs, 600)});
    QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

    m_model->apply({change(LiveChange::Type::Added, pod(u"a"_qs, u"four"_qs, 5))});
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 3);
    QCOMPARE(inserted.at(0).at(2).toInt(), 3);

    // A restart changes RESTARTS only.
    m_model->apply({change(LiveChange::Type::Modified, pod(u"a"_qs, u"two"_qs, 600, 1))});
    QCOMPARE(changed.size(), 1);
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft.row(), 1);
    QCOMPARE(bottomRight.row(), 1);
    QCOMPARE(topLeft.column(), 4);
    QCOMPARE(bottomRight.column(), 4);
    QCOMPARE(m_model->index(1, 4).data(), u"1 (60s ago)"_qs);

    // Nothing shown changed: no signal at all.
    m_model->apply({change(LiveChange::Type::Modified, pod(u"a"_qs, u"two"_qs, 600, 1))});
    QCOMPARE(changed.size(), 1);

    m_model->apply({change(LiveChange::Type::Deleted, pod(u"a"_qs, u"one"_qs, 600))});
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);
    QCOMPARE(column(*m_model, 1), (QStringList{u"two"_qs, u"three"_qs, u"four"_qs}));
    QCOMPARE(m_model->rowOf(u"a/four"_qs), 2);
    QCOMPARE(m_model->rowOf(u"a/one"_qs), -1);
    // Deleting what is not there changes nothing.
    m_model->apply({change(LiveChange::Type::Deleted, pod(u"a"_qs, u"one"_qs, 600))});
    QCOMPARE(removed.size(), 1);
    QCOMPARE(resets.size(), 0);
}

void TestLiveObjectsModel::manyRemovalsKeepTheIndexRight()
{
    QList<LiveObject> objects;
    for (int i = 0; i < 300; ++i)
        objects.append(pod(u"n"_qs, u"p%1"_qs.arg(i), i));
    m_model->reset(objects);
    QList<LiveChange> changes;
    for (int i = 0; i < 300; i += 3)
        changes.append(change(LiveChange::Type::Deleted, objects.at(i)));
    changes.append(change(LiveChange::Type::Modified, pod(u"n"_qs, u"p299"_qs, 299, 4)));
    m_model->apply(changes);
    QCOMPARE(m_model->rowCount(), 200);
    for (int row = 0; row < m_model->rowCount(); ++row)
        QCOMPARE(m_model->rowOf(m_model->index(row, 0).data(LiveObjectsModel::KeyRole).toString()),
                 row);
    QCOMPARE(m_model->index(m_model->rowOf(u"n/p299"_qs), 4).data(), u"4 (60s ago)"_qs);
}

void TestLiveObjectsModel::sortsByAgeAndRestartsAsNumbers()
{
    m_model->reset({pod(u"a"_qs, u"young"_qs, 100, 10), pod(u"a"_qs, u"old"_qs, 3 * 86400, 9),
                    pod(u"a"_qs, u"middle"_qs, 20 * 60, 100)});
    LiveObjectsFilterModel filter;
    filter.setSourceModel(m_model.get());
    filter.sort(5, Qt::AscendingOrder); // AGE: "100s" < "20m" < "3d" by seconds, not text
    QCOMPARE(column(filter, 1), (QStringList{u"young"_qs, u"middle"_qs, u"old"_qs}));
    filter.sort(4, Qt::DescendingOrder); // RESTARTS: 100 > 10 > 9, not "9 (…" > "100 (…"
    QCOMPARE(column(filter, 1), (QStringList{u"middle"_qs, u"young"_qs, u"old"_qs}));
    // A new pod sorts into place.
    m_model->apply({change(LiveChange::Type::Added, pod(u"a"_qs, u"many"_qs, 5, 50))});
    QCOMPARE(column(filter, 1), (QStringList{u"middle"_qs, u"many"_qs, u"young"_qs, u"old"_qs}));
}

void TestLiveObjectsModel::filtersByTextAndSelector()
{
    m_model->reset({pod(u"shop"_qs, u"web-1"_qs, 60, 0, {{u"app"_qs, u"web"_qs}}),
                    pod(u"shop"_qs, u"db-0"_qs, 60, 0, {{u"app"_qs, u"db"_qs}}),
                    pod(u"ops"_qs, u"web-2"_qs, 60, 0, {{u"app"_qs, u"web"_qs}})});
    LiveObjectsFilterModel filter;
    filter.setSourceModel(m_model.get());
    filter.setText(u"WEB"_qs);
    QCOMPARE(filter.rowCount(), 2);
    filter.setText(u"OPS"_qs); // the NAMESPACE cell counts too
    QCOMPARE(column(filter, 1), QStringList{u"web-2"_qs});
    filter.setText({});

    QSignalSpy errors(&filter, &LiveObjectsFilterModel::selectorErrorChanged);
    QVERIFY(filter.setSelector(u"app in (db)"_qs));
    QCOMPARE(column(filter, 1), QStringList{u"db-0"_qs});
    QVERIFY(!filter.setSelector(u"app in db"_qs));
    QVERIFY2(filter.selectorError().contains(u"column 8"_qs), qPrintable(filter.selectorError()));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(filter.rowCount(), 3); // an invalid selector filters nothing
    QVERIFY(filter.setSelector(u"app!=db"_qs));
    QCOMPARE(filter.selectorError(), QString());
    QCOMPARE(filter.rowCount(), 2);
    // A relabelled pod leaves the filtered rows.
    m_model->apply({change(LiveChange::Type::Modified,
                           pod(u"ops"_qs, u"web-2"_qs, 60, 0, {{u"app"_qs, u"db"_qs}}))});
    QCOMPARE(column(filter, 1), QStringList{u"web-1"_qs});
}

void TestLiveObjectsModel::staleRowsAreGreyed()
{
    m_model->reset({pod(u"a"_qs, u"web"_qs, 60)});
    QVERIFY(!m_model->index(0, 1).data(Qt::ForegroundRole).isValid());
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->setStale(true);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(2).value<QList<int>>(), QList<int>{Qt::ForegroundRole});
    const QColor grey = m_model->index(0, 1).data(Qt::ForegroundRole).value<QColor>();
    QVERIFY(grey.isValid());
    QCOMPARE(grey.red(), grey.blue());                // a grey
    QCOMPARE(m_model->index(0, 1).data(), u"web"_qs); // still readable
    m_model->setStale(false);
    QVERIFY(!m_model->index(0, 1).data(Qt::ForegroundRole).isValid());
}

void TestLiveObjectsModel::ageTickChangesTheAgeColumnOnly()
{
    m_model->reset({pod(u"a"_qs, u"young"_qs, 5), pod(u"a"_qs, u"old"_qs, 3 * 86400)});
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_clock = kNow.addSecs(2);
    // The tick runs every second on the real timer.
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 5000);
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft.column(), 5);
    QCOMPARE(bottomRight.column(), 5);
    QCOMPARE(topLeft.row(), 0);
    QCOMPARE(bottomRight.row(), 0); // "3d" did not change
    QCOMPARE(m_model->index(0, 5).data(), u"7s"_qs);
    QCOMPARE(m_model->index(0, 5).data(LiveObjectsModel::SortRole).toLongLong(), 7);
}

void TestLiveObjectsModel::resetsFiveThousandPods()
{
    QList<LiveObject> objects;
    for (int i = 0; i < 5000; ++i)
        objects.append(pod(u"ns-%1"_qs.arg(i % 20), u"pod-%1"_qs.arg(i), i * 17, i % 4));
    m_tester.reset(); // the tester's own checks would dominate the figure
    QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
    QElapsedTimer timer;
    timer.start();
    m_model->reset(objects);
    const qint64 resetMs = timer.elapsed();
    timer.restart();
    m_model->apply({change(LiveChange::Type::Deleted, objects.at(10)),
                    change(LiveChange::Type::Modified, pod(u"ns-19"_qs, u"pod-4999"_qs, 1, 9))});
    qInfo("reset of 5000 pods: %lld ms; a removal and a change: %lld ms", resetMs, timer.elapsed());
    QCOMPARE(resets.size(), 1);
    QCOMPARE(m_model->rowCount(), 4999);
    QCOMPARE(m_model->index(m_model->rowOf(u"ns-19/pod-4999"_qs), 4).data(), u"9 (60s ago)"_qs);
}

QTEST_MAIN(TestLiveObjectsModel)
#include "tst_liveobjectsmodel.moc"
