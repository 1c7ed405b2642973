// Parsing an application of launchdeck.yaml: image, ports, health check, strategy, tests and
// rollback triggers (the PromQL and alert triggers are read in monitoringparser.cpp).
#include "workspace/workspaceparser.h"

#include "core/yamlsource.h"

#include <QDir>

namespace launchdeck::workspace_detail {

namespace {

const QStringList kStrategies = {QStringLiteral("recreate"), QStringLiteral("rolling"),
                                 QStringLiteral("blue-green"), QStringLiteral("canary")};
const QStringList kMetrics = {QStringLiteral("error_rate"), QStringLiteral("latency_p95"),
                              QStringLiteral("restarts"), QStringLiteral("prometheus")};

HealthCheck parseHealthCheck(const YAML::Node& node, const QString& what, const QString& path,
                             Diagnostics& out)
{
    HealthCheck check;
    YamlMapReader reader(node, path, what, out);
    check.httpPath = reader.string("http").value_or(QString());
    check.command = reader.stringList("command");
    check.port = static_cast<int>(reader.integer("port", 1, 65535).value_or(0));
    check.interval = reader.duration("interval").value_or(check.interval);
    check.timeout = reader.duration("timeout").value_or(check.timeout);
    check.retries = static_cast<int>(reader.integer("retries", 1, 100).value_or(check.retries));
    check.startPeriod = reader.duration("start_period").value_or(check.startPeriod);
    if (check.httpPath.isEmpty() == check.command.isEmpty()) {
        reader.error(
            node, QStringLiteral("bad-health-check"),
            QStringLiteral("%1 needs exactly one of 'http' (a path) or 'command'").arg(what));
    } else if (!check.httpPath.isEmpty() && !check.httpPath.startsWith(u'/')) {
        reader.error(reader.take("http"), QStringLiteral("bad-value"),
                     QStringLiteral("http of %1 must be a path starting with '/'").arg(what));
    }
    reader.finish();
    return check;
}

BuildSpec parseBuild(const YAML::Node& node, const QString& app, const QString& path,
                     Diagnostics& out)
{
    BuildSpec build;
    build.line = yamlLine(node);
    const QString what = QStringLiteral("build of '%1'").arg(app);
    YamlMapReader reader(node, path, what, out);
    const YAML::Node contextNode = reader.take("context");
    build.context = reader.string("context", true).value_or(QString());
    const auto outside = [](const QString& relative) {
        return QDir::isAbsolutePath(relative) ||
               QDir::cleanPath(relative).split(u'/').first() == u"..";
    };
    if (!build.context.isEmpty() && outside(build.context))
        reader.error(contextNode, QStringLiteral("bad-value"),
                     QStringLiteral("context of %1 must be a folder inside the workspace, not '%2'")
                         .arg(what, build.context));
    const YAML::Node dockerfileNode = reader.take("dockerfile");
    build.dockerfile = reader.string("dockerfile").value_or(build.dockerfile);
    if (outside(build.dockerfile))
        reader.error(dockerfileNode, QStringLiteral("bad-value"),
                     QStringLiteral("dockerfile of %1 must be a file inside its context, not '%2'")
                         .arg(what, build.dockerfile));
    build.args = reader.stringMap("args");
    reader.finish();
    return build;
}

AnalysisTemplate parseAnalysis(const QString& name, const YAML::Node& node, const QString& path,
                               Diagnostics& out)
{
    AnalysisTemplate analysis;
    analysis.name = name;
    YamlMapReader reader(node, path, QStringLiteral("analysis '%1'").arg(name), out);
    analysis.metric = reader.oneOf("metric", kMetrics, true).value_or(QString());
    analysis.query = reader.string("query").value_or(QString());
    if (analysis.metric == u"prometheus" && analysis.query.isEmpty())
        reader.error(
            node, QStringLiteral("missing-field"),
            QStringLiteral("analysis '%1' reads Prometheus and needs a 'query'").arg(name));
    analysis.interval = reader.duration("interval").value_or(analysis.interval);
    analysis.count = static_cast<int>(reader.integer("count", 1, 10'000).value_or(1));
    const QString owner = QStringLiteral("analysis '%1'").arg(name);
    analysis.successCondition =
        readCondition(reader, "success_condition", owner).value_or(QString());
    analysis.failureCondition =
        readCondition(reader, "failure_condition", owner).value_or(QString());
    if (analysis.successCondition.isEmpty() && analysis.failureCondition.isEmpty())
        reader.error(
            node, QStringLiteral("missing-field"),
            QStringLiteral("analysis '%1' needs a success_condition or a failure_condition")
                .arg(name));
    analysis.failureLimit =
        static_cast<int>(reader.integer("failure_limit", 0, 10'000).value_or(0));
    analysis.inconclusiveLimit =
        static_cast<int>(reader.integer("inconclusive_limit", 0, 10'000).value_or(0));
    analysis.consecutiveErrorLimit =
        static_cast<int>(reader.integer("consecutive_error_limit", 0, 10'000).value_or(4));
    reader.finish();
    return analysis;
}

StrategyStep parseStep(const YAML::Node& node, const QString& path, Diagnostics& out)
{
    StrategyStep step;
    step.line = yamlLine(node);
    if (!node.IsMap() || node.size() != 1) {
        out.append(
            diagnosticAt(path, node, Severity::High, QStringLiteral("bad-step"),
                         QStringLiteral("a canary step is one of set_weight: N, pause: {...}, "
                                        "analysis: NAME")));
        return step;
    }
    YamlMapReader reader(node, path, QStringLiteral("a canary step"), out);
    if (reader.has("set_weight")) {
        step.kind = StrategyStep::Kind::SetWeight;
        step.weight = static_cast<int>(reader.integer("set_weight", 0, 100).value_or(0));
    } else if (reader.has("analysis")) {
        step.kind = StrategyStep::Kind::Analysis;
        step.analysis = reader.string("analysis").value_or(QString());
    } else if (node["pause"].IsDefined()) {
        step.kind = StrategyStep::Kind::Pause;
        const YAML::Node pause = reader.take("pause");
        if (pause.IsDefined()) {
            YamlMapReader pauseReader(pause, path, QStringLiteral("pause"), out);
            step.pause = pauseReader.duration("duration");
            pauseReader.finish();
        }
    }
    reader.finish();
    return step;
}

Strategy parseStrategy(const YAML::Node& node, const QString& app, const QString& path,
                       Diagnostics& out)
{
    Strategy strategy;
    if (node.IsScalar()) {
        YAML::Node wrapper;
        wrapper["type"] = node;
        YamlMapReader reader(wrapper, path, QStringLiteral("strategy of '%1'").arg(app), out);
        if (const auto type = reader.oneOf("type", kStrategies))
            strategy.type = static_cast<Strategy::Type>(kStrategies.indexOf(*type));
        return strategy;
    }
    YamlMapReader reader(node, path, QStringLiteral("strategy of '%1'").arg(app), out);
    if (const auto type = reader.oneOf("type", kStrategies, true))
        strategy.type = static_cast<Strategy::Type>(kStrategies.indexOf(*type));
    strategy.maxSurge = static_cast<int>(reader.integer("max_surge", 0, 1000).value_or(1));
    strategy.maxUnavailable =
        static_cast<int>(reader.integer("max_unavailable", 0, 1000).value_or(0));
    strategy.scaleDownDelay = reader.duration("scale_down_delay").value_or(strategy.scaleDownDelay);
    strategy.prePromotionAnalysis = reader.string("pre_promotion_analysis").value_or(QString());
    strategy.postPromotionAnalysis = reader.string("post_promotion_analysis").value_or(QString());
    if (const YAML::Node steps = reader.take("steps"); steps.IsDefined()) {
        if (!steps.IsSequence())
            reader.error(steps, QStringLiteral("wrong-type"),
                         QStringLiteral("steps must be a list"));
        else
            for (const YAML::Node& step : steps)
                strategy.steps.append(parseStep(step, path, out));
    }
    if (const YAML::Node analyses = reader.take("analysis"); analyses.IsDefined()) {
        if (!analyses.IsMap())
            reader.error(analyses, QStringLiteral("wrong-type"),
                         QStringLiteral("analysis must map names to analysis templates"));
        else
            for (const auto& entry : analyses)
                strategy.analyses.append(
                    parseAnalysis(yamlText(entry.first), entry.second, path, out));
    }
    if (strategy.type == Strategy::Type::Canary && strategy.steps.isEmpty())
        reader.error(node, QStringLiteral("missing-field"),
                     QStringLiteral("a canary strategy needs steps (set_weight, pause, analysis)"));
    if (strategy.type != Strategy::Type::Canary && !strategy.steps.isEmpty())
        reader.error(reader.take("steps"), QStringLiteral("bad-value"),
                     QStringLiteral("steps apply to the canary strategy only"), Severity::Medium);
    reader.finish();
    return strategy;
}

AppTest parseTest(const YAML::Node& node, const QString& app, const QString& path, Diagnostics& out)
{
    AppTest test;
    test.line = yamlLine(node);
    const QString what = QStringLiteral("a test of '%1'").arg(app);
    if (!node.IsMap() || node.size() != 1) {
        out.append(diagnosticAt(path, node, Severity::High, QStringLiteral("bad-test"),
                                QStringLiteral("%1 is one of pipeline: NAME, http_check: {...}, "
                                               "load_test: {...}")
                                    .arg(what)));
        return test;
    }
    YamlMapReader outer(node, path, what, out);
    if (outer.has("pipeline")) {
        test.kind = AppTest::Kind::Pipeline;
        test.pipeline = outer.string("pipeline").value_or(QString());
    } else {
        const bool load = outer.has("load_test");
        test.kind = load ? AppTest::Kind::LoadTest : AppTest::Kind::HttpCheck;
        const YAML::Node body = outer.take(load ? "load_test" : "http_check");
        if (body.IsDefined()) {
            YamlMapReader reader(
                body, path, load ? QStringLiteral("load_test") : QStringLiteral("http_check"), out);
            test.path = reader.string("path", true).value_or(QString());
            test.method = reader
                              .oneOf("method", {QStringLiteral("GET"), QStringLiteral("HEAD"),
                                                QStringLiteral("POST")})
                              .value_or(test.method);
            test.timeout = reader.duration("timeout").value_or(test.timeout);
            if (load) {
                test.users = static_cast<int>(reader.integer("users", 1, 10'000).value_or(10));
                test.duration = reader.duration("duration").value_or(test.duration);
                if (const YAML::Node thresholds = reader.take("thresholds");
                    thresholds.IsDefined()) {
                    YamlMapReader t(thresholds, path, QStringLiteral("thresholds"), out);
                    test.p95Latency = t.duration("p95_latency");
                    test.maxErrorRate = readFraction(t, "error_rate");
                    if (const auto rps = t.integer("min_rps", 0, 10'000'000))
                        test.minRequestsPerSecond = static_cast<double>(*rps);
                    t.finish();
                }
            } else {
                test.expectStatus =
                    static_cast<int>(reader.integer("expect_status", 100, 599).value_or(200));
                test.retries = static_cast<int>(reader.integer("retries", 0, 100).value_or(0));
            }
            reader.finish();
        }
    }
    outer.finish();
    return test;
}

} // namespace

std::optional<double> readFraction(YamlMapReader& reader, const char* key)
{
    const YAML::Node node = reader.take(key);
    const auto text = reader.string(key);
    if (!text)
        return std::nullopt;
    bool ok = false;
    double value = 0;
    if (text->endsWith(u'%'))
        value = QStringView(*text).chopped(1).toDouble(&ok) / 100.0;
    else
        value = text->toDouble(&ok);
    if (!ok || value < 0 || value > 1) {
        reader.error(node, QStringLiteral("bad-value"),
                     QStringLiteral("%1 must be a share such as 5% or 0.05, not '%2'")
                         .arg(QLatin1String(key), *text));
        return std::nullopt;
    }
    return value;
}

Application parseApplication(const QString& name, const YAML::Node& node, const QString& path,
                             Diagnostics& out)
{
    Application app;
    app.name = name;
    app.line = yamlLine(node);
    YamlMapReader reader(node, path, QStringLiteral("application '%1'").arg(name), out);
    const YAML::Node imageNode = reader.take("image");
    app.image = reader.string("image", true).value_or(QString());
    if (app.image.section(u'/', -1).contains(u':') || app.image.contains(u'@')) {
        reader.error(
            imageNode, QStringLiteral("bad-value"),
            QStringLiteral("image of '%1' names the repository only; put the tag in 'version'")
                .arg(name));
    }
    app.version = reader.string("version").value_or(QString());
    if (const YAML::Node build = reader.take("build"); build.IsDefined())
        app.build = parseBuild(build, name, path, out);
    if (const YAML::Node ports = reader.take("ports"); ports.IsDefined()) {
        if (!ports.IsSequence()) {
            reader.error(ports, QStringLiteral("wrong-type"),
                         QStringLiteral("ports must be a list like [\"8080:80\"]"));
        } else {
            for (const YAML::Node& port : ports) {
                const auto text = yamlString(port, path, QStringLiteral("a port"), out);
                const auto mapping = text ? parsePortMapping(*text) : std::nullopt;
                if (text && !mapping)
                    out.append(diagnosticAt(
                        path, port, Severity::High, QStringLiteral("invalid-port"),
                        QStringLiteral("'%1' is not a port mapping (HOST:CONTAINER, e.g. 8080:80)")
                            .arg(*text)));
                else if (mapping)
                    app.ports.append(*mapping);
            }
        }
    }
    app.env = reader.stringMap("env");
    app.secrets = reader.stringList("secrets");
    if (const YAML::Node health = reader.take("health_check"); health.IsDefined())
        app.healthCheck =
            parseHealthCheck(health, QStringLiteral("health_check of '%1'").arg(name), path, out);
    app.replicas = static_cast<int>(reader.integer("replicas", 0, 1000).value_or(1));
    if (const YAML::Node resources = reader.take("resources"); resources.IsDefined()) {
        YamlMapReader r(resources, path, QStringLiteral("resources of '%1'").arg(name), out);
        app.cpu = r.quantity("cpu");
        app.memory = r.quantity("memory");
        r.finish();
    }
    if (const YAML::Node strategy = reader.take("strategy"); strategy.IsDefined())
        app.strategy = parseStrategy(strategy, name, path, out);
    app.dependsOn = reader.stringList("depends_on");
    if (const YAML::Node tests = reader.take("tests"); tests.IsDefined()) {
        if (!tests.IsSequence())
            reader.error(tests, QStringLiteral("wrong-type"),
                         QStringLiteral("tests must be a list"));
        else
            for (const YAML::Node& test : tests)
                app.tests.append(parseTest(test, name, path, out));
    }
    if (const YAML::Node rollback = reader.take("rollback"); rollback.IsDefined()) {
        YamlMapReader r(rollback, path, QStringLiteral("rollback of '%1'").arg(name), out);
        app.rollback.automatic = r.boolean("auto").value_or(true);
        app.rollback.monitorWindow = r.duration("monitor").value_or(app.rollback.monitorWindow);
        if (const YAML::Node triggers = r.take("triggers"); triggers.IsDefined()) {
            YamlMapReader t(triggers, path, QStringLiteral("rollback triggers of '%1'").arg(name),
                            out);
            if (const auto n = t.integer("health_failures", 1, 1000))
                app.rollback.healthFailures = static_cast<int>(*n);
            app.rollback.errorRate = readFraction(t, "error_rate");
            app.rollback.latencyP95 = t.duration("latency_p95");
            if (const auto n = t.integer("restarts", 1, 1000))
                app.rollback.restarts = static_cast<int>(*n);
            app.rollback.memoryShare = readFraction(t, "memory");
            app.rollback.prometheus = readPromTriggers(t, name);
            app.rollback.alerts = readAlertNames(t, name);
            t.finish();
        }
        r.finish();
    }
    reader.finish();
    return app;
}

} // namespace launchdeck::workspace_detail
