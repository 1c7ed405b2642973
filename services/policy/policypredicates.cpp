// The shared risk predicates behind the Kubernetes and Compose policy checks.
#include "policy/policypredicates.h"

#include <QList>
#include <QString>

namespace launchdeck {

namespace {

// "/var//run/./docker.sock/" and "/var/run/docker.sock" must be judged alike: a policy that a
// stray slash defeats is no policy. Relative paths stay as they are (hostPath needs absolute).
QString normalizedHostPath(QStringView path)
{
    path = path.trimmed();
    if (!path.startsWith(u'/'))
        return path.toString();
    QList<QStringView> parts;
    for (const QStringView part : path.tokenize(u'/', Qt::SkipEmptyParts)) {
        if (part == u".")
            continue;
        if (part == u"..") {
            if (!parts.isEmpty())
                parts.removeLast();
            continue;
        }
        parts.append(part);
    }
    QString normalized;
    for (const QStringView part : parts)
        normalized += u'/' + part;
    return normalized.isEmpty() ? QStringLiteral("/") : normalized;
}

bool endsWithSocket(QStringView path, QStringView socketName)
{
    return path.endsWith(socketName) &&
           (path.size() == socketName.size() || path[path.size() - socketName.size() - 1] == u'/');
}

} // namespace

bool isLatestTag(QStringView image)
{
    image = image.trimmed();
    if (image.isEmpty() || image.contains(u'@'))
        return false;
    const qsizetype slash = image.lastIndexOf(u'/');
    const QStringView lastSegment = image.mid(slash + 1);
    const qsizetype colon = lastSegment.indexOf(u':');
    if (colon < 0)
        return true;
    const QStringView tag = lastSegment.mid(colon + 1);
    return tag.isEmpty() || tag == u"latest";
}

bool isDockerSocketPath(QStringView hostPath)
{
    return normalizedHostPath(hostPath).endsWith(u"docker.sock");
}

bool isSensitiveHostPath(QStringView hostPath)
{
    static constexpr QStringView kExact[] = {u"/",
                                             u"/boot",
                                             u"/dev",
                                             u"/etc",
                                             u"/lib",
                                             u"/proc",
                                             u"/sys",
                                             u"/usr",
                                             u"/root",
                                             u"/var/lib/kubelet",
                                             u"/var/lib/docker",
                                             u"/var/lib/containerd",
                                             u"/var/run",
                                             u"/run",
                                             u"/etc/kubernetes"};
    // Below these every path is as dangerous as the directory: kernel and kubelet state.
    static constexpr QStringView kTrees[] = {
        u"/proc/",           u"/sys/",           u"/boot/", u"/root/", u"/var/lib/kubelet/",
        u"/etc/kubernetes/", u"/var/lib/docker/"};
    static constexpr QStringView kSockets[] = {u"docker.sock", u"containerd.sock", u"crio.sock",
                                               u"cri-dockerd.sock"};
    const QString path = normalizedHostPath(hostPath);
    if (!path.startsWith(u'/'))
        return false;
    for (const QStringView exact : kExact) {
        if (path == exact)
            return true;
    }
    for (const QStringView tree : kTrees) {
        if (path.startsWith(tree))
            return true;
    }
    for (const QStringView socket : kSockets) {
        if (endsWithSocket(path, socket))
            return true;
    }
    return false;
}

bool looksLikeSecretEnvName(QStringView name)
{
    static constexpr QStringView kFragments[] = {
        u"SECRET",      u"PASSWORD",   u"PASSWD", u"PASSPHRASE", u"TOKEN",      u"CREDENTIAL",
        u"PRIVATE_KEY", u"PRIVATEKEY", u"APIKEY", u"API_KEY",    u"ACCESS_KEY", u"ACCESSKEY"};
    const QString upper = name.trimmed().toString().toUpper();
    if (upper.isEmpty())
        return false;
    for (const QStringView fragment : kFragments) {
        if (upper.contains(fragment))
            return true;
    }
    // "STRIPE_KEY", "ENCRYPTION-KEY": a trailing KEY word names a key; "KEY_PREFIX" and
    // "PUBLIC_KEY" do not hold one.
    const QList<QStringView> words = QStringView(upper).split(QChar(u'_'), Qt::SkipEmptyParts);
    QList<QStringView> all;
    for (const QStringView word : words) {
        for (const QStringView part : word.split(u'-', Qt::SkipEmptyParts))
            all.append(part);
    }
    return !all.isEmpty() && all.last() == u"KEY" &&
           (all.size() < 2 || all[all.size() - 2] != u"PUBLIC");
}

} // namespace launchdeck
