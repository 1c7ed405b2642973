// libFuzzer entry for analysis conditions (successCondition / failureCondition of an analysis
// template): the input is a success condition, then optionally a NUL byte and a failure
// condition. A condition parses or fails naming a column inside it; a parsed one evaluates as the
// OR of ANDs of its terms, each term parsed on its own; a run over them keeps Argo's counts.
#include "deploy/analysis.h"
#include "fuzzsupport.h"

#include <QRegularExpression>

#include <cmath>
#include <limits>

using launchdeck::deploy::AnalysisCondition;
using launchdeck::fuzz::fail;
namespace deploy = launchdeck::deploy;

namespace {

constexpr const char* kName = "fuzz_analysis";

const double kValues[] = {
    -std::numeric_limits<double>::infinity(), -1.0, 0.0, 0.005, 0.01, 0.5, 0.95, 1.0, 100.0, 1e300,
    std::numeric_limits<double>::quiet_NaN(),
};

// The condition rebuilt from its terms: the text split at "||", then at "&&".
bool evaluateByTerms(const QString& text, double value)
{
    bool anyOf = false;
    for (const QString& group : text.split(QStringLiteral("||"))) {
        bool allOf = true;
        for (const QString& term : group.split(QStringLiteral("&&"))) {
            const auto parsed = AnalysisCondition::parse(term);
            if (!parsed || parsed->isEmpty())
                fail(kName, QStringLiteral("'%1' parsed, but not its term '%2'").arg(text, term));
            allOf = allOf && parsed->evaluate(value);
        }
        anyOf = anyOf || allOf;
    }
    return anyOf;
}

std::optional<AnalysisCondition> checkCondition(const QString& text)
{
    const auto condition = AnalysisCondition::parse(text);
    if (!condition) {
        static const QRegularExpression column(QStringLiteral("at column (\\d+)$"));
        const QRegularExpressionMatch match = column.match(condition.error().message);
        const qsizetype at = match.hasMatch() ? match.captured(1).toLongLong() : 0;
        if (at < 1 || at > text.size() + 1)
            fail(kName, QStringLiteral("an error names no column inside the condition: ") +
                            condition.error().message);
        return std::nullopt;
    }
    if (condition->text() != text || condition->isEmpty() != text.trimmed().isEmpty())
        fail(kName, QStringLiteral("the condition does not keep its text '%1'").arg(text));
    if (condition->isEmpty())
        return *condition;
    for (const double value : kValues) {
        if (condition->evaluate(value) != evaluateByTerms(text, value))
            fail(kName, QStringLiteral("'%1' at %2 disagrees with its terms").arg(text).arg(value));
    }
    return *condition;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArrayView input = launchdeck::fuzz::bytesOf(data, size);
    const qsizetype separator = input.indexOf('\0');
    launchdeck::AnalysisTemplate analysis;
    analysis.name = QStringLiteral("fuzz");
    analysis.metric = QStringLiteral("error_rate");
    analysis.count = 4;
    analysis.failureLimit = 1;
    analysis.inconclusiveLimit = 1;
    analysis.consecutiveErrorLimit = 1;
    analysis.successCondition = QString::fromUtf8(separator < 0 ? input : input.first(separator));
    if (separator >= 0)
        analysis.failureCondition = QString::fromUtf8(input.sliced(separator + 1));

    const auto success = checkCondition(analysis.successCondition);
    const auto failure = checkCondition(analysis.failureCondition);
    auto run = deploy::AnalysisRun::create(analysis);
    if (run.ok() != (success && failure && !(success->isEmpty() && failure->isEmpty())))
        fail(kName, QStringLiteral("the run was %1 for '%2' and '%3'")
                        .arg(run.ok() ? QStringLiteral("created") : QStringLiteral("refused"),
                             analysis.successCondition, analysis.failureCondition));
    if (!run)
        return 0;
    for (const double value : kValues) {
        const bool wasDone = run.value().isDone();
        run.value().measure(std::isnan(value) ? std::nullopt : std::optional<double>(value));
        const deploy::AnalysisRun& current = run.value();
        if (wasDone && !current.isDone())
            fail(kName, QStringLiteral("a finished run started again"));
        const int counted = current.successes() + current.failures() + current.inconclusives();
        if (counted > current.measurements().size() || current.consecutiveErrors() < 0)
            fail(kName, QStringLiteral("counts beyond the measurements: ") + current.summary());
        if (!current.summary().contains(deploy::analysisPhaseName(current.phase())))
            fail(kName, QStringLiteral("a summary without its phase: ") + current.summary());
    }
    return 0;
}
