// The real Prometheus and Alertmanager for tests: Debian's `prometheus` and
// `prometheus-alertmanager` started on free loopback ports with their own data folders, a 1 s
// scrape and evaluation interval, scraping the targets a test names and a small exporter of the
// tests' own, and alert rules the test writes; Prometheus sends its alerts to the Alertmanager.
// Everything is stopped by pid when the object goes. Starting takes a few seconds: a test
// program makes one stack (in initTestCase) and shares it between its tests.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

class QProcess;

namespace launchdeck::test {

class MetricsExporter;

struct MonitoringStackOptions
{
    bool alertmanager = true;
    // host:port targets scraped as job "targets" besides the exporter (job "exporter"), e.g.
    // HAProxy's exporter; more can be added later with setTargets().
    QStringList targets;
    // Alert rules, the text of a Prometheus rule file ("groups: …"); empty: none.
    QByteArray rules;
    // The "route:"/"receivers:" part of Alertmanager's configuration, replacing the default: one
    // receiver "default" that sends nowhere, group_wait 1s, group_interval 1s,
    // repeat_interval 1m, grouped by alertname.
    QByteArray alertmanagerRoute;
};

class MonitoringStack final
{
public:
    explicit MonitoringStack(MonitoringStackOptions options = {});
    ~MonitoringStack();
    MonitoringStack(const MonitoringStack&) = delete;
    MonitoringStack& operator=(const MonitoringStack&) = delete;

    // Starts the exporter, Alertmanager (when asked) and Prometheus, and returns once both
    // answer /-/ready; on failure says why (with the tail of the server's output) and leaves
    // nothing running.
    bool start(QString* error = nullptr);
    void stop();

    QString prometheusUrl() const;   // http://127.0.0.1:PORT
    QString alertmanagerUrl() const; // empty without one
    quint16 prometheusPort() const { return m_prometheusPort; }
    quint16 alertmanagerPort() const { return m_alertmanagerPort; }
    // host:port of the tests' exporter, as Prometheus labels it (instance="…").
    QString exporterTarget() const;
    bool isPrometheusRunning() const;

    // Kills Prometheus (SIGKILL) and starts it again on the same port and data folder.
    void killPrometheus();
    bool restartPrometheus(QString* error = nullptr);

    // Rewrites the scrape targets or the rules and makes Prometheus reload them (POST
    // /-/reload, started with --web.enable-lifecycle). A rule file Prometheus refuses fails with
    // its reason. While Prometheus is killed the files are only written: the restart reads them.
    bool setTargets(const QStringList& targets, QString* error = nullptr);
    bool setRules(const QByteArray& rules, QString* error = nullptr);

    // The tests' own exporter: sets a gauge `launchdeck_test_value{name="…"}` it serves at
    // /metrics, scraped every second.
    void setGauge(const QString& name, double value);

    // Waits until Prometheus has scraped every target at least once (up == 1 for all).
    bool waitForTargetsUp(int timeoutMs, QString* error = nullptr);

    // The last errors the servers logged (the last lines when none), for a failure message.
    QString prometheusLogTail() const;
    QString alertmanagerLogTail() const;

private:
    bool writeConfig(QString* error);
    bool startPrometheus(QString* error);
    bool startAlertmanager(QString* error);
    bool reload(QString* error);

    MonitoringStackOptions m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<MetricsExporter> m_exporter;
    std::unique_ptr<QProcess> m_prometheus;
    std::unique_ptr<QProcess> m_alertmanager;
    quint16 m_prometheusPort = 0;
    quint16 m_alertmanagerPort = 0;
};

} // namespace launchdeck::test
