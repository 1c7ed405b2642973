// The launchdeck binary run as CI runs it: arguments, a working folder, its own data folder
// (XDG_DATA_HOME), and what it printed and returned.
#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <chrono>

namespace launchdeck::test {

struct CliRun
{
    int exitCode = -1; // -1: it crashed or did not end in time
    QString out;
    QString err;
};

// The system environment with XDG_DATA_HOME set to `dataHome` (unless empty).
QProcessEnvironment cliEnvironment(const QString& dataHome);
// Where the console keeps its data under XDG_DATA_HOME (organisation, then application).
QString cliDataDir(const QString& dataHome);

// `input` is written to its standard input, which is then closed.
CliRun runCli(const QString& binary, const QStringList& arguments,
              const QString& workingDirectory = {}, const QString& dataHome = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(60),
              const QByteArray& input = {});

} // namespace launchdeck::test
