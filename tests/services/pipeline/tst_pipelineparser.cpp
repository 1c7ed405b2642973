// The pipeline format: strict parsing with line:column findings, and the dependency graph.
#include "pipeline/pipelinegraph.h"
#include "pipeline/pipelineparser.h"

#include <QtTest>

using namespace launchdeck;

class TestPipelineParser : public QObject
{
    Q_OBJECT

private:
    static Diagnostics errorsOf(const char* yaml)
    {
        Diagnostics out;
        const auto pipeline =
            parsePipeline(QStringLiteral("pipelines/p.yaml"), QByteArray(yaml), out);
        if (!out.isEmpty() && pipeline)
            out.append(Diagnostic{QString(), 0, 0, Severity::High, QStringLiteral("test"),
                                  QStringLiteral("a pipeline came back despite errors")});
        return out;
    }
    static bool hasAt(const Diagnostics& out, const QString& rule, int line, int column)
    {
        for (const Diagnostic& d : out) {
            if (d.rule == rule && d.line == line && d.column == column)
                return true;
        }
        qWarning() << "findings:";
        for (const Diagnostic& d : out)
            qWarning().noquote() << formatDiagnostic(d);
        return false;
    }

private Q_SLOTS:
    void sampleParses()
    {
        Diagnostics out;
        const auto pipeline = loadPipeline(
            QStringLiteral(LAUNCHDECK_SOURCE_DIR "/resources/sample/pipelines/build.yaml"), out);
        for (const Diagnostic& d : out)
            qWarning().noquote() << formatDiagnostic(d);
        QVERIFY(pipeline);
        QVERIFY(out.isEmpty());
        QCOMPARE(pipeline->name, QStringLiteral("build"));
        QVERIFY(pipeline->secrets.contains(QStringLiteral("REGISTRY_TOKEN")));
    }

    void fullStep()
    {
        Diagnostics out;
        // moc reads "//" inside raw strings as a comment, so the URLs are put in afterwards.
        QByteArray yaml = R"(name: full
env: {A: "1"}
secrets: [TOKEN]
steps:
  - name: build
    run: make
    shell: sh -e
    working_directory: src
    env: {B: two}
    timeout: 90s
    retry_count: 2
    retry_backoff: 500ms
    continue_on_error: true
    artifacts: [out/app]
  - name: smoke
    needs: [build]
    http_check: {url: "HEALTH_URL", expect_status: 204, timeout: 2s, retries: 3}
  - name: load
    needs: [smoke]
    load_test:
      url: LOAD_URL
      method: POST
      users: 5
      stages: [{duration: 10s, target: 5}, {duration: 5s, target: 0}]
      thresholds: {p95_latency: 200ms, error_rate: 1%, min_rps: 50}
  - name: check
    validate: templates/
    level: strict
  - name: notify
    when: on_failure
    run: echo failed
)";
        yaml.replace("HEALTH_URL", QByteArray(QByteArray("http:") + "//127.0.0.1:8080/health"));
        yaml.replace("LOAD_URL", QByteArray(QByteArray("http:") + "//127.0.0.1:8080/"));
        const auto pipeline = parsePipeline(QStringLiteral("p.yaml"), yaml, out);
        QVERIFY2(out.isEmpty(),
                 qPrintable(out.isEmpty() ? QString() : formatDiagnostic(out.first())));
        QVERIFY(pipeline);
        const PipelineStep& build = pipeline->steps[0];
        QCOMPARE(build.shell, (QStringList{QStringLiteral("sh"), QStringLiteral("-e")}));
        QCOMPARE(build.timeout, std::chrono::milliseconds(90'000));
        QCOMPARE(build.retryCount, 2);
        QCOMPARE(build.retryBackoff, std::chrono::milliseconds(500));
        QVERIFY(build.continueOnError);
        QCOMPARE(pipeline->steps[1].kind, StepKind::HttpCheck);
        QCOMPARE(pipeline->steps[1].httpCheck.expectStatus, 204);
        const LoadTestStep& load = pipeline->steps[2].loadTest;
        QCOMPARE(load.stages.size(), 2);
        QCOMPARE(*load.errorRate, 0.01);
        QCOMPARE(*load.minRps, 50.0);
        QCOMPARE(pipeline->steps[3].validate.level, ValidationLevel::Strict);
        QCOMPARE(pipeline->steps[4].when, WhenCondition::OnFailure);
        QCOMPARE(pipeline->steps[0].shell.size(), 2);
    }

    void defaultShell()
    {
        Diagnostics out;
        const auto pipeline =
            parsePipeline(QStringLiteral("p.yaml"), "steps:\n  - name: a\n    run: true\n", out);
        QVERIFY(pipeline);
        QCOMPARE(pipeline->steps[0].shell.join(u' '), QStringLiteral("bash -eo pipefail"));
    }

    void unknownKey()
    {
        const auto out = errorsOf("steps:\n  - name: a\n    run: x\n    retries: 2\n");
        QVERIFY(hasAt(out, QStringLiteral("unknown-key"), 4, 5));
    }

    void unknownTopLevelKey()
    {
        const auto out = errorsOf("stpes: []\nsteps:\n  - name: a\n    run: x\n");
        QVERIFY(hasAt(out, QStringLiteral("unknown-key"), 1, 1));
    }

    void unknownStepKind()
    {
        const auto out = errorsOf("steps:\n  - name: a\n    docker_build: .\n");
        QVERIFY(hasAt(out, QStringLiteral("unknown-key"), 3, 5));
        QVERIFY(hasAt(out, QStringLiteral("missing-run"), 2, 5));
    }

    void missingRun()
    {
        const auto out = errorsOf("steps:\n  - name: a\n    stage: build\n");
        QVERIFY(hasAt(out, QStringLiteral("missing-run"), 2, 5));
    }

    void twoKinds()
    {
        const auto out = errorsOf("steps:\n  - name: a\n    run: x\n    validate: templates/\n");
        QVERIFY(hasAt(out, QStringLiteral("two-kinds"), 4, 15));
    }

    void badDuration()
    {
        auto out = errorsOf("steps:\n  - name: a\n    run: x\n    timeout: 10\n");
        QVERIFY(hasAt(out, QStringLiteral("bad-duration"), 4, 14));
        out = errorsOf("steps:\n  - name: a\n    load_test: {url: 'http://h/', duration: soon}\n");
        QVERIFY(hasAt(out, QStringLiteral("bad-duration"), 3, 45));
        QCOMPARE(out.size(), 1);
    }

    void cycle()
    {
        const auto out = errorsOf("steps:\n  - name: a\n    needs: [c]\n    run: x\n  - name: b\n  "
                                  "  needs: [a]\n    run: x\n"
                                  "  - name: c\n    needs: [b]\n    run: x\n");
        QVERIFY(hasAt(out, QStringLiteral("cycle"), 3, 12));
        QVERIFY(out.first().message.contains(QStringLiteral("'a' -> 'c' -> 'b' -> 'a'")));
    }

    void selfNeed()
    {
        const auto out = errorsOf("steps:\n  - name: a\n    needs: [a]\n    run: x\n");
        QVERIFY(hasAt(out, QStringLiteral("cycle"), 3, 13));
    }

    void unknownNeed()
    {
        const auto out = errorsOf(
            "steps:\n  - name: build\n    run: x\n  - name: b\n    needs: [biuld]\n    run: x\n");
        QVERIFY(hasAt(out, QStringLiteral("unknown-step"), 5, 13));
        QVERIFY(out.first().message.contains(QStringLiteral("did you mean 'build'")));
    }

    void duplicateStepAndBadValues()
    {
        const auto out = errorsOf(
            "steps:\n  - name: a\n    run: x\n    when: sometimes\n  - name: a\n    run: y\n"
            "    shell: ''\n");
        QVERIFY(hasAt(out, QStringLiteral("bad-value"), 4, 11));
        QVERIFY(hasAt(out, QStringLiteral("duplicate"), 5, 11));
        QVERIFY(hasAt(out, QStringLiteral("bad-value"), 7, 12));
    }

    void notApplicableAndStages()
    {
        const auto out = errorsOf("stages: [build]\nsteps:\n  - name: a\n    stage: biuld\n"
                                  "    http_check: {url: 'ftp://x/'}\n    shell: sh\n");
        QVERIFY(hasAt(out, QStringLiteral("unknown-stage"), 4, 12));
        QVERIFY(hasAt(out, QStringLiteral("bad-value"), 5, 23));
        QVERIFY(hasAt(out, QStringLiteral("not-applicable"), 6, 12));
    }

    void validatePipelineReports()
    {
        Diagnostics out;
        const YamlFile file = parseYaml(QStringLiteral("p.yaml"), "steps:\n  - name: a\n", out);
        validatePipeline(file, out);
        QVERIFY(hasAt(out, QStringLiteral("missing-run"), 2, 5));
    }

    void implicitDependencies()
    {
        Diagnostics out;
        const auto pipeline = parsePipeline(QStringLiteral("p.yaml"),
                                            "stages: [build, test]\nsteps:\n"
                                            "  - {name: b1, stage: build, run: x}\n"
                                            "  - {name: b2, stage: build, run: x}\n"
                                            "  - {name: t1, stage: test, run: x}\n"
                                            "  - {name: t2, stage: test, needs: [b1], run: x}\n"
                                            "  - {name: free, run: x}\n"
                                            "  - {name: cleanup, when: always, run: x}\n",
                                            out);
        QVERIFY(pipeline);
        const auto deps = effectiveDependencies(*pipeline);
        QCOMPARE(deps[0], QList<int>{});
        QCOMPARE(deps[2], (QList<int>{0, 1}));
        QCOMPARE(deps[3], QList<int>{0});
        QCOMPARE(deps[4], QList<int>{3}); // no stage, no needs: the step listed before it
        QCOMPARE(deps[5], (QList<int>{0, 1, 2, 3, 4}));
        QCOMPARE(findCycle(deps), QList<int>{});
        auto sorted = ancestors(deps, 3);
        QCOMPARE(sorted, QList<int>{0});
    }

    void listedOrder_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QList<QList<int>>>("expected");
        using Deps = QList<QList<int>>;
        QTest::newRow("one after another")
            << QByteArray("steps:\n  - {name: build, run: x}\n  - {name: test, run: x}\n"
                          "  - {name: deploy, run: x}\n")
            << Deps{{}, {0}, {1}};
        QTest::newRow("needs: [] starts at once")
            << QByteArray("steps:\n  - {name: a, run: x}\n  - {name: b, needs: [], run: x}\n"
                          "  - {name: c, run: x}\n")
            << Deps{{}, {}, {1}};
        QTest::newRow("final steps are passed over")
            << QByteArray("steps:\n  - {name: a, run: x}\n  - {name: note, when: always, run: x}\n"
                          "  - {name: b, run: x}\n")
            << Deps{{}, {0, 2}, {0}};
        QTest::newRow("a step that needs a later one is passed over")
            << QByteArray("steps:\n  - {name: fetch, run: x}\n"
                          "  - {name: deploy, needs: [build], run: x}\n"
                          "  - {name: build, run: x}\n")
            << Deps{{}, {2}, {0}};
        QTest::newRow("a stage outside the declared ones is a label")
            << QByteArray("steps:\n  - {name: a, stage: one, run: x}\n"
                          "  - {name: b, stage: two, run: x}\n")
            << Deps{{}, {0}};
        QTest::newRow("a step without stage after staged ones")
            << QByteArray("stages: [s]\nsteps:\n  - {name: a, stage: s, run: x}\n"
                          "  - {name: b, stage: s, run: x}\n  - {name: c, run: x}\n")
            << Deps{{}, {}, {1}};
    }

    void listedOrder()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QList<QList<int>>, expected);
        Diagnostics out;
        const auto pipeline = parsePipeline(QStringLiteral("p.yaml"), yaml, out);
        QVERIFY(pipeline);
        QVERIFY(out.isEmpty());
        const auto deps = effectiveDependencies(*pipeline);
        QCOMPARE(deps, expected);
        QCOMPARE(findCycle(deps), QList<int>{});
    }
};

QTEST_GUILESS_MAIN(TestPipelineParser)
#include "tst_pipelineparser.moc"
