// Wiring of `launchdeck pipeline …`: finds the pipeline, runs it on the runner's worker thread,
// records it in the history database and prints its events as they come. Ctrl-C cancels the run
// (its whole process tree) and the command exits 130.
#include "pipelinecommand.h"

#include "cliio.h"

#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"
#include "session/workspacesession.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <optional>

namespace launchdeck {

namespace {

using namespace cli;

QString formatSeconds(qint64 ms)
{
    return QString::number(static_cast<double>(ms) / 1000.0, 'f', 1) + u's';
}

// The pipeline files of the workspace as the console lists them.
QStringList pipelineFiles(const QString& workspaceDir)
{
    WorkspaceSession session(SessionOptions{.root = workspaceDir});
    session.openBlocking();
    return session.pipelineFiles();
}

int listPipelines(QStringList args, const QString& workspaceDir)
{
    const bool json = args.removeAll(QStringLiteral("--json")) > 0;
    if (!args.isEmpty())
        return usage(QStringLiteral("pipeline list takes no arguments but --json"));
    QJsonArray list;
    QString text;
    bool anyInvalid = false;
    for (const QString& file : pipelineFiles(workspaceDir)) {
        Diagnostics out;
        const auto pipeline = loadPipeline(file, out);
        const qsizetype errors = std::count_if(
            out.begin(), out.end(), [](const Diagnostic& d) { return isError(d.severity); });
        anyInvalid = anyInvalid || !pipeline || errors > 0;
        const QString relative = QDir(workspaceDir).relativeFilePath(file);
        const QString name = pipeline ? pipeline->name : QFileInfo(file).completeBaseName();
        const int steps = pipeline ? static_cast<int>(pipeline->steps.size()) : 0;
        list.append(
            QJsonObject{{QStringLiteral("name"), name},
                        {QStringLiteral("file"), relative},
                        {QStringLiteral("steps"), steps},
                        {QStringLiteral("stages"),
                         QJsonArray::fromStringList(pipeline ? pipeline->stages : QStringList())},
                        {QStringLiteral("errors"), static_cast<int>(errors)}});
        text += QStringLiteral("%1  %2  %3 steps%4\n")
                    .arg(name, -20)
                    .arg(relative, -32)
                    .arg(steps)
                    .arg(errors > 0 ? QStringLiteral("  (%1 errors: launchdeck validate %2)")
                                          .arg(errors)
                                          .arg(relative)
                                    : QString());
    }
    if (json)
        emitOut(QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Indented)));
    else
        emitOut(list.isEmpty() ? QStringLiteral("no pipelines in %1\n").arg(workspaceDir) : text);
    return anyInvalid ? kFailed : kOk;
}

std::optional<QString> findPipeline(const QString& wanted, const QString& workspaceDir)
{
    if (QFileInfo(wanted).isFile())
        return wanted;
    for (const QString& file : pipelineFiles(workspaceDir)) {
        if (QFileInfo(file).completeBaseName() == wanted)
            return file;
        Diagnostics ignored;
        if (const auto pipeline = loadPipeline(file, ignored); pipeline && pipeline->name == wanted)
            return file;
    }
    return std::nullopt;
}

int exitStatusOf(RunStatus status)
{
    switch (status) {
    case RunStatus::Succeeded:
        return kOk;
    case RunStatus::Cancelled:
    case RunStatus::Interrupted:
        return kInterrupted;
    default:
        return kFailed;
    }
}

int runPipeline(QStringList args, const QString& workspaceDir)
{
    const bool json = args.removeAll(QStringLiteral("--json")) > 0;
    EnvList overrides;
    for (qsizetype i = 0; i < args.size();) {
        if (args[i] == u"--env" || args[i].startsWith(QStringLiteral("--env="))) {
            const QString value = args[i] == u"--env" ? args.value(i + 1) : args[i].mid(6);
            args.remove(i, args[i] == u"--env" ? 2 : 1);
            const qsizetype eq = value.indexOf(u'=');
            if (eq <= 0)
                return usage(QStringLiteral("--env takes NAME=VALUE, not '%1'").arg(value));
            overrides.append({value.left(eq), value.mid(eq + 1)});
        } else if (args[i].startsWith(u'-')) {
            return usage(QStringLiteral("pipeline run: unknown option '%1'").arg(args[i]));
        } else {
            ++i;
        }
    }
    if (args.size() != 1)
        return usage(QStringLiteral("pipeline run takes one NAME or FILE"));
    const auto file = findPipeline(args[0], workspaceDir);
    if (!file) {
        emitErr(
            QStringLiteral("launchdeck: no pipeline '%1' in %2 (see launchdeck pipeline list)\n")
                .arg(args[0], workspaceDir));
        return kUsage;
    }
    Diagnostics problems;
    const auto pipeline = loadPipeline(*file, problems);
    const bool invalid =
        !pipeline || std::any_of(problems.begin(), problems.end(),
                                 [](const Diagnostic& d) { return isError(d.severity); });
    for (const Diagnostic& d : std::as_const(problems))
        emitErr(formatDiagnostic(d) + u'\n');
    if (invalid)
        return kUsage;

    CliApplication application;
    QCoreApplication& app = application.app();
    const QString& dataDir = application.dataDir();

    // The history, the recorder and the runner as the console has them.
    SessionOptions sessionOptions;
    sessionOptions.root = workspaceDir;
    sessionOptions.dataDir = dataDir;
    WorkspaceSession session(sessionOptions);
    if (!session.openBlocking()) {
        emitErr(QStringLiteral("launchdeck: the history database cannot be opened: %1\n")
                    .arg(session.historyError()));
        return kFailed;
    }

    InterruptWatch interrupt;
    if (!interrupt.isWatching())
        return kFailed;
    bool cancelling = false;
    QObject::connect(&interrupt, &InterruptWatch::interrupted, &app, [&] {
        if (!cancelling && !json)
            emitErr(
                QStringLiteral("launchdeck: cancelling the run (its processes are being ended)\n"));
        cancelling = true;
        session.cancelAll();
    });

    int status = kFailed;
    PipelineRunner* runner = session.runnerHost()->runner();
    QObject::connect(runner, &PipelineRunner::runStarted, &app, [&](const RunInfo& run) {
        if (json)
            emitJson({{QStringLiteral("event"), QStringLiteral("run_started")},
                      {QStringLiteral("run"), run.runId},
                      {QStringLiteral("pipeline"), run.pipeline},
                      {QStringLiteral("steps"), QJsonArray::fromStringList(run.steps)},
                      {QStringLiteral("log_dir"), run.runDir}});
        else
            emitErr(QStringLiteral("run %1 of pipeline '%2' (%3 steps), logs in %4\n")
                        .arg(run.runId, run.pipeline)
                        .arg(run.steps.size())
                        .arg(run.runDir));
    });
    QObject::connect(runner, &PipelineRunner::stepStarted, &app, [&](const StepEvent& step) {
        if (json)
            emitJson({{QStringLiteral("event"), QStringLiteral("step_started")},
                      {QStringLiteral("step"), step.step},
                      {QStringLiteral("attempt"), step.attempt},
                      {QStringLiteral("time"), step.startedAt.toString(Qt::ISODateWithMs)}});
        else
            emitErr(QStringLiteral("--- %1 started%2\n")
                        .arg(step.step, step.attempt > 1
                                            ? QStringLiteral(" (attempt %1)").arg(step.attempt)
                                            : QString()));
    });
    // A step's lines are its output alone: on standard output, as `line` events numbered from 1.
    // Launchdeck's own notes (where a secret came from, attempts, a step's result) go to standard
    // error with the progress, as `note` events.
    QObject::connect(runner, &PipelineRunner::linesAvailable, &app, [&](const LogBatch& batch) {
        QString text; // consecutive lines bound for one stream, so the order is kept
        bool notes = false;
        const auto emitText = [&] {
            if (!text.isEmpty())
                notes ? emitErr(text) : emitOut(text);
            text.clear();
        };
        for (const LogLine& line : batch) {
            if (json) {
                QJsonObject event{{QStringLiteral("event"),
                                   line.note ? QStringLiteral("note") : QStringLiteral("line")},
                                  {QStringLiteral("text"), line.text}};
                if (!line.step.isEmpty())
                    event.insert(QStringLiteral("step"), line.step);
                if (!line.note)
                    event.insert(QStringLiteral("number"), line.number);
                emitJson(event);
                continue;
            }
            if (line.note != notes) {
                emitText();
                notes = line.note;
            }
            text += u'[' + (line.step.isEmpty() ? QStringLiteral("run") : line.step) + u"] " +
                    line.text + u'\n';
        }
        emitText();
    });
    QObject::connect(runner, &PipelineRunner::stepFinished, &app, [&](const StepEvent& step) {
        if (json)
            emitJson({{QStringLiteral("event"), QStringLiteral("step_finished")},
                      {QStringLiteral("step"), step.step},
                      {QStringLiteral("status"), runStatusName(step.status)},
                      {QStringLiteral("exit_code"), step.exitCode},
                      {QStringLiteral("attempt"), step.attempt},
                      {QStringLiteral("duration_ms"), step.durationMs},
                      {QStringLiteral("message"), step.message}});
        else
            emitErr(QStringLiteral("--- %1 %2 in %3%4%5\n")
                        .arg(step.step, runStatusName(step.status), formatSeconds(step.durationMs),
                             step.exitCode >= 0 ? QStringLiteral(" (exit %1)").arg(step.exitCode)
                                                : QString(),
                             step.message.isEmpty() ? QString() : u": " + step.message));
    });
    QObject::connect(runner, &PipelineRunner::runFinished, &app, [&](const RunResult& result) {
        status = exitStatusOf(result.status);
        if (json)
            emitJson({{QStringLiteral("event"), QStringLiteral("run_finished")},
                      {QStringLiteral("run"), result.runId},
                      {QStringLiteral("status"), runStatusName(result.status)},
                      {QStringLiteral("duration_ms"), result.durationMs}});
        else
            emitErr(QStringLiteral("run %1 %2 in %3\n")
                        .arg(result.runId, runStatusName(result.status),
                             formatSeconds(result.durationMs)));
        QCoreApplication::quit();
    });

    RunRequest request;
    request.pipeline = *pipeline;
    request.workspace = QFileInfo(workspaceDir).absoluteFilePath();
    request.envOverrides = overrides;
    session.startPipeline(request);
    QCoreApplication::exec();
    return status;
}

} // namespace

int runPipelineCommand(const QStringList& arguments, const QString& workspaceDir)
{
    QStringList args = arguments;
    if (args.isEmpty())
        return usage(QStringLiteral("pipeline needs list or run"));
    const QString verb = args.takeFirst();
    if (verb == u"list")
        return listPipelines(args, workspaceDir);
    if (verb == u"run")
        return runPipeline(args, workspaceDir);
    return usage(QStringLiteral("unknown pipeline command '%1' (list or run)").arg(verb));
}

} // namespace launchdeck
