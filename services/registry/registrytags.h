// A repository's tags as a release engineer reads them: each with its manifest digest and the
// image's creation time, newest first. Blocking: never on the GUI thread.
#pragma once

#include "core/result.h"
#include "registry/registryclient.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <limits>
#include <optional>

namespace launchdeck::registry {

// "127.0.0.1:5000/shop/web" is host "127.0.0.1:5000" and repository "shop/web"; "shop/web" and
// "nginx" are on Docker Hub ("docker.io"), as the Docker daemon reads image names.
struct ImageRepository
{
    QString host;
    QString repository;
};

// Empty when `name` is no repository name (empty, a tag or digest given, an empty part).
std::optional<ImageRepository> parseImageRepository(const QString& name);

struct TagInfo
{
    QString tag;
    QString digest;
    std::optional<QDateTime> created; // when the manifest's image config says
};

// Every tag of `repository` (asked `pageSize` a page), the manifests read for the last
// `manifestLimit` in the registry's order (a tag whose manifest cannot be read stays, undated):
// dated tags newest first, then the undated, later in the registry's order first.
Result<QList<TagInfo>> tagsNewestFirst(RegistryClient& client, const QString& repository,
                                       int pageSize = 100,
                                       int manifestLimit = std::numeric_limits<int>::max());

// For a message about a tag the registry does not have: "shop/web has the tags 1.0, 1.1 and
// 2.0" (in the registry's order; beyond `most`, "shop/web has 40 tags, the last 10 of them …"),
// "shop/web has no tags", or empty when the registry cannot say.
QString knownTagsNote(RegistryClient& client, const QString& repository, int most = 10);

} // namespace launchdeck::registry
