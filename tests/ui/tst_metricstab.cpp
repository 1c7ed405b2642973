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
#include <QMouseEvent>
#include <QPainter>
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

    // Where a value in the chart's axis units shows in its viewport.
    static QPoint viewPosition(MetricsChart* chart, const QPointF& value)
    {
        const QRectF plot = chart->chart()->plotArea();
        const double from = double(chart->timeAxis()->min().toMSecsSinceEpoch());
        const double to = double(chart->timeAxis()->max().toMSecsSinceEpoch());
        const double low = chart->valueAxis()->min();
        const double high = chart->valueAxis()->max();
        const QPointF position(plot.left() + (value.x() - from) * plot.width() / (to - from),
                               plot.bottom() - (value.y() - low) * plot.height() / (high - low));
        return chart->mapFromScene(chart->chart()->mapToScene(position));
    }

    // The pointer moved to `position` of the chart's viewport, as the window system gives it.
    static void hover(MetricsChart* chart, const QPoint& position)
    {
        QMouseEvent move(QEvent::MouseMove, QPointF(position),
                         chart->viewport()->mapToGlobal(QPointF(position)), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(chart->viewport(), &move);
    }

    // Pixels of the plot drawn in `colour`.
    static int inkOf(MetricsChart* chart, const QColor& colour)
    {
        QImage image(chart->size(), QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::white);
        {
            QPainter painter(&image);
            chart->QWidget::render(&painter);
        }
        const QRect plot =
            chart->mapFromScene(chart->chart()->mapToScene(chart->chart()->plotArea()))
                .boundingRect();
        int ink = 0;
        for (int y = plot.top(); y <= plot.bottom(); ++y) {
            for (int x = plot.left(); x <= plot.right(); ++x)
                ink += image.pixelColor(x, y) == colour ? 1 : 0;
        }
        return ink;
    }

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
            QCOMPARE(tab.cpuChart()->linePoints(cpu).last().x(), double(kNow));
            QCOMPARE(tab.cpuChart()->linePoints(cpu).last().y(), cpuOf(c, last));
            QLineSeries* memory = tab.memoryChart()->seriesFor(key(c), MetricsField::Memory);
            QCOMPARE(qRound64(tab.memoryChart()->linePoints(memory).last().y() *
                              tab.memoryChart()->scale().divisor),
                     qint64(memoryOf(c, last)));
            QLineSeries* rx = tab.networkChart()->seriesFor(key(c), MetricsField::NetRx);
            QLineSeries* tx = tab.networkChart()->seriesFor(key(c), MetricsField::NetTx);
            QCOMPARE(tab.networkChart()->linePoints(rx).last().y() *
                         tab.networkChart()->scale().divisor,
                     rxOf(c, last));
            QCOMPARE(tab.networkChart()->linePoints(tx).last().y() *
                         tab.networkChart()->scale().divisor,
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
        QVERIFY(tab.cpuChart()->linePoints(cpu).size() <= 4 * plotWidth + 8);
        QCOMPARE(cpu->count(), 0); // the series serves the legend; the chart draws the points

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
        QCOMPARE(tab.cpuChart()
                     ->linePoints(tab.cpuChart()->seriesFor(key(1), MetricsField::Cpu))
                     .first()
                     .x(),
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
        QCOMPARE(tab.cpuChart()
                     ->linePoints(tab.cpuChart()->seriesFor(key(0), MetricsField::Cpu))
                     .last()
                     .y(),
                 99.0);
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
        MetricsChart* chart = tab.cpuChart();
        QLineSeries* series = chart->seriesFor(key(1), MetricsField::Cpu);
        // The pointer two pixels off a sample in the middle of the window.
        const int second = kSamples - 151;
        const qint64 time = kNow - 150'000;
        const QList<QPointF> points = chart->linePoints(series);
        const auto sample = std::find_if(points.begin(), points.end(),
                                         [&](const QPointF& p) { return p.x() == double(time); });
        QVERIFY(sample != points.end());
        QCOMPARE(sample->y(), cpuOf(1, second));
        hover(chart, viewPosition(chart, *sample) + QPoint(0, 2));
        const QString text = chart->calloutText();
        QVERIFY2(
            text.contains(
                QDateTime::fromMSecsSinceEpoch(time).toString(QStringLiteral("HH:mm:ss"))),
            qPrintable(text + QStringLiteral(" at ") +
                       QDateTime::fromMSecsSinceEpoch(time).toString(QStringLiteral("HH:mm:ss"))));
        QVERIFY2(text.contains(QStringLiteral("web-2: %1 %").arg(cpuOf(1, second), 0, 'f', 1)),
                 qPrintable(text));
        // Away from the line the callout goes; a hidden line shows none.
        hover(chart,
              viewPosition(chart, QPointF(double(time), chart->valueAxis()->max())) + QPoint(0, 1));
        QVERIFY(chart->calloutText().isEmpty());
        chart->toggleSeries(series);
        hover(chart, viewPosition(chart, *sample));
        QVERIFY(chart->calloutText().isEmpty());
    }

    void linesFollowAppendedSamples()
    {
        auto f = makeFixture();
        MetricsTab& tab = *f->tab;
        tab.picker()->setPicked(key(0), true);
        tab.picker()->setPicked(key(1), true);
        MetricsChart* chart = tab.cpuChart();
        const QList<QLineSeries*> series = chart->lineSeries();
        const QList<QAbstractSeries*> all = chart->chart()->series();
        for (int second = 1; second <= 5; ++second) {
            f->now += 1000;
            QList<DockerStatsSample> batch = samplesAt(kSamples - 1, 2);
            for (DockerStatsSample& sample : batch) {
                sample.read = QDateTime::fromMSecsSinceEpoch(f->now);
                sample.cpuPercent = 70 + second;
            }
            f->store.addSamples(kHost, batch);
            tab.redraw();
            // The same series from frame to frame; only the new samples read (and the newest
            // one held, which the source gives as the left neighbour).
            QCOMPARE(chart->lineSeries(), series);
            QCOMPARE(chart->chart()->series(), all);
            QCOMPARE(chart->samplesRead(), 2 * 2);
            for (QLineSeries* line : series) {
                const QPointF newest = chart->linePoints(line).last();
                QCOMPARE(newest.x(), double(f->now));
                QCOMPARE(newest.y(), 70.0 + second);
            }
        }
        // What the frames built up is what one pass over the window gives: another window
        // width lays the columns anew, and back to this one reads it all again.
        const QList<QPointF> kept = chart->linePoints(series.first());
        const qint64 window = tab.windowMs();
        tab.setWindowMs(window * 3);
        tab.setWindowMs(window);
        QVERIFY2(chart->samplesRead() > 2 * 300, qPrintable(QString::number(chart->samplesRead())));
        QCOMPARE(chart->linePoints(series.first()), kept);
    }

    void windowChangeDecimatesAnew()
    {
        auto f = makeFixture();
        MetricsTab& tab = *f->tab;
        tab.picker()->setPicked(key(0), true);
        MetricsChart* chart = tab.cpuChart();
        QLineSeries* series = chart->seriesFor(key(0), MetricsField::Cpu);
        const int plotWidth = int(chart->chart()->plotArea().width());
        // A minute at several pixels a second: every sample, and one left of the window.
        tab.setWindowMs(60'000);
        QCOMPARE(chart->linePoints(series).size(), 62);
        // An hour over the same pixels: ten minutes of samples at a few a column, each
        // column's extremes kept (the values cycle through 0 to 6).
        tab.setWindowMs(3'600'000);
        const QList<QPointF> points = chart->linePoints(series);
        QCOMPARE(chart->samplesRead(), kSamples);
        QVERIFY(points.size() < kSamples);
        const int columns = int(std::ceil(kSamples * 1000.0 / (3'600'000.0 / plotWidth))) + 1;
        QVERIFY2(points.size() <= 4 * columns, qPrintable(QString::number(points.size())));
        const auto byY = [](const QPointF& a, const QPointF& b) {
            return a.y() < b.y();
        };
        QCOMPARE(std::min_element(points.begin(), points.end(), byY)->y(), 0.0);
        QCOMPARE(std::max_element(points.begin(), points.end(), byY)->y(), 6.0);
        QCOMPARE(points.first().x(), double(kNow - (kSamples - 1) * 1000));
        QCOMPARE(points.last().x(), double(kNow));
    }

    void linesAreDrawnInTheirColour()
    {
        auto f = makeFixture();
        MetricsTab& tab = *f->tab;
        tab.picker()->setPicked(key(1), true);
        MetricsChart* chart = tab.cpuChart();
        QLineSeries* series = chart->seriesFor(key(1), MetricsField::Cpu);
        const QColor colour = series->pen().color();
        // About a pixel a column across the plot, more where the line climbs.
        const int ink = inkOf(chart, colour);
        QVERIFY2(ink > chart->chart()->plotArea().width() * 0.9, qPrintable(QString::number(ink)));
        chart->toggleSeries(series);
        QCOMPARE(inkOf(chart, colour), 0);
        chart->toggleSeries(series);
        QCOMPARE(inkOf(chart, colour), ink);
        // The dashed tx line leaves gaps the solid rx line does not.
        MetricsChart* network = tab.networkChart();
        QLineSeries* rx = network->seriesFor(key(1), MetricsField::NetRx);
        QLineSeries* tx = network->seriesFor(key(1), MetricsField::NetTx);
        network->toggleSeries(tx);
        const int solid = inkOf(network, colour);
        network->toggleSeries(tx);
        network->toggleSeries(rx);
        const int dashed = inkOf(network, colour);
        QVERIFY2(dashed > solid / 2 && dashed < solid,
                 qPrintable(QStringLiteral("%1 %2").arg(solid).arg(dashed)));
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
