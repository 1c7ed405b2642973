// The live charts' line drawing against Qt's own: the same polylines drawn by QPainter with the
// one-pixel aliased pen the charts' series had and by MetricsLineRaster light the same pixels,
// dense (several points a pixel, as an hour of samples), sparse (a minute over the same width)
// and dashed, and nothing is drawn outside the image however far the points lie.
#include "metricsdecimation.h"
#include "metricslineraster.h"

#include <QImage>
#include <QPainter>
#include <QPolygonF>
#include <QRandomGenerator>
#include <QTest>

using namespace launchdeck;

namespace {

constexpr int kWidth = 600;
constexpr int kHeight = 200;

QImage blank()
{
    QImage image(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    return image;
}

QImage byQPainter(const QPolygonF& line, Qt::PenStyle style)
{
    QImage image = blank();
    QPainter painter(&image);
    QPen pen(Qt::black);
    pen.setWidthF(1.0);
    pen.setStyle(style);
    painter.setPen(pen);
    painter.drawPolyline(line);
    return image;
}

QImage byRaster(const QPolygonF& line, bool dashed)
{
    QImage image = blank();
    MetricsLineRaster raster(&image, qRgba(0, 0, 0, 255), dashed);
    for (const QPointF& point : line)
        raster.lineTo(point.x(), point.y());
    raster.finish();
    return image;
}

bool lit(const QImage& image, int x, int y)
{
    return x >= 0 && y >= 0 && x < image.width() && y < image.height() &&
           qAlpha(image.pixel(x, y)) > 0;
}

// Pixels lit in `a` with no lit pixel of `b` at or next to them.
int strays(const QImage& a, const QImage& b)
{
    int count = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x) {
            if (!lit(a, x, y))
                continue;
            bool near = false;
            for (int dy = -1; dy <= 1 && !near; ++dy) {
                for (int dx = -1; dx <= 1 && !near; ++dx)
                    near = lit(b, x + dx, y + dy);
            }
            count += near ? 0 : 1;
        }
    }
    return count;
}

int litCount(const QImage& image)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            count += lit(image, x, y) ? 1 : 0;
    }
    return count;
}

int litInBoth(const QImage& a, const QImage& b)
{
    int count = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x)
            count += lit(a, x, y) && lit(b, x, y) ? 1 : 0;
    }
    return count;
}

QPolygonF randomWalk(int points, double step)
{
    QPolygonF line;
    QRandomGenerator random{quint32(points)}; // the same walk every run
    double y = kHeight / 2.0;
    for (int i = 0; i < points; ++i) {
        y = std::clamp(y + random.bounded(2 * step) - step, 2.0, kHeight - 3.0);
        line.append(QPointF(-5 + (kWidth + 10) * double(i) / points, y));
    }
    return line;
}

} // namespace

class TestMetricsLineRaster final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameAsQPainter_data()
    {
        QTest::addColumn<int>("points");
        QTest::addColumn<double>("step");
        QTest::newRow("an hour, three points a pixel") << 3 * kWidth << 3.0;
        QTest::newRow("steep, three points a pixel") << 3 * kWidth << 40.0;
        QTest::newRow("a pixel a point") << kWidth << 5.0;
        QTest::newRow("sparse, ten pixels a point") << kWidth / 10 << 30.0;
    }

    void sameAsQPainter()
    {
        QFETCH(int, points);
        QFETCH(double, step);
        const QPolygonF line = randomWalk(points, step);
        const QImage qt = byQPainter(line, Qt::SolidLine);
        const QImage ours = byRaster(line, false);
        // Most pixels are the very ones Qt lights; the rest lie beside one of Qt's (Qt's own
        // rasterizer treats the ends of segments and steep runs its own way, half a pixel
        // apart), and the two light about as many pixels.
        const int a = litCount(qt);
        const int b = litCount(ours);
        QVERIFY2(strays(ours, qt) <= a / 200, qPrintable(QString::number(strays(ours, qt))));
        QVERIFY2(strays(qt, ours) <= a / 200, qPrintable(QString::number(strays(qt, ours))));
        QVERIFY2(litInBoth(qt, ours) >= a * 0.8,
                 qPrintable(QStringLiteral("%1 of %2").arg(litInBoth(qt, ours)).arg(a)));
        QVERIFY2(std::abs(a - b) <= a / 10, qPrintable(QStringLiteral("%1 %2").arg(a).arg(b)));
    }

    void m4ColumnsAsQPainterDrawsTheirPoints_data()
    {
        QTest::addColumn<int>("points");
        QTest::addColumn<double>("step");
        QTest::addColumn<double>("columnWidth");
        QTest::newRow("an hour, a column a pixel") << 3 * kWidth << 3.0 << 1.0;
        QTest::newRow("steep, a column a pixel") << 3 * kWidth << 40.0 << 1.0;
        QTest::newRow("every point, a column a sample") << 3 * kWidth << 3.0 << 0.01;
        QTest::newRow("sparse, a column a pixel") << kWidth / 10 << 30.0 << 1.0;
    }

    void m4ColumnsAsQPainterDrawsTheirPoints()
    {
        // A chart's line: M4 columns, drawn by column() where dense, against Qt drawing the
        // same points as a polyline.
        QFETCH(int, points);
        QFETCH(double, step);
        QFETCH(double, columnWidth);
        M4Columns columns;
        columns.reset(columnWidth);
        for (const QPointF& point : randomWalk(points, step))
            columns.add(point.x(), point.y());
        QPolygonF polyline;
        QImage ours = blank();
        MetricsLineRaster raster(&ours, qRgba(0, 0, 0, 255), false);
        for (const M4Columns::Column& column : columns.columns()) {
            raster.column(column.inOrder());
            for (const QPointF& point : column.inOrder())
                polyline.append(point);
        }
        raster.finish();
        const QImage qt = byQPainter(polyline, Qt::SolidLine);
        // The joins between columns are drawn as steps, at most a pixel from Qt's diagonal.
        const int a = litCount(qt);
        QVERIFY2(strays(ours, qt) <= a / 100, qPrintable(QString::number(strays(ours, qt))));
        QVERIFY2(strays(qt, ours) <= a / 100, qPrintable(QString::number(strays(qt, ours))));
        QVERIFY2(litInBoth(qt, ours) >= a * 0.75,
                 qPrintable(QStringLiteral("%1 of %2").arg(litInBoth(qt, ours)).arg(a)));
        QVERIFY2(std::abs(a - litCount(ours)) <= a / 5,
                 qPrintable(QStringLiteral("%1 %2").arg(a).arg(litCount(ours))));
    }

    void dashedLeavesGaps()
    {
        const QPolygonF line = randomWalk(kWidth, 2.0);
        const QImage solid = byRaster(line, false);
        const QImage dashed = byRaster(line, true);
        const QImage qt = byQPainter(line, Qt::DashLine);
        QCOMPARE(strays(dashed, solid), 0);
        // Four pixels on, two off, as Qt::DashLine of a one-pixel pen.
        const int on = litCount(dashed);
        QVERIFY2(on > litCount(solid) * 0.6 && on < litCount(solid) * 0.72,
                 qPrintable(QString::number(on)));
        QVERIFY2(std::abs(on - litCount(qt)) <= litCount(qt) / 5,
                 qPrintable(QStringLiteral("%1 %2").arg(on).arg(litCount(qt))));
    }

    void pointsFarOutsideAreClipped()
    {
        const QPolygonF line = {{-1e7, -1e7}, {-10, 50}, {100, 1e6}, {300, 100}, {1e9, 100}};
        const QImage ours = byRaster(line, true);
        const QImage qt = byQPainter(line, Qt::SolidLine);
        QVERIFY(litCount(ours) > 0);
        QVERIFY(strays(ours, qt) <= 2);
        // A line that never enters the image draws nothing.
        QCOMPARE(litCount(byRaster({{-50, 10}, {-1, 20}, {-0.5, 30}}, false)), 0);
        QCOMPARE(litCount(byRaster({{10, -50}, {500, -1}}, false)), 0);
    }
};

QTEST_MAIN(TestMetricsLineRaster)
#include "tst_metricslineraster.moc"
