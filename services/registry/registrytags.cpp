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

} // namespace launchdeck::registry
