// The Live Metrics tab fed with synthetic samples: picking containers gives their lines with the
// right newest values, the window and pause move (or freeze) the time axis, legend clicks hide a
// line, hover shows a callout, markers and the connection overlay appear, and both exports write
// files that read back.
#include "docker/dockerhost.h"
#include "metricschart.h"
#include "metricspicker.h"
#include "metricstab.h"

#include <QComboBox>
#include <QDateTimeAxis>
#include <QFile>
#include <QImage>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QSettings>
#include <QStandardItem>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QValueAxis>

using namespace launchdeck;

namespace {

const QString kHost = QStringLiteral("docker-local");
constexpr qint64 kNow = 1'700'000'000'000;
constexpr int kSamples = 600; // ten minutes at 1 Hz

QString idOf(int container)
{
    return QStringLiteral("%1").arg(container + 1, 64, 10, QLatin1Char('0'));
}

double cpuOf(int container, int second)
{
    return container * 20.0 + (second % 7);
}

quint64 memoryOf(int container, int second)
{
    return (quint64(container + 1) << 28) + quint64(second) * 4096;
}

double rxOf(int container, int second)
{
    return 1000.0 * (container + 1) + second;
}

QList<DockerStatsSample> samplesAt(int second, int containers = 3)
{
    QList<DockerStatsSample> list;
    for (int c = 0; c < containers; ++c) {
        DockerStatsSample sample;
        sample.containerId = idOf(c);
        sample.read = QDateTime::fromMSecsSinceEpoch(kNow - (kSamples - 1 - second) * 1000);
        sample.cpuPercent = cpuOf(c, second);
        sample.memoryUsedBytes = memoryOf(c, second);
        sample.memoryLimitBytes = 2ull << 30;
        sample.networkRxBytesPerSecond = rxOf(c, second);
        sample.networkTxBytesPerSecond = rxOf(c, second) / 2;
        list.append(sample);
    }
    return list;
}

} // namespace

class TestMetricsTab final : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        MetricsStore store;
        qint64 now = kNow;
        std::unique_ptr<MetricsTab> tab;
    };

    std::unique_ptr<Fixture> makeFixture(bool show = true)
    {
        auto fixture = std::make_unique<Fixture>();
        fixture->store.setRetentionMs(std::numeric_limits<qint64>::max() / 4);
        QList<DockerContainer> containers;
        const QStringList names = {QStringLiteral("web-1"), QStringLiteral("web-2"),
                                   QStringLiteral("db")};
        for (int c = 0; c < 3; ++c) {
            DockerContainer container;
            container.id = idOf(c);
            container.name = u'/' + names[c];
            container.state = c == 2 ? QStringLiteral("exited") : QStringLiteral("running");
            containers.append(container);
        }
        fixture->store.resetContainers(kHost, containers);
        for (int second = 0; second < kSamples; ++second)
            fixture->store.addSamples(kHost, samplesAt(second));
        fixture->tab = std::make_unique<MetricsTab>(&fixture->store);
        Fixture* raw = fixture.get();
        fixture->tab->setClock([raw] { return raw->now; });
        if (show) {
            fixture->tab->resize(1200, 900);
            fixture->tab->show();
            if (!QTest::qWaitForWindowExposed(fixture->tab.get()))
                qFatal("the tab was not exposed");
        }
        return fixture;
    }

    static MetricsKey key(int container) { return {kHost, idOf(container)}; }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Launchdeck"));
        QCoreApplication::setApplicationName(QStringLiteral("Launchdeck"));
    }

    void init() { QSettings().remove(MetricsPicker::settingsKey()); }

    void pickingTwoShowsTheirLines()
    {
        auto f = makeFixture();
        MetricsTab& tab = *f->tab;
        QVERIFY(tab.cpuChart()->lineSeries().isEmpty());
        QCOMPARE(tab.picker()->model()->rowCount(), 1); // one host
        QCOMPARE(tab.picker()->model()->item(0)->rowCount(), 3);

        tab.picker()->itemFor(key(0))->setCheckState(Qt::Checked);
        tab.picker()->itemFor(key(2))->setCheckState(Qt::Checked);
        QCOMPARE(tab.picker()->picked(), QList<MetricsKey>({key(2), key(0)})); // db sorts first
        QCOMPARE(tab.cpuChart()->lineSeries().size(), 2);
        QCOMPARE(tab.memoryChart()->lineSeries().size(), 2);
        QCOMPARE(tab.networkChart()->lineSeries().size(), 4);

        const int last = kSamples - 1;
        for (const int c : {0, 2}) {
            QLineSeries* cpu = tab.cpuChart()->seriesFor(key(c), MetricsField::Cpu);
            QVERIFY(cpu);
            QCOMPARE(cpu->name(), c == 0 ? QStringLiteral("web-1") : QStringLiteral("db"));
            QCOMPARE(cpu->points().last().x(), double(kNow));
            QCOMPARE(cpu->points().last().y(), cpuOf(c, last));
            QLineSeries* memory = tab.memoryChart()->seriesFor(key(c), MetricsField::Memory);
            QCOMPARE(qRound64(memory->points().last().y() * tab.memoryChart()->scale().divisor),
                     qint64(memoryOf(c, last)));
            QLineSeries* rx = tab.networkChart()->seriesFor(key(c), MetricsField::NetRx);
            QLineSeries* tx = tab.networkChart()->seriesFor(key(c), MetricsField::NetTx);
            QCOMPARE(rx->points().last().y() * tab.networkChart()->scale().divisor, rxOf(c, last));
            QCOMPARE(tx->points().last().y() * tab.networkChart()->scale().divisor,
                     rxOf(c, last) / 2);
            QCOMPARE(rx->pen().style(), Qt::SolidLine);
            QCOMPARE(tx->pen().style(), Qt::DashLine);
            QCOMPARE(rx->pen().color(), tx->pen().color());
        }
        QVERIFY(!tab.cpuChart()->seriesFor(key(1), MetricsField::Cpu));
        QVERIFY(tab.cpuChart()->seriesFor(key(0), MetricsField::Cpu)->pen().color() !=
                tab.cpuChart()->seriesFor(key(2), MetricsField::Cpu)->pen().color());
        // Nice units: db's 768 MiB and web-1's 256 MiB show in MiB; rates of a few KB/s in KB/s.
        QCOMPARE(tab.memoryChart()->scale().suffix, QStringLiteral(" MiB"));
        QCOMPARE(tab.networkChart()->scale().suffix, QStringLiteral(" KB/s"));
        QVERIFY(tab.memoryChart()->valueAxis()->labelFormat().endsWith(QStringLiteral(" MiB")));

        // The five-minute window at a plot a few hundred pixels wide: decimated, not every point.
        const QLineSeries* cpu = tab.cpuChart()->seriesFor(key(0), MetricsField::Cpu);
        const int plotWidth = int(tab.cpuChart()->chart()->plotArea().width());
        QVERIFY(plotWidth > 100);
        QVERIFY(cpu->count() <= 4 * plotWidth + 8);

        // Unpicking removes the lines; the choice is remembered by host and name.
        tab.picker()->setPicked(key(2), false);
        QCOMPARE(tab.cpuChart()->lineSeries().size(), 1);
        QCOMPARE(QSettings().value(MetricsPicker::settingsKey()).toStringList(),
                 QStringList{QStringLiteral("docker-local/web-1")});
        auto again = makeFixture(false);
        QCOMPARE(again->tab->picker()->picked(), QList<MetricsKey>{key(0)});
        QCOMPARE(again->tab->cpuChart()->lineSeries().size(), 1);
    }

    void pickerFiltersByName()
    {
        auto f = makeFixture();
        MetricsPicker* picker = f->tab->picker();
        picker->filterField()->setText(QStringLiteral("WEB"));
        const QAbstractItemModel* shown = picker->view()->model();
        QCOMPARE(shown->rowCount(), 1);
        QCOMPARE(shown->rowCount(shown->index(0, 0)), 2);
        picker->filterField()->setText(QStringLiteral("nothing-like-it"));
        QCOMPARE(shown->rowCount(), 0);
        QVERIFY(picker->itemFor(key(2))->text().contains(QStringLiteral("exited")));
    }

    void windowSetsTheAxisRange()
    {
        auto f = makeFixture();
        MetricsTab& tab = *f->tab;
        tab.picker()->setPicked(key(1), true);
        for (const qint64 window : MetricsTab::kWindows) {
            tab.setWindowMs(window);
            for (MetricsChart* chart : {tab.cpuChart(), tab.memoryChart(), tab.networkChart()}) {
                QCOMPARE(chart->timeAxis()->min().toMSecsSinceEpoch(), kNow - window);
                QCOMPARE(chart->timeAxis()->max().toMSecsSinceEpoch(), kNow);
            }
        }
        // The combo box drives the same.
        tab.windowBox()->setCurrentIndex(0);
        QCOMPARE(tab.windowMs(), 60'000);
        QCOMPARE(tab.cpuChart()->timeAxis()->min().toMSecsSinceEpoch(), kNow - 60'000);
        QCOMPARE(tab.cpuChart()->seriesFor(key(1), MetricsField::Cpu)->points().first().x(),
                 double(kNow - 61'000)); // the neighbour left of the window
    }

    void pauseFreezesTheAxis()
    {
        auto f = makeFixture();
        MetricsTab& tab = *f->tab;
        tab.picker()->setPicked(key(0), true);
        tab.pauseButton()->click();
        QVERIFY(tab.isPaused());
        QCOMPARE(tab.pauseButton()->text(), QStringLiteral("&Resume"));
        const qsizetype before = f->store.sampleCount(key(0));
        for (int second = 0; second < 5; ++second) {
            f->now += 1000;
            QList<DockerStatsSample> batch = samplesAt(kSamples - 1);
            for (DockerStatsSample& sample : batch) {
                sample.read = QDateTime::fromMSecsSinceEpoch(f->now);
                sample.cpuPercent = 99;
            }
            f->store.addSamples(kHost, batch);
            tab.redraw();
        }
        QCOMPARE(f->store.sampleCount(key(0)), before + 5);
        QCOMPARE(tab.cpuChart()->timeAxis()->max().toMSecsSinceEpoch(), kNow);

        tab.setPaused(false);
        QCOMPARE(tab.cpuChart()->timeAxis()->max().toMSecsSinceEpoch(), kNow + 5000);
        QCOMPARE(tab.cpuChart()->seriesFor(key(0), MetricsField::Cpu)->points().last().y(), 99.0);
    }

    void legendClickTogglesASeries()
    {
        auto f = makeFixture();
        MetricsTab& tab = *f->tab;
        tab.picker()->setPicked(key(0), true);
        tab.picker()->setPicked(key(1), true);
        QLineSeries* series = tab.cpuChart()->seriesFor(key(1), MetricsField::Cpu);
        const QList<QLegendMarker*> markers = tab.cpuChart()->chart()->legend()->markers(series);
        QCOMPARE(markers.size(), 1);
        Q_EMIT markers.first()->clicked();
        QVERIFY(!series->isVisible());
        QTRY_VERIFY(markers.first()->isVisible()); // still there to be clicked back, dimmed
        QVERIFY(markers.first()->labelBrush().color().alphaF() < 0.5);
        // The hidden line no longer sets the scale: web-1 alone stays under 10 %.
        tab.redraw();
        QVERIFY(tab.cpuChart()->valueAxis()->max() <= 10);
        Q_EMIT markers.first()->clicked();
        QVERIFY(series->isVisible());
        tab.redraw();
        QVERIFY(tab.cpuChart()->valueAxis()->max() >= 26);
    }

    void hoverShowsTimeAndValue()
    {
        auto f = makeFixture();
        MetricsTab& tab = *f->tab;
        tab.picker()->setPicked(key(1), true);
        QLineSeries* series = tab.cpuChart()->seriesFor(key(1), MetricsField::Cpu);
        const QPointF point = series->points().last();
        Q_EMIT series->hovered(point, true);
        const QString text = tab.cpuChart()->calloutText();
        QVERIFY2(text.contains(
                     QDateTime::fromMSecsSinceEpoch(kNow).toString(QStringLiteral("HH:mm:ss"))),
                 qPrintable(text));
        QVERIFY2(
            text.contains(QStringLiteral("web-2: %1 %").arg(cpuOf(1, kSamples - 1), 0, 'f', 1)),
            qPrintable(text));
        Q_EMIT series->hovered(point, false);
        QVERIFY(tab.cpuChart()->calloutText().isEmpty());
    }

    void eventMarkersAreDrawn()
    {
        auto f = makeFixture();
        MetricsTab& tab = *f->tab;
        tab.picker()->setPicked(key(0), true);
        DockerEvent die;
        die.type = QStringLiteral("container");
        die.action = QStringLiteral("die");
        die.actorId = idOf(0);
        die.attributes.insert(QStringLiteral("exitCode"), QStringLiteral("137"));
        die.time = QDateTime::fromMSecsSinceEpoch(kNow - 30'000);
        DockerEvent oom = die;
        oom.action = QStringLiteral("oom");
        oom.time = QDateTime::fromMSecsSinceEpoch(kNow - 31'000);
        DockerEvent elsewhere = die;
        elsewhere.actorId = idOf(1); // not picked
        f->store.addEvents(kHost, {oom, die, elsewhere});
        f->store.addMarker(kHost, idOf(0), kNow - 10 * 60'000, MetricsMarkerKind::Deploy,
                           QStringLiteral("v2"));
        tab.redraw();
        QCOMPARE(tab.cpuChart()->visibleMarkerCount(), 2);
        tab.setWindowMs(15 * 60'000);
        QCOMPARE(tab.memoryChart()->visibleMarkerCount(), 3);
    }

    void exportsWriteReadableFiles()
    {
        auto f = makeFixture();
        MetricsTab& tab = *f->tab;
        tab.picker()->setPicked(key(0), true);
        tab.picker()->setPicked(key(2), true);
        tab.setWindowMs(60'000);
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("charts.png"));
        QVERIFY(tab.exportPng(png));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.height(), tab.cpuChart()->height() + tab.memoryChart()->height() +
                                     tab.networkChart()->height());
        QCOMPARE(image.width(), tab.cpuChart()->width());
        // Every chart drew something: each third of the image has ink in it.
        for (int part = 0; part < 3; ++part) {
            int ink = 0;
            for (int y = part * image.height() / 3; y < (part + 1) * image.height() / 3; y += 2) {
                for (int x = 0; x < image.width(); x += 2)
                    ink += image.pixelColor(x, y).lightness() < 128 ? 1 : 0;
            }
            QVERIFY2(ink > 100, qPrintable(QString::number(part)));
        }

        const QString csv = dir.filePath(QStringLiteral("samples.csv"));
        QVERIFY(tab.exportCsv(csv));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.first(), QByteArray("time,host,container,cpu_percent,memory_bytes,"
                                           "memory_limit_bytes,net_rx_bps,net_tx_bps"));
        QCOMPARE(lines.size(), 1 + 2 * 61); // both containers, 61 seconds of the window
        const QList<QByteArray> lastRow = lines.last().split(',');
        QCOMPARE(lastRow.size(), 8);
        QCOMPARE(QDateTime::fromString(QString::fromUtf8(lastRow[0]), Qt::ISODateWithMs)
                     .toMSecsSinceEpoch(),
                 kNow);
        QCOMPARE(lastRow[1], QByteArray("docker-local"));
        QCOMPARE(lastRow[2], QByteArray("web-1"));
        QCOMPARE(lastRow[3].toDouble(), cpuOf(0, kSamples - 1));
        QCOMPARE(lastRow[4].toULongLong(), memoryOf(0, kSamples - 1));
        QCOMPARE(lastRow[6].toDouble(), rxOf(0, kSamples - 1));
    }

    void disconnectedHostShowsTheOverlay()
    {
        auto f = makeFixture();
        MetricsTab& tab = *f->tab;
        QVERIFY(tab.overlayText().isEmpty());
        DockerHostStatus status;
        status.state = DockerConnectionState::Disconnected;
        status.attempt = 3;
        status.retryInMs = 4000;
        status.error = QStringLiteral("connection refused");
        tab.setHostStatus(kHost, status);
        const QString expected = QStringLiteral("docker-local: disconnected — retry 3 in 4 s");
        QCOMPARE(tab.overlayText(), expected);
        QCOMPARE(tab.cpuChart()->overlayText(), expected);
        QCOMPARE(tab.networkChart()->overlayText(), expected);
        QVERIFY(tab.picker()->model()->item(0)->text().contains(QStringLiteral("disconnected")));
        // The countdown runs on the tab's one-second timer.
        f->now += 2500;
        QTRY_COMPARE_WITH_TIMEOUT(
            tab.overlayText(), QStringLiteral("docker-local: disconnected — retry 3 in 2 s"), 3000);
        status.state = DockerConnectionState::Connected;
        tab.setHostStatus(kHost, status);
        QVERIFY(tab.overlayText().isEmpty());
        QVERIFY(tab.cpuChart()->overlayText().isEmpty());
    }
};

QTEST_MAIN(TestMetricsTab)
#include "tst_metricstab.moc"
