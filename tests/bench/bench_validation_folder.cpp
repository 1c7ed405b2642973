// Benchmark of `launchdeck validate` on a folder: 10,000 manifest files of the shapes real
// repositories hold, generated into a temporary folder, validated on every core as the command
// does it, then on one core, beside a yaml-cpp parse-only pass over the same files on one core.
// Prints resources per second of each (the best of five runs, the median beside it) and their
// ratios. Every pass lists and reads the files itself. `--pass folder|single|parse` runs one pass
// alone, for a profiler; `--yaml-cpp` reads every file with yaml-cpp's parser, as before libyaml's.
#include "benchruns.h"
#include "kubemanifests.h"

#include "core/yamlsource.h"
#include "validation/checkfiles.h"
#include "validation/validator.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThreadPool>

#include <yaml-cpp/yaml.h>

#include <functional>

using namespace launchdeck;

namespace {

constexpr int kFiles = 10'000;
constexpr int kRuns = 5;

// Files in folders of a team each; every Deployment's file also holds its Service. Returns the
// bytes written.
qint64 writeFolder(const QString& root)
{
    qint64 bytes = 0;
    for (int i = 0; i < kFiles; ++i) {
        const QString folder = QStringLiteral("%1/team-%2").arg(root).arg(i % 20);
        QDir().mkpath(folder);
        QByteArray text = bench::kubeManifest(i);
        if (i % 6 == 0)
            text += "---\n" + bench::kubeService(i);
        QFile file(
            QStringLiteral("%1/resource-%2.yaml").arg(folder).arg(i, 5, 10, QLatin1Char('0')));
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
            qFatal("cannot write the benchmark's manifests");
        bytes += text.size();
    }
    return bytes;
}

struct Outcome
{
    int resources = 0; // documents of the files checked as Kubernetes manifests
    qsizetype findings = 0;
    QList<FileCheck> checks;
};

Outcome outcomeOf(QList<FileCheck> checks)
{
    Outcome outcome;
    for (const FileCheck& check : checks) {
        if (check.kind == FileKind::Kubernetes)
            outcome.resources += check.documents;
        outcome.findings += check.diagnostics.size();
    }
    outcome.checks = std::move(checks);
    return outcome;
}

// What `launchdeck validate FOLDER` does: list, then check on every core.
Outcome validateFolder(const QString& root, const ValidationOptions& options)
{
    return outcomeOf(checkFiles(validationTargets(root), options));
}

// The same work on the calling thread alone.
Outcome validateOnOneCore(const QString& root, const ValidationOptions& options)
{
    QList<FileCheck> checks;
    for (const QString& path : validationTargets(root))
        checks.append(checkFile(path, options));
    return outcomeOf(std::move(checks));
}

// The reference: each file read and given to yaml-cpp's loader, nothing checked.
Outcome parseOnly(const QString& root)
{
    Outcome outcome;
    for (const QString& path : validationTargets(root)) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = file.readAll();
        outcome.resources += static_cast<int>(
            YAML::LoadAll(std::string(text.constData(), static_cast<size_t>(text.size()))).size());
    }
    return outcome;
}

bool sameChecks(const QList<FileCheck>& a, const QList<FileCheck>& b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].kind != b[i].kind || a[i].documents != b[i].documents ||
            a[i].diagnostics != b[i].diagnostics)
            return false;
    }
    return true;
}

struct Pass
{
    const char* name;
    std::function<Outcome()> run;
    bench::Runs seconds;
    Outcome last;
};

// The best run: on a shared machine the other runs measure the neighbours as well.
QString perSecond(const Pass& pass)
{
    return QString::number(static_cast<qint64>(pass.last.resources / pass.seconds.min()));
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream cout(stdout);
    const QStringList args = app.arguments();
    const qsizetype passArg = args.indexOf(QStringLiteral("--pass"));
    const QString only = passArg >= 0 && passArg + 1 < args.size() ? args[passArg + 1] : QString();
    if (args.contains(QStringLiteral("--yaml-cpp")))
        setYamlParserChoice(YamlParserChoice::YamlCppOnly);

    QTemporaryDir dir;
    if (!dir.isValid())
        qFatal("cannot create a temporary folder");
    const qint64 bytes = writeFolder(dir.path());
    const ValidationOptions options; // the standard level, the newest Kubernetes release
    cout << "folder: " << kFiles << " files, " << bytes / 1024 << " KiB of YAML, "
         << QThreadPool::globalInstance()->maxThreadCount() << " threads\n";

    Pass folder{"folder", [&] { return validateFolder(dir.path(), options); }, {}, {}};
    Pass single{"single", [&] { return validateOnOneCore(dir.path(), options); }, {}, {}};
    Pass parse{"parse", [&] { return parseOnly(dir.path()); }, {}, {}};
    // The passes alternate so that a burst of load on a shared machine hits them alike.
    for (int run = 0; run < kRuns; ++run) {
        for (Pass* pass : {&folder, &single, &parse}) {
            if (!only.isEmpty() && only != QLatin1String(pass->name))
                continue;
            QElapsedTimer timer;
            timer.start();
            pass->last = pass->run();
            pass->seconds.add(static_cast<double>(timer.nsecsElapsed()) / 1e9);
        }
    }
    if (!only.isEmpty())
        return 0;

    if (!sameChecks(folder.last.checks, single.last.checks))
        cout << "WARNING: the folder's findings on every core differ from those on one core\n";
    if (folder.last.resources != parse.last.resources)
        cout << "WARNING: validation read " << folder.last.resources << " resources, yaml-cpp "
             << parse.last.resources << '\n';
    const auto line = [&](const char* what, const Pass& pass) {
        cout << what << ": " << pass.last.resources << " resources, "
             << QString::number(pass.seconds.min(), 'f', 3) << " s (" << perSecond(pass)
             << "/s; best of " << pass.seconds.count() << ", median "
             << QString::number(pass.seconds.median(), 'f', 3) << " s)\n";
    };
    line("folder validation, all cores (launchdeck validate)", folder);
    line("full validation, one core", single);
    line("yaml-cpp parse-only, one core", parse);
    const auto ratio = [](const Pass& a, const Pass& b) {
        return QString::number(bench::ratio(a.seconds.min(), b.seconds.min()), 'f', 2);
    };
    cout << "ratios of the best runs: one core full validation to parse-only "
         << ratio(single, parse) << ", all cores to parse-only " << ratio(folder, parse)
         << ", all cores to one core " << ratio(folder, single) << '\n';
    cout << "findings in the folder: " << folder.last.findings << '\n';
    return 0;
}
