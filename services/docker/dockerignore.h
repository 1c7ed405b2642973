// .dockerignore as the docker CLI reads it: patterns cleaned like Go's filepath.Clean and
// matched like Docker's pattern matcher, where the last pattern that matches a path wins.
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace launchdeck {

// Go's filepath.Clean on '/'-separated paths: no empty, "." or resolvable ".." elements, no
// trailing slash; "" becomes ".".
QString cleanDockerPath(const QString& path);

class DockerIgnore final
{
public:
    DockerIgnore() = default;

    // The lines of a .dockerignore: '#' comments and blank lines skipped, a leading '!' makes an
    // exception, the rest is cleaned and loses a leading '/'. A malformed pattern is an error
    // naming `where` and its line.
    static Result<DockerIgnore> parse(const QByteArray& content, const QString& where = {});
    // <contextDir>/.dockerignore; a context without one has no patterns.
    static Result<DockerIgnore> load(const QString& contextDir);

    // As cleaned, exceptions with their '!'.
    QStringList patterns() const;
    bool hasExceptions() const { return m_hasExceptions; }

    // Whether `path` (relative to the context, '/'-separated) stays out of the context. A
    // pattern matches a path when it matches the path or one of its parent folders; the last
    // matching pattern decides.
    bool excludes(const QString& path) const;
    // Whether an exception could bring back something below the excluded folder `dir`, in
    // which case the walk has to enter it although the folder itself stays out.
    bool mayIncludeBelow(const QString& dir) const;
    // Adds an exception for `path` when the patterns exclude it, as the CLI does for the
    // Dockerfile and .dockerignore, which the daemon always needs.
    void keep(const QString& path);

private:
    struct Pattern
    {
        QString text; // cleaned, without the '!'
        bool exception = false;
        QRegularExpression regex;
    };
    // Translates one cleaned pattern; an error says what is malformed.
    static Result<Pattern> compile(const QString& text, bool exception);
    static bool matches(const Pattern& pattern, const QString& path);

    QList<Pattern> m_patterns;
    bool m_hasExceptions = false;
};

} // namespace launchdeck
