// The Docker tables' models: keyed diffs instead of resets, stats touching two cells, the
// filter and numeric sorting, all under QAbstractItemModelTester.
#include "dockercontainersfiltermodel.h"
#include "dockercontainersmodel.h"
#include "dockerresourcemodels.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace launchdeck;

namespace {

DockerContainer container(const QString& id, const QString& name, const QString& state,
                          const QString& image = QStringLiteral("busybox:local"))
{
    DockerContainer c;
    c.id = id;
    c.name = name;
    c.image = image;
    c.state = state;
    c.status = state;
    c.created = QDateTime::currentDateTimeUtc().addSecs(-600);
    return c;
}

DockerStatsSample sample(const QString& id, double cpu, quint64 used, quint64 limit)
{
    DockerStatsSample s;
    s.containerId = id;
    s.cpuPercent = cpu;
    s.memoryUsedBytes = used;
    s.memoryLimitBytes = limit;
    return s;
}

QStringList names(const QAbstractItemModel& model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.index(row, DockerContainersModel::Name).data().toString());
    return out;
}

struct ChangedCell
{
    int row;
    int firstColumn;
    int lastColumn;
};

QList<ChangedCell> changes(const QSignalSpy& spy)
{
    QList<ChangedCell> out;
    for (const QList<QVariant>& args : spy) {
        const auto topLeft = args.at(0).value<QModelIndex>();
        const auto bottomRight = args.at(1).value<QModelIndex>();
        out.append({topLeft.row(), topLeft.column(), bottomRight.column()});
        if (topLeft.row() != bottomRight.row())
            out.append({-1, -1, -1}); // a multi-row change would be marked as such
    }
    return out;
}

} // namespace

class TestDockerContainersModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void formats()
    {
        QCOMPARE(formatBinarySize(512), QStringLiteral("512 B"));
        QCOMPARE(formatBinarySize(quint64(12.3 * 1024 * 1024)), QStringLiteral("12.3 MiB"));
        QCOMPARE(formatBinarySize(quint64(1) << 30), QStringLiteral("1 GiB"));
        DockerPortMapping published;
        published.containerPort = 80;
        published.hostPort = 8080;
        DockerPortMapping exposed;
        exposed.containerPort = 443;
        QCOMPARE(formatPorts({exposed, published}), QStringLiteral("0.0.0.0:8080→80/tcp, 443/tcp"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QCOMPARE(formatAge(now.addSecs(-300), now), QStringLiteral("5 min ago"));
        QCOMPARE(formatAge(now.addSecs(-3 * 3600), now), QStringLiteral("3 h ago"));
        QCOMPARE(shortDockerId(QStringLiteral("sha256:0123456789abcdef0123")),
                 QStringLiteral("0123456789ab"));
    }

    void firstResetFillsLaterOnesDiff()
    {
        DockerContainersModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.applyReset(
            {container(QStringLiteral("a1"), QStringLiteral("web"), QStringLiteral("running")),
             container(QStringLiteral("b2"), QStringLiteral("db"), QStringLiteral("running")),
             container(QStringLiteral("c3"), QStringLiteral("cache"), QStringLiteral("exited"))});
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rowOf(QStringLiteral("b2")), 1);
        resets.clear();

        // db stops, cache goes away, worker appears: one of each, and no reset.
        model.applyReset(
            {container(QStringLiteral("a1"), QStringLiteral("web"), QStringLiteral("running")),
             container(QStringLiteral("b2"), QStringLiteral("db"), QStringLiteral("exited")),
             container(QStringLiteral("d4"), QStringLiteral("worker"), QStringLiteral("running"))});
        QCOMPARE(resets.size(), 0);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(names(model), QStringList({QStringLiteral("web"), QStringLiteral("db"),
                                            QStringLiteral("worker")}));
        const QList<ChangedCell> cells = changes(changed);
        QCOMPARE(cells.size(), 1);
        QCOMPARE(cells.first().row, 1);
        QCOMPARE(cells.first().firstColumn, int(DockerContainersModel::State));
        QCOMPARE(cells.first().lastColumn, int(DockerContainersModel::State));
        QCOMPARE(model.index(1, DockerContainersModel::State).data().toString(),
                 QStringLiteral("Exited"));
        QCOMPARE(model.rowOf(QStringLiteral("d4")), 2);
        QCOMPARE(model.rowOf(QStringLiteral("c3")), -1);

        // An identical listing changes nothing at all.
        changed.clear();
        inserted.clear();
        removed.clear();
        model.applyReset(
            {container(QStringLiteral("a1"), QStringLiteral("web"), QStringLiteral("running")),
             container(QStringLiteral("b2"), QStringLiteral("db"), QStringLiteral("exited")),
             container(QStringLiteral("d4"), QStringLiteral("worker"), QStringLiteral("running"))});
        QCOMPARE(changed.size(), 0);
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(removed.size(), 0);
        QCOMPARE(resets.size(), 0);
    }

    void eventsInsertChangeAndRemove()
    {
        DockerContainersModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.applyReset({});
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        QList<DockerContainer> many;
        for (int i = 0; i < 6; ++i)
            many.append(container(QStringLiteral("id%1").arg(i), QStringLiteral("c%1").arg(i),
                                  QStringLiteral("running")));
        model.applyChanged(many);
        QCOMPARE(model.rowCount(), 6);

        DockerContainer renamed = many.at(2);
        renamed.name = QStringLiteral("renamed");
        renamed.state = QStringLiteral("paused");
        model.applyChanged({renamed});
        // Name and state changed, the image between them did not: two single cells.
        const QList<ChangedCell> cells = changes(changed);
        QCOMPARE(cells.size(), 2);
        QCOMPARE(cells.at(0).row, 2);
        QCOMPARE(cells.at(0).firstColumn, int(DockerContainersModel::Name));
        QCOMPARE(cells.at(0).lastColumn, int(DockerContainersModel::Name));
        QCOMPARE(cells.at(1).firstColumn, int(DockerContainersModel::State));
        QCOMPARE(cells.at(1).lastColumn, int(DockerContainersModel::State));
        QCOMPARE(model.index(2, 0).data().toString(), QStringLiteral("renamed"));
        QCOMPARE(model.index(2, 0).data(DockerContainersModel::StateRole).toString(),
                 QStringLiteral("paused"));

        // Non-adjacent removals, plus an unknown id that must be ignored.
        model.applyRemoved({QStringLiteral("id1"), QStringLiteral("id4"), QStringLiteral("id5"),
                            QStringLiteral("nope")});
        QCOMPARE(names(model), QStringList({QStringLiteral("c0"), QStringLiteral("renamed"),
                                            QStringLiteral("c3")}));
        QCOMPARE(model.rowOf(QStringLiteral("id3")), 2);
        QCOMPARE(resets.size(), 0);
    }

    void statsTouchTwoCellsOnly()
    {
        DockerContainersModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.applyReset(
            {container(QStringLiteral("a1"), QStringLiteral("web"), QStringLiteral("running")),
             container(QStringLiteral("b2"), QStringLiteral("db"), QStringLiteral("running"))});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.applyStats(
            {sample(QStringLiteral("b2"), 12.5, quint64(12.3 * 1024 * 1024), quint64(1) << 30),
             sample(QStringLiteral("unknown"), 50, 1, 2)});
        QCOMPARE(changed.size(), 1);
        const auto topLeft = changed.first().at(0).value<QModelIndex>();
        const auto bottomRight = changed.first().at(1).value<QModelIndex>();
        QCOMPARE(topLeft, model.index(1, DockerContainersModel::Cpu));
        QCOMPARE(bottomRight, model.index(1, DockerContainersModel::Memory));
        QCOMPARE(model.index(1, DockerContainersModel::Cpu).data().toString(),
                 QStringLiteral("12.5"));
        QCOMPARE(model.index(1, DockerContainersModel::Memory).data().toString(),
                 QStringLiteral("12.3 MiB / 1 GiB"));
        QVERIFY(model.index(0, DockerContainersModel::Cpu).data().toString().isEmpty());

        // A listing keeps the stats of a running container and drops those of a stopped one.
        changed.clear();
        DockerContainer db =
            container(QStringLiteral("b2"), QStringLiteral("db"), QStringLiteral("running"));
        model.applyChanged({db});
        QCOMPARE(changed.size(), 0);
        QCOMPARE(model.index(1, DockerContainersModel::Cpu).data().toString(),
                 QStringLiteral("12.5"));
        db.state = QStringLiteral("exited");
        model.applyChanged({db});
        QVERIFY(model.index(1, DockerContainersModel::Memory).data().toString().isEmpty());
        const QList<ChangedCell> cells = changes(changed);
        QCOMPARE(cells.size(), 2);
        QCOMPARE(cells.at(0).firstColumn, int(DockerContainersModel::State));
        QCOMPARE(cells.at(1).firstColumn, int(DockerContainersModel::Cpu));
        QCOMPARE(cells.at(1).lastColumn, int(DockerContainersModel::Memory));
        // A late sample of the stopped container does not bring the numbers back.
        model.applyStats({sample(QStringLiteral("b2"), 3, 4, 5)});
        QVERIFY(model.index(1, DockerContainersModel::Cpu).data().toString().isEmpty());
    }

    void stateColours()
    {
        DockerContainersModel model;
        DockerContainer sick =
            container(QStringLiteral("s"), QStringLiteral("sick"), QStringLiteral("running"));
        sick.health = QStringLiteral("unhealthy");
        model.applyReset(
            {container(QStringLiteral("r"), QStringLiteral("run"), QStringLiteral("running")),
             container(QStringLiteral("p"), QStringLiteral("pause"), QStringLiteral("paused")),
             container(QStringLiteral("x"), QStringLiteral("exit"), QStringLiteral("exited")),
             container(QStringLiteral("d"), QStringLiteral("dead"), QStringLiteral("dead")), sick});
        const auto colour = [&](int row, int column) {
            return model.index(row, column).data(Qt::ForegroundRole).value<QColor>();
        };
        const int state = DockerContainersModel::State;
        QCOMPARE(colour(0, state), dockerStateColour(QStringLiteral("running")));
        QVERIFY(colour(0, state).green() > colour(0, state).red());
        QVERIFY(colour(1, state).red() > colour(1, state).blue());  // amber
        QCOMPARE(colour(2, state).red(), colour(2, state).green()); // grey
        QVERIFY(colour(3, state).red() > 2 * colour(3, state).green());
        QVERIFY(colour(4, DockerContainersModel::Health).red() >
                2 * colour(4, DockerContainersModel::Health).green());
    }

    void filterAndNumericSort()
    {
        DockerContainersModel model;
        DockerContainersFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester filterTester(
            &filter, QAbstractItemModelTester::FailureReportingMode::QtTest);

        model.applyReset(
            {container(QStringLiteral("aa11"), QStringLiteral("web"), QStringLiteral("running"),
                       QStringLiteral("nginx:1.25")),
             container(QStringLiteral("bb22"), QStringLiteral("db"), QStringLiteral("running"),
                       QStringLiteral("postgres:16")),
             container(QStringLiteral("cc33"), QStringLiteral("batch"), QStringLiteral("exited")),
             container(QStringLiteral("dd44"), QStringLiteral("api"), QStringLiteral("running"))});
        // 9 % must sort below 10 %, which a text sort would get wrong.
        model.applyStats({sample(QStringLiteral("aa11"), 9.0, 900, 0),
                          sample(QStringLiteral("bb22"), 10.0, 20 * 1024, 0),
                          sample(QStringLiteral("dd44"), 100.0, 3 * 1024 * 1024, 0)});

        filter.sort(DockerContainersModel::Cpu, Qt::AscendingOrder);
        QCOMPARE(names(filter), QStringList({QStringLiteral("batch"), QStringLiteral("web"),
                                             QStringLiteral("db"), QStringLiteral("api")}));
        filter.sort(DockerContainersModel::Memory, Qt::DescendingOrder);
        QCOMPARE(names(filter), QStringList({QStringLiteral("api"), QStringLiteral("db"),
                                             QStringLiteral("web"), QStringLiteral("batch")}));
        // Live stats move rows with a dynamic sort.
        model.applyStats({sample(QStringLiteral("aa11"), 1.0, quint64(1) << 30, 0)});
        QCOMPARE(names(filter).first(), QStringLiteral("web"));

        filter.setRunningOnly(true);
        QCOMPARE(filter.rowCount(), 3);
        filter.setText(QStringLiteral("POSTGRES"));
        QCOMPARE(names(filter), QStringList({QStringLiteral("db")}));
        filter.setText(QStringLiteral("dd4"));
        QCOMPARE(names(filter), QStringList({QStringLiteral("api")}));
        filter.setText(QStringLiteral("d4")); // ids match from the start only
        QCOMPARE(filter.rowCount(), 0);
        filter.setRunningOnly(false);
        filter.setText(QStringLiteral("bat"));
        QCOMPARE(names(filter), QStringList({QStringLiteral("batch")}));

        // A container stopping leaves the running-only view.
        filter.setText({});
        filter.setRunningOnly(true);
        model.applyChanged({container(QStringLiteral("aa11"), QStringLiteral("web"),
                                      QStringLiteral("exited"), QStringLiteral("nginx:1.25"))});
        QVERIFY(!names(filter).contains(QStringLiteral("web")));
    }

    void resourceModelsDiffByKey()
    {
        DockerImagesModel images;
        QAbstractItemModelTester tester(&images,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&images, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&images, &QAbstractItemModel::dataChanged);
        DockerImage busybox;
        busybox.id = QStringLiteral("sha256:aaaaaaaaaaaaaaaaaaaa");
        busybox.repoTags = {QStringLiteral("busybox:local")};
        busybox.sizeBytes = 2 * 1024 * 1024;
        DockerImage app;
        app.id = QStringLiteral("sha256:bbbbbbbbbbbbbbbbbbbb");
        app.sizeBytes = 300 * 1024 * 1024;
        images.applyReset({busybox, app});
        QCOMPARE(resets.size(), 1);
        QCOMPARE(images.index(1, DockerImagesModel::Tags).data().toString(),
                 QStringLiteral("<none>"));
        QCOMPARE(images.index(0, DockerImagesModel::Size).data().toString(),
                 QStringLiteral("2 MiB"));
        QVERIFY(images.index(1, DockerImagesModel::Size)
                    .data(DockerImagesModel::SortRole)
                    .toLongLong() > images.index(0, DockerImagesModel::Size)
                                        .data(DockerImagesModel::SortRole)
                                        .toLongLong());
        app.repoTags = {QStringLiteral("app:1.0")};
        images.applyReset({app});
        QCOMPARE(resets.size(), 1);
        QCOMPARE(images.rowCount(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>().column(), int(DockerImagesModel::Tags));

        DockerNetworksModel networks;
        QAbstractItemModelTester networksTester(
            &networks, QAbstractItemModelTester::FailureReportingMode::QtTest);
        DockerNetwork bridge{QStringLiteral("n1"), QStringLiteral("bridge"),
                             QStringLiteral("bridge"), QStringLiteral("local")};
        DockerNetwork host{QStringLiteral("n2"), QStringLiteral("host"), QStringLiteral("host"),
                           QStringLiteral("local")};
        networks.applyReset({bridge, host});
        QSignalSpy networkInserts(&networks, &QAbstractItemModel::rowsInserted);
        DockerNetwork none{QStringLiteral("n3"), QStringLiteral("none"), QStringLiteral("null"),
                           QStringLiteral("local")};
        networks.applyReset({bridge, host, none});
        QCOMPARE(networkInserts.size(), 1);
        QCOMPARE(networks.index(2, DockerNetworksModel::Driver).data().toString(),
                 QStringLiteral("null"));

        DockerVolumesModel volumes;
        QAbstractItemModelTester volumesTester(
            &volumes, QAbstractItemModelTester::FailureReportingMode::QtTest);
        volumes.applyReset({DockerVolume{QStringLiteral("data"), QStringLiteral("local"),
                                         QStringLiteral("/var/lib/docker/volumes/data/_data")}});
        QSignalSpy volumeRemovals(&volumes, &QAbstractItemModel::rowsRemoved);
        volumes.applyReset({});
        QCOMPARE(volumeRemovals.size(), 1);
        QCOMPARE(volumes.rowCount(), 0);
        volumes.clear();
        QVERIFY(!volumes.isFilled());
    }
};

QTEST_GUILESS_MAIN(TestDockerContainersModel)
#include "tst_dockercontainersmodel.moc"
