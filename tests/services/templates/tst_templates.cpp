// Tests of infrastructure templates: parsing and its errors, variables, rendering against golden
// files, source line mapping, and validation of renders.
#include "compose/composevalidator.h"
#include "core/yamlsource.h"
#include "templates/template.h"

#include <QFile>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::templates;

namespace {

const QString samples = QStringLiteral(LAUNCHDECK_SOURCE_DIR "/resources/sample/templates/");
const QString golden = QStringLiteral(LAUNCHDECK_TEST_DATA "/templates/");

YamlFile load(const QString& path)
{
    Diagnostics out;
    YamlFile file = loadYamlFile(path, out);
    if (!out.isEmpty())
        qWarning() << formatDiagnostic(out.first());
    return file;
}

YamlFile text(const QByteArray& yaml)
{
    Diagnostics out;
    return parseYaml(QStringLiteral("t.yaml"), yaml, out);
}

QString dump(const Diagnostics& all)
{
    QStringList lines;
    for (const Diagnostic& d : all)
        lines.append(formatDiagnostic(d));
    return lines.join(u'\n');
}

// A minimal valid template; tests append resources or change a line.
QByteArray minimal(const QByteArray& variables, const QByteArray& resources)
{
    return "name: shop\nversion: 1.0.0\nprovider: kubernetes\n" + variables + "resources:\n" +
           resources;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

void composeValidator(const YamlFile& rendered, Diagnostics& out)
{
    validateCompose(rendered, ValidationLevel::Standard, out);
}

} // namespace

class TestTemplates final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void samplesParse_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<Provider>("provider");
        QTest::addColumn<int>("resources");
        QTest::newRow("kubernetes") << "web-stack.yaml" << Provider::Kubernetes << 6;
        QTest::newRow("compose") << "web-stack-compose.yaml" << Provider::DockerCompose << 5;
    }

    void samplesParse()
    {
        QFETCH(QString, file);
        QFETCH(Provider, provider);
        QFETCH(int, resources);
        const YamlFile yaml = load(samples + file);
        QVERIFY(looksLikeTemplate(yaml));
        Diagnostics out;
        const auto tmpl = parseTemplate(yaml, out);
        QVERIFY2(out.isEmpty(), qPrintable(dump(out)));
        QVERIFY(tmpl);
        QCOMPARE(tmpl->name, u"web-stack");
        QCOMPARE(tmpl->provider, provider);
        QCOMPARE(tmpl->resources.size(), resources);
        QCOMPARE(tmpl->resources.first().name, u"web");
        QCOMPARE(tmpl->resources[1].type, ResourceType::Database);
        QVERIFY(tmpl->variable(QStringLiteral("db_password"))->secret);
        Diagnostics validation;
        validateTemplate(yaml, ValidationLevel::Strict, validation, composeValidator);
        if (provider == Provider::DockerCompose)
            QVERIFY2(validation.isEmpty(), qPrintable(dump(validation)));
    }

    void looksLikeTemplateNeedsProviderAndResources()
    {
        QVERIFY(!looksLikeTemplate(text("services: {}\n")));
        QVERIFY(!looksLikeTemplate(text("provider: kubernetes\n")));
        QVERIFY(looksLikeTemplate(text("provider: kubernetes\nresources: []\n")));
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        const QByteArray web =
            "  - name: web\n    type: compute\n    configuration: {image: 'a/b:1'}\n";
        QTest::newRow("unknown top-level key")
            << QByteArray(
                   "name: shop\nversion: 1\nprovider: kubernetes\nresources: []\nvarables: {}\n")
            << "unknown-key" << 5 << 1;
        QTest::newRow("unknown configuration key")
            << minimal("",
                       "  - name: files\n    type: storage\n    configuration:\n      size: 1Gi\n"
                       "      image: x\n")
            << "unknown-key" << 9 << 7;
        QTest::newRow("undefined variable")
            << minimal("variables:\n  tag: {default: '1'}\n",
                       "  - name: web\n    type: compute\n    configuration:\n"
                       "      image: \"shop/web:${tga}\"\n")
            << "undefined-variable" << 10 << 24;
        QTest::newRow("undefined variable unquoted")
            << minimal("", "  - name: web\n    type: compute\n    configuration:\n"
                           "      image: shop/web:1\n      env:\n        A: x-${nope}-y\n")
            << "undefined-variable" << 10 << 14;
        QTest::newRow("unknown dependency")
            << minimal("", web + "    dependencies: [db]\n") << "unknown-dependency" << 8 << 20;
        QTest::newRow("dependency cycle")
            << minimal("", web + "    dependencies: [api]\n"
                                 "  - name: api\n    type: compute\n"
                                 "    configuration: {image: 'a/c:1'}\n    dependencies: [web]\n")
            << "dependency-cycle" << 12 << 20;
        QTest::newRow("self dependency")
            << minimal("", web + "    dependencies: [web]\n") << "dependency-cycle" << 8 << 20;
        QTest::newRow("duplicate resource")
            << minimal("", web + web) << "duplicate-resource" << 8 << 11;
        QTest::newRow("bad resource type")
            << minimal("", "  - name: web\n    type: computer\n    configuration: {image: x}\n")
            << "bad-value" << 6 << 11;
        QTest::newRow("missing image")
            << minimal("", "  - name: web\n    type: compute\n    configuration: {replicas: 2}\n")
            << "missing-field" << 7 << 20;
        QTest::newRow("bad variable default")
            << minimal("variables:\n  replicas: {default: two, type: integer}\n", web)
            << "wrong-type" << 5 << 23;
        QTest::newRow("typed value after substitution")
            << minimal("variables:\n  replicas: {default: many}\n",
                       "  - name: web\n    type: compute\n    configuration:\n"
                       "      image: a/b:1\n      replicas: ${replicas}\n")
            << "wrong-type" << 11 << 17;
        QTest::newRow("bad quantity")
            << minimal(
                   "",
                   "  - name: web\n    type: compute\n    configuration: {image: a, cpu: lots}\n")
            << "bad-quantity" << 7 << 36;
        QTest::newRow("secret outside env")
            << minimal("variables:\n  key: {secret: true}\n",
                       "  - name: web\n    type: compute\n    configuration: {image: 'a/${key}'}\n")
            << "secret-variable" << 9 << 31;
        QTest::newRow("secret with default")
            << minimal("variables:\n  key: {secret: true, default: x}\n", web) << "secret-default"
            << 5 << 32;
        QTest::newRow("route to storage")
            << minimal("", "  - name: files\n    type: storage\n    configuration: {size: 1Gi}\n"
                           "  - name: edge\n    type: load_balancer\n"
                           "    configuration: {routes: [{resource: files}]}\n")
            << "wrong-resource-type" << 10 << 41;
        QTest::newRow("unterminated reference")
            << minimal("",
                       "  - name: web\n    type: compute\n    configuration: {image: 'a:${x'}\n")
            << "bad-interpolation" << 7 << 31;
        QTest::newRow("bad name") << minimal("", "  - name: Web_1\n    type: network\n")
                                  << "bad-name" << 5 << 11;
        QTest::newRow("health check needs one kind")
            << minimal("", "  - name: web\n    type: compute\n    configuration:\n      image: a\n"
                           "      health_check: {interval: 5s}\n")
            << "bad-health-check" << 9 << 21;
    }

    void errors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, rule);
        QFETCH(int, line);
        QFETCH(int, column);
        Diagnostics out;
        const auto tmpl = parseTemplate(text(yaml), out);
        QVERIFY(!tmpl);
        const auto it = std::find_if(out.begin(), out.end(),
                                     [&](const Diagnostic& d) { return d.rule == rule; });
        QVERIFY2(it != out.end(), qPrintable(dump(out)));
        QCOMPARE(it->line, line);
        QCOMPARE(it->column, column);
        QVERIFY(isError(it->severity));
    }

    void cycleNamesItsPath()
    {
        Diagnostics out;
        parseTemplate(text(minimal("", "  - {name: a, type: network, dependencies: [b]}\n"
                                       "  - {name: b, type: network, dependencies: [c]}\n"
                                       "  - {name: c, type: network, dependencies: [a]}\n")),
                      out);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out.first().message, u"dependency cycle: a -> b -> c -> a");
    }

    void unusedVariableIsALowWarning()
    {
        Diagnostics out;
        const auto tmpl = parseTemplate(
            text(minimal("variables:\n  spare: {default: x}\n", "  - {name: n, type: network}\n")),
            out);
        QVERIFY(tmpl);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out.first().rule, u"unused-variable");
        QCOMPARE(out.first().severity, Severity::Low);
        QCOMPARE(out.first().line, 5);
    }

    void renderMatchesGolden_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<RenderTarget>("target");
        QTest::addColumn<QString>("expected");
        QTest::newRow("kubernetes")
            << "web-stack.yaml" << RenderTarget::Kubernetes << "web-stack.kubernetes.yaml";
        QTest::newRow("kubernetes template to compose")
            << "web-stack.yaml" << RenderTarget::Compose << "web-stack.compose.yaml";
        QTest::newRow("compose") << "web-stack-compose.yaml" << RenderTarget::Compose
                                 << "web-stack-compose.compose.yaml";
    }

    void renderMatchesGolden()
    {
        QFETCH(QString, file);
        QFETCH(RenderTarget, target);
        QFETCH(QString, expected);
        Diagnostics out;
        const auto tmpl = parseTemplate(load(samples + file), out);
        QVERIFY(tmpl);
        const RenderResult first = renderTemplate(*tmpl, target, {}, out);
        const RenderResult second = renderTemplate(*tmpl, target, {}, out);
        QVERIFY2(out.isEmpty(), qPrintable(dump(out)));
        QCOMPARE(first.text.toUtf8(), second.text.toUtf8());
        QCOMPARE(first.sourceLines, second.sourceLines);
        QCOMPARE(first.sourceLines.size(), first.text.count(u'\n'));
        // The golden files are only ever written by tests/data/update_golden.sh, a separate
        // command run when a change to rendering is meant, so this comparison can always fail.
        const QByteArray wanted = readFile(golden + expected);
        if (first.text.toUtf8() != wanted)
            qWarning("the render differs from %s; if the change is intended, run "
                     "tests/data/update_golden.sh with the built launchdeck and review the diff",
                     qPrintable(expected));
        QCOMPARE(first.text.toUtf8(), wanted);
    }

    void composeRenderPassesComposeValidation_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("kubernetes template") << "web-stack.yaml";
        QTest::newRow("compose template") << "web-stack-compose.yaml";
    }

    void composeRenderPassesComposeValidation()
    {
        QFETCH(QString, file);
        Diagnostics out;
        const auto tmpl = parseTemplate(load(samples + file), out);
        QVERIFY(tmpl);
        const RenderResult render = renderTemplate(*tmpl, RenderTarget::Compose, {}, out);
        const YamlFile rendered =
            parseYaml(QStringLiteral("render.yaml"), render.text.toUtf8(), out);
        validateCompose(rendered, ValidationLevel::Standard, out);
        QVERIFY2(out.isEmpty(), qPrintable(dump(out)));
        validateCompose(rendered, ValidationLevel::Strict, out);
        QVERIFY2(out.isEmpty(), qPrintable(dump(out)));
    }

    void overridesAndSecrets()
    {
        Diagnostics out;
        const auto tmpl = parseTemplate(load(samples + QStringLiteral("web-stack.yaml")), out);
        QVERIFY(tmpl);
        const QHash<QString, QString> overrides{
            {QStringLiteral("image_tag"), QStringLiteral("1.5.0")},
            {QStringLiteral("replicas"), QStringLiteral("3")}};
        const RenderResult k8s = renderTemplate(*tmpl, RenderTarget::Kubernetes, overrides, out);
        QVERIFY2(out.isEmpty(), qPrintable(dump(out)));
        QVERIFY(k8s.text.contains(u"image: registry.example.com/shop/web:1.5.0\n"));
        QVERIFY(k8s.text.contains(u"  replicas: 3\n"));
        QVERIFY(k8s.text.contains(u"key: db_password\n"));
        const RenderResult compose = renderTemplate(*tmpl, RenderTarget::Compose, overrides, out);
        QVERIFY(compose.text.contains(u"DATABASE_PASSWORD: \"${DB_PASSWORD}\"\n"));

        const RenderResult bad =
            renderTemplate(*tmpl, RenderTarget::Kubernetes,
                           {{QStringLiteral("replicas"), QStringLiteral("many")}}, out);
        QVERIFY(bad.text.isEmpty());
        QCOMPARE(out.size(), 2); // the override itself, and the value it fed
        QCOMPARE(out[0].rule, u"wrong-type");
        QCOMPARE(out[0].line, 13);
        QCOMPARE(out[1].line, 30);
    }

    void escapesDefaultsAndMixedSecrets()
    {
        const QByteArray yaml =
            minimal("variables:\n  region: {}\n  token: {secret: true}\n",
                    "  - name: web\n    type: compute\n    configuration:\n      image: a/b:1\n"
                    "      env:\n        PRICE: \"$$5 in ${region:-eu}\"\n"
                    "        AUTH: \"Bearer ${token}\"\n        SHELL: \"$(date)\"\n");
        Diagnostics out;
        const auto tmpl = parseTemplate(text(yaml), out);
        QVERIFY2(tmpl && out.isEmpty(), qPrintable(dump(out)));
        const RenderResult k8s = renderTemplate(*tmpl, RenderTarget::Kubernetes, {}, out);
        QVERIFY2(out.isEmpty(), qPrintable(dump(out)));
        QVERIFY(k8s.text.contains(u"value: \"$5 in eu\"\n"));
        QVERIFY(k8s.text.contains(u"- name: SECRET_TOKEN\n"));
        QVERIFY(k8s.text.contains(u"value: \"Bearer $(SECRET_TOKEN)\"\n"));
        QVERIFY(k8s.text.contains(u"value: \"$$(date)\"\n"));
        QVERIFY(k8s.text.indexOf(u"SECRET_TOKEN\n") < k8s.text.indexOf(u"name: AUTH"));
        const RenderResult compose = renderTemplate(
            *tmpl, RenderTarget::Compose, {{QStringLiteral("region"), QStringLiteral("us")}}, out);
        QVERIFY(compose.text.contains(u"PRICE: \"$$5 in us\"\n"));
        QVERIFY(compose.text.contains(u"AUTH: \"Bearer ${TOKEN}\"\n"));
    }

    void missingValueAtRender()
    {
        Diagnostics out;
        const auto tmpl = parseTemplate(
            text(minimal(
                "variables:\n  tag: {}\n",
                "  - name: web\n    type: compute\n    configuration: {image: 'a/b:${tag}'}\n")),
            out);
        QVERIFY(tmpl);
        const RenderResult render = renderTemplate(*tmpl, RenderTarget::Kubernetes, {}, out);
        QVERIFY(render.text.isEmpty());
        QCOMPARE(out.size(), 1);
        QCOMPARE(out.first().rule, u"missing-variable");
        QCOMPARE(out.first().line, 9);
        QCOMPARE(out.first().column, 33);
    }

    void sourceLinesPointAtTheTemplate()
    {
        Diagnostics out;
        const auto tmpl = parseTemplate(load(samples + QStringLiteral("web-stack.yaml")), out);
        QVERIFY(tmpl);
        const RenderResult render = renderTemplate(*tmpl, RenderTarget::Kubernetes, {}, out);
        const QStringList lines = render.text.split(u'\n');
        const auto sourceOf = [&](const QString& needle, int from = 0) {
            for (qsizetype i = from; i < lines.size(); ++i) {
                if (lines[i].contains(needle))
                    return render.sourceLines.value(i);
            }
            return -1;
        };
        QCOMPARE(sourceOf(QStringLiteral("image: registry.example.com/shop/web")), 29);
        QCOMPARE(sourceOf(QStringLiteral("  replicas: 2")), 30);
        QCOMPARE(sourceOf(QStringLiteral("image: postgres")), 51);
        QCOMPARE(sourceOf(QStringLiteral("storage: \"5Gi\"")), 53);
        QCOMPARE(sourceOf(QStringLiteral("host: shop.staging")), 76);
        QCOMPARE(sourceOf(QStringLiteral("prometheus.io/port")), 81);
        QCOMPARE(sourceOf(QStringLiteral("kind: PersistentVolumeClaim")), 69);
        QCOMPARE(sourceOf(QStringLiteral("secretName: shop-tls")), 79);
        QCOMPARE(sourceOf(QStringLiteral("name: DATABASE_PASSWORD")), 36);
        QCOMPARE(sourceOf(QStringLiteral("apiVersion: apps/v1")), 26);
    }

    void validateMapsRenderFindingsBack()
    {
        const YamlFile file = load(samples + QStringLiteral("web-stack.yaml"));
        // A render validator of this test's own: flags every container image it sees.
        const RenderValidator flagImages = [](const YamlFile& rendered, Diagnostics& found) {
            const std::function<void(const YAML::Node&)> walk = [&](const YAML::Node& node) {
                if (node.IsMap()) {
                    for (const auto& entry : node) {
                        if (entry.first.Scalar() == "image")
                            found.append(diagnosticAt(rendered.path, entry.second, Severity::High,
                                                      QStringLiteral("image-seen"),
                                                      QStringLiteral("image here")));
                        walk(entry.second);
                    }
                } else if (node.IsSequence()) {
                    for (const YAML::Node& item : node)
                        walk(item);
                }
            };
            for (const YamlDocument& document : rendered.documents)
                walk(document.root);
        };
        Diagnostics out;
        validateTemplate(file, ValidationLevel::Standard, out, flagImages);
        QCOMPARE(out.size(), 2);
        QCOMPARE(out[0].path, file.path);
        QCOMPARE(out[0].line, 29);
        QCOMPARE(out[1].line, 51);
        QVERIFY(out[0].message.startsWith(u"image here (rendered Kubernetes, line "));

        // The real Compose validator through a template whose image is not pinned.
        const YamlFile latest =
            text("name: shop\nversion: 1.0.0\nprovider: docker_compose\nresources:\n"
                 "  - name: web\n    type: compute\n    configuration:\n      image: shop/web\n");
        Diagnostics found;
        validateTemplate(latest, ValidationLevel::Standard, found, composeValidator);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().rule, u"latest-tag");
        QCOMPARE(found.first().line, 8);
    }

    void validateReportsTemplateErrorsByLevel()
    {
        const YamlFile file =
            text(minimal("variables:\n  spare: {default: x}\n", "  - {name: n, type: network}\n"));
        Diagnostics basic;
        validateTemplate(file, ValidationLevel::Basic, basic, composeValidator);
        QVERIFY(basic.isEmpty());
        Diagnostics strict;
        validateTemplate(file, ValidationLevel::Strict, strict, composeValidator);
        QCOMPARE(strict.size(), 1);
        QCOMPARE(strict.first().rule, u"unused-variable");
    }
};

QTEST_GUILESS_MAIN(TestTemplates)
#include "tst_templates.moc"
