// MetricsStore: the ring keeps the newest samples at a fixed memory cost, windows and markers
// read back what was recorded, the M4 decimation keeps every extreme within four points per
// column, and the CSV export carries the recorded values.
#include "metricsdecimation.h"
#include "metricsstore.h"

#include <QBuffer>
#include <QDateTime>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace launchdeck;

namespace {

constexpr qint64 kStartMs = 1'700'000'000'000;

DockerStatsSample sample(const QString& id, qint64 timeMs, double cpu, quint64 memory = 0)
{
    DockerStatsSample s;
    s.containerId = id;
    s.read = QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC);
    s.cpuPercent = cpu;
    s.memoryUsedBytes = memory;
    s.memoryLimitBytes = 512ull << 20;
    s.networkRxBytesPerSecond = cpu * 1000;
    s.networkTxBytesPerSecond = cpu * 10;
    return s;
}

QList<DockerStatsSample> series(const QString& id, qint64 fromIndex, qint64 count)
{
    QList<DockerStatsSample> list;
    for (qint64 i = fromIndex; i < fromIndex + count; ++i)
        list.append(sample(id, kStartMs + i * 1000, double(i % 100), quint64(i) << 10));
    return list;
}

} // namespace

class TestMetricsStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ringKeepsTheNewest()
    {
        MetricsStore store(100);
        store.setRetentionMs(std::numeric_limits<qint64>::max() / 2);
        const MetricsKey key{QStringLiteral("local"), QStringLiteral("abc")};
        store.addSamples(key.host, series(key.containerId, 0, 100 + 37));
        QCOMPARE(store.sampleCount(key), 100);
        QCOMPARE(store.sampleAt(key, 0).timeMs, kStartMs + 37 * 1000);
        QCOMPARE(store.sampleAt(key, 99).timeMs, kStartMs + 136 * 1000);
        // Older samples than the newest held are replays and are dropped.
        store.addSamples(key.host, {sample(key.containerId, kStartMs, 99)});
        QCOMPARE(store.sampleAt(key, 99).timeMs, kStartMs + 136 * 1000);
        // The window read finds its edges by binary search over the wrapped ring.
        const QList<QPointF> window =
            store.points(key, MetricsField::Cpu, kStartMs + 50'000, kStartMs + 60'000);
        QCOMPARE(window.size(), 13); // 11 inside plus one neighbour each side
        QCOMPARE(window.first().x(), double(kStartMs + 49'000));
        QCOMPARE(window.last().y(), 61.0);
    }

    void memoryStaysFlat()
    {
        MetricsStore store(500, 16);
        const MetricsKey key{QStringLiteral("local"), QStringLiteral("abc")};
        store.addSamples(key.host, series(key.containerId, 0, 1));
        const qsizetype first = store.memoryBytes();
        QVERIFY(first >= 500 * qsizetype(sizeof(MetricsSample)));
        QVERIFY(sizeof(MetricsSample) <= 56);
        for (int round = 0; round < 20; ++round) {
            store.addSamples(key.host, series(key.containerId, 1 + round * 500, 500));
            for (int m = 0; m < 10; ++m)
                store.addMarker(key.host, key.containerId, kStartMs + m, MetricsMarkerKind::Deploy,
                                QStringLiteral("v%1").arg(m));
        }
        QCOMPARE(store.memoryBytes(), first);
        QCOMPARE(store.sampleCount(key), 500);
        QCOMPARE(store.markers(key, 0, kStartMs * 2).size(), 16);
    }

    void decimationKeepsExtremes()
    {
        QList<QPointF> points;
        auto* random = QRandomGenerator::global();
        for (int i = 0; i < 10'000; ++i)
            points.append(QPointF(i, random->bounded(1000.0)));
        points[4321].setY(-50);
        points[8765].setY(5000);
        const int columns = 97;
        const QList<QPointF> reduced = decimateM4(points, 0, 9999, columns);
        QVERIFY(reduced.size() <= columns * 4);
        QVERIFY(reduced.size() >= columns * 2);
        QVERIFY(std::is_sorted(reduced.begin(), reduced.end(),
                               [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
        QVERIFY(reduced.contains(QPointF(4321, -50)));
        QVERIFY(reduced.contains(QPointF(8765, 5000)));
        QCOMPARE(reduced.first(), points.first());
        QCOMPARE(reduced.last(), points.last());

        // Per column: at most four points, and the column's min and max among them.
        const double width = 9999.0 / columns;
        for (int c = 0; c < columns; ++c) {
            const auto inColumn = [&](const QPointF& p) {
                return std::min(int(std::floor(p.x() / width)), columns - 1) == c;
            };
            QList<QPointF> original;
            std::copy_if(points.begin(), points.end(), std::back_inserter(original), inColumn);
            QList<QPointF> kept;
            std::copy_if(reduced.begin(), reduced.end(), std::back_inserter(kept), inColumn);
            QVERIFY2(kept.size() <= 4, qPrintable(QString::number(c)));
            const auto byY = [](const QPointF& a, const QPointF& b) {
                return a.y() < b.y();
            };
            QCOMPARE(std::min_element(kept.begin(), kept.end(), byY)->y(),
                     std::min_element(original.begin(), original.end(), byY)->y());
            QCOMPARE(std::max_element(kept.begin(), kept.end(), byY)->y(),
                     std::max_element(original.begin(), original.end(), byY)->y());
        }

        // Fewer points than columns pass through unchanged.
        const QList<QPointF> few = {{0, 1}, {10, 2}, {20, 3}};
        QCOMPARE(decimateM4(few, 0, 20, 100), few);
    }

    void m4ColumnsFollowASlidingWindow()
    {
        // A window of 1,000 x sliding by 7 at a time over 10,000 random points, the columns
        // kept from step to step, against columns built in one pass over each window.
        QList<QPointF> points;
        auto* random = QRandomGenerator::global();
        for (int i = 0; i < 10'000; ++i)
            points.append(QPointF(i, random->bounded(1000.0)));
        const double width = 1000.0 / 333;
        M4Columns kept;
        kept.reset(width);
        qsizetype next = 0;
        int end = 1000;
        for (; end < 10'000; end += 7) {
            const double from = end - 1000;
            while (next < points.size() && points[next].x() <= end) {
                kept.add(points[next].x(), points[next].y());
                ++next;
            }
            kept.dropBefore(from);
            M4Columns once;
            once.reset(width);
            for (const QPointF& point : std::as_const(points)) {
                if (point.x() <= end)
                    once.add(point.x(), point.y());
                else
                    break;
            }
            once.dropBefore(from);
            QList<QPointF> a;
            QList<QPointF> b;
            kept.appendPoints(&a);
            once.appendPoints(&b);
            QCOMPARE(a, b);
            // One point left of the window so the line reaches the plot's edge, none older than
            // the column it sits in.
            QVERIFY(a.first().x() <= from);
            QVERIFY(kept.columns().size() >= 2);
            QVERIFY(kept.columns().at(1).first.x() >= from);
        }

        // Each column keeps its first, lowest, highest and last point, the extremes in the
        // order they happened.
        const double lastEnd = end - 7;
        for (const M4Columns::Column& column : kept.columns()) {
            QList<QPointF> inColumn;
            std::copy_if(
                points.begin(), points.end(), std::back_inserter(inColumn), [&](const QPointF& p) {
                    return p.x() <= lastEnd && qint64(std::floor(p.x() / width)) == column.index;
                });
            QVERIFY(!inColumn.isEmpty());
            const auto byY = [](const QPointF& a, const QPointF& b) {
                return a.y() < b.y();
            };
            QCOMPARE(column.first, inColumn.first());
            QCOMPARE(column.last, inColumn.last());
            QCOMPARE(column.min, *std::min_element(inColumn.begin(), inColumn.end(), byY));
            QCOMPARE(column.max, *std::max_element(inColumn.begin(), inColumn.end(), byY));
            const std::array<QPointF, 4> ordered = column.inOrder();
            QVERIFY(
                std::is_sorted(ordered.begin(), ordered.end(),
                               [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
        }
    }

    void lineStampChangesOnlyWhenALineStartsOver()
    {
        MetricsStore store;
        store.setRetentionMs(0);
        const MetricsKey key{QStringLiteral("local"), QStringLiteral("abc")};
        QCOMPARE(store.lineStamp(key), quint64(0)); // unknown: read whole
        store.addSamples(key.host, series(key.containerId, 0, 10));
        const quint64 stamp = store.lineStamp(key);
        QVERIFY(stamp != 0);
        store.addSamples(key.host, series(key.containerId, 10, 10));
        QCOMPARE(store.lineStamp(key), stamp);
        store.removeContainers(key.host, {key.containerId});
        QVERIFY(!store.contains(key)); // no retention: forgotten at once
        store.addSamples(key.host, series(key.containerId, 20, 10));
        QVERIFY(store.lineStamp(key) != 0);
        QVERIFY(store.lineStamp(key) != stamp);
    }

    void decimatedStoreWindow()
    {
        MetricsStore store;
        store.setRetentionMs(std::numeric_limits<qint64>::max() / 2);
        const MetricsKey key{QStringLiteral("local"), QStringLiteral("abc")};
        store.addSamples(key.host, series(key.containerId, 0, 3600));
        const QList<QPointF> reduced =
            store.points(key, MetricsField::Memory, kStartMs, kStartMs + 3'599'000, 200);
        QVERIFY(reduced.size() <= 800);
        QCOMPARE(reduced.last().y(), double(3599ull << 10));
        QCOMPARE(reduced.first().y(), 0.0);
    }

    void eventsBecomeMarkersAndNames()
    {
        MetricsStore store;
        QSignalSpy changed(&store, &MetricsStore::containersChanged);
        const QString host = QStringLiteral("local");
        DockerContainer web;
        web.id = QStringLiteral("0123456789abcdef");
        web.name = QStringLiteral("/web-1");
        web.state = QStringLiteral("running");
        store.resetContainers(host, {web});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(store.containers().size(), 1);
        QCOMPARE(store.containers().first().name, QStringLiteral("web-1"));

        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QList<DockerEvent> events;
        for (const auto& action : {u"start", u"die", u"oom", u"exec_start"}) {
            DockerEvent event;
            event.type = QStringLiteral("container");
            event.action = QString::fromUtf16(action);
            event.actorId = web.id;
            event.attributes.insert(QStringLiteral("name"), QStringLiteral("web-renamed"));
            event.attributes.insert(QStringLiteral("exitCode"), QStringLiteral("137"));
            event.time = QDateTime::fromMSecsSinceEpoch(now - 1000, Qt::UTC);
            events.append(event);
        }
        store.addEvents(host, events);
        const QList<MetricsMarker> markers = store.markers({host, web.id}, now - 5000, now);
        QCOMPARE(markers.size(), 3);
        QCOMPARE(markers[0].kind, MetricsMarkerKind::Start);
        QCOMPARE(markers[1].kind, MetricsMarkerKind::Die);
        QCOMPARE(markers[1].label, QStringLiteral("exit 137"));
        QCOMPARE(markers[2].kind, MetricsMarkerKind::Oom);
        QCOMPARE(store.containerName({host, web.id}), QStringLiteral("web-renamed"));

        // A removed container stays viewable while its samples are within the retention.
        store.addSamples(host, {sample(web.id, now, 5)});
        store.removeContainers(host, {web.id});
        QCOMPARE(store.containers().first().state, QStringLiteral("removed"));
        store.setRetentionMs(0);
        store.addSamples(host, {sample(QStringLiteral("other"), now + 60'000, 1)});
        QVERIFY(!store.contains({host, web.id}));
    }

    void csvExport()
    {
        MetricsStore store;
        store.setRetentionMs(std::numeric_limits<qint64>::max() / 2);
        const QString host = QStringLiteral("docker,local");
        store.addSamples(host, {sample(QStringLiteral("a"), kStartMs, 12.5, 1024),
                                sample(QStringLiteral("b"), kStartMs, 50, 2048),
                                sample(QStringLiteral("a"), kStartMs + 1000, 25.5, 4096),
                                sample(QStringLiteral("a"), kStartMs + 2000, 99, 8192)});
        const QByteArray text = store.csv({{host, QStringLiteral("a")}}, kStartMs, kStartMs + 1000);
        const QList<QByteArray> lines = text.split('\n');
        QCOMPARE(lines.size(), 4); // header, two rows, the empty tail
        QCOMPARE(lines[0], QByteArray("time,host,container,cpu_percent,memory_bytes,"
                                      "memory_limit_bytes,net_rx_bps,net_tx_bps"));
        const QString firstTime =
            QDateTime::fromMSecsSinceEpoch(kStartMs, Qt::UTC).toString(Qt::ISODateWithMs);
        QCOMPARE(lines[1],
                 firstTime.toUtf8() + ",\"docker,local\",a,12.50,1024,536870912,12500,125");
        QVERIFY(lines[2].endsWith(",25.50,4096,536870912,25500,255"));
        QVERIFY(lines[3].isEmpty());
        const QDateTime parsed = QDateTime::fromString(
            QString::fromUtf8(lines[2].left(lines[2].indexOf(','))), Qt::ISODateWithMs);
        QCOMPARE(parsed.toMSecsSinceEpoch(), kStartMs + 1000);
    }
};

QTEST_GUILESS_MAIN(TestMetricsStore)
#include "tst_metricsstore.moc"
