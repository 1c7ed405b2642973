// Start-to-first-paint of launchdeck (opening the sample workspace) against a bare
// QMainWindow, N launches each under the display given; prints the medians and their ratio.
// Usage: bench_startup [runs]   (e.g. under xvfb-run -a)
#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <optional>

namespace {

constexpr char kMarker[] = "LAUNCHDECK_FIRST_PAINT";

bool copyTree(const QString& from, const QString& to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = to + u'/' + QDir(from).relativeFilePath(source);
        QDir().mkpath(QFileInfo(target).absolutePath());
        if (!QFile::copy(source, target))
            return false;
    }
    return true;
}

// Milliseconds from launch until the program prints the marker; nullopt if it never does.
std::optional<double> timeFirstPaint(const QString& program, const QStringList& arguments,
                                     const QProcessEnvironment& environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    QElapsedTimer clock;
    clock.start();
    process.start(program, arguments);
    QByteArray seen;
    std::optional<double> elapsed;
    while (clock.elapsed() < 30000 && process.state() != QProcess::NotRunning) {
        if (!process.waitForReadyRead(100))
            continue;
        seen += process.readAllStandardOutput();
        if (seen.contains(kMarker)) {
            elapsed = clock.nsecsElapsed() / 1e6;
            break;
        }
    }
    process.terminate();
    if (!process.waitForFinished(5000)) {
        process.kill();
        process.waitForFinished(5000);
    }
    if (!elapsed)
        std::fprintf(stderr, "%s: no first paint (%s)\n", qPrintable(program),
                     process.readAllStandardError().constData());
    return elapsed;
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values.at(n / 2) : (values.at(n / 2 - 1) + values.at(n / 2)) / 2;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const int runs = argc > 1 ? std::max(1, QString::fromLocal8Bit(argv[1]).toInt()) : 10;

    QTemporaryDir home;
    const QString workspace = home.path() + u"/workspace";
    if (!copyTree(QStringLiteral(LAUNCHDECK_SOURCE_DIR "/resources/sample"), workspace)) {
        std::fprintf(stderr, "could not copy the sample workspace\n");
        return 1;
    }
    // Fresh settings and data for every launch alike, so neither program finds saved state.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LAUNCHDECK_REPORT_FIRST_PAINT"), QStringLiteral("1"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path() + u"/config");
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home.path() + u"/data");

    const QString launchdeck = QStringLiteral(LAUNCHDECK_EXECUTABLE);
    const QString bare = QStringLiteral(BARE_WINDOW_EXECUTABLE);
    const QStringList launchdeckArguments{QStringLiteral("--workspace"), workspace};

    // One launch each to warm the file cache; not counted.
    (void)timeFirstPaint(bare, {}, environment);
    (void)timeFirstPaint(launchdeck, launchdeckArguments, environment);

    QList<double> bareTimes;
    QList<double> launchdeckTimes;
    for (int i = 0; i < runs; ++i) {
        // Interleaved, so drift in the machine's load hits both alike.
        if (const auto t = timeFirstPaint(bare, {}, environment))
            bareTimes.append(*t);
        if (const auto t = timeFirstPaint(launchdeck, launchdeckArguments, environment))
            launchdeckTimes.append(*t);
    }
    if (bareTimes.isEmpty() || launchdeckTimes.isEmpty()) {
        std::fprintf(stderr, "no successful launches\n");
        return 1;
    }
    const double bareMedian = median(bareTimes);
    const double launchdeckMedian = median(launchdeckTimes);
    const QString platform = qEnvironmentVariableIsSet("QT_QPA_PLATFORM")
                                 ? qEnvironmentVariable("QT_QPA_PLATFORM")
                                 : QStringLiteral("DISPLAY=") + qEnvironmentVariable("DISPLAY");
    std::printf("start to first paint, median of %d runs (%s)\n", runs, qPrintable(platform));
    std::printf("  bare_window  %8.1f ms\n", bareMedian);
    std::printf("  launchdeck   %8.1f ms\n", launchdeckMedian);
    std::printf("  ratio        %8.2f   (goal <= 1.30)\n", launchdeckMedian / bareMedian);
    return 0;
}
