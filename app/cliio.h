// What every command of the command line shares: exit statuses, writing to stdout and stderr,
// the usage error, the Qt application with the console's data folder, and Ctrl-C as an event.
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

class QCoreApplication;
class QSocketNotifier;

namespace launchdeck::cli {

inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;
inline constexpr int kUsage = 2;
inline constexpr int kInterrupted = 130;

void emitOut(const QString& text);
void emitErr(const QString& text);
// One compact JSON object and a newline on stdout.
void emitJson(const QJsonObject& object);
// The whole object, indented, on stdout.
void emitJsonDocument(const QJsonObject& object);
// "launchdeck: MESSAGE\nTry 'launchdeck --help'." on stderr; returns kUsage.
int usage(const QString& message);

// Pulls `--name VALUE` / `--name=VALUE` out of `args` (the first of `names` found); false with
// `error` set when the value is missing.
bool takeOption(QStringList& args, const QStringList& names, std::optional<QString>& value,
                QString& error);
// Every `--name VALUE` of a repeated option, in order.
QStringList takeRepeated(QStringList& args, const QString& name, QString& error);
// Removes every `name`; true when there was one.
bool takeFlag(QStringList& args, const QString& name);

// The QCoreApplication a command runs in, named as the console so both share one data folder.
class CliApplication final
{
public:
    CliApplication();
    ~CliApplication();
    CliApplication(const CliApplication&) = delete;
    CliApplication& operator=(const CliApplication&) = delete;

    QCoreApplication& app() { return *m_app; }
    // The console's data folder (history database, run logs, traffic entry points), created.
    const QString& dataDir() const { return m_dataDir; }

private:
    int m_argc = 1;
    char m_name[11] = "launchdeck";
    char* m_argv[2] = {m_name, nullptr};
    std::unique_ptr<QCoreApplication> m_app;
    QString m_dataDir;
};

// SIGINT and SIGTERM as a Qt signal on the main thread, for as long as it lives; the default
// handlers return afterwards.
class InterruptWatch final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InterruptWatch)

public:
    explicit InterruptWatch(QObject* parent = nullptr);
    ~InterruptWatch() override;
    bool isWatching() const { return m_notifier != nullptr; }

Q_SIGNALS:
    void interrupted();

private:
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace launchdeck::cli
