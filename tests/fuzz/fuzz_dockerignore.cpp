// libFuzzer entry for .dockerignore: the input is the file's text, then optionally a NUL byte and
// paths of the build context, one a line. A file parses or fails naming its line; for each path,
// a folder the walk would skip (excluded, and no exception could reach below it) holds nothing
// that is included, and keep() always brings the path back.
#include "docker/dockerignore.h"
#include "fuzzsupport.h"

using launchdeck::DockerIgnore;
using launchdeck::fuzz::fail;

namespace {

constexpr const char* kName = "fuzz_dockerignore";
constexpr qsizetype kMaxPaths = 32;

// The form the context walk produces: relative, '/'-separated, no empty, "." or ".." element.
QString contextPath(const QByteArray& line)
{
    QStringList kept;
    for (const QString& element : QString::fromUtf8(line).split(u'/', Qt::SkipEmptyParts)) {
        if (element != u"." && element != u"..")
            kept.append(element);
    }
    return kept.join(u'/');
}

void checkPath(const DockerIgnore& ignore, const QString& path)
{
    const bool excluded = ignore.excludes(path);
    if (!excluded) {
        for (qsizetype slash = path.indexOf(u'/'); slash > 0;
             slash = path.indexOf(u'/', slash + 1)) {
            const QString folder = path.left(slash);
            if (ignore.excludes(folder) && !ignore.mayIncludeBelow(folder))
                fail(kName, QStringLiteral("'%1' is included but the walk would skip its folder "
                                           "'%2'; patterns: %3")
                                .arg(path, folder, ignore.patterns().join(u' ')));
        }
    }
    DockerIgnore kept = ignore;
    kept.keep(path);
    if (kept.excludes(path))
        fail(kName, QStringLiteral("'%1' is still excluded after keep(); patterns: %2")
                        .arg(path, ignore.patterns().join(u' ')));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArrayView input = launchdeck::fuzz::bytesOf(data, size);
    const qsizetype separator = input.indexOf('\0');
    const QByteArray text = (separator < 0 ? input : input.first(separator)).toByteArray();
    const QString where = QStringLiteral("context/.dockerignore");

    const launchdeck::Result<DockerIgnore> ignore = DockerIgnore::parse(text, where);
    if (!ignore) {
        if (ignore.error().message.isEmpty() || !ignore.error().where.startsWith(where + u':'))
            fail(kName, QStringLiteral("a rejected file does not name its line: ") +
                            ignore.error().toString());
        return 0;
    }
    for (const QString& pattern : ignore->patterns()) {
        if (pattern.isEmpty())
            fail(kName, QStringLiteral("an empty pattern was kept"));
    }
    if (separator < 0)
        return 0;
    const QList<QByteArray> lines = input.sliced(separator + 1).toByteArray().split('\n');
    for (qsizetype i = 0; i < lines.size() && i < kMaxPaths; ++i) {
        const QString path = contextPath(lines.at(i));
        if (!path.isEmpty())
            checkPath(*ignore, path);
    }
    return 0;
}
