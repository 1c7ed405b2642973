// One PromQL panel of Live Metrics' Dashboards view: a chart of a range query over the window
// shown, one line per series with its legend from the panel's label template, refreshed at the
// query's step while it is visible and not paused. A server that does not answer is said on the
// panel, which keeps retrying and draws again once it answers.
#pragma once

#include "promseriesstore.h"
#include "workspace/workspace.h"

#include <QColor>
#include <QHash>
#include <QPointer>
#include <QWidget>

class QIODevice;
class QTimer;

namespace launchdeck {

class MetricsChart;

namespace prometheus {
class PrometheusServer;
struct QueryAnswer;
struct ServerStatus;
} // namespace prometheus

class PromQlPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromQlPanel)

public:
    explicit PromQlPanel(DashboardPanel spec, QWidget* parent = nullptr);
    ~PromQlPanel() override;

    const DashboardPanel& spec() const { return m_spec; }

    // The server is not owned; null shows `unavailable` (why there is none) on the panel.
    void setServer(prometheus::PrometheusServer* server, const QString& unavailable = {});
    prometheus::PrometheusServer* server() const { return m_server; }
    // The query with its variables filled in; a change drops what was drawn and asks again.
    void setQuery(const QString& query);
    const QString& query() const { return m_query; }

    // The chart's title, with the variables filled in as the query's are.
    void setTitle(const QString& title);

    void setWindowMs(qint64 window);
    qint64 windowMs() const { return m_windowMs; }
    // Paused, the panel neither asks nor moves; `atMs` is where the time axis stays.
    void setPaused(bool paused, qint64 atMs);
    // Deployments and rollbacks of the pair, drawn as the container charts draw them.
    void setMarkers(const QList<MetricsMarker>& markers);

    // Asks now unless hidden, paused, without a server or with a query out; else marks the
    // panel stale, to ask as soon as it may.
    void refresh();

    MetricsChart* chart() const { return m_chart; }
    const PromSeriesStore& series() const { return m_series; }
    // Range queries sent since the panel was made, and answers taken (superseded ones aside).
    int queriesSent() const { return m_queries; }
    int answersReceived() const { return m_answers; }
    // The step of the last answer, seconds; 0 before one.
    double lastStepSeconds() const { return m_lastStep; }
    // The window and step of the last query sent.
    qint64 lastQueryWindowMs() const { return m_lastQueryWindowMs; }
    double lastQueryStepSeconds() const { return m_lastQueryStep; }
    // What the panel says over the chart: the server's failure, empty while all is well.
    QString statusText() const;

    // "panel,time,series,value" rows of the window shown.
    bool writeCsv(QIODevice* device) const;

    static constexpr int kRetryMs = 4'000;

Q_SIGNALS:
    // Every answer to the panel's own query, for the query bar's error.
    void answered(const launchdeck::prometheus::QueryAnswer& answer);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void send();
    void onAnswer(const prometheus::QueryAnswer& answer);
    void onServerStatus(const prometheus::ServerStatus& status);
    void setStatus(const QString& text);
    void updateCountdown();
    qint64 windowEnd() const;
    void redraw();
    QColor colourFor(const QString& series);

    DashboardPanel m_spec;
    QHash<QString, QColor> m_colours; // by series: a line keeps its colour as others come and go
    PromSeriesStore m_series;
    MetricsChart* m_chart;
    QTimer* m_next;      // the next refresh, armed when an answer arrives
    QTimer* m_countdown; // the retry countdown on the panel while the server is down
    QPointer<prometheus::PrometheusServer> m_server;
    QList<QMetaObject::Connection> m_serverConnections;
    QString m_unavailable;
    QString m_query;
    qint64 m_windowMs = 300'000;
    bool m_paused = false;
    qint64 m_pausedAtMs = 0;
    quint64 m_pending = 0; // the request out, 0 when none
    bool m_stale = true;   // the drawing is older than it should be
    bool m_failing = false;
    bool m_refused = false; // Prometheus rejected the query: asking again cannot help
    QString m_failure;
    qint64 m_retryAtMs = 0;
    int m_queries = 0;
    int m_answers = 0;
    double m_lastStep = 0;
    double m_lastQueryStep = 0;
    qint64 m_lastQueryWindowMs = 0;
    qint64 m_drawnEndMs = 0;
};

} // namespace launchdeck
