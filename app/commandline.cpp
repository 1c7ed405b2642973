// Argument parsing for `launchdeck COMMAND …` and the wiring to the services that do the work.
#include "commandline.h"

#include "historycommand.h"
#include "pipelinecommand.h"

#include "core/yamlsource.h"
#include "templates/template.h"
#include "validation/report.h"
#include "validation/validator.h"
#include "workspace/workspace.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSaveFile>

#include <cstdio>
#include <optional>

namespace launchdeck {

namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

void printOut(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

void printErr(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stderr);
    std::fflush(stderr);
}

int usageError(const QString& message)
{
    printErr(QStringLiteral("launchdeck: %1\nTry 'launchdeck --help'.\n").arg(message));
    return kUsage;
}

QString helpText()
{
    return QStringLiteral(
        "Usage: launchdeck [--workspace DIR]            open the console\n"
        "       launchdeck COMMAND [OPTIONS]\n"
        "\n"
        "Commands:\n"
        "  validate [PATH...] [--level basic|standard|strict] [--json]\n"
        "      Check the workspace, templates, Compose files and Kubernetes manifests offline.\n"
        "      PATH is a file or a folder (default: the workspace). Prints\n"
        "      path:line:column: severity: message [rule] per finding, or JSON with --json.\n"
        "      Exit 0 without errors, 1 with errors (critical or high), 2 on bad usage or an\n"
        "      unreadable path.\n"
        "  render TEMPLATE --to compose|kubernetes [-o DIR] [--set NAME=VALUE]...\n"
        "      Render an infrastructure template to a Compose file or Kubernetes manifests,\n"
        "      to standard output or into DIR.\n"
        "  pipeline list [--json]\n"
        "      The workspace's pipelines.\n"
        "  pipeline run NAME|FILE [--env NAME=VALUE]... [--json]\n"
        "      Run a pipeline locally; its log streams to standard output, each line prefixed\n"
        "      by its step, progress to standard error (--json: one JSON object per event).\n"
        "      Ctrl-C cancels the run. Exit 0 succeeded, 1 failed, 130 cancelled.\n"
        "  history [APP] [--env ENV] [--json] [--verify]\n"
        "      Deployments and rollbacks newest first, with metrics per application and\n"
        "      environment. --verify checks the audit log's hash chain: exit 0 intact, 1 broken.\n"
        "\n"
        "Options:\n"
        "  --workspace DIR   the workspace folder (default: the current folder)\n"
        "  --json            machine-readable output\n"
        "  -h, --help        this help\n"
        "  -V, --version     the version\n");
}

// Pulls `--name VALUE` / `--name=VALUE` out of `args`; false when the value is missing.
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

QString displayPath(const QString& path)
{
    const QString relative = QDir::current().relativeFilePath(path);
    return relative.startsWith(u"..") ? QDir::cleanPath(path) : relative;
}

int runValidate(QStringList args, const QString& workspaceDir)
{
    QString error;
    std::optional<QString> levelName;
    if (!takeOption(args, {QStringLiteral("--level")}, levelName, error))
        return usageError(error);
    const bool json = takeFlag(args, QStringLiteral("--json"));
    for (const QString& arg : std::as_const(args)) {
        if (arg.startsWith(u'-') && arg != u"-")
            return usageError(QStringLiteral("validate: unknown option '%1'").arg(arg));
    }
    std::optional<ValidationLevel> level;
    if (levelName) {
        level = validationLevelFromName(*levelName);
        if (!level)
            return usageError(QStringLiteral("--level must be basic, standard or strict, not '%1'")
                                  .arg(*levelName));
    }
    if (args.isEmpty())
        args.append(workspaceDir);
    if (!level) {
        Diagnostics ignored;
        const auto workspace = loadWorkspace(workspaceDir, ignored);
        level = workspace ? workspace->strictestLevel() : ValidationLevel::Standard;
    }

    bool unreadable = false;
    QList<FileReport> reports;
    for (const QString& arg : std::as_const(args)) {
        if (!QFileInfo::exists(arg)) {
            printErr(QStringLiteral("launchdeck: %1: no such file or folder\n").arg(arg));
            unreadable = true;
            continue;
        }
        for (const QString& file : validationTargets(arg)) {
            FileReport report{displayPath(file), validateFile(file, *level)};
            for (const Diagnostic& d : std::as_const(report.diagnostics))
                unreadable = unreadable || d.rule == u"unreadable";
            reports.append(std::move(report));
        }
    }
    printOut(json ? QString::fromUtf8(formatJsonReport(reports)) : formatTextReport(reports));
    if (unreadable)
        return kUsage;
    return summarize(reports).errors > 0 ? kFailed : kOk;
}

QString renderedFileName(const YAML::Node& object)
{
    const auto text = [&](const YAML::Node& node) {
        return node.IsDefined() && node.IsScalar() ? yamlText(node).toLower() : QString();
    };
    return text(object["kind"]) + u'-' + text(object["metadata"]["name"]) + u".yaml";
}

int runRender(QStringList args)
{
    QString error;
    std::optional<QString> to;
    std::optional<QString> outputDir;
    if (!takeOption(args, {QStringLiteral("--to")}, to, error) ||
        !takeOption(args, {QStringLiteral("-o"), QStringLiteral("--output")}, outputDir, error))
        return usageError(error);
    const QStringList sets = takeRepeated(args, QStringLiteral("--set"), error);
    if (!error.isEmpty())
        return usageError(error);
    if (args.size() != 1 || args[0].startsWith(u'-'))
        return usageError(
            QStringLiteral("render takes one TEMPLATE file and --to compose|kubernetes"));
    if (!to || (*to != u"compose" && *to != u"kubernetes"))
        return usageError(QStringLiteral("render needs --to compose or --to kubernetes"));
    QHash<QString, QString> overrides;
    for (const QString& set : sets) {
        const qsizetype eq = set.indexOf(u'=');
        if (eq <= 0)
            return usageError(QStringLiteral("--set takes NAME=VALUE, not '%1'").arg(set));
        overrides.insert(set.left(eq), set.mid(eq + 1));
    }

    const QString path = args[0];
    Diagnostics out;
    const YamlFile file = loadYamlFile(path, out);
    std::optional<templates::InfraTemplate> parsed;
    if (file.readable && !templates::looksLikeTemplate(file)) {
        printErr(QStringLiteral(
                     "launchdeck: %1: not an infrastructure template (it needs 'provider' and "
                     "'resources')\n")
                     .arg(path));
        return kUsage;
    }
    if (file.readable)
        parsed = templates::parseTemplate(file, out);
    templates::RenderResult result;
    if (parsed) {
        result = templates::renderTemplate(*parsed,
                                           *to == u"compose" ? templates::RenderTarget::Compose
                                                             : templates::RenderTarget::Kubernetes,
                                           overrides, out);
    }
    sortDiagnostics(out);
    bool failed = !parsed;
    for (const Diagnostic& d : std::as_const(out)) {
        printErr(formatDiagnostic(d) + u'\n');
        failed = failed || isError(d.severity);
    }
    if (!file.readable)
        return out.isEmpty() || out[0].rule != u"unreadable" ? kFailed : kUsage;
    if (failed)
        return kFailed;

    if (!outputDir) {
        printOut(result.text);
        return kOk;
    }
    if (!QDir().mkpath(*outputDir)) {
        printErr(QStringLiteral("launchdeck: cannot create folder %1\n").arg(*outputDir));
        return kUsage;
    }
    QList<std::pair<QString, QByteArray>> files;
    if (*to == u"compose") {
        files.append({QStringLiteral("docker-compose.yaml"), result.text.toUtf8()});
    } else {
        Diagnostics ignored;
        const YamlFile rendered = parseYaml(path, result.text.toUtf8(), ignored);
        const QStringList documents = result.text.split(QStringLiteral("\n---\n"));
        for (qsizetype i = 0; i < rendered.documents.size() && i < documents.size(); ++i) {
            QString text = documents[i];
            if (text.startsWith(QStringLiteral("---\n")))
                text.remove(0, 4);
            if (!text.endsWith(u'\n'))
                text += u'\n';
            files.append({renderedFileName(rendered.documents[i].root), text.toUtf8()});
        }
    }
    for (const auto& [name, bytes] : files) {
        QSaveFile output(QDir(*outputDir).filePath(name));
        if (!output.open(QIODevice::WriteOnly) || output.write(bytes) != bytes.size() ||
            !output.commit()) {
            printErr(QStringLiteral("launchdeck: cannot write %1: %2\n")
                         .arg(output.fileName(), output.errorString()));
            return kFailed;
        }
        printErr(QStringLiteral("wrote %1\n").arg(displayPath(output.fileName())));
    }
    return kOk;
}

} // namespace

int runCommandLine(const QStringList& arguments)
{
    QStringList args = arguments;
    QString error;
    std::optional<QString> workspace;
    if (!takeOption(args, {QStringLiteral("--workspace"), QStringLiteral("-w")}, workspace, error))
        return usageError(error);
    if (args.isEmpty())
        return -1;
    const QString command = args.takeFirst();
    if (command == u"--help" || command == u"-h" || command == u"help") {
        printOut(helpText());
        return kOk;
    }
    if (command == u"--version" || command == u"-V") {
        printOut(QStringLiteral("launchdeck %1\n").arg(QStringLiteral(LAUNCHDECK_VERSION)));
        return kOk;
    }
    const QString workspaceDir = workspace.value_or(QDir::currentPath());
    if (workspace && !QFileInfo(*workspace).isDir())
        return usageError(QStringLiteral("--workspace %1: no such folder").arg(*workspace));
    if (command == u"validate")
        return runValidate(args, workspaceDir);
    if (command == u"render")
        return runRender(args);
    if (command == u"pipeline")
        return runPipelineCommand(args, workspaceDir);
    if (command == u"history")
        return runHistoryCommand(args);
    if (!command.startsWith(u'-') && args.isEmpty() && QFileInfo(command).isDir())
        return -1; // `launchdeck DIR` opens that workspace
    return usageError(QStringLiteral("unknown command '%1'").arg(command));
}

} // namespace launchdeck
