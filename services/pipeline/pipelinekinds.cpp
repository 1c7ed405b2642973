// Reading the built-in step kinds: HTTP smoke checks and load tests with thresholds.
#include "pipeline/pipelinekinds.h"

#include "core/yamlsource.h"

#include <QUrl>

namespace launchdeck::pipeline_detail {

namespace {

QString readUrl(YamlMapReader& reader, const QString& what)
{
    const YAML::Node node = reader.take("url");
    const auto text = reader.string("url", true);
    if (!text)
        return {};
    const QUrl url(*text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
        url.host().isEmpty()) {
        reader.error(node, QStringLiteral("bad-value"),
                     QStringLiteral("url of %1 must be an http:// or https:// URL, not '%2'")
                         .arg(what, *text));
    }
    return *text;
}

} // namespace

bool isEnvName(const QString& name)
{
    if (name.isEmpty() || name[0].isDigit())
        return false;
    for (const QChar c : name) {
        if (!(c == u'_' || (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') ||
              (c >= u'0' && c <= u'9')))
            return false;
    }
    return true;
}

std::optional<double> readNumber(const YAML::Node& node, const QString& path, const QString& what,
                                 bool percent, Diagnostics& out)
{
    if (node.IsScalar()) {
        QString text = yamlText(node).trimmed();
        double scale = 1.0;
        if (percent && text.endsWith(u'%')) {
            text.chop(1);
            scale = 0.01;
        }
        bool ok = false;
        const double value = text.toDouble(&ok);
        if (ok && value >= 0)
            return value * scale;
    }
    out.append(diagnosticAt(path, node, Severity::High, QStringLiteral("wrong-type"),
                            QStringLiteral("%1 must be a non-negative number%2, not '%3'")
                                .arg(what, percent ? QStringLiteral(" or a percentage") : QString(),
                                     node.IsScalar() ? yamlText(node) : yamlKindName(node))));
    return std::nullopt;
}

HttpCheckStep readHttpCheck(const YAML::Node& node, const QString& path, const QString& what,
                            Diagnostics& out)
{
    HttpCheckStep check;
    YamlMapReader reader(node, path, QStringLiteral("http_check of ") + what, out);
    check.url = readUrl(reader, QStringLiteral("http_check of ") + what);
    check.expectStatus = static_cast<int>(reader.integer("expect_status", 100, 599).value_or(200));
    check.timeout = reader.duration("timeout").value_or(check.timeout);
    check.retries = static_cast<int>(reader.integer("retries", 0, 100).value_or(0));
    reader.finish();
    return check;
}

LoadTestStep readLoadTest(const YAML::Node& node, const QString& path, const QString& what,
                          Diagnostics& out)
{
    LoadTestStep test;
    const QString name = QStringLiteral("load_test of ") + what;
    YamlMapReader reader(node, path, name, out);
    test.url = readUrl(reader, name);
    test.method = reader
                      .oneOf("method", {QStringLiteral("GET"), QStringLiteral("POST"),
                                        QStringLiteral("PUT"), QStringLiteral("PATCH"),
                                        QStringLiteral("DELETE"), QStringLiteral("HEAD")})
                      .value_or(test.method);
    test.users = static_cast<int>(reader.integer("users", 1, 100'000).value_or(test.users));
    const bool hasDuration = reader.has("duration");
    test.duration = reader.duration("duration");
    if (const YAML::Node stages = reader.take("stages"); stages.IsDefined()) {
        if (!stages.IsSequence() || stages.size() == 0) {
            reader.error(stages, QStringLiteral("wrong-type"),
                         QStringLiteral("stages of %1 must be a non-empty list").arg(name));
        } else {
            for (const YAML::Node& item : stages) {
                YamlMapReader stageReader(item, path, QStringLiteral("a stage of ") + name, out);
                LoadStage stage;
                stage.duration = stageReader.duration("duration", true).value_or(stage.duration);
                stage.target =
                    static_cast<int>(stageReader.integer("target", 0, 100'000, true).value_or(0));
                stageReader.finish();
                test.stages.append(stage);
            }
        }
        if (hasDuration) {
            reader.error(stages, QStringLiteral("conflicting-keys"),
                         QStringLiteral("%1 has both duration and stages: give one").arg(name));
        }
    } else if (!hasDuration && reader.isMap()) {
        reader.error(node, QStringLiteral("missing-field"),
                     QStringLiteral("%1 needs a duration or ramp stages").arg(name));
    }
    if (const YAML::Node thresholds = reader.take("thresholds"); thresholds.IsDefined()) {
        const QString thresholdsName = QStringLiteral("thresholds of ") + name;
        YamlMapReader limits(thresholds, path, thresholdsName, out);
        test.p95Latency = limits.duration("p95_latency");
        if (const YAML::Node rate = limits.take("error_rate"); rate.IsDefined()) {
            test.errorRate = readNumber(
                rate, path, QStringLiteral("error_rate of ") + thresholdsName, true, out);
            if (test.errorRate && *test.errorRate > 1.0) {
                limits.error(
                    rate, QStringLiteral("out-of-range"),
                    QStringLiteral("error_rate of %1 must be at most 100%").arg(thresholdsName));
            }
        }
        if (const YAML::Node rps = limits.take("min_rps"); rps.IsDefined())
            test.minRps =
                readNumber(rps, path, QStringLiteral("min_rps of ") + thresholdsName, false, out);
        limits.finish();
    }
    reader.finish();
    return test;
}

} // namespace launchdeck::pipeline_detail
