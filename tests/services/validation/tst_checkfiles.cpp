// Tests of checkFiles(), the folder validation of `launchdeck validate`: files checked in
// parallel give what checking them one after the other gives, in the order of the files, and a
// malformed file among them is still reported at its file and line.
#include "validation/checkfiles.h"
#include "validation/textfile.h"
#include "validation/validator.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace launchdeck;

namespace {

// Enough files that every thread of the pool takes several, of every outcome: clean, with
// findings, malformed, a document that never ends.
QByteArray textOf(int i)
{
    switch (i % 6) {
    case 0:
        return QStringLiteral("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%1}\n"
                              "data: {a: b}\n")
            .arg(i)
            .toUtf8();
    case 1:
        return QStringLiteral("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d%1}\n"
                              "spec:\n  replicas: many\n")
            .arg(i)
            .toUtf8();
    case 2:
        return QByteArray("a: 1\nb: [\n");
    case 3:
        return QByteArray(",x");
    case 4:
        return QByteArray("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\n- a\n,");
    default:
        return QByteArray("services:\n  web:\n    image: nginx:1\n");
    }
}

} // namespace

class TestCheckFiles final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parallelKeepsFileOrder()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QStringList paths;
        for (int i = 0; i < 120; ++i) {
            const QString path =
                dir.filePath(QStringLiteral("f%1.yaml").arg(i, 3, 10, QLatin1Char('0')));
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(textOf(i));
            paths.append(path);
        }
        paths.append(dir.filePath(QStringLiteral("missing.yaml")));
        paths.append(dir.path()); // a folder named as a file

        const ValidationOptions options;
        const QList<FileCheck> checks = checkFiles(paths, options);
        QCOMPARE(checks.size(), paths.size());
        for (qsizetype i = 0; i < paths.size(); ++i) {
            const FileCheck alone = checkFile(paths[i], options);
            QCOMPARE(checks[i].kind, alone.kind);
            QCOMPARE(checks[i].documents, alone.documents);
            QCOMPARE(checks[i].diagnostics, alone.diagnostics);
            for (const Diagnostic& d : checks[i].diagnostics)
                QCOMPARE(d.path, paths[i]);
        }
        QCOMPARE(checks[3].diagnostics.size(), 1);
        QCOMPARE(checks[3].diagnostics[0].rule, QStringLiteral("yaml-syntax"));
        QCOMPARE(checks[3].diagnostics[0].line, 1);
        QCOMPARE(checks[3].diagnostics[0].message,
                 QStringLiteral("unexpected ',' outside a flow collection ([…] or {…})"));
        QCOMPARE(checks[120].diagnostics.size(), 1);
        QCOMPARE(checks[120].diagnostics[0].rule, QStringLiteral("unreadable"));
        QVERIFY(checks[120].diagnostics[0].message.startsWith(u"cannot read: "));
        QCOMPARE(checks[121].diagnostics.size(), 1);
        QCOMPARE(checks[121].diagnostics[0].message, QStringLiteral("is a folder, not a file"));
    }

    // A document yaml-cpp starts without end after a manifest: the manifest was read, the file
    // is not complete, and the finding names the line of the stray comma.
    void runawayDocumentAfterManifest()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runaway.yaml"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(textOf(4));
        file.close();
        const QList<FileCheck> checks = checkFiles({path, path}, ValidationOptions{});
        QCOMPARE(checks.size(), 2);
        for (const FileCheck& check : checks) {
            const auto syntax =
                std::find_if(check.diagnostics.begin(), check.diagnostics.end(),
                             [](const Diagnostic& d) { return d.rule == u"yaml-syntax"; });
            QVERIFY(syntax != check.diagnostics.end());
            QCOMPARE(syntax->path, path);
            QCOMPARE(syntax->line, 6);
        }
        QCOMPARE(checks[0].diagnostics, checks[1].diagnostics);
    }

    void noFiles() { QVERIFY(checkFiles({}, ValidationOptions{}).isEmpty()); }

    // The reader checkFile() uses: what it read, or why not, as QFile would say it.
    void readsWholeFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.yaml"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QByteArray text = QByteArray(100'000, 'x') + "\nend\n";
        file.write(text);
        file.close();

        const TextFile read = readTextFile(path, 1'000'000);
        QCOMPARE(read.status, TextFile::Status::Read);
        QCOMPARE(read.bytes, text);
        const TextFile large = readTextFile(path, 1000);
        QCOMPARE(large.status, TextFile::Status::TooLarge);
        QCOMPARE(large.size, qint64(text.size()));
        QCOMPARE(readTextFile(dir.path(), 1000).status, TextFile::Status::Folder);

        const QString missing = dir.filePath(QStringLiteral("missing.yaml"));
        const TextFile none = readTextFile(missing, 1000);
        QCOMPARE(none.status, TextFile::Status::Unreadable);
        QFile reference(missing);
        QVERIFY(!reference.open(QIODevice::ReadOnly));
        QCOMPARE(none.error, reference.errorString());

        const QString empty = dir.filePath(QStringLiteral("empty.yaml"));
        QFile emptyFile(empty);
        QVERIFY(emptyFile.open(QIODevice::WriteOnly));
        emptyFile.close();
        const TextFile nothing = readTextFile(empty, 1000);
        QCOMPARE(nothing.status, TextFile::Status::Read);
        QVERIFY(nothing.bytes.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCheckFiles)
#include "tst_checkfiles.moc"
