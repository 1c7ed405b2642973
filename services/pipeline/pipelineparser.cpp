// Parsing pipelines/*.yaml: top-level keys, steps and their kinds, then the dependency graph.
#include "pipeline/pipelineparser.h"

#include "core/yamlmapreader.h"
#include "pipeline/pipelinegraph.h"
#include "pipeline/pipelinekinds.h"

#include <QFileInfo>
#include <QHash>
#include <QProcess>

#include <algorithm>

namespace launchdeck {

using namespace pipeline_detail;

QString stepKindName(StepKind kind)
{
    switch (kind) {
    case StepKind::Run:
        return QStringLiteral("run");
    case StepKind::HttpCheck:
        return QStringLiteral("http_check");
    case StepKind::LoadTest:
        return QStringLiteral("load_test");
    case StepKind::Validate:
        return QStringLiteral("validate");
    }
    return {};
}

QString whenConditionName(WhenCondition when)
{
    switch (when) {
    case WhenCondition::OnSuccess:
        return QStringLiteral("on_success");
    case WhenCondition::OnFailure:
        return QStringLiteral("on_failure");
    case WhenCondition::Always:
        return QStringLiteral("always");
    }
    return {};
}

int Pipeline::stepIndex(QStringView stepName) const
{
    const auto it = std::find_if(steps.begin(), steps.end(),
                                 [&](const PipelineStep& s) { return s.name == stepName; });
    return it == steps.end() ? -1 : static_cast<int>(it - steps.begin());
}

namespace {

EnvList readEnv(YamlMapReader& reader, const QString& what)
{
    const YAML::Node node = reader.take("env");
    const EnvList env = reader.stringMap("env");
    if (!node.IsMap())
        return env;
    for (const auto& entry : node) {
        const QString name = yamlText(entry.first);
        if (!isEnvName(name)) {
            reader.error(
                entry.first, QStringLiteral("bad-name"),
                QStringLiteral("'%1' in env of %2 is not a variable name (letters, digits, _)")
                    .arg(name, what));
        }
    }
    return env;
}

struct StepSource
{
    YAML::Node node;
    YAML::Node nameNode;
    YAML::Node needsNode;
    QList<YAML::Node> needItems;
};

const char* const kKindKeys[] = {"run", "http_check", "load_test", "validate"};

PipelineStep readStep(const YAML::Node& node, int position, const Pipeline& pipeline,
                      StepSource& source, Diagnostics& out)
{
    PipelineStep step;
    step.line = yamlLine(node);
    step.column = yamlColumn(node);
    const QString path = pipeline.path;
    YamlMapReader reader(node, path, QStringLiteral("step %1").arg(position + 1), out);
    source.node = node;
    source.nameNode = reader.take("name");
    step.name = reader.string("name", true).value_or(QString());
    const QString what = step.name.isEmpty() ? QStringLiteral("step %1").arg(position + 1)
                                             : QStringLiteral("step '%1'").arg(step.name);
    YamlMapReader named(node, path, what, out);

    const YAML::Node stageNode = named.take("stage");
    step.stage = named.string("stage").value_or(QString());
    if (!step.stage.isEmpty() && !pipeline.stages.isEmpty() &&
        !pipeline.stages.contains(step.stage)) {
        const QString guess = closestMatch(step.stage, pipeline.stages);
        named.error(stageNode, QStringLiteral("unknown-stage"),
                    QStringLiteral("stage '%1' of %2 is not in the pipeline's stages (%3)%4")
                        .arg(step.stage, what, pipeline.stages.join(QStringLiteral(", ")),
                             guess.isEmpty() ? QString()
                                             : QStringLiteral("; did you mean '%1'?").arg(guess)));
    }

    QList<StepKind> kinds;
    for (int k = 0; k < 4; ++k) {
        if (named.has(kKindKeys[k]))
            kinds.append(static_cast<StepKind>(k));
    }
    if (kinds.isEmpty()) {
        named.error(
            node, QStringLiteral("missing-run"),
            QStringLiteral(
                "%1 has nothing to do: give it one of run, http_check, load_test or validate")
                .arg(what));
    } else if (kinds.size() > 1) {
        named.error(named.take(kKindKeys[static_cast<int>(kinds[1])]), QStringLiteral("two-kinds"),
                    QStringLiteral("%1 has both %2 and %3: a step does exactly one thing")
                        .arg(what, stepKindName(kinds[0]), stepKindName(kinds[1])));
    }
    step.kind = kinds.value(0, StepKind::Run);

    step.run = named.string("run").value_or(QString());
    if (kinds.contains(StepKind::HttpCheck))
        step.httpCheck = readHttpCheck(named.take("http_check"), path, what, out);
    if (kinds.contains(StepKind::LoadTest))
        step.loadTest = readLoadTest(named.take("load_test"), path, what, out);
    step.validate.path = named.string("validate").value_or(QString());
    if (const YAML::Node level = named.take("level"); level.IsDefined()) {
        const auto name = named.oneOf("level", {QStringLiteral("basic"), QStringLiteral("standard"),
                                                QStringLiteral("strict")});
        if (name)
            step.validate.level =
                validationLevelFromName(*name).value_or(ValidationLevel::Standard);
        if (step.kind != StepKind::Validate)
            named.error(level, QStringLiteral("not-applicable"),
                        QStringLiteral("level of %1 only applies to validate steps").arg(what));
    }

    for (const char* key : {"shell", "working_directory", "env", "artifacts"}) {
        if (named.has(key) && step.kind != StepKind::Run) {
            named.error(
                named.take(key), QStringLiteral("not-applicable"),
                QStringLiteral("%1 of %2 only applies to run steps").arg(QLatin1String(key), what));
        }
    }
    if (const YAML::Node shell = named.take("shell"); shell.IsDefined()) {
        const QStringList words = QProcess::splitCommand(named.string("shell").value_or(QString()));
        if (words.isEmpty())
            named.error(shell, QStringLiteral("bad-value"),
                        QStringLiteral("shell of %1 is empty").arg(what));
        else
            step.shell = words;
    }
    step.workingDirectory = named.string("working_directory").value_or(QString());
    step.env = readEnv(named, what);
    step.timeout = named.duration("timeout");
    step.retryCount = static_cast<int>(named.integer("retry_count", 0, 100).value_or(0));
    step.retryBackoff = named.duration("retry_backoff").value_or(step.retryBackoff);
    step.continueOnError = named.boolean("continue_on_error").value_or(false);
    step.when = static_cast<WhenCondition>(
        QStringList{QStringLiteral("on_success"), QStringLiteral("on_failure"),
                    QStringLiteral("always")}
            .indexOf(named
                         .oneOf("when", {QStringLiteral("on_success"), QStringLiteral("on_failure"),
                                         QStringLiteral("always")})
                         .value_or(QStringLiteral("on_success"))));
    step.artifacts = named.stringList("artifacts");

    source.needsNode = named.take("needs");
    if (source.needsNode.IsSequence()) {
        for (const YAML::Node& item : source.needsNode)
            source.needItems.append(item);
    }
    step.needs = named.stringList("needs");
    step.needsDeclared = source.needsNode.IsDefined();
    named.take("name");
    named.finish();
    return step;
}

void checkGraph(const Pipeline& pipeline, const QList<StepSource>& sources, Diagnostics& out)
{
    bool namesOk = true;
    for (qsizetype i = 0; i < pipeline.steps.size(); ++i) {
        const PipelineStep& step = pipeline.steps[i];
        for (qsizetype n = 0; n < step.needs.size(); ++n) {
            const QString& need = step.needs[n];
            const YAML::Node at = sources[i].needItems.value(n, sources[i].needsNode);
            const int target = pipeline.stepIndex(need);
            if (target < 0) {
                QStringList names;
                for (const PipelineStep& s : pipeline.steps)
                    names.append(s.name);
                const QString guess = closestMatch(need, names);
                out.append(diagnosticAt(
                    pipeline.path, at, Severity::High, QStringLiteral("unknown-step"),
                    QStringLiteral("step '%1' needs '%2', which is not a step of this pipeline%3")
                        .arg(step.name, need,
                             guess.isEmpty()
                                 ? QString()
                                 : QStringLiteral(" (did you mean '%1'?)").arg(guess))));
                namesOk = false;
            } else if (target == i) {
                out.append(diagnosticAt(pipeline.path, at, Severity::High, QStringLiteral("cycle"),
                                        QStringLiteral("step '%1' needs itself").arg(step.name)));
                namesOk = false;
            } else if (isFinalStep(pipeline.steps[target])) {
                out.append(diagnosticAt(
                    pipeline.path, at, Severity::High, QStringLiteral("cycle"),
                    QStringLiteral(
                        "step '%1' cannot need '%2': a step with when: %3 and no needs runs last")
                        .arg(step.name, need, whenConditionName(pipeline.steps[target].when))));
                namesOk = false;
            }
        }
    }
    if (!namesOk)
        return;
    const QList<int> cycle = findCycle(effectiveDependencies(pipeline));
    if (cycle.isEmpty())
        return;
    QStringList names;
    for (const int index : cycle)
        names.append(QStringLiteral("'%1'").arg(pipeline.steps[index].name));
    const StepSource& first = sources[cycle.first()];
    out.append(diagnosticAt(pipeline.path,
                            first.needsNode.IsDefined() ? first.needsNode : first.node,
                            Severity::High, QStringLiteral("cycle"),
                            QStringLiteral("steps wait for each other in a cycle: %1")
                                .arg(names.join(QStringLiteral(" -> ")))));
}

std::optional<Pipeline> readPipeline(const YamlFile& file, Diagnostics& out)
{
    if (!file.readable || file.documents.isEmpty())
        return std::nullopt;
    const qsizetype before = out.size();
    if (file.documents.size() > 1) {
        out.append(diagnosticAt(file.path, file.documents[1].root, Severity::High,
                                QStringLiteral("multiple-documents"),
                                QStringLiteral("a pipeline file holds one YAML document, not %1")
                                    .arg(file.documents.size())));
    }
    Pipeline pipeline;
    pipeline.path = file.path;
    YamlMapReader reader(file.documents[0].root, file.path, QStringLiteral("the pipeline"), out);
    pipeline.name = reader.string("name").value_or(QFileInfo(file.path).completeBaseName());
    pipeline.env = readEnv(reader, QStringLiteral("the pipeline"));
    const YAML::Node secretsNode = reader.take("secrets");
    pipeline.secrets = reader.stringList("secrets");
    for (qsizetype i = 0; i < pipeline.secrets.size(); ++i) {
        if (!isEnvName(pipeline.secrets[i])) {
            reader.error(secretsNode.IsSequence() ? secretsNode[i] : secretsNode,
                         QStringLiteral("bad-name"),
                         QStringLiteral("secret '%1' is not a variable name (letters, digits, _)")
                             .arg(pipeline.secrets[i]));
        }
    }
    const YAML::Node stagesNode = reader.take("stages");
    pipeline.stages = reader.stringList("stages");
    if (pipeline.stages.removeDuplicates() > 0) {
        reader.error(stagesNode, QStringLiteral("duplicate"),
                     QStringLiteral("stages of the pipeline name a stage twice"));
    }

    QList<StepSource> sources;
    const YAML::Node steps = reader.require("steps");
    if (steps.IsDefined() && (!steps.IsSequence() || steps.size() == 0)) {
        reader.error(steps, QStringLiteral("wrong-type"),
                     QStringLiteral("steps of the pipeline must be a non-empty list"));
    } else if (steps.IsDefined()) {
        QHash<QString, int> seen;
        for (const YAML::Node& node : steps) {
            StepSource source;
            PipelineStep step =
                readStep(node, static_cast<int>(pipeline.steps.size()), pipeline, source, out);
            if (!step.name.isEmpty() && seen.contains(step.name)) {
                out.append(diagnosticAt(file.path, source.nameNode, Severity::High,
                                        QStringLiteral("duplicate"),
                                        QStringLiteral("step name '%1' is already used on line %2")
                                            .arg(step.name)
                                            .arg(seen.value(step.name))));
            }
            seen.insert(step.name, step.line);
            pipeline.steps.append(step);
            sources.append(source);
        }
    }
    reader.finish();
    checkGraph(pipeline, sources, out);

    const bool failed = std::any_of(out.begin() + before, out.end(),
                                    [](const Diagnostic& d) { return isError(d.severity); });
    if (failed)
        return std::nullopt;
    return pipeline;
}

} // namespace

std::optional<Pipeline> parsePipeline(const QString& path, const QByteArray& text, Diagnostics& out)
{
    return readPipeline(parseYaml(path, text, out), out);
}

std::optional<Pipeline> loadPipeline(const QString& path, Diagnostics& out)
{
    return readPipeline(loadYamlFile(path, out), out);
}

void validatePipeline(const YamlFile& file, Diagnostics& out)
{
    readPipeline(file, out);
}

} // namespace launchdeck
