// The build context without a daemon: .dockerignore's rules, the walk they shape, the tar it
// becomes (read back by GNU tar) in flat memory, and the decoding of the build's answer.
#include "docker/dockerbuild.h"
#include "docker/dockerbuildcontext.h"
#include "docker/dockerignore.h"
#include "docker/tarstream.h"
#include "fakes/processmemory.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace launchdeck;
using launchdeck::test::peakResidentKiB;
using launchdeck::test::resetPeakResident;

namespace {

bool writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

QStringList names(const DockerBuildContext& context)
{
    QStringList names;
    for (const TarEntry& entry : context.entries)
        names.append(entry.type == TarEntry::Type::Directory ? entry.name + u'/' : entry.name);
    return names;
}

QByteArray readAll(TarStream& stream, qint64 chunk)
{
    QByteArray archive;
    QByteArray buffer(chunk, '\0');
    for (qint64 n = stream.read(buffer.data(), chunk); n > 0; n = stream.read(buffer.data(), chunk))
        archive.append(buffer.constData(), n);
    return archive;
}

QString gnuTar(const QStringList& arguments, QString* errors = nullptr)
{
    QProcess tar;
    tar.start(QStringLiteral("tar"), arguments);
    tar.waitForFinished(30000);
    if (errors)
        *errors = QString::fromUtf8(tar.readAllStandardError());
    return tar.exitCode() == 0 ? QString::fromUtf8(tar.readAllStandardOutput()) : QString();
}

} // namespace

class TestDockerIgnore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleansPathsLikeGo_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("clean");
        QTest::newRow("redundant") << u"a//b/./c/"_qs << u"a/b/c"_qs;
        QTest::newRow("dot-dot") << u"a/b/../c"_qs << u"a/c"_qs;
        QTest::newRow("leading dot-dot") << u"../a"_qs << u"../a"_qs;
        QTest::newRow("rooted dot-dot") << u"/../a"_qs << u"/a"_qs;
        QTest::newRow("to nothing") << u"a/.."_qs << u"."_qs;
        QTest::newRow("empty") << QString() << u"."_qs;
        QTest::newRow("root") << u"/"_qs << u"/"_qs;
    }
    void cleansPathsLikeGo()
    {
        QFETCH(QString, path);
        QFETCH(QString, clean);
        QCOMPARE(cleanDockerPath(path), clean);
    }

    void readsPatternsLikeTheCli()
    {
        const Result<DockerIgnore> ignore =
            DockerIgnore::parse("\xEF\xBB\xBF# a comment\r\n"
                                "\n"
                                "  build/  \r\n"
                                " # only column one starts a comment\n"
                                "/absolute/./path\n"
                                "! keep/../kept.txt \n"
                                "**/*.tmp\n");
        QVERIFY(ignore.ok());
        QCOMPARE(ignore->patterns(),
                 QStringList({u"build"_qs, u"# only column one starts a comment"_qs,
                              u"absolute/path"_qs, u"!kept.txt"_qs, u"**/*.tmp"_qs}));
        QVERIFY(ignore->hasExceptions());
        QVERIFY(ignore->excludes(u"# only column one starts a comment"_qs));
    }

    void rejectsMalformedPatternsWithTheirLine_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("where");
        QTest::newRow("open class") << QByteArray("ok\n[abc\n") << u".dockerignore:2"_qs;
        QTest::newRow("lone bang") << QByteArray("a\nb\n!\n") << u".dockerignore:3"_qs;
        QTest::newRow("trailing backslash") << QByteArray("a\\") << u".dockerignore:1"_qs;
    }
    void rejectsMalformedPatternsWithTheirLine()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, where);
        const Result<DockerIgnore> ignore =
            DockerIgnore::parse(content, QStringLiteral(".dockerignore"));
        QVERIFY(!ignore.ok());
        QCOMPARE(ignore.error().where, where);
    }

    void matchesLikeDocker_data()
    {
        QTest::addColumn<QByteArray>("patterns");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("excluded");
        // '*' and '?' stay within a folder; a pattern anchors at the context's root.
        QTest::newRow("star top") << QByteArray("*.log") << u"a.log"_qs << true;
        QTest::newRow("star not below") << QByteArray("*.log") << u"dir/a.log"_qs << false;
        QTest::newRow("star in folder") << QByteArray("*/temp*") << u"x/temporary"_qs << true;
        QTest::newRow("star one level") << QByteArray("*/temp*") << u"x/y/temp"_qs << false;
        QTest::newRow("question") << QByteArray("?.txt") << u"a.txt"_qs << true;
        QTest::newRow("question one") << QByteArray("?.txt") << u"ab.txt"_qs << false;
        QTest::newRow("question no slash") << QByteArray("a?b") << u"a/b"_qs << false;
        QTest::newRow("class") << QByteArray("[a-c].md") << u"b.md"_qs << true;
        QTest::newRow("class miss") << QByteArray("[a-c].md") << u"d.md"_qs << false;
        QTest::newRow("negated class") << QByteArray("[^a-c].md") << u"d.md"_qs << true;
        // '**' spans any number of folders, none included.
        QTest::newRow("** top") << QByteArray("**/*.log") << u"a.log"_qs << true;
        QTest::newRow("** deep") << QByteArray("**/*.log") << u"a/b/c.log"_qs << true;
        QTest::newRow("** middle none") << QByteArray("a/**/b") << u"a/b"_qs << true;
        QTest::newRow("** middle many") << QByteArray("a/**/b") << u"a/x/y/b"_qs << true;
        QTest::newRow("** middle miss") << QByteArray("a/**/b") << u"a/x/c"_qs << false;
        QTest::newRow("** trailing") << QByteArray("dir/**") << u"dir/a/b"_qs << true;
        QTest::newRow("** alone") << QByteArray("**") << u"any/thing"_qs << true;
        // A folder's pattern covers everything below it.
        QTest::newRow("folder") << QByteArray("dir") << u"dir/sub/file"_qs << true;
        QTest::newRow("folder prefix only") << QByteArray("dir") << u"dirt"_qs << false;
        QTest::newRow("** folder") << QByteArray("**/cache") << u"a/cache/x/y"_qs << true;
        // Exceptions: the last matching pattern wins.
        QTest::newRow("exception") << QByteArray("*.md\n!README.md") << u"README.md"_qs << false;
        QTest::newRow("exception other") << QByteArray("*.md\n!README.md") << u"x.md"_qs << true;
        QTest::newRow("exception first")
            << QByteArray("!README.md\n*.md") << u"README.md"_qs << true;
        QTest::newRow("re-excluded")
            << QByteArray("docs\n!docs/keep\ndocs/keep/tmp") << u"docs/keep/tmp/a"_qs << true;
        QTest::newRow("kept below")
            << QByteArray("docs\n!docs/keep\ndocs/keep/tmp") << u"docs/keep/b"_qs << false;
        QTest::newRow("excluded folder itself")
            << QByteArray("docs\n!docs/keep") << u"docs"_qs << true;
        QTest::newRow("exception anywhere")
            << QByteArray("build\n!**/*.keep") << u"build/x/a.keep"_qs << false;
        // Cleaning, a leading '/', comments, literal names and escapes.
        QTest::newRow("leading slash") << QByteArray("/secret") << u"secret"_qs << true;
        QTest::newRow("trailing slash") << QByteArray("out/") << u"out/bin"_qs << true;
        QTest::newRow("dot segments") << QByteArray("./a/../b") << u"b"_qs << true;
        QTest::newRow("comment") << QByteArray("#a.txt") << u"a.txt"_qs << false;
        QTest::newRow("literal") << QByteArray("notes (1).txt") << u"notes (1).txt"_qs << true;
        QTest::newRow("literal plus") << QByteArray("c++") << u"cc"_qs << false;
        QTest::newRow("dot literal") << QByteArray("a.b") << u"axb"_qs << false;
        QTest::newRow("escaped star") << QByteArray("a\\*b") << u"a*b"_qs << true;
        QTest::newRow("escaped star literal") << QByteArray("a\\*b") << u"axb"_qs << false;
        // A character outside the BMP is two QChars, escaped together; NUL stays NUL even before
        // a digit (an octal escape would swallow it).
        QTest::newRow("emoji") << QByteArray("party-\xF0\x9F\x8E\x89.txt")
                               << QString::fromUtf8("party-\xF0\x9F\x8E\x89.txt") << true;
        QTest::newRow("escaped emoji")
            << QByteArray("\\\xF0\x9F\x8E\x89") << QString::fromUtf8("\xF0\x9F\x8E\x89") << true;
        QTest::newRow("nul before digit") << QByteArray("a\0"
                                                        "1",
                                                        3)
                                          << QString(u"a"_qs + QChar(0) + u"1"_qs) << true;
    }
    void matchesLikeDocker()
    {
        QFETCH(QByteArray, patterns);
        QFETCH(QString, path);
        QFETCH(bool, excluded);
        const Result<DockerIgnore> ignore = DockerIgnore::parse(patterns);
        QVERIFY2(ignore.ok(), qPrintable(ignore.ok() ? QString() : ignore.error().toString()));
        QCOMPARE(ignore->excludes(path), excluded);
    }

    void entersExcludedFoldersOnlyForExceptions()
    {
        const Result<DockerIgnore> ignore =
            DockerIgnore::parse("docs\nvendor\n!docs/keep.txt\nbuild\n!**/*.keep\n");
        QVERIFY(ignore.ok());
        QVERIFY(ignore->mayIncludeBelow(u"docs"_qs));
        QVERIFY(ignore->mayIncludeBelow(u"build"_qs)); // "**/*.keep" may match anywhere
        const Result<DockerIgnore> literal = DockerIgnore::parse("docs\nvendor\n!docs/keep.txt\n");
        QVERIFY(literal.ok());
        QVERIFY(literal->mayIncludeBelow(u"docs"_qs));
        QVERIFY(!literal->mayIncludeBelow(u"vendor"_qs));
    }

    void keepsWhatTheDaemonNeeds()
    {
        Result<DockerIgnore> ignore = DockerIgnore::parse("*\n");
        QVERIFY(ignore.ok());
        ignore.value().keep(u"Dockerfile"_qs);
        ignore.value().keep(u"build [x]/Dockerfile"_qs);
        const QString emoji = QString::fromUtf8("\xF0\x9F\x8E\x89/Dockerfile");
        ignore.value().keep(emoji);
        QVERIFY(!ignore->excludes(u"Dockerfile"_qs));
        QVERIFY(!ignore->excludes(u"build [x]/Dockerfile"_qs));
        QVERIFY(!ignore->excludes(emoji));
        QVERIFY(ignore->excludes(u"build x/Dockerfile"_qs));
        QVERIFY(ignore->excludes(u"other"_qs));
    }

    void listsTheContextAsDockerWould()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = dir.path();
        const QString deep = u"deep/"_qs + QString(60, u'd') + u'/' + QString(60, u'e') +
                             u"/file-with-a-long-name.txt"_qs;
        for (const QString& path :
             {u"Dockerfile"_qs, u"a.log"_qs, u"src/main.c"_qs, u"src/trace.log"_qs,
              u"secret/private.key"_qs, u"secret/public.pem"_qs, u"node_modules/x/index.js"_qs,
              u"zz-ünïcode.txt"_qs, deep}) {
            QVERIFY(writeFile(root + u'/' + path, path.toUtf8()));
        }
        QVERIFY(writeFile(root + u"/.dockerignore"_qs,
                          "# the context\n*.log\nsecret\n!secret/public.pem\nnode_modules\n"
                          "Dockerfile\n.dockerignore\n"));
        QVERIFY(QFile::link(u"src/main.c"_qs, root + u"/link"_qs));

        const Result<DockerBuildContext> context = listDockerBuildContext(root);
        QVERIFY2(context.ok(), qPrintable(context.ok() ? QString() : context.error().toString()));
        QCOMPARE(context->dockerfile, u"Dockerfile"_qs);
        QCOMPARE(names(*context),
                 QStringList({u".dockerignore"_qs, u"Dockerfile"_qs, u"deep/"_qs,
                              u"deep/"_qs + QString(60, u'd') + u'/',
                              u"deep/"_qs + QString(60, u'd') + u'/' + QString(60, u'e') + u'/',
                              deep, u"link"_qs, u"secret/public.pem"_qs, u"src/"_qs,
                              u"src/main.c"_qs, u"src/trace.log"_qs, u"zz-ünïcode.txt"_qs}));
        const TarEntry& link = context->entries.at(6);
        QCOMPARE(link.type, TarEntry::Type::Symlink);
        QCOMPARE(link.linkTarget, u"src/main.c"_qs);
    }

    void namesAMissingDockerfile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const Result<DockerBuildContext> missing =
            listDockerBuildContext(dir.path(), u"build/Dockerfile.prod"_qs);
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().toString().contains(dir.path() + u"/build/Dockerfile.prod"_qs),
                 qPrintable(missing.error().toString()));
        const Result<DockerBuildContext> outside = listDockerBuildContext(dir.path(), u"../x"_qs);
        QVERIFY(!outside.ok());
        QVERIFY(outside.error().message.contains(u"outside the build context"_qs));
        const Result<DockerBuildContext> noFolder =
            listDockerBuildContext(dir.path() + u"/absent"_qs);
        QVERIFY(!noFolder.ok());
        QVERIFY(noFolder.error().message.contains(dir.path() + u"/absent"_qs));
    }

    void writesATarThatGnuTarReads()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString source = dir.filePath(u"ctx"_qs);
        const QString longName = QString(120, u'n') + u".txt"_qs; // beyond ustar's 100 in one part
        const QString longPath = u"p/"_qs + QString(150, u'q') + u"/x/"_qs + QString(110, u'r');
        QVERIFY(writeFile(source + u"/Dockerfile"_qs, "FROM busybox:local\n"));
        QVERIFY(writeFile(source + u"/run.sh"_qs, "#!/bin/sh\necho run\n"));
        QVERIFY(writeFile(source + u'/' + longName, "long\n"));
        QVERIFY(writeFile(source + u'/' + longPath, QByteArray(1500, 'z')));
        QVERIFY(writeFile(source + u"/é/ünïcode.txt"_qs, "unicode\n"));
        QVERIFY(writeFile(source + u"/empty"_qs, {}));
        QVERIFY(QFile::setPermissions(source + u"/run.sh"_qs,
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                          QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                          QFile::ExeOther));
        QVERIFY(QFile::link(QString(130, u't'), source + u"/dangling"_qs));
        {
            QFile script(source + u"/run.sh"_qs);
            QVERIFY(script.open(QIODevice::ReadWrite));
            QVERIFY(script.setFileTime(QDateTime(QDate(2001, 2, 3), QTime(4, 5, 6), Qt::UTC),
                                       QFileDevice::FileModificationTime));
        }

        const Result<DockerBuildContext> context = listDockerBuildContext(source);
        QVERIFY(context.ok());
        TarStream stream(context->entries);
        const QByteArray archive = readAll(stream, 777); // an odd size cuts headers anywhere
        QVERIFY2(stream.errorString().isEmpty(), qPrintable(stream.errorString()));
        QVERIFY(stream.atEnd());
        QCOMPARE(archive.size() % 512, 0);
        QVERIFY(archive.endsWith(QByteArray(1024, '\0')));
        QCOMPARE(stream.bytesRead(), archive.size());

        const QString archivePath = dir.filePath(u"context.tar"_qs);
        QVERIFY(writeFile(archivePath, archive));
        QString errors;
        const QString listing = gnuTar({u"-tvf"_qs, archivePath, u"--utc"_qs}, &errors);
        QVERIFY2(!listing.isEmpty() && errors.isEmpty(), qPrintable(errors));
        static const QRegularExpression script(
            QStringLiteral("^-rwxr-xr-x 0/0 +19 2001-02-03 04:05 run\\.sh$"),
            QRegularExpression::MultilineOption);
        QVERIFY2(script.match(listing).hasMatch(), qPrintable(listing));
        QVERIFY2(listing.contains(u"dangling -> "_qs + QString(130, u't')), qPrintable(listing));
        QVERIFY2(listing.contains(longName), qPrintable(listing));

        const QString extracted = dir.filePath(u"out"_qs);
        QDir().mkpath(extracted);
        QVERIFY(!gnuTar({u"-xvf"_qs, archivePath, u"-C"_qs, extracted}, &errors).isEmpty());
        for (const QString& path : {u"Dockerfile"_qs, u"run.sh"_qs, longName, longPath,
                                    u"é/ünïcode.txt"_qs, u"empty"_qs}) {
            QFile original(source + u'/' + path);
            QFile copy(extracted + u'/' + path);
            QVERIFY2(original.open(QIODevice::ReadOnly) && copy.open(QIODevice::ReadOnly),
                     qPrintable(path));
            QCOMPARE(copy.readAll(), original.readAll());
        }
        QVERIFY(QFileInfo(extracted + u"/run.sh"_qs).isExecutable());
        QCOMPARE(QFileInfo(extracted + u"/run.sh"_qs).lastModified().toUTC(),
                 QDateTime(QDate(2001, 2, 3), QTime(4, 5, 6), Qt::UTC));
    }

    void headersFollowUstar()
    {
        TarEntry entry;
        entry.name = u"a/"_qs + QString(110, u'b') + u"/c.txt"_qs; // splits into prefix and name
        entry.size = 5;
        entry.mode = 0640;
        entry.mtime = 1000000000;
        const QByteArray header = tarHeader(entry);
        QCOMPARE(header.size(), 512);
        QCOMPARE(header.mid(257, 8), QByteArray("ustar\0"
                                                "00",
                                                8));
        QCOMPARE(header.left(6), QByteArray("c.txt\0", 6));
        QCOMPARE(header.mid(345, 112), (u"a/"_qs + QString(110, u'b')).toLatin1());
        QCOMPARE(header.mid(100, 8), QByteArray("0000640\0", 8));
        QCOMPARE(header.mid(124, 12), QByteArray("00000000005\0", 12));
        quint32 sum = 0;
        for (qsizetype i = 0; i < header.size(); ++i)
            sum += (i >= 148 && i < 156) ? quint32(' ') : quint8(header.at(i));
        QCOMPARE(header.mid(148, 6).toUInt(nullptr, 8), sum);

        entry.name = u"ünïcode"_qs;
        const QByteArray pax = tarHeader(entry);
        QCOMPARE(pax.size(), 1536); // pax header, its records, the ustar header
        QCOMPARE(pax.at(156), 'x');
        QVERIFY(
            pax.mid(512, 512).startsWith(QByteArray("18 path=" + u"ünïcode"_qs.toUtf8() + '\n')));
    }

    void streamsAHugeFileInFlatMemory()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeFile(dir.filePath(u"Dockerfile"_qs), "FROM busybox:local\n"));
        constexpr qint64 kSize = 400LL * 1024 * 1024;
        {
            QFile big(dir.filePath(u"big.bin"_qs));
            QVERIFY(big.open(QIODevice::WriteOnly));
            QVERIFY(big.resize(kSize)); // sparse: quick to write and to read
        }
        const Result<DockerBuildContext> context = listDockerBuildContext(dir.path());
        QVERIFY(context.ok());
        QCOMPARE(context->fileBytes, kSize + 19);

        resetPeakResident();
        const qint64 peakBefore = peakResidentKiB();
        TarStream stream(context->entries);
        QByteArray buffer(512 * 1024, '\0');
        qint64 total = 0;
        QElapsedTimer timer;
        timer.start();
        for (qint64 n = stream.read(buffer.data(), buffer.size()); n > 0;
             n = stream.read(buffer.data(), buffer.size()))
            total += n;
        const qint64 elapsed = qMax<qint64>(1, timer.elapsed());
        const qint64 growthKiB = peakResidentKiB() - peakBefore;
        qInfo("streamed %lld MB of tar in %lld ms; peak resident memory grew by %lld KiB",
              total / (1024 * 1024), elapsed, growthKiB);
        QVERIFY(stream.errorString().isEmpty());
        QCOMPARE(total, 512 + 512 + 512 + kSize + 1024); // headers, Dockerfile, big.bin, end
        QVERIFY2(growthKiB < 32 * 1024, qPrintable(QString::number(growthKiB)));
    }

    void failsWhenAFileShrinksWhileSent()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeFile(dir.filePath(u"Dockerfile"_qs), "FROM busybox:local\n"));
        QVERIFY(writeFile(dir.filePath(u"data"_qs), QByteArray(100000, 'x')));
        const Result<DockerBuildContext> context = listDockerBuildContext(dir.path());
        QVERIFY(context.ok());
        TarStream stream(context->entries);
        QByteArray buffer(2048, '\0');
        QVERIFY(stream.read(buffer.data(), buffer.size()) > 0); // into data's content
        QVERIFY(QFile::resize(dir.filePath(u"data"_qs), 10));
        qint64 n = 0;
        while ((n = stream.read(buffer.data(), buffer.size())) > 0) {
        }
        QCOMPARE(n, -1);
        QVERIFY2(stream.errorString().contains(dir.filePath(u"data"_qs)),
                 qPrintable(stream.errorString()));
    }

    void decodesTheBuildAnswer()
    {
        DockerBuildOutput output;
        QCOMPARE(output.feed(R"({"stream":"Step 1/2 : FROM busybox:local\n"})"),
                 QStringList{u"Step 1/2 : FROM busybox:local"_qs});
        QCOMPARE(output.feed(R"({"stream":" ---\u003e 0123"})"), QStringList());
        QCOMPARE(output.feed(R"({"stream":"abcd\nStep 2/2 : RUN true\n"})"),
                 QStringList({u" ---> 0123abcd"_qs, u"Step 2/2 : RUN true"_qs}));
        QCOMPARE(output.feed(R"({"status":"Downloading","progress":"[==>  ] 1MB/4MB","id":"a1"})"),
                 QStringList{u"a1: Downloading [==>  ] 1MB/4MB"_qs});
        QCOMPARE(output.feed(R"({"stream":"Successfully built 89abcdef0123\n"})"),
                 QStringList{u"Successfully built 89abcdef0123"_qs});
        QCOMPARE(output.imageId(), u"89abcdef0123"_qs);
        QVERIFY(output.feed(R"({"aux":{"ID":"sha256:89abcdef01234567"}})").isEmpty());
        QCOMPARE(output.imageId(), u"sha256:89abcdef01234567"_qs);
        QCOMPARE(output.feed(R"({"stream":"no newline at the end"})"), QStringList());
        QCOMPARE(output.flush(), QStringList{u"no newline at the end"_qs});
        QVERIFY(output.error().isEmpty());

        DockerBuildOutput failed;
        QVERIFY(failed
                    .feed(R"({"errorDetail":{"code":3,"message":"The command '/bin/sh -c exit 3' )"
                          R"(returned a non-zero code: 3"},"error":"short"})")
                    .isEmpty());
        QCOMPARE(failed.error(), u"The command '/bin/sh -c exit 3' returned a non-zero code: 3"_qs);
        DockerBuildOutput plain;
        plain.feed(R"({"error":"only the short form"})");
        QCOMPARE(plain.error(), u"only the short form"_qs);
    }

    void asksForWhatTheRequestSays()
    {
        DockerBuildRequest request;
        request.tags = {u"app:1"_qs, u" "_qs, u"registry.local/app:latest"_qs};
        request.buildArgs = {{u"VERSION"_qs, u"1.2 & more"_qs}};
        request.noCache = true;
        request.networkMode = u"none"_qs;
        const QString path = DockerImageBuilder::pathAndQuery(request, u"docker/Dockerfile"_qs);
        const QUrl url(u"http://localhost"_qs + path);
        QCOMPARE(url.path(), u"/build"_qs);
        const QString query = url.query(QUrl::FullyDecoded);
        QVERIFY2(query.contains(u"dockerfile=docker/Dockerfile"_qs), qPrintable(query));
        QVERIFY2(path.contains(u"&t=app%3A1&t=registry.local%2Fapp%3Alatest&"_qs),
                 qPrintable(path));
        QVERIFY2(query.contains(u"nocache=1"_qs) && query.contains(u"networkmode=none"_qs),
                 qPrintable(query));
        const QString args = path.section(u"buildargs="_qs, 1).section(u'&', 0, 0);
        QCOMPARE(QJsonDocument::fromJson(QUrl::fromPercentEncoding(args.toLatin1()).toUtf8())
                     .object()
                     .value(u"VERSION"_qs)
                     .toString(),
                 u"1.2 & more"_qs);
    }
};

QTEST_GUILESS_MAIN(TestDockerIgnore)
#include "tst_dockerignore.moc"
