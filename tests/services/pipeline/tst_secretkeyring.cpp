// Pipeline secrets from a real Secret Service: the test starts its own D-Bus daemon and
// gnome-keyring-daemon in a temporary home. Keyring values reach steps and are masked everywhere,
// the environment wins over the keyring, and a missing name, a locked keyring, a keyring that
// answers nothing and one killed mid-lookup each leave a clear note in time.
#include "fakes/privatebus.h"
#include "fakes/secretservice.h"
#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"
#include "store/historystore.h"
#include "store/pipelinerecorder.h"

#include <QCryptographicHash>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDirIterator>
#include <QLibrary>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <qt6keychain/keychain.h>

using namespace launchdeck;
using launchdeck::test::SecretService;
using namespace std::chrono_literals;

namespace {

// The step shows only the length of the secret it got. Raw strings here hold no backslash and
// no "${#": moc misreads both and then loses the test class.
const QByteArray kLengthOfToken =
    "secrets: [LAUNCHDECK_KEYRING_TOKEN]\n"
    "steps:\n"
    "  - name: use\n"
    "    run: |\n"
    "      length=$(printf %s \"$LAUNCHDECK_KEYRING_TOKEN\" | wc -c)\n"
    "      echo \"length $length\"\n";

struct Outcome
{
    QList<LogLine> lines;
    QList<StepEvent> finished;
    std::optional<RunResult> result;
    qint64 elapsedMs = 0; // from start() to runFinished

    QString text() const
    {
        QStringList all;
        for (const LogLine& line : lines)
            all.append(line.text);
        return all.join(u'\n');
    }
    // Lines of the run's own log (the step is empty): the resolver's notes among them.
    QString notes() const
    {
        QStringList all;
        for (const LogLine& line : lines) {
            if (line.step.isEmpty())
                all.append(line.text);
        }
        return all.join(u'\n');
    }
    StepEvent step(const QString& name) const
    {
        for (const StepEvent& e : finished) {
            if (e.step == name)
                return e;
        }
        return {};
    }
};

QByteArray randomValue(const char* prefix)
{
    return prefix + QByteArray::number(QRandomGenerator::global()->generate64(), 36) +
           QByteArray::number(QRandomGenerator::global()->generate64(), 36);
}

QByteArray sha256(const QByteArray& value)
{
    return QCryptographicHash::hash(value, QCryptographicHash::Sha256).toHex();
}

} // namespace

class TestSecretKeyring : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    test::PrivateBus m_bus;
    SecretService m_keyring;
    bool m_keyringDisturbed = false; // frozen, locked, killed or restarted by a test
    const QByteArray m_token = randomValue("kr-");

    // A new daemon on the same keyring files. libsecret, in this process where QtKeychain's jobs
    // run, keeps what it opened with the old daemon unless told to drop it.
    bool restartKeyring(QString* error, bool dropLibsecretState)
    {
        m_keyringDisturbed = true;
        if (!m_keyring.stop(error) || !m_keyring.start(error))
            return false;
        if (dropLibsecretState) {
            QLibrary libsecret(QStringLiteral("secret-1"), 0);
            const QFunctionPointer forget = libsecret.resolve("secret_service_disconnect");
            if (!forget) {
                *error = QStringLiteral("libsecret cannot be told to drop its connection: %1")
                             .arg(libsecret.errorString());
                return false;
            }
            forget();
            m_keyringDisturbed = false;
        }
        return true;
    }

    void freezeKeyring()
    {
        m_keyring.freeze();
        m_keyringDisturbed = true;
    }

    static bool storeInKeyring(const QString& key, const QByteArray& value, QString* error)
    {
        // The service name the application's runner uses.
        QKeychain::WritePasswordJob job(RunnerOptions().keyringService);
        job.setAutoDelete(false);
        job.setKey(key);
        job.setTextData(QString::fromUtf8(value));
        QSignalSpy done(&job, &QKeychain::Job::finished);
        job.start();
        if (!done.wait(10'000)) {
            *error =
                QStringLiteral("writing %1 to the keyring did not finish within 10 s").arg(key);
            return false;
        }
        if (job.error() != QKeychain::NoError) {
            *error =
                QStringLiteral("writing %1 to the keyring failed: %2").arg(key, job.errorString());
            return false;
        }
        return true;
    }

    RunnerOptions options(std::chrono::milliseconds keyringTimeout = 1500ms) const
    {
        RunnerOptions o;
        o.dataDir = m_dir.filePath(QStringLiteral("data-") +
                                   QString::fromLatin1(QTest::currentTestFunction()));
        o.keyringTimeout = keyringTimeout;
        o.useKeyring = true;
        return o;
    }

    // Runs a pipeline to its end with a history database recording it; `started` is called once
    // the run has started (its secrets are being looked up).
    Outcome run(const RunnerOptions& runnerOptions, const QByteArray& yaml,
                const std::function<void()>& started = {})
    {
        Outcome outcome;
        HistoryStore store(runnerOptions.dataDir);
        if (!store.open().ok()) {
            qWarning() << "the history database cannot be opened in" << runnerOptions.dataDir;
            return outcome;
        }
        PipelineRunnerHost host(runnerOptions);
        PipelineRecorder recorder(&store, host.runner());
        PipelineRunner* runner = host.runner();
        QEventLoop loop;
        connect(runner, &PipelineRunner::runStarted, &loop, [&] {
            if (started)
                started();
        });
        connect(runner, &PipelineRunner::linesAvailable, &loop, [&](const LogBatch& batch) {
            for (const LogLine& line : batch)
                outcome.lines.append(line);
        });
        connect(runner, &PipelineRunner::stepFinished, &loop,
                [&](const StepEvent& e) { outcome.finished.append(e); });
        connect(runner, &PipelineRunner::runFinished, &loop, [&](const RunResult& r) {
            outcome.result = r;
            loop.quit();
        });
        Diagnostics problems;
        auto pipeline =
            parsePipeline(m_dir.filePath(QStringLiteral("pipelines/keyring.yaml")), yaml, problems);
        for (const Diagnostic& d : problems)
            qWarning().noquote() << formatDiagnostic(d);
        if (!pipeline)
            return outcome;
        RunRequest request;
        request.pipeline = *pipeline;
        request.workspace = m_dir.path();
        QElapsedTimer clock;
        clock.start();
        host.start(request);
        QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
        loop.exec();
        outcome.elapsedMs = clock.elapsed();
        if (recorder.failedWrites() != 0)
            qWarning() << recorder.failedWrites() << "history writes failed";
        return outcome;
    }

    // None of `values` in what listeners got, nor in any byte below the data folder: step and
    // run logs, the history database and its WAL.
    static void expectNowhere(const Outcome& outcome, const QString& dataDir,
                              const QList<QByteArray>& values)
    {
        const QString text = outcome.text();
        for (const QByteArray& value : values)
            QVERIFY2(!text.contains(QString::fromUtf8(value)), value.constData());
        int files = 0;
        bool database = false;
        QDirIterator it(dataDir, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
            const QByteArray bytes = file.readAll();
            for (const QByteArray& value : values)
                QVERIFY2(!bytes.contains(value), qPrintable(file.fileName()));
            database = database || bytes.startsWith("SQLite format 3");
            ++files;
        }
        QVERIFY2(files >= 3,
                 qPrintable(QStringLiteral("%1 files below %2").arg(files).arg(dataDir)));
        QVERIFY(database);
    }

    // The run went on with the token empty (its step printed "length 0"), the run's log holds
    // `note`, and the token is nowhere.
    void expectEmptyWithNote(const Outcome& outcome, const QString& dataDir, const QString& note)
    {
        QVERIFY(outcome.result);
        QCOMPARE(outcome.result->status, RunStatus::Succeeded);
        QVERIFY2(outcome.text().contains(QStringLiteral("length 0")), qPrintable(outcome.text()));
        QVERIFY2(outcome.notes().contains(note), qPrintable(outcome.notes()));
        expectNowhere(outcome, dataDir, {m_token});
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<RunInfo>();
        qRegisterMetaType<StepEvent>();
        qRegisterMetaType<LogBatch>();
        qRegisterMetaType<RunResult>();
        QVERIFY(m_dir.isValid());
        // Nothing may reach the user's keyring, desktop or docker configuration.
        QString error;
        QVERIFY2(test::startOwnKeyring(m_dir.path(), m_bus, m_keyring, &error,
                                       {"LAUNCHDECK_KEYRING_TOKEN", "LAUNCHDECK_KEYRING_BOTH",
                                        "LAUNCHDECK_KEYRING_ABSENT"}),
                 qPrintable(error));
    }

    // Every test starts with the keyring running, unlocked and holding the token.
    void init()
    {
        QString error;
        if (m_keyringDisturbed || !m_keyring.isRunning())
            QVERIFY2(restartKeyring(&error, true), qPrintable(error));
        QVERIFY2(storeInKeyring(QStringLiteral("LAUNCHDECK_KEYRING_TOKEN"), m_token, &error),
                 qPrintable(error));
    }

    void cleanupTestCase()
    {
        QString error;
        QVERIFY2(m_keyring.stop(&error), qPrintable(error));
        m_bus.stop();
    }

    void keyringValueReachesTheStepMasked()
    {
        const RunnerOptions o = options();
        const Outcome outcome = run(o, R"(secrets: [LAUNCHDECK_KEYRING_TOKEN]
steps:
  - name: use
    run: |
      hash=$(printf %s "$LAUNCHDECK_KEYRING_TOKEN" | sha256sum | cut -d' ' -f1)
      length=$(printf %s "$LAUNCHDECK_KEYRING_TOKEN" | wc -c)
      echo "length $length"
      echo "sha256 $hash"
      echo "token $LAUNCHDECK_KEYRING_TOKEN"
      echo "$LAUNCHDECK_KEYRING_TOKEN" >&2
)");
        QVERIFY(outcome.result);
        QCOMPARE(outcome.result->status, RunStatus::Succeeded);
        const QString text = outcome.text();
        QVERIFY2(outcome.notes().contains(
                     QStringLiteral("secret LAUNCHDECK_KEYRING_TOKEN taken from the keyring")),
                 qPrintable(outcome.notes()));
        QVERIFY2(text.contains(QStringLiteral("length %1").arg(m_token.size())), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("sha256 ") + QString::fromLatin1(sha256(m_token))),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("token ***")));
        QFile log(outcome.step(QStringLiteral("use")).logPath);
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY(log.readAll().contains("token ***"));
        expectNowhere(outcome, o.dataDir, {m_token});
    }

    void environmentWinsOverKeyring()
    {
        const QByteArray fromKeyring = randomValue("kr-both-");
        const QByteArray fromEnvironment = randomValue("env-both-");
        QString error;
        QVERIFY2(storeInKeyring(QStringLiteral("LAUNCHDECK_KEYRING_BOTH"), fromKeyring, &error),
                 qPrintable(error));
        qputenv("LAUNCHDECK_KEYRING_BOTH", fromEnvironment);
        const auto unset = qScopeGuard([] { qunsetenv("LAUNCHDECK_KEYRING_BOTH"); });
        const RunnerOptions o = options();
        const Outcome outcome = run(o, R"(secrets: [LAUNCHDECK_KEYRING_BOTH]
steps:
  - name: use
    run: |
      hash=$(printf %s "$LAUNCHDECK_KEYRING_BOTH" | sha256sum | cut -d' ' -f1)
      echo "sha256 $hash"
      echo "value $LAUNCHDECK_KEYRING_BOTH"
)");
        QVERIFY(outcome.result);
        QCOMPARE(outcome.result->status, RunStatus::Succeeded);
        const QString text = outcome.text();
        QVERIFY2(
            text.contains(QStringLiteral("sha256 ") + QString::fromLatin1(sha256(fromEnvironment))),
            qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("value ***")));
        QVERIFY2(outcome.notes().contains(
                     QStringLiteral("secret LAUNCHDECK_KEYRING_BOTH taken from the environment")),
                 qPrintable(outcome.notes()));
        QVERIFY(!outcome.notes().contains(QStringLiteral("keyring")));
        expectNowhere(outcome, o.dataDir, {fromEnvironment, fromKeyring});
    }

    void nameInNeitherIsNamedAndNothingLeaks()
    {
        const RunnerOptions o = options();
        const Outcome outcome =
            run(o, R"(secrets: [LAUNCHDECK_KEYRING_TOKEN, LAUNCHDECK_KEYRING_ABSENT]
steps:
  - name: check
    run: |
      echo "token $LAUNCHDECK_KEYRING_TOKEN"
      if [ -z "$LAUNCHDECK_KEYRING_ABSENT" ]; then
        echo "LAUNCHDECK_KEYRING_ABSENT is empty" >&2
        exit 4
      fi
)");
        QVERIFY(outcome.result);
        QCOMPARE(outcome.result->status, RunStatus::Failed);
        QCOMPARE(outcome.step(QStringLiteral("check")).exitCode, 4);
        const QString notes = outcome.notes();
        QVERIFY2(notes.contains(QStringLiteral("secret LAUNCHDECK_KEYRING_ABSENT is not set in the "
                                               "environment (not in the keyring either): it "
                                               "stays empty")),
                 qPrintable(notes));
        QVERIFY2(notes.contains(
                     QStringLiteral("secret LAUNCHDECK_KEYRING_TOKEN taken from the keyring")),
                 qPrintable(notes));
        QVERIFY(outcome.text().contains(QStringLiteral("LAUNCHDECK_KEYRING_ABSENT is empty")));
        QVERIFY(outcome.text().contains(QStringLiteral("token ***")));
        QVERIFY(outcome.elapsedMs < o.keyringTimeout.count());
        expectNowhere(outcome, o.dataDir, {m_token});
    }

    void lockedKeyringIsNamedInTime()
    {
        const QString collection = SecretService::defaultCollection();
        QVERIFY(!collection.isEmpty());
        const QDBusMessage lock = SecretService::call(
            QStringLiteral("/org/freedesktop/secrets"),
            QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("Lock"),
            {QVariant::fromValue(QList<QDBusObjectPath>{QDBusObjectPath(collection)})});
        QCOMPARE(lock.type(), QDBusMessage::ReplyMessage);
        m_keyringDisturbed = true;
        QCOMPARE(SecretService::collectionLocked(collection), std::optional<bool>(true));

        const RunnerOptions o = options();
        const Outcome outcome = run(o, kLengthOfToken);
        expectEmptyWithNote(outcome, o.dataDir,
                            QStringLiteral("secret LAUNCHDECK_KEYRING_TOKEN is not set in the "
                                           "environment (the keyring holds it but is locked; "
                                           "unlock the keyring and run again): it stays empty"));
        QVERIFY2(outcome.elapsedMs < o.keyringTimeout.count(),
                 qPrintable(QString::number(outcome.elapsedMs)));
    }

    void keyringThatAnswersNothingTimesOut()
    {
        freezeKeyring();
        const RunnerOptions o = options(1500ms);
        const Outcome outcome = run(o, kLengthOfToken);
        // The deadline is a coarse timer: it may fire up to 5 % early.
        expectEmptyWithNote(outcome, o.dataDir,
                            QStringLiteral("no keyring answered within 1500 ms: secret "
                                           "LAUNCHDECK_KEYRING_TOKEN is not set, it stays empty"));
        QVERIFY2(outcome.elapsedMs >= 1400 && outcome.elapsedMs < 1500 + 6000,
                 qPrintable(QString::number(outcome.elapsedMs)));
    }

    void keyringKilledMidLookup()
    {
        // Frozen first, so the lookup is surely under way when the daemon dies; the long
        // timeout shows that the answer comes from the dead daemon, not from the deadline.
        freezeKeyring();
        const RunnerOptions o = options(20s);
        QElapsedTimer sinceKill;
        const Outcome outcome = run(o, kLengthOfToken, [&] {
            QTimer::singleShot(300, this, [&] {
                m_keyring.kill();
                sinceKill.start();
            });
        });
        expectEmptyWithNote(outcome, o.dataDir,
                            QStringLiteral("secret LAUNCHDECK_KEYRING_TOKEN is not set in the "
                                           "environment (no keyring service is running): it "
                                           "stays empty"));
        QVERIFY(sinceKill.isValid());
        QVERIFY2(sinceKill.elapsed() < 5000, qPrintable(QString::number(sinceKill.elapsed())));
    }

    // The service runs but no longer knows what libsecret opened with its predecessor: the note
    // says what failed instead of claiming that no keyring runs.
    void keyringRestartedUnderTheRunner()
    {
        QString error;
        QVERIFY2(restartKeyring(&error, false), qPrintable(error));
        const RunnerOptions o = options();
        const Outcome outcome = run(o, kLengthOfToken);
        expectEmptyWithNote(outcome, o.dataDir,
                            QStringLiteral("secret LAUNCHDECK_KEYRING_TOKEN is not set in the "
                                           "environment (the keyring service failed: "));
        QVERIFY2(outcome.elapsedMs < o.keyringTimeout.count(),
                 qPrintable(QString::number(outcome.elapsedMs)));
    }
};

QTEST_GUILESS_MAIN(TestSecretKeyring)
#include "tst_secretkeyring.moc"
