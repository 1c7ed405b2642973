// Benchmark of Kubernetes manifest validation: a generated corpus of mixed kinds, parsed only,
// then parsed and validated; prints resources per second and the ratio of the two. Each pass
// counts the resources from its own result, and a pass that saw fewer than were generated says so.
// `--yaml-cpp` reads the corpus with yaml-cpp's parser, as before libyaml's.
#include "kubemanifests.h"

#include "core/kubeobject.h"
#include "core/yamlsource.h"
#include "kubeschema/kubeschema.h"
#include "validation/validator.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <limits>

using namespace launchdeck;

namespace {

constexpr int kResources = 10'000;
constexpr int kRuns = 3;

QByteArray corpus()
{
    QByteArray text;
    for (int i = 0; i < kResources; ++i) {
        if (i > 0)
            text += "---\n";
        text += bench::kubeManifest(i);
    }
    return text;
}

struct Timing
{
    double best = std::numeric_limits<double>::max(); // seconds
    int resources = 0;                                // the fewest any run saw
    bool allRunsAlike = true;                         // every run saw as many as the first
    int runs = 0;
};

// Times `pass` once into `timing`, keeping the best; `pass` returns the resources it saw.
void timeOnce(const std::function<int()>& pass, Timing& timing)
{
    QElapsedTimer timer;
    timer.start();
    const int seen = pass();
    timing.best = std::min(timing.best, static_cast<double>(timer.nsecsElapsed()) / 1e9);
    if (timing.runs > 0 && seen != timing.resources)
        timing.allRunsAlike = false;
    timing.resources = timing.runs == 0 ? seen : std::min(timing.resources, seen);
    ++timing.runs;
}

int parseOnly(const std::string& text)
{
    return static_cast<int>(YAML::LoadAll(text).size());
}

// What the console does with a manifest file. Swap this body for another facade to measure it.
int parseAndValidate(const QByteArray& text, qsizetype& findings)
{
    Diagnostics out;
    const YamlFile file = parseYaml(QStringLiteral("corpus.yaml"), text, out);
    const QList<KubeObject> objects = kubeObjectsOf(file, out);
    for (const KubeObject& object : objects)
        validateKubeStructure(object, out);
    findings = out.size();
    return static_cast<int>(objects.size());
}

// Everything `launchdeck validate` does to a manifest file: parse, structure, semantics and the
// policy set of the level. The resources are the documents the validation read, and none when
// it did not check the file as Kubernetes manifests.
int fullValidation(const QByteArray& text, ValidationLevel level, qsizetype& findings)
{
    const FileCheck check = checkText(QStringLiteral("corpus.yaml"), text, level);
    findings = check.diagnostics.size();
    return check.kind == FileKind::Kubernetes ? check.documents : 0;
}

// The structural walk alone, over trees parsed beforehand.
int validateOnly(const QList<KubeObject>& objects)
{
    Diagnostics out;
    for (const KubeObject& object : objects)
        validateKubeStructure(object, out);
    return static_cast<int>(objects.size());
}

QString rate(int resources, double seconds)
{
    return QString::number(static_cast<qint64>(resources / seconds));
}

// A line for each pass that did not see every generated resource in each run: its rate counts
// only what it saw, but it did less work than the others.
void reportShortfall(QTextStream& cout, const char* pass, const Timing& timing)
{
    if (timing.resources != kResources)
        cout << "WARNING: " << pass << " saw " << timing.resources << " of " << kResources
             << " resources\n";
    if (!timing.allRunsAlike)
        cout << "WARNING: " << pass << " saw a different number of resources from run to run\n";
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream cout(stdout);
    if (app.arguments().contains(QStringLiteral("--yaml-cpp")))
        setYamlParserChoice(YamlParserChoice::YamlCppOnly);

    const QByteArray text = corpus();
    const std::string stdText(text.constData(), static_cast<size_t>(text.size()));
    cout << "corpus: " << kResources << " resources, " << text.size() / 1024 << " KiB of YAML\n";

    Diagnostics setup;
    const YamlFile file = parseYaml(QStringLiteral("corpus.yaml"), text, setup);
    const QList<KubeObject> objects = kubeObjectsOf(file, setup);

    // The passes alternate so that a burst of load on a shared machine hits them alike.
    Timing parse;
    Timing validate;
    Timing walk;
    Timing standard;
    Timing strict;
    qsizetype findings = 0;
    qsizetype policyFindings = 0;
    for (int run = 0; run < kRuns; ++run) {
        timeOnce([&] { return parseOnly(stdText); }, parse);
        timeOnce([&] { return parseAndValidate(text, findings); }, validate);
        timeOnce([&] { return validateOnly(objects); }, walk);
        timeOnce([&] { return fullValidation(text, ValidationLevel::Standard, policyFindings); },
                 standard);
        timeOnce([&] { return fullValidation(text, ValidationLevel::Strict, policyFindings); },
                 strict);
    }

    reportShortfall(cout, "parse-only", parse);
    reportShortfall(cout, "parse and validate", validate);
    reportShortfall(cout, "the structural walk", walk);
    reportShortfall(cout, "full validation at standard", standard);
    reportShortfall(cout, "full validation at strict", strict);
    cout << "kubernetes validation: " << validate.resources << " resources, parse-only "
         << QString::number(parse.best, 'f', 3) << " s (" << rate(parse.resources, parse.best)
         << "/s), validate " << QString::number(validate.best, 'f', 3) << " s ("
         << rate(validate.resources, validate.best) << "/s), ratio "
         << QString::number(validate.best / parse.best, 'f', 2) << '\n';
    cout << "structural walk alone: " << QString::number(walk.best, 'f', 3) << " s ("
         << rate(walk.resources, walk.best) << "/s), "
         << QString::number(walk.best / parse.best, 'f', 2) << "x of parse-only\n";
    cout << "findings in the corpus: " << findings << " (a clean corpus has none)\n";
    for (const auto& [name, timing] : {std::pair<const char*, const Timing&>{"standard", standard},
                                       std::pair<const char*, const Timing&>{"strict", strict}}) {
        cout << "full validation at " << name
             << " (structure, semantics, policies): " << timing.resources
             << " resources validated, " << QString::number(timing.best, 'f', 3) << " s ("
             << rate(timing.resources, timing.best) << "/s), ratio to parse-only "
             << QString::number(timing.best / parse.best, 'f', 2) << '\n';
    }
    cout << "policy findings at strict: " << policyFindings << '\n';
    return 0;
}
