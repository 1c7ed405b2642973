// Exit statuses, output, the application object and Ctrl-C for the command line.
#include "cliio.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QStandardPaths>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace launchdeck::cli {

namespace {

void emitTo(FILE* stream, const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stream);
    std::fflush(stream);
}

int g_signalPipe[2] = {-1, -1};

void onInterrupt(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

} // namespace

void emitOut(const QString& text)
{
    emitTo(stdout, text);
}

void emitErr(const QString& text)
{
    emitTo(stderr, text);
}

void emitJson(const QJsonObject& object)
{
    emitOut(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) + u'\n');
}

void emitJsonDocument(const QJsonObject& object)
{
    emitOut(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)));
}

int usage(const QString& message)
{
    emitErr(QStringLiteral("launchdeck: %1\nTry 'launchdeck --help'.\n").arg(message));
    return kUsage;
}

bool takeOption(QStringList& args, const QStringList& names, std::optional<QString>& value,
                QString& error)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        for (const QString& name : names) {
            if (args[i] == name) {
                if (i + 1 >= args.size()) {
                    error = QStringLiteral("%1 needs a value").arg(name);
                    return false;
                }
                value = args[i + 1];
                args.remove(i, 2);
                return true;
            }
            if (args[i].startsWith(name + u'=')) {
                value = args[i].mid(name.size() + 1);
                args.remove(i);
                return true;
            }
        }
    }
    return true;
}

QStringList takeRepeated(QStringList& args, const QString& name, QString& error)
{
    QStringList values;
    std::optional<QString> value;
    while (true) {
        value.reset();
        if (!takeOption(args, {name}, value, error) || !value)
            break;
        values.append(*value);
    }
    return values;
}

bool takeFlag(QStringList& args, const QString& name)
{
    return args.removeAll(name) > 0;
}

CliApplication::CliApplication()
    : m_app(std::make_unique<QCoreApplication>(m_argc, m_argv))
{
    QCoreApplication::setApplicationName(QStringLiteral("Launchdeck"));
    QCoreApplication::setOrganizationName(QStringLiteral("Launchdeck"));
    m_dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(m_dataDir);
}

CliApplication::~CliApplication() = default;

InterruptWatch::InterruptWatch(QObject* parent)
    : QObject(parent)
{
    if (g_signalPipe[0] < 0 && ::pipe(g_signalPipe) != 0)
        return;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    m_notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] {
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(g_signalPipe[0], &byte, 1);
        Q_EMIT interrupted();
    });
}

InterruptWatch::~InterruptWatch()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

} // namespace launchdeck::cli
