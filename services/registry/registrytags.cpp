// Tags with their digests and creation times, newest first.
#include "registry/registrytags.h"

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
                                       int pageSize)
{
    const Result<QStringList> tags = client.tags(repository, pageSize);
    if (!tags)
        return tags.error();
    QList<TagInfo> infos;
    infos.reserve(tags->size());
    for (const QString& tag : *tags) {
        const Result<ManifestInfo> manifest = client.manifest(repository, tag);
        if (!manifest)
            return manifest.error();
        infos.append(TagInfo{tag, manifest->digest, manifest->created});
    }
    std::sort(infos.begin(), infos.end(), [](const TagInfo& a, const TagInfo& b) {
        if (a.created.has_value() != b.created.has_value())
            return a.created.has_value();
        if (a.created && *a.created != *b.created)
            return *a.created > *b.created;
        return a.tag < b.tag;
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
