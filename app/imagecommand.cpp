// Wiring of `launchdeck image pull|push` to the workspace session: the transfer runs on a thread
// of its own while the main thread turns the event loop (the keyring answers there), progress
// goes to standard error as `docker pull` prints it, the result to standard output. Ctrl-C
// cancels.
#include "imagecommand.h"

#include "cliio.h"

#include "session/workspacesession.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QMetaObject>

#include <atomic>
#include <thread>

namespace launchdeck {

int runImageCommand(QStringList args, const QString& workspaceDir)
{
    using namespace cli;
    const QString verb = args.isEmpty() ? QString() : args.takeFirst();
    if (verb != u"pull" && verb != u"push")
        return usage(QStringLiteral("image takes pull or push"));
    QString error;
    std::optional<QString> environment;
    if (!takeOption(args, {QStringLiteral("--env")}, environment, error))
        return usage(error);
    const bool json = takeFlag(args, QStringLiteral("--json"));
    for (const QString& arg : std::as_const(args))
        if (arg.startsWith(u'-'))
            return usage(QStringLiteral("image %1: unknown option '%2'").arg(verb, arg));
    if (args.size() != 1)
        return usage(QStringLiteral("image %1 takes one image reference").arg(verb));
    const QString image = args.first();

    CliApplication application;
    WorkspaceSession session(SessionOptions{.root = workspaceDir});
    session.openBlocking();
    if (!session.workspace()) {
        emitErr(QStringLiteral("launchdeck: no workspace at %1\n").arg(workspaceDir));
        return kFailed;
    }
    const Workspace& workspace = *session.workspace();
    if (!environment) {
        const Result<QString> sole = WorkspaceSession::soleDockerEnvironment(workspace);
        if (!sole)
            return usage(sole.error().message);
        environment = *sole;
    }

    std::atomic_bool cancel = false;
    InterruptWatch interrupt;
    QObject::connect(&interrupt, &InterruptWatch::interrupted, &application.app(), [&] {
        emitErr(QStringLiteral("launchdeck: cancelling the %1\n").arg(verb));
        cancel = true;
    });
    std::optional<Result<TransferredImage>> outcome;
    std::thread worker([&] {
        Result<TransferredImage> done = WorkspaceSession::transferImage(
            workspace, *environment, image, verb == u"push",
            [](const QString& line) { emitErr(line + u'\n'); }, &cancel);
        QMetaObject::invokeMethod(&application.app(), [&, result = std::move(done)] {
            outcome = result;
            QCoreApplication::quit();
        });
    });
    QCoreApplication::exec();
    worker.join();

    if (cancel)
        return kInterrupted;
    if (!*outcome) {
        emitErr(QStringLiteral("launchdeck: %1\n").arg(outcome->error().toString()));
        return kFailed;
    }
    const TransferredImage& moved = **outcome;
    if (json)
        emitJson(QJsonObject{{QStringLiteral("image"), image},
                             {QStringLiteral("environment"), *environment},
                             {QStringLiteral("digest"), moved.digest},
                             {QStringLiteral("layers"), moved.layers}});
    else
        emitOut(QStringLiteral("%1 %2 (%3, %4 %5) %6 the Docker host of %7\n")
                    .arg(verb == u"pull" ? QStringLiteral("pulled") : QStringLiteral("pushed"),
                         image, moved.digest.isEmpty() ? QStringLiteral("no digest") : moved.digest)
                    .arg(moved.layers)
                    .arg(moved.layers == 1 ? QStringLiteral("layer") : QStringLiteral("layers"))
                    .arg(verb == u"pull" ? QStringLiteral("to") : QStringLiteral("from"),
                         *environment));
    return kOk;
}

} // namespace launchdeck
