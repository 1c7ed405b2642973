// Argument parsing for `launchdeck COMMAND …` and the wiring to the services that do the work.
#include "commandline.h"

#include "cliio.h"
#include "deploycommand.h"

#include "historycommand.h"
#include "imagecommand.h"
#include "pipelinecommand.h"
#include "registrycommand.h"

#include "core/yamlsource.h"
#include "session/workspacesession.h"
#include "templates/template.h"
#include "validation/checkfiles.h"
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

using namespace cli;

QString helpText()
{
    return QStringLiteral(
        "Usage: launchdeck [--workspace DIR]            open the console\n"
        "       launchdeck COMMAND [OPTIONS]\n"
        "\n"
        "Commands:\n"
        "  validate [PATH...] [--level basic|standard|strict] [--kubernetes-version X.Y]\n"
        "           [--json]\n"
        "      Check the workspace, pipelines, templates, Compose files and Kubernetes\n"
        "      manifests offline; a file is recognised by its content wherever it lives.\n"
        "      Manifests are checked for the Kubernetes releases the environments name\n"
        "      (kubernetes_version), or for X.Y.\n"
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
        "  deploy APP --env ENV [--version TAG] [--strategy S] [--no-auto-rollback]\n"
        "         [--auto-promote] [--force] [--confirm ENV] [--json]\n"
        "      Deploy a version (an image tag) of an application to an environment on its\n"
        "      Docker host or Kubernetes cluster through validation, tests, the strategy\n"
        "      (recreate, rolling, blue-green, canary) and monitoring. A protected\n"
        "      environment needs --confirm with its name. Progress on standard error,\n"
        "      the result on standard output. --force: findings that can be forced do not\n"
        "      stop it, and on a cluster fields other managers own are taken.\n"
        "      Exit 0 completed, 1 failed or rolled back, 2 bad usage.\n"
        "  rollback APP --env ENV --reason TEXT [--to REVISION] [--confirm ENV]\n"
        "         [--remove-volumes] [--force] [--keep-old] [--json]\n"
        "      Return to an earlier revision (default: the one before the live one).\n"
        "      --remove-volumes and --keep-old apply to Docker hosts only.\n"
        "  status [APP] [--env ENV] [--json]\n"
        "      The live revision, health and replicas of every application and environment.\n"
        "  history [APP] [--env ENV] [--json] [--verify]\n"
        "      Deployments and rollbacks newest first, with metrics per application and\n"
        "      environment. --verify checks the audit log's hash chain: exit 0 intact, 1 broken.\n"
        "  image pull|push IMAGE [--env ENV] [--json]\n"
        "      Pull an image (registry.example.com:5000/shop/web:1.5.0) to the Docker host of\n"
        "      environment ENV, or push it from there, with the registry credentials\n"
        "      deployments use; each layer's progress on standard error, the digest on\n"
        "      standard output. ENV may be left out when every Docker environment is on one\n"
        "      host. Exit 0 done, 1 failed, 130 cancelled.\n"
        "  registry login HOST --username USER --password-stdin [--insecure]\n"
        "         [--certs-dir DIR]\n"
        "      Check the password (read from standard input) against the registry, then keep\n"
        "      it in the OS keyring, where deployments and the console find it when the\n"
        "      docker configuration has none for HOST. The registry's CA is DIR/HOST/ca.crt\n"
        "      (default /etc/docker/certs.d, as the Docker daemon reads it); --insecure:\n"
        "      plain HTTP. Exit 0 logged in, 1 refused or not stored.\n"
        "  registry logout HOST\n"
        "      Remove the keyring's credentials for HOST.\n"
        "  registry tags REPOSITORY [--page-size N] [--insecure] [--certs-dir DIR] [--json]\n"
        "      The tags of an image repository (registry.example.com:5000/shop/web) newest\n"
        "      first, with the image's creation time and the manifest digest.\n"
        "\n"
        "Options:\n"
        "  --workspace DIR   the workspace folder (default: the current folder)\n"
        "  --json            machine-readable output\n"
        "  -h, --help        this help\n"
        "  -V, --version     the version\n");
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
    std::optional<QString> kubeVersionText;
    if (!takeOption(args, {QStringLiteral("--level")}, levelName, error) ||
        !takeOption(args, {QStringLiteral("--kubernetes-version")}, kubeVersionText, error))
        return usage(error);
    const bool json = takeFlag(args, QStringLiteral("--json"));
    for (const QString& arg : std::as_const(args)) {
        if (arg.startsWith(u'-') && arg != u"-")
            return usage(QStringLiteral("validate: unknown option '%1'").arg(arg));
    }
    std::optional<ValidationLevel> level;
    if (levelName) {
        level = validationLevelFromName(*levelName);
        if (!level)
            return usage(QStringLiteral("--level must be basic, standard or strict, not '%1'")
                             .arg(*levelName));
    }
    if (kubeVersionText) {
        if (const QString problem = kubeVersionProblem(*kubeVersionText); !problem.isEmpty())
            return usage(QStringLiteral("--kubernetes-version %1").arg(problem));
    }
    if (args.isEmpty())
        args.append(workspaceDir);
    ValidationOptions options;
    if (!level || !kubeVersionText) {
        // The workspace as the console reads it: its strictest environment decides the level,
        // its environments the Kubernetes releases.
        WorkspaceSession session(SessionOptions{.root = workspaceDir});
        session.openBlocking();
        if (session.workspace())
            options = validationOptionsFor(*session.workspace());
    }
    if (level)
        options.level = *level;
    if (kubeVersionText)
        options.kubernetes = {KubeCluster{*KubeVersion::parse(*kubeVersionText), {}, false}};

    bool unreadable = false;
    QStringList files;
    for (const QString& arg : std::as_const(args)) {
        if (!QFileInfo::exists(arg)) {
            emitErr(QStringLiteral("launchdeck: %1: no such file or folder\n").arg(arg));
            unreadable = true;
            continue;
        }
        files += validationTargets(arg);
    }
    QList<FileCheck> checks = checkFiles(files, options);
    QList<FileReport> reports;
    for (qsizetype i = 0; i < files.size(); ++i) {
        FileCheck& check = checks[i];
        FileReport report{displayPath(files[i]), std::move(check.diagnostics),
                          check.kind == FileKind::Unknown ? QString() : fileKindName(check.kind)};
        for (const Diagnostic& d : std::as_const(report.diagnostics))
            unreadable = unreadable || d.rule == u"unreadable";
        reports.append(std::move(report));
    }
    emitOut(json ? QString::fromUtf8(formatJsonReport(reports)) : formatTextReport(reports));
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
        return usage(error);
    const QStringList sets = takeRepeated(args, QStringLiteral("--set"), error);
    if (!error.isEmpty())
        return usage(error);
    if (args.size() != 1 || args[0].startsWith(u'-'))
        return usage(QStringLiteral("render takes one TEMPLATE file and --to compose|kubernetes"));
    if (!to || (*to != u"compose" && *to != u"kubernetes"))
        return usage(QStringLiteral("render needs --to compose or --to kubernetes"));
    QHash<QString, QString> overrides;
    for (const QString& set : sets) {
        const qsizetype eq = set.indexOf(u'=');
        if (eq <= 0)
            return usage(QStringLiteral("--set takes NAME=VALUE, not '%1'").arg(set));
        overrides.insert(set.left(eq), set.mid(eq + 1));
    }

    const QString path = args[0];
    Diagnostics out;
    const YamlFile file = loadYamlFile(path, out);
    std::optional<templates::InfraTemplate> parsed;
    if (file.readable && !templates::looksLikeTemplate(file)) {
        emitErr(QStringLiteral(
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
        emitErr(formatDiagnostic(d) + u'\n');
        failed = failed || isError(d.severity);
    }
    if (!file.readable)
        return out.isEmpty() || out[0].rule != u"unreadable" ? kFailed : kUsage;
    if (failed)
        return kFailed;

    if (!outputDir) {
        emitOut(result.text);
        return kOk;
    }
    if (!QDir().mkpath(*outputDir)) {
        emitErr(QStringLiteral("launchdeck: cannot create folder %1\n").arg(*outputDir));
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
            emitErr(QStringLiteral("launchdeck: cannot write %1: %2\n")
                        .arg(output.fileName(), output.errorString()));
            return kFailed;
        }
        emitErr(QStringLiteral("wrote %1\n").arg(displayPath(output.fileName())));
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
        return usage(error);
    if (args.isEmpty())
        return -1;
    const QString command = args.takeFirst();
    if (command == u"--help" || command == u"-h" || command == u"help") {
        emitOut(helpText());
        return kOk;
    }
    if (command == u"--version" || command == u"-V") {
        emitOut(QStringLiteral("launchdeck %1\n").arg(QStringLiteral(LAUNCHDECK_VERSION)));
        return kOk;
    }
    const QString workspaceDir = workspace.value_or(QDir::currentPath());
    if (workspace && !QFileInfo(*workspace).isDir())
        return usage(QStringLiteral("--workspace %1: no such folder").arg(*workspace));
    if (command == u"validate")
        return runValidate(args, workspaceDir);
    if (command == u"render")
        return runRender(args);
    if (command == u"pipeline")
        return runPipelineCommand(args, workspaceDir);
    if (command == u"history")
        return runHistoryCommand(args);
    if (command == u"deploy")
        return runDeployCommand(args, workspaceDir);
    if (command == u"rollback")
        return runRollbackCommand(args, workspaceDir);
    if (command == u"status")
        return runStatusCommand(args, workspaceDir);
    if (command == u"registry")
        return runRegistryCommand(args);
    if (command == u"image")
        return runImageCommand(args, workspaceDir);
    if (!command.startsWith(u'-') && args.isEmpty() && QFileInfo(command).isDir())
        return -1; // `launchdeck DIR` opens that workspace
    return usage(QStringLiteral("unknown command '%1'").arg(command));
}

} // namespace launchdeck
