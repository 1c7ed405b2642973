// Benchmark: the frame time of the live charts with 20 containers holding an hour of samples
// each, rendered at 1600x1000 with and without the M4 decimation. A frame adds a second of
// samples, redraws and paints the widget into an image. Prints figures.
#include "metricschart.h"
#include "metricspicker.h"
#include "metricstab.h"

#include <QApplication>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QElapsedTimer>
#include <QImage>
#include <QLineSeries>
#include <QPainter>
#include <QRandomGenerator>
#include <QValueAxis>

#include <algorithm>
#include <cstdio>

using namespace launchdeck;

namespace {

constexpr int kContainers = 20;
constexpr int kSamples = 3'600;
constexpr int kFrames = 60;
constexpr qint64 kHourMs = 3'600'000;
const QString kHost = QStringLiteral("bench");

double percentile(QList<double> values, double share)
{
    std::sort(values.begin(), values.end());
    if (values.isEmpty())
        return 0;
    return values[std::min<qsizetype>(values.size() - 1, qsizetype(share * double(values.size())))];
}

QList<DockerStatsSample> second(qint64 timeMs, QList<double>& walk)
{
    QList<DockerStatsSample> batch;
    auto* random = QRandomGenerator::global();
    for (int c = 0; c < kContainers; ++c) {
        walk[c] = std::clamp(walk[c] + random->bounded(10.0) - 5.0, 0.0, 400.0);
        DockerStatsSample sample;
        sample.containerId = QStringLiteral("container-%1").arg(c, 2, 10, QLatin1Char('0'));
        sample.read = QDateTime::fromMSecsSinceEpoch(timeMs);
        sample.cpuPercent = walk[c];
        sample.memoryUsedBytes = quint64(walk[c] * 4'000'000);
        sample.memoryLimitBytes = 2ull << 30;
        sample.networkRxBytesPerSecond = walk[c] * 10'000;
        sample.networkTxBytesPerSecond = walk[c] * 2'500;
        batch.append(sample);
    }
    return batch;
}

struct Figures
{
    double p50 = 0;
    double p99 = 0;
    double redrawP50 = 0; // of which bringing the lines up to the window
    qsizetype pointsPerLine = 0;
    qsizetype samplesRead = 0; // by the chart in the last frame, over all its lines
};

// One frame: bring every line up to the window, then paint the widget into an image.
template <typename Redraw>
Figures measure(QWidget* widget, Redraw redraw, MetricsStore& store, qint64& now,
                QList<double>& walk, const MetricsChart* chart)
{
    QImage image(widget->size(), QImage::Format_ARGB32_Premultiplied);
    QList<double> frames;
    QList<double> replaces;
    for (int frame = 0; frame < kFrames + 3; ++frame) {
        now += 1000;
        store.addSamples(kHost, second(now, walk));
        QElapsedTimer timer;
        timer.start();
        redraw(now);
        const qint64 replaced = timer.nsecsElapsed();
        image.fill(Qt::white);
        QPainter painter(&image);
        widget->render(&painter);
        painter.end();
        // The first frames lay out the widgets and warm the caches.
        if (frame >= 3) {
            frames.append(double(timer.nsecsElapsed()) / 1e6);
            replaces.append(double(replaced) / 1e6);
        }
    }
    return {percentile(frames, 0.50), percentile(frames, 0.99), percentile(replaces, 0.50),
            chart->linePoints(chart->lineSeries().first()).size(), chart->samplesRead()};
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    MetricsStore store;
    qint64 now = QDateTime::currentMSecsSinceEpoch() - kHourMs;
    QList<double> walk(kContainers, 50.0);
    for (int s = 0; s < kSamples; ++s) {
        now += 1000;
        store.addSamples(kHost, second(now, walk));
    }

    QList<MetricsKey> keys;
    QList<MetricsLine> lines;
    for (int c = 0; c < kContainers; ++c) {
        const MetricsKey key{kHost, QStringLiteral("container-%1").arg(c, 2, 10, QLatin1Char('0'))};
        keys.append(key);
        lines.append({key, MetricsField::Cpu, QStringLiteral("c%1").arg(c),
                      QColor::fromHsv(c * 360 / kContainers, 200, 200), false});
    }

    MetricsChart chart(&store, QStringLiteral("CPU"), MetricsUnit::Percent);
    chart.setLines(lines);
    chart.resize(1600, 1000);
    chart.show();
    QApplication::processEvents();

    std::printf("live chart: %d series x %d points (1 h at 1 Hz), 1600x1000, %d frames\n",
                kContainers, int(store.sampleCount(keys.first())), kFrames);
    auto report = [](const char* what, const Figures& figures) {
        std::printf("%-36s p50 %7.2f ms  p99 %7.2f ms  (redraw p50 %6.2f ms, %lld points per "
                    "line, %lld samples read)\n",
                    what, figures.p50, figures.p99, figures.redrawP50,
                    qint64(figures.pointsPerLine), qint64(figures.samplesRead));
    };
    const Figures one = measure(
        &chart, [&](qint64 end) { chart.redraw(end - kHourMs, end, true); }, store, now, walk,
        &chart);
    report(qPrintable(QStringLiteral("one chart, M4 per pixel (%1 px)")
                          .arg(int(chart.chart()->plotArea().width()))),
           one);
    const Figures reference = measure(
        &chart, [&](qint64 end) { chart.redraw(end - kHourMs, end, false); }, store, now, walk,
        &chart);
    report("one chart, every point (reference)", reference);

    // The reference of the drawing itself: Qt Charts' own line series, replaced every frame
    // with the same per-pixel points, on a chart of the same size and axes.
    {
        QChartView view;
        auto* qtChart = new QChart;
        qtChart->setAnimationOptions(QChart::NoAnimation);
        qtChart->legend()->setAlignment(Qt::AlignBottom);
        auto* timeAxis = new QDateTimeAxis;
        auto* valueAxis = new QValueAxis;
        qtChart->addAxis(timeAxis, Qt::AlignBottom);
        qtChart->addAxis(valueAxis, Qt::AlignLeft);
        QList<QLineSeries*> series;
        for (QLineSeries* line : chart.lineSeries()) {
            auto* copy = new QLineSeries;
            copy->setName(line->name());
            copy->setPen(line->pen());
            qtChart->addSeries(copy);
            copy->attachAxis(timeAxis);
            copy->attachAxis(valueAxis);
            series.append(copy);
        }
        view.setChart(qtChart);
        view.setRenderHint(QPainter::Antialiasing, false);
        view.resize(1600, 1000);
        view.show();
        QApplication::processEvents();
        const auto replaceAll = [&](qint64 end) {
            chart.redraw(end - kHourMs, end, true);
            for (qsizetype i = 0; i < series.size(); ++i)
                series[i]->replace(chart.linePoints(chart.lineSeries().at(i)));
            timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(end - kHourMs),
                               QDateTime::fromMSecsSinceEpoch(end));
            valueAxis->setRange(chart.valueAxis()->min(), chart.valueAxis()->max());
        };
        report("one chart, Qt Charts line series",
               measure(&view, replaceAll, store, now, walk, &chart));
    }

    // The whole tab: three charts, 80 lines (rx and tx apart), the picker beside them.
    MetricsTab tab(&store);
    tab.setClock([&now] { return now; });
    tab.setWindowMs(kHourMs);
    for (const MetricsKey& key : std::as_const(keys))
        tab.picker()->setPicked(key, true);
    tab.resize(1600, 1000);
    tab.show();
    QApplication::processEvents();
    for (const bool decimate : {true, false}) {
        tab.setDecimationEnabled(decimate);
        const Figures figures = measure(
            &tab, [&](qint64) { tab.redraw(); }, store, now, walk, tab.networkChart());
        report(decimate ? qPrintable(QStringLiteral("whole tab (80 lines), M4 per pixel (%1 px)")
                                         .arg(int(tab.networkChart()->chart()->plotArea().width())))
                        : "whole tab, every point (reference)",
               figures);
    }
    std::printf("store: %lld KiB for %d containers\n", qint64(store.memoryBytes() / 1024),
                kContainers);
    std::printf("goal: p99 <= 16 ms a frame for the whole tab\n");
    return 0;
}
