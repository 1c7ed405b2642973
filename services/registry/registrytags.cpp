// Tags with their digests and creation times, newest first.
#include "registry/registrytags.h"

#include <QHash>

#include <algorithm>

namespace launchdeck::registry {

std::optional<ImageRepository> parseImageRepository(const QString& name)
{
    const QString text = name.trimmed();
    if (text.isEmpty() || text.contains(u'@'))
        return std::nullopt;
    const qsizetype slash = text.indexOf(u'/');
    ImageRepository parsed{QStringLiteral("docker.io"), text};
    if (slash > 0) {
        const QString first = text.left(slash);
        if (first.contains(u'.') || first.contains(u':') || first == u"localhost")
            parsed = ImageRepository{first, text.mid(slash + 1)};
    }
    // A colon after the host is a tag: this names a repository, not an image.
    if (parsed.repository.isEmpty() || parsed.repository.contains(u':'))
        return std::nullopt;
    for (const QString& part : parsed.repository.split(u'/')) {
        if (part.isEmpty())
            return std::nullopt;
    }
    return parsed;
}

Result<QList<TagInfo>> tagsNewestFirst(RegistryClient& client, const QString& repository,
                                       int pageSize, int manifestLimit)
{
    const Result<QStringList> tags = client.tags(repository, pageSize);
    if (!tags)
        return tags.error();
    QList<TagInfo> infos;
    infos.reserve(tags->size());
    QHash<QString, qsizetype> order;
    for (qsizetype i = 0; i < tags->size(); ++i) {
        const QString& tag = tags->at(i);
        order.insert(tag, i);
        TagInfo info{tag, {}, std::nullopt};
        // A tag whose manifest cannot be read is still listed, undated.
        if (i >= tags->size() - manifestLimit) {
            if (const Result<ManifestInfo> manifest = client.manifest(repository, tag)) {
                info.digest = manifest->digest;
                info.created = manifest->created;
            }
        }
        infos.append(info);
    }
    std::sort(infos.begin(), infos.end(), [&order](const TagInfo& a, const TagInfo& b) {
        if (a.created.has_value() != b.created.has_value())
            return a.created.has_value();
        if (a.created && *a.created != *b.created)
            return *a.created > *b.created;
        return order.value(a.tag) > order.value(b.tag);
    });
    return infos;
}

QString knownTagsNote(RegistryClient& client, const QString& repository, int most)
{
    const Result<QStringList> tags = client.tags(repository);
    if (!tags)
        return {};
    if (tags->isEmpty())
        return QStringLiteral("%1 has no tags").arg(repository);
    const QStringList shown = tags->mid(std::max<qsizetype>(0, tags->size() - most));
    const qsizetype more = tags->size() - shown.size();
    const QString list = shown.size() == 1
                             ? shown.first()
                             : shown.mid(0, shown.size() - 1).join(QStringLiteral(", ")) +
                                   QStringLiteral(" and ") + shown.last();
    if (more > 0)
        return QStringLiteral("%1 has %2 tags, the last %3 of them %4")
            .arg(repository)
            .arg(tags->size())
            .arg(shown.size())
            .arg(list);
    return QStringLiteral("%1 has the tags %2").arg(repository, list);
}

} // namespace launchdeck::registry
