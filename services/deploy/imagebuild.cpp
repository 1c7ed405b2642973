// A deployment's image built from the workspace: base images first, then the daemon's build.
#include "deploy/imagebuild.h"

#include "docker/dockerbuild.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <condition_variable>
#include <mutex>

namespace launchdeck::deploy {

namespace {

// The Dockerfile's instructions, continuation lines joined and comments left out.
QStringList instructions(const QString& text)
{
    QStringList result;
    QString current;
    for (QString line : text.split(u'\n')) {
        line = line.trimmed();
        if (current.isEmpty() && (line.isEmpty() || line.startsWith(u'#')))
            continue;
        if (line.endsWith(u'\\')) {
            current += line.chopped(1) + u' ';
            continue;
        }
        result.append(current + line);
        current.clear();
    }
    if (!current.trimmed().isEmpty())
        result.append(current.trimmed());
    return result;
}

QString substitute(QString text, const QHash<QString, QString>& values)
{
    static const QRegularExpression variable(QStringLiteral(
        R"(\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*))"));
    QString result;
    qsizetype from = 0;
    for (auto it = variable.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        const QString name = match.hasCaptured(1) ? match.captured(1) : match.captured(3);
        result += text.mid(from, match.capturedStart() - from);
        if (values.contains(name) && !values.value(name).isEmpty())
            result += values.value(name);
        else if (match.hasCaptured(2))
            result += match.captured(2);
        else
            result += match.captured(0); // unknown: left for the build to report
        from = match.capturedEnd();
    }
    return result + text.mid(from);
}

QString errorFromBaseImage(const QString& base, const QString& dockerfile, const QString& host,
                           const QString& why)
{
    return QStringLiteral("the base image %1 of %2 is not on %3 and could not be pulled (%4). "
                          "Provide it on %3: docker pull it from a registry this machine reaches "
                          "and docker tag it %1, or docker load it from an archive saved with "
                          "docker save")
        .arg(base, dockerfile, host, why);
}

} // namespace

QStringList dockerfileBaseImages(const QString& dockerfile,
                                 const QList<std::pair<QString, QString>>& args)
{
    QHash<QString, QString> given;
    for (const auto& [name, value] : args)
        given.insert(name, value);
    QHash<QString, QString> values; // ARG defaults before the first FROM, then the given ones
    QSet<QString> stages;
    QStringList bases;
    bool seenFrom = false;
    for (const QString& instruction : instructions(dockerfile)) {
        const QString keyword = instruction.section(u' ', 0, 0, QString::SectionSkipEmpty);
        QStringList words = instruction.split(u' ', Qt::SkipEmptyParts);
        words.removeFirst();
        if (keyword.compare(u"ARG", Qt::CaseInsensitive) == 0 && !seenFrom && !words.isEmpty()) {
            const QString name = words.first().section(u'=', 0, 0);
            const QString fallback = words.first().section(u'=', 1);
            values.insert(name, given.value(name, fallback));
            continue;
        }
        if (keyword.compare(u"FROM", Qt::CaseInsensitive) != 0)
            continue;
        seenFrom = true;
        while (!words.isEmpty() && words.first().startsWith(u"--"))
            words.removeFirst();
        if (words.isEmpty())
            continue;
        const QString image = substitute(words.first(), values);
        if (words.size() >= 3 && words.at(1).compare(u"AS", Qt::CaseInsensitive) == 0)
            stages.insert(words.at(2).toLower());
        if (image.contains(u'$') || image.compare(u"scratch", Qt::CaseInsensitive) == 0 ||
            stages.contains(image.toLower()) || bases.contains(image))
            continue;
        bases.append(image);
    }
    return bases;
}

Result<QString> buildForDeployment(const DockerEndpoint& endpoint, const QString& apiVersion,
                                   const QString& workspaceRoot, const BuildSpec& build,
                                   const QString& image, const ImageBuildHooks& hooks)
{
    const QString context = QDir(workspaceRoot).filePath(build.context);
    const QString dockerfilePath = QDir(context).filePath(build.dockerfile);
    const QString shownDockerfile = QDir::cleanPath(build.context + u'/' + build.dockerfile);
    QFile file(dockerfilePath);
    if (!file.open(QIODevice::ReadOnly))
        return Error{
            QStringLiteral("cannot read the Dockerfile of the build: %1").arg(file.errorString()),
            dockerfilePath};

    for (const QString& base :
         dockerfileBaseImages(QString::fromUtf8(file.readAll()), build.args)) {
        const Result<bool> present = hooks.present(base);
        if (!present)
            return present.error();
        if (*present) {
            hooks.log(QStringLiteral("base image %1 is on the host").arg(base));
            continue;
        }
        const Result<bool> pulled = hooks.pull(base);
        if (!pulled)
            return Error{errorFromBaseImage(base, shownDockerfile, endpoint.toString(),
                                            pulled.error().message),
                         dockerfilePath};
        if (hooks.cancel && hooks.cancel->load())
            return Error{QStringLiteral("cancelled")};
    }

    DockerBuildRequest request;
    request.contextDir = context;
    request.dockerfile = build.dockerfile;
    request.tags = {image};
    request.buildArgs = QList<QPair<QString, QString>>(build.args.begin(), build.args.end());
    hooks.log(QStringLiteral("building %1 from %2").arg(image, shownDockerfile));

    std::mutex mutex;
    std::condition_variable ended;
    std::optional<std::pair<QString, QString>> outcome; // image id, error
    DockerImageBuilder builder(endpoint, apiVersion);
    QObject::connect(
        &builder, &DockerImageBuilder::progress, &builder,
        [&hooks](const QString& line) { hooks.log(line); }, Qt::DirectConnection);
    QObject::connect(
        &builder, &DockerImageBuilder::finished, &builder,
        [&](const QString& id, const QString& error) {
            const std::lock_guard lock(mutex);
            outcome = std::make_pair(id, error);
            ended.notify_all();
        },
        Qt::DirectConnection);
    if (!builder.start(request))
        return Error{QStringLiteral("the image builder is busy"), shownDockerfile};
    std::unique_lock lock(mutex);
    while (!outcome) {
        if (hooks.cancel && hooks.cancel->load()) {
            lock.unlock();
            builder.cancel();
            return Error{QStringLiteral("cancelled")};
        }
        ended.wait_for(lock, std::chrono::milliseconds(100));
    }
    if (!outcome->second.isEmpty())
        return Error{QStringLiteral("building %1 from %2 failed: %3")
                         .arg(image, shownDockerfile, outcome->second),
                     dockerfilePath};
    hooks.log(QStringLiteral("built %1 (%2)").arg(image, outcome->first));
    return outcome->first;
}

} // namespace launchdeck::deploy
