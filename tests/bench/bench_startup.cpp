// Start-to-first-paint of launchdeck (opening the sample workspace) against a bare
// QMainWindow, N launches each under the display given; prints the medians of the launches that
// painted, and counts and shows the ones that did not.
// Usage: bench_startup [runs]   (e.g. under xvfb-run -a)
#include "benchruns.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
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

// Milliseconds from launch until the program prints the marker into `runs`, or why it did not.
void timeFirstPaint(const QString& program, const QStringList& arguments,
                    const QProcessEnvironment& environment, launchdeck::bench::Runs& runs)
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
    const bool endedByItself = process.state() == QProcess::NotRunning;
    process.terminate();
    if (!process.waitForFinished(5000)) {
        process.kill();
        process.waitForFinished(5000);
    }
    if (elapsed) {
        runs.add(*elapsed);
        return;
    }
    const QString name = QFileInfo(program).fileName();
    const QString error = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
    const QString why = !endedByItself ? QStringLiteral("%1 did not paint within 30 s").arg(name)
                        : process.exitStatus() == QProcess::CrashExit
                            ? QStringLiteral("%1 crashed before its first paint").arg(name)
                            : QStringLiteral("%1 exited %2 before its first paint")
                                  .arg(name)
                                  .arg(process.exitCode());
    std::fprintf(stderr, "%s%s%s\n", qPrintable(why), error.isEmpty() ? "" : ": ",
                 qPrintable(error.right(2000)));
    runs.fail(why);
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

    // One launch each to warm the file cache; not counted, but a failure there is shown.
    launchdeck::bench::Runs warmUp;
    timeFirstPaint(bare, {}, environment, warmUp);
    timeFirstPaint(launchdeck, launchdeckArguments, environment, warmUp);

    launchdeck::bench::Runs bareRuns;
    launchdeck::bench::Runs launchdeckRuns;
    for (int i = 0; i < runs; ++i) {
        // Interleaved, so drift in the machine's load hits both alike.
        timeFirstPaint(bare, {}, environment, bareRuns);
        timeFirstPaint(launchdeck, launchdeckArguments, environment, launchdeckRuns);
    }
    const QString platform = qEnvironmentVariableIsSet("QT_QPA_PLATFORM")
                                 ? qEnvironmentVariable("QT_QPA_PLATFORM")
                                 : QStringLiteral("DISPLAY=") + qEnvironmentVariable("DISPLAY");
    std::printf("start to first paint, median of the launches that painted (%s)\n",
                qPrintable(platform));
    for (const auto& [name, launches] :
         {std::pair<const char*, const launchdeck::bench::Runs&>{"bare_window", bareRuns},
          std::pair<const char*, const launchdeck::bench::Runs&>{"launchdeck", launchdeckRuns}}) {
        const QString median = launches.anySucceeded()
                                   ? QStringLiteral("%1 ms").arg(launches.median(), 8, 'f', 1)
                                   : QStringLiteral("    none   ");
        std::printf("  %-12s %s  (%s)\n", name, qPrintable(median), qPrintable(launches.count()));
    }
    if (!bareRuns.anySucceeded() || !launchdeckRuns.anySucceeded()) {
        std::printf("  ratio        none: a side had no launch that painted\n");
        return 1;
    }
    std::printf("  ratio        %8.2f   (goal <= 1.30)\n",
                launchdeckRuns.median() / bareRuns.median());
    return 0;
}
