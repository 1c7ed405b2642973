// Runs the launchdeck binary for the command-line tests.
#include "fakes/cliprocess.h"

#include <QDir>
#include <QProcess>

namespace launchdeck::test {

QProcessEnvironment cliEnvironment(const QString& dataHome)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!dataHome.isEmpty())
        environment.insert(QStringLiteral("XDG_DATA_HOME"), dataHome);
    return environment;
}

QString cliDataDir(const QString& dataHome)
{
    return QDir(dataHome).filePath(QStringLiteral("Launchdeck/Launchdeck"));
}

CliRun runCli(const QString& binary, const QStringList& arguments, const QString& workingDirectory,
              const QString& dataHome, std::chrono::milliseconds timeout, const QByteArray& input)
{
    QProcess process;
    process.setProgram(binary);
    process.setProcessEnvironment(cliEnvironment(dataHome));
    process.setArguments(arguments);
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    process.start();
    if (process.waitForStarted(10'000)) {
        process.write(input);
        process.closeWriteChannel();
    }
    if (!process.waitForFinished(int(timeout.count()))) {
        process.kill();
        process.waitForFinished();
        return {-1, QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

} // namespace launchdeck::test
