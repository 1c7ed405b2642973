// Wiring of `launchdeck registry login|logout|tags` to services/registry: the password comes
// from standard input only, never from an argument, and is never printed.
#include "registrycommand.h"

#include "cliio.h"
#include "deploymentformat.h"

#include "registry/registrycredentials.h"
#include "registry/registrylocation.h"
#include "registry/registrylogin.h"
#include "registry/registrytags.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcessEnvironment>

#include <cstdio>

namespace launchdeck {

namespace {

using namespace cli;
using namespace registry;

// --insecure and --certs-dir: how the registry is reached, as the Docker daemon reaches it.
struct Reach
{
    bool insecure = false;
    QString certificatesFolder = defaultCertificatesFolder();
};

bool takeReach(QStringList& args, Reach& reach, QString& error)
{
    std::optional<QString> folder;
    if (!takeOption(args, {QStringLiteral("--certs-dir")}, folder, error))
        return false;
    if (folder)
        reach.certificatesFolder = *folder;
    reach.insecure = takeFlag(args, QStringLiteral("--insecure"));
    return true;
}

// How the Docker daemon reaches HOST: --insecure is plain HTTP; else TLS (the CA from
// certs.d), and plain HTTP for a loopback registry that does not speak TLS, which the daemon
// counts among its insecure registries by default.
RegistryEndpoint endpointFor(const QString& host, const Reach& reach,
                             const std::optional<RegistryCredentials>& credentials)
{
    RegistryEndpoint chosen = daemonEndpoint(host, reach.insecure, reach.certificatesFolder);
    if (!reach.insecure) {
        DaemonRegistryConfig config;
        config.certsDir = reach.certificatesFolder;
        config.insecureRegistries = {QStringLiteral("127.0.0.0/8")};
        const QList<RegistryEndpoint> candidates = registryEndpoints(host, config);
        if (candidates.size() > 1) {
            RegistryClient probe(candidates.first());
            if (!probe.ping() && probe.lastFailure() == RegistryFailure::NotTls)
                chosen = candidates.last();
        }
    }
    chosen.credentials = credentials;
    return chosen;
}

// One positional argument, no unknown option; else the usage error's message.
QString oneOperand(const QStringList& args, const QString& command, const QString& operand)
{
    for (const QString& arg : args) {
        if (arg.startsWith(u'-'))
            return QStringLiteral("registry %1: unknown option '%2'").arg(command, arg);
    }
    if (args.size() != 1)
        return QStringLiteral("registry %1 takes one %2").arg(command, operand);
    return {};
}

// Standard input whole, without the line end `echo` or a file adds, as docker login reads it.
QString passwordFromStdin()
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return {};
    QByteArray bytes = in.readAll();
    if (bytes.endsWith('\n'))
        bytes.chop(1);
    if (bytes.endsWith('\r'))
        bytes.chop(1);
    return QString::fromUtf8(bytes);
}

int runLogin(QStringList args)
{
    QString error;
    std::optional<QString> username;
    Reach reach;
    for (const QString& arg : std::as_const(args)) {
        if (arg == u"--password" || arg == u"-p" || arg.startsWith(u"--password="))
            return usage(QStringLiteral("registry login reads the password from standard input "
                                        "(--password-stdin), never from an argument"));
    }
    if (!takeOption(args, {QStringLiteral("--username"), QStringLiteral("-u")}, username, error) ||
        !takeReach(args, reach, error))
        return usage(error);
    const bool fromStdin = takeFlag(args, QStringLiteral("--password-stdin"));
    if (const QString problem = oneOperand(args, QStringLiteral("login"), QStringLiteral("HOST"));
        !problem.isEmpty())
        return usage(problem);
    if (!username || username->isEmpty())
        return usage(QStringLiteral("registry login needs --username"));
    if (!fromStdin)
        return usage(QStringLiteral("registry login reads the password from standard input: "
                                    "give --password-stdin"));
    const QString host = normalizedRegistryHost(args.constFirst());
    if (host.isEmpty())
        return usage(QStringLiteral("registry login needs a registry HOST"));

    CliApplication application;
    const QString password = passwordFromStdin();
    if (password.isEmpty()) {
        emitErr(QStringLiteral("launchdeck: registry login %1: no password on standard input\n")
                    .arg(host));
        return kUsage;
    }
    const RegistryEndpoint endpoint =
        endpointFor(host, reach, RegistryCredentials{*username, password});
    const Result<QString> done = logInToRegistry(endpoint);
    if (!done) {
        emitErr(QStringLiteral("launchdeck: login failed: %1\n").arg(done.error().message));
        return kFailed;
    }
    emitOut(*done + u'\n');
    return kOk;
}

int runLogout(QStringList args)
{
    if (const QString problem = oneOperand(args, QStringLiteral("logout"), QStringLiteral("HOST"));
        !problem.isEmpty())
        return usage(problem);
    const QString host = normalizedRegistryHost(args.constFirst());
    if (host.isEmpty())
        return usage(QStringLiteral("registry logout needs a registry HOST"));
    CliApplication application;
    const Result<QString> done = logOutOfRegistry(host);
    if (!done) {
        emitErr(QStringLiteral("launchdeck: logout failed: %1\n").arg(done.error().message));
        return kFailed;
    }
    emitOut(*done + u'\n');
    return kOk;
}

QString createdText(const TagInfo& tag)
{
    return tag.created ? tag.created->toUTC().toString(Qt::ISODate) : QString();
}

int runTags(QStringList args)
{
    QString error;
    Reach reach;
    std::optional<QString> pageSizeText;
    if (!takeReach(args, reach, error) ||
        !takeOption(args, {QStringLiteral("--page-size")}, pageSizeText, error))
        return usage(error);
    const bool json = takeFlag(args, QStringLiteral("--json"));
    if (const QString problem =
            oneOperand(args, QStringLiteral("tags"), QStringLiteral("IMAGE_REPOSITORY"));
        !problem.isEmpty())
        return usage(problem);
    int pageSize = 100;
    if (pageSizeText) {
        bool number = false;
        pageSize = pageSizeText->toInt(&number);
        if (!number || pageSize < 1)
            return usage(
                QStringLiteral("--page-size takes a positive number, not '%1'").arg(*pageSizeText));
    }
    const std::optional<ImageRepository> repository = parseImageRepository(args.constFirst());
    if (!repository)
        return usage(QStringLiteral("registry tags takes a repository such as "
                                    "registry.example.com:5000/shop/web (no tag), not '%1'")
                         .arg(args.constFirst()));

    CliApplication application;
    const Result<FoundCredentials> found =
        registryCredentials(repository->host, QProcessEnvironment::systemEnvironment());
    if (!found) {
        emitErr(QStringLiteral("launchdeck: the credentials for %1: %2\n")
                    .arg(repository->host, found.error().toString()));
        return kFailed;
    }
    RegistryClient client(endpointFor(repository->host, reach, found->credentials));
    const Result<QList<TagInfo>> tags = tagsNewestFirst(client, repository->repository, pageSize);
    if (!tags) {
        QString message = tags.error().message;
        if (client.lastFailure() == RegistryFailure::Unauthorized && !found->credentials)
            message +=
                QStringLiteral("\n(%1; log in with: launchdeck registry login %2 "
                               "--username USER --password-stdin)")
                    .arg(found->note.isEmpty() ? QStringLiteral("no credentials") : found->note,
                         repository->host);
        emitErr(QStringLiteral("launchdeck: %1\n").arg(message));
        return kFailed;
    }
    if (json) {
        QJsonArray rows;
        for (const TagInfo& tag : *tags) {
            rows.append(
                QJsonObject{{QStringLiteral("tag"), tag.tag},
                            {QStringLiteral("created"), tag.created ? QJsonValue(createdText(tag))
                                                                    : QJsonValue(QJsonValue::Null)},
                            {QStringLiteral("digest"), tag.digest}});
        }
        emitJsonDocument(QJsonObject{{QStringLiteral("registry"), repository->host},
                                     {QStringLiteral("repository"), repository->repository},
                                     {QStringLiteral("tags"), rows}});
        return kOk;
    }
    if (tags->isEmpty()) {
        emitOut(
            QStringLiteral("%1/%2 has no tags\n").arg(repository->host, repository->repository));
        return kOk;
    }
    QList<QStringList> rows{
        {QStringLiteral("TAG"), QStringLiteral("CREATED"), QStringLiteral("DIGEST")}};
    for (const TagInfo& tag : *tags)
        rows.append({tag.tag, tag.created ? createdText(tag) : QStringLiteral("-"), tag.digest});
    emitOut(table(rows));
    return kOk;
}

} // namespace

int runRegistryCommand(const QStringList& arguments)
{
    QStringList args = arguments;
    if (args.isEmpty())
        return usage(QStringLiteral("registry needs login, logout or tags"));
    const QString command = args.takeFirst();
    if (command == u"login")
        return runLogin(args);
    if (command == u"logout")
        return runLogout(args);
    if (command == u"tags")
        return runTags(args);
    return usage(
        QStringLiteral("registry: unknown command '%1' (login, logout or tags)").arg(command));
}

} // namespace launchdeck
